//! The login stored in a session: who, since when, and which generation of the agent's
//! sessions it belongs to (bumping the generation ends every session of that agent).
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;
use uuid::Uuid;

use crate::{AppError, i18n::Locale, web::csrf};

const KEY: &str = "login";
/// A session unused for this long ends (the cookie's expiry, renewed on use).
pub const INACTIVITY_TIMEOUT: Duration = Duration::hours(8);
/// A login ends this long after it began, however active.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(7);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginIdentity {
    pub account_id: Uuid,
    pub agent_id: Uuid,
    pub session_generation: i32,
    pub language: Locale,
    #[serde(with = "time::serde::timestamp")]
    pub logged_in_at: OffsetDateTime,
}

impl LoginIdentity {
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now - self.logged_in_at > ABSOLUTE_LIFETIME
    }
}

/// Logs the session in: a new session id (so a fixated one is worthless) and a new CSRF token.
pub async fn log_in(session: &Session, identity: LoginIdentity) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.insert(KEY, identity).await?;
    csrf::rotate(session).await
}

/// The session's login, if any.
pub async fn current_login(session: &Session) -> Result<Option<LoginIdentity>, AppError> {
    Ok(session.get(KEY).await?)
}

/// The session's login for pages about errors: a session that cannot be read (its store
/// being down, say) counts as logged out.
pub async fn session_login(session: &Session) -> Option<LoginIdentity> {
    current_login(session).await.ok().flatten()
}

/// Sessions past their expiry are refused by the store already; this only reclaims space.
pub async fn delete_expired_sessions(db: &sqlx::PgPool) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from tower_sessions.session where expiry_date < now()")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
