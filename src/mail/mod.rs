//! Outgoing email and webhook posts (Slack). A message is written to the `outbox` table in
//! the same transaction as the change that causes it; `OutboxWorker` delivers it afterwards.
mod db;
mod notice;
mod transport;
pub mod webhook;
mod worker;

use sqlx::PgConnection;
use uuid::Uuid;

pub use notice::{Footnote, Notice};
pub use transport::Failure;
pub use worker::{MAX_ATTEMPTS, OutboxWorker};

/// A message ready to send: already rendered, in the recipient's language.
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub threading: Threading,
}

/// The headers that lead answers back into a conversation; a message without them gets a
/// Message-ID of the worker's making.
#[derive(Debug, Default, Clone)]
pub struct Threading {
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// Message-IDs separated by spaces.
    pub references: Option<String>,
    /// Where answers go, when not to the sender address.
    pub reply_to: Option<String>,
    /// Sent by a machine (`Auto-Submitted: auto-replied`): other systems don't answer it.
    pub auto_submitted: bool,
}

pub async fn enqueue(
    conn: &mut PgConnection,
    account_id: Uuid,
    email: &Email,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        r#"insert into outbox (account_id, id, to_address, subject, text_body, html_body,
                               message_id, in_reply_to, "references", reply_to, auto_submitted)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
        account_id,
        id,
        email.to,
        email.subject,
        email.text,
        email.html,
        email.threading.message_id,
        email.threading.in_reply_to,
        email.threading.references,
        email.threading.reply_to,
        email.threading.auto_submitted,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// Puts a webhook post in the outbox: `payload` as JSON to `url` (Slack's incoming webhooks
/// take `{"text": "..."}`), delivered with the same retries as email.
pub async fn enqueue_webhook(
    conn: &mut PgConnection,
    account_id: Uuid,
    url: &str,
    payload: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into outbox (account_id, id, kind, url, payload, to_address, subject, text_body,
                             html_body)
         values ($1, $2, 'webhook', $3, $4, '', '', '', '')",
        account_id,
        Uuid::now_v7(),
        url,
        payload,
    )
    .execute(conn)
    .await?;
    Ok(())
}
