//! Failed-login counters in PostgreSQL, so that every `serve` process sees the same ones:
//! 10 failures for one workspace+email or 50 from one client IP within 15 minutes lock
//! further attempts out (the right password included) until the window has passed.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

const ACCOUNT_LIMIT: i64 = 10;
const IP_LIMIT: i64 = 50;

/// The key of a workspace+email pair, whether or not such an agent exists.
pub fn account_key(workspace: &str, email: &str) -> String {
    format!(
        "{}\n{}",
        workspace.trim().to_lowercase(),
        email.trim().to_lowercase()
    )
}

pub async fn is_locked(conn: &mut PgConnection, account_key: &str, ip: &str) -> sqlx::Result<bool> {
    let failures = sqlx::query!(
        r#"select count(*) filter (where scope = 'account') as "account!",
                  count(*) filter (where scope = 'ip') as "ip!"
           from login_failures
           where failed_at > now() - interval '15 minutes'
             and ((scope = 'account' and key = $1) or (scope = 'ip' and key = $2))"#,
        account_key,
        ip,
    )
    .fetch_one(conn)
    .await?;
    Ok(failures.account >= ACCOUNT_LIMIT || failures.ip >= IP_LIMIT)
}

pub async fn record_failure(
    conn: &mut PgConnection,
    account_key: &str,
    ip: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into login_failures (id, scope, key) values ($1, 'account', $2), ($3, 'ip', $4)",
        Uuid::now_v7(),
        account_key,
        Uuid::now_v7(),
        ip,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A successful login starts the pair's count afresh; the IP's count stays.
pub async fn forget_account(conn: &mut PgConnection, account_key: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from login_failures where scope = 'account' and key = $1",
        account_key,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops counters older than the window; run now and then.
pub async fn prune(db: &PgPool) -> sqlx::Result<u64> {
    let done =
        sqlx::query!("delete from login_failures where failed_at < now() - interval '15 minutes'")
            .execute(db)
            .await?;
    Ok(done.rows_affected())
}
