//! Outgoing email. A message is written to the `outbox` table in the same transaction as
//! the change that causes it; `OutboxWorker` delivers it afterwards.
mod worker;

use sqlx::PgConnection;
use uuid::Uuid;

pub use worker::OutboxWorker;

/// A message ready to send: already rendered, in the recipient's language.
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub async fn enqueue(conn: &mut PgConnection, account_id: Uuid, email: &Email) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into outbox (account_id, id, to_address, subject, text_body, html_body)
         values ($1, $2, $3, $4, $5, $6)",
        account_id,
        Uuid::now_v7(),
        email.to,
        email.subject,
        email.text,
        email.html,
    )
    .execute(conn)
    .await?;
    Ok(())
}
