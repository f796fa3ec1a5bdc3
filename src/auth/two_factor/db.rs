//! Queries of two-factor login.
use sqlx::PgConnection;
use uuid::Uuid;

use crate::i18n::Locale;

/// Whether the agent has two-factor login on.
pub async fn is_on(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select totp_secret is not null as "on!" from agents
           where account_id = $1 and id = $2"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

/// Turns two-factor login on with `secret`, `step` counting as used; `false` if it was on
/// already.
pub async fn turn_on(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    secret: &[u8],
    step: i64,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update agents set totp_secret = $3, totp_last_step = $4, totp_enabled_at = app_now()
         where account_id = $1 and id = $2 and totp_secret is null",
        account_id,
        agent_id,
        secret,
        step,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Turns two-factor login off and deletes the recovery codes; `false` if it was off.
pub async fn turn_off(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query!(
        "delete from recovery_codes where account_id = $1 and agent_id = $2",
        account_id,
        agent_id,
    )
    .execute(&mut *conn)
    .await?;
    let updated = sqlx::query!(
        "update agents set totp_secret = null, totp_last_step = null, totp_enabled_at = null
         where account_id = $1 and id = $2 and totp_secret is not null",
        account_id,
        agent_id,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Replaces the agent's recovery codes with the ones of these digests.
pub async fn replace_recovery_codes(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    digests: &[Vec<u8>],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from recovery_codes where account_id = $1 and agent_id = $2",
        account_id,
        agent_id,
    )
    .execute(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = digests.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query!(
        "insert into recovery_codes (account_id, id, agent_id, code_hash)
         select $1, id, $2, code_hash from unnest($3::uuid[], $4::bytea[]) as c (id, code_hash)",
        account_id,
        agent_id,
        &ids,
        digests,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Recovery codes the agent has not used yet.
pub async fn unused_recovery_codes(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from recovery_codes
           where account_id = $1 and agent_id = $2 and used_at is null"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

/// An agent at the code step of a login.
pub struct ChallengedAgent {
    pub secret: Vec<u8>,
    pub language: Locale,
}

/// The agent of a pending login, while they exist and have two-factor login on.
pub async fn challenged_agent(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Option<ChallengedAgent>> {
    sqlx::query_as!(
        ChallengedAgent,
        r#"select a.totp_secret as "secret!",
                  coalesce(a.language, w.language) as "language!: Locale"
           from agents a join accounts w on w.id = a.account_id
           where a.account_id = $1 and a.id = $2 and a.deleted_at is null
             and a.totp_secret is not null"#,
        account_id,
        agent_id,
    )
    .fetch_optional(conn)
    .await
}

/// Uses up time step `step` of the agent's codes; `false` if it, or a later one, was used
/// already (a replayed code, or two logins racing with one code).
pub async fn use_step(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    step: i64,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update agents set totp_last_step = $3
         where account_id = $1 and id = $2 and totp_secret is not null
           and (totp_last_step is null or totp_last_step < $3)",
        account_id,
        agent_id,
        step,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Uses up the recovery code of `digest`; `false` if the agent has no such unused code.
pub async fn use_recovery_code(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    digest: &[u8],
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update recovery_codes set used_at = app_now()
         where account_id = $1 and agent_id = $2 and code_hash = $3 and used_at is null",
        account_id,
        agent_id,
        digest,
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() > 0)
}
