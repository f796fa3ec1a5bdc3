//! The login a session carries. The session only points at a row of `logins`; that row is
//! the truth: ending it (logout, password change, deletion) ends the session on the server,
//! whatever happens to the session's own row.
use serde::{Deserialize, Serialize};
use time::Duration;
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
    pub login_id: Uuid,
    /// The agent's language at login, for pages rendered without loading the agent.
    pub language: Locale,
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
