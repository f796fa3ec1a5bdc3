//! The outbox's queue: claiming due messages by a committed lease, and recording what
//! became of each. The worker serves every workspace, so these statements take rows of
//! all of them, each named by its `account_id` and `id`.
use std::time::Duration;

use sqlx::PgPool;
use uuid::Uuid;

/// A message claimed for sending: the row as the worker needs it.
pub struct Claimed {
    pub account_id: Uuid,
    pub id: Uuid,
    pub url: Option<String>,
    pub payload: Option<serde_json::Value>,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// Attempts before this one.
    pub attempts: i32,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub reply_to: Option<String>,
    pub auto_submitted: bool,
}

/// Leases up to `limit` due messages of `kind` to worker `worker` for `lease`, oldest due
/// first, in one committed statement: no other worker takes them until the lease has
/// passed, and no transaction stays open while they are sent.
pub async fn claim(
    db: &PgPool,
    kind: &str,
    limit: usize,
    worker: Uuid,
    lease: Duration,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"with due as (
               select account_id, id from outbox
               where kind = $1 and sent_at is null and failed_at is null
                 and next_attempt_at <= now()
                 and (claimed_until is null or claimed_until <= now())
               order by next_attempt_at
               limit $2
               for update skip locked
           )
           update outbox
           set claimed_until = now() + make_interval(secs => $3), claimed_by = $4
           from due
           where outbox.account_id = due.account_id and outbox.id = due.id
           returning outbox.account_id, outbox.id, url, payload, to_address, subject,
                     text_body, html_body, attempts, message_id, in_reply_to,
                     "references", reply_to, auto_submitted"#,
        kind,
        i64::try_from(limit).unwrap_or(i64::MAX),
        lease.as_secs_f64(),
        worker,
    )
    .fetch_all(db)
    .await
}

/// Records that `message` was delivered and forgets its bodies (they may hold one-time
/// links) and a webhook's address (a secret). Whoever holds the lease now: the message
/// went out. Running it again changes nothing.
pub async fn mark_sent(db: &PgPool, message: &Claimed) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox
         set sent_at = now(), attempts = attempts + 1, last_error = null, claimed_until = null,
             text_body = '', html_body = '', url = null, payload = null
         where account_id = $1 and id = $2 and sent_at is null",
        message.account_id,
        message.id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What a failed attempt leads to.
pub enum Next {
    /// Tried again after this long.
    RetryAfter(Duration),
    /// Never tried again: bodies, address and payload are forgotten.
    GiveUp,
}

/// Records the failed attempt number `attempts` of `message`, if `worker` still holds its
/// lease (once it has passed, another worker may have sent the message meanwhile).
pub async fn mark_failed(
    db: &PgPool,
    message: &Claimed,
    worker: Uuid,
    attempts: i32,
    error: &str,
    next: &Next,
) -> sqlx::Result<()> {
    let (give_up, retry_after) = match next {
        Next::RetryAfter(wait) => (false, wait.as_secs_f64()),
        Next::GiveUp => (true, 0.0),
    };
    sqlx::query!(
        "update outbox
         set attempts = $4, last_error = $5, claimed_until = null,
             next_attempt_at = now() + make_interval(secs => $6),
             failed_at = case when $7 then now() end,
             text_body = case when $7 then '' else text_body end,
             html_body = case when $7 then '' else html_body end,
             url = case when $7 then null else url end,
             payload = case when $7 then null else payload end
         where account_id = $1 and id = $2 and claimed_by = $3
           and sent_at is null and failed_at is null",
        message.account_id,
        message.id,
        worker,
        attempts,
        error,
        retry_after,
        give_up,
    )
    .execute(db)
    .await?;
    Ok(())
}
