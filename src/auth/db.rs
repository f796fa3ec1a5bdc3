//! Queries of the auth module.
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::CurrentAgent;
use crate::{i18n::Locale, input::LoginName};

/// The agent of an open login that began less than `$1` seconds before the app's clock,
/// as `CurrentAgent` reads it; the caller names the login (`and l.account_id = … and
/// l.id = …`). Shared by the session store's load and `current_agent`.
pub const CURRENT_AGENT: &str = "select a.id, a.account_id, a.name, a.email, a.role,
        coalesce(a.language, w.language) as language, w.language as workspace_language,
        w.time_zone, l.id as login_id, w.slug as workspace_slug, w.company, w.plan,
        a.temporary_password_expires_at is not null as must_change_password,
        a.theme, a.photo_updated_at,
        w.require_2fa and a.totp_secret is null as must_set_up_two_factor,
        a.availability, a.device = 'web_phone' as web_phone
    from logins l
    join agents a on a.account_id = l.account_id and a.id = l.agent_id
    join accounts w on w.id = l.account_id
    where l.ended_at is null and a.deleted_at is null
      and l.created_at > app_now() - make_interval(secs => $1)";

/// The agent of login `login_id` while it is open and younger than `lifetime`.
pub async fn current_agent(
    db: &PgPool,
    account_id: Uuid,
    login_id: Uuid,
    lifetime: Duration,
) -> sqlx::Result<Option<CurrentAgent>> {
    sqlx::query_as(&format!(
        "{CURRENT_AGENT} and l.account_id = $2 and l.id = $3"
    ))
    .bind(lifetime.as_seconds_f64())
    .bind(account_id)
    .bind(login_id)
    .fetch_optional(db)
    .await
}

/// An agent as found by workspace slug and email, with what a login or reset needs.
#[derive(Debug)]
pub struct AgentCredentials {
    pub account_id: Uuid,
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub language: Locale,
    pub workspace_slug: String,
    /// Set while the password is an invitation's temporary one.
    pub temporary_password_expires_at: Option<OffsetDateTime>,
    /// Two-factor login is on: a right password leads on to the code.
    pub two_factor: bool,
}

pub async fn find_by_login(
    conn: &mut PgConnection,
    name: &LoginName,
) -> sqlx::Result<Option<AgentCredentials>> {
    sqlx::query_as!(
        AgentCredentials,
        r#"select a.account_id, a.id, a.name, a.email, a.password_hash,
                  coalesce(a.language, w.language) as "language!: Locale", w.slug as workspace_slug,
                  a.temporary_password_expires_at, a.totp_secret is not null as "two_factor!"
           from agents a join accounts w on w.id = a.account_id
           where w.slug = $1 and lower(a.email) = $2 and a.deleted_at is null"#,
        name.workspace,
        name.email,
    )
    .fetch_optional(conn)
    .await
}

/// Opens a login for the agent; its id goes into the session.
pub async fn start_login(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Uuid> {
    let login_id = Uuid::now_v7();
    sqlx::query!(
        "insert into logins (account_id, id, agent_id) values ($1, $2, $3)",
        account_id,
        login_id,
        agent_id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update agents set last_login_at = app_now() where account_id = $1 and id = $2",
        account_id,
        agent_id,
    )
    .execute(conn)
    .await?;
    Ok(login_id)
}

pub async fn end_login(db: &PgPool, account_id: Uuid, login_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update logins set ended_at = app_now()
         where account_id = $1 and id = $2 and ended_at is null",
        account_id,
        login_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Stores a new password hash (the agent's own: an invitation's temporary one is gone) and ends every open login of the agent but `keep`, the one
/// that made the change.
pub async fn set_password(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    password_hash: &str,
    keep: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set password_hash = $3, temporary_password_expires_at = null
         where account_id = $1 and id = $2",
        account_id,
        agent_id,
        password_hash,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update logins set ended_at = app_now()
         where account_id = $1 and agent_id = $2 and ended_at is null
           and id is distinct from $3",
        account_id,
        agent_id,
        keep,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn password_hash(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        "select password_hash from agents where account_id = $1 and id = $2",
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

/// Reset emails sent to one agent in the last hour, to cap mail to one address.
pub async fn recent_resets(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from password_resets
           where account_id = $1 and agent_id = $2 and created_at > app_now() - interval '1 hour'"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn insert_reset(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    token_digest: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into password_resets (account_id, id, agent_id, token_hash, expires_at)
         values ($1, $2, $3, $4, app_now() + interval '1 hour')",
        account_id,
        Uuid::now_v7(),
        agent_id,
        token_digest,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The agent a reset token belongs to, while it is unused and unexpired. The token is the
/// only key here: it is what identifies the workspace on this public route.
#[derive(Debug)]
pub struct ResetTarget {
    pub account_id: Uuid,
    pub agent_id: Uuid,
    pub email: String,
    pub workspace_slug: String,
}

pub async fn valid_reset(
    conn: &mut PgConnection,
    token_digest: &[u8],
) -> sqlx::Result<Option<ResetTarget>> {
    sqlx::query_as!(
        ResetTarget,
        "select r.account_id, r.agent_id, a.email, w.slug as workspace_slug
         from password_resets r
         join agents a on a.account_id = r.account_id and a.id = r.agent_id
         join accounts w on w.id = r.account_id
         where r.token_hash = $1 and r.used_at is null and r.expires_at > app_now()
           and a.deleted_at is null",
        token_digest,
    )
    .fetch_optional(conn)
    .await
}

/// Uses up the reset link and every other open one of its agent, in one step: of two
/// submissions of one link, only one gets `true`.
pub async fn consume_reset(
    conn: &mut PgConnection,
    target: &ResetTarget,
    token_digest: &[u8],
) -> sqlx::Result<bool> {
    let used = sqlx::query!(
        "update password_resets set used_at = app_now()
         where token_hash = $1 and used_at is null and expires_at > app_now()",
        token_digest,
    )
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "update password_resets set used_at = app_now()
         where account_id = $1 and agent_id = $2 and used_at is null",
        target.account_id,
        target.agent_id,
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Reclaims what can no longer be used: expired sessions, attempts outside the throttling
/// window, logins past their lifetime and old reset links.
pub async fn delete_expired(db: &PgPool) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query!("delete from tower_sessions.session where expiry_date < now()")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "delete from login_attempts where attempted_at < app_now() - interval '15 minutes'"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("delete from logins where created_at < app_now() - interval '30 days'")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from password_resets where expires_at < app_now() - interval '1 day'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
