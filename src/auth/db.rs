//! Queries of the auth module.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{CurrentAgent, Role};
use crate::i18n::Locale;

pub async fn current_agent(
    db: &PgPool,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Option<CurrentAgent>> {
    sqlx::query_as!(
        CurrentAgent,
        r#"select a.id, a.account_id, a.name, a.email, a.role as "role: Role",
                  a.language as "language: Locale", a.session_generation,
                  w.slug as workspace_slug, w.company
           from agents a join accounts w on w.id = a.account_id
           where a.account_id = $1 and a.id = $2 and a.deleted_at is null"#,
        account_id,
        agent_id,
    )
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
    pub session_generation: i32,
    pub language: Locale,
    pub workspace_slug: String,
}

pub async fn find_by_login(
    conn: &mut PgConnection,
    workspace: &str,
    email: &str,
) -> sqlx::Result<Option<AgentCredentials>> {
    sqlx::query_as!(
        AgentCredentials,
        r#"select a.account_id, a.id, a.name, a.email, a.password_hash, a.session_generation,
                  a.language as "language: Locale", w.slug as workspace_slug
           from agents a join accounts w on w.id = a.account_id
           where w.slug = lower($1) and lower(a.email) = lower($2) and a.deleted_at is null"#,
        workspace.trim(),
        email.trim(),
    )
    .fetch_optional(conn)
    .await
}

pub async fn record_login(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set last_login_at = now() where account_id = $1 and id = $2",
        account_id,
        agent_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a new password hash and ends every session of the agent.
pub async fn set_password(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set password_hash = $3, session_generation = session_generation + 1
         where account_id = $1 and id = $2",
        account_id,
        agent_id,
        password_hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Reset emails sent to one agent in the last hour, to cap mail to one address.
pub async fn recent_resets(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from password_resets
           where account_id = $1 and agent_id = $2 and created_at > now() - interval '1 hour'"#,
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
         values ($1, $2, $3, $4, now() + interval '1 hour')",
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
         where r.token_hash = $1 and r.used_at is null and r.expires_at > now()
           and a.deleted_at is null
         for update of r",
        token_digest,
    )
    .fetch_optional(conn)
    .await
}

/// Uses up every open reset link of the agent, the one just used included.
pub async fn consume_resets(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update password_resets set used_at = now()
         where account_id = $1 and agent_id = $2 and used_at is null",
        account_id,
        agent_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}
