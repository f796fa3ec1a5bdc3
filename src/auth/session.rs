//! The login a session carries. The session only points at a row of `logins`; that row is
//! the truth: ending it (logout, password change, deletion) ends the session on the server,
//! whatever happens to the session's own row.
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::Duration;
use tower_sessions::{Expiry, Session};
use uuid::Uuid;

use super::db;
use crate::{AppError, i18n::Locale, web::csrf};

const KEY: &str = "login";
/// A logged-in session unused for this long ends (the cookie's expiry, renewed on use).
pub const INACTIVITY_TIMEOUT: Duration = Duration::hours(8);
/// A visitor's session (it holds only a CSRF token) lasts this long unused, so that
/// sessions made by crawlers of the login page do not pile up.
pub const ANONYMOUS_TIMEOUT: Duration = Duration::hours(1);
/// A login ends this long after it began, however active.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(7);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginIdentity {
    pub account_id: Uuid,
    pub login_id: Uuid,
    /// The agent's language at login, for pages rendered without loading the agent.
    pub language: Locale,
}

/// Logs the session in: a new session id (so a fixated one is worthless), a new CSRF token
/// and the logged-in inactivity timeout. A login the session held before is ended first, so
/// that a request still in flight cannot bring it back under the old id.
pub async fn log_in(
    db: &PgPool,
    session: &Session,
    identity: LoginIdentity,
) -> Result<(), AppError> {
    if let Some(previous) = current_login(session).await? {
        db::end_login(db, previous.account_id, previous.login_id).await?;
    }
    session.cycle_id().await?;
    session.insert(KEY, identity).await?;
    keep_logged_in(session);
    csrf::rotate(session).await
}

/// Gives a logged-in session its inactivity timeout for this request's save.
pub fn keep_logged_in(session: &Session) {
    session.set_expiry(Some(Expiry::OnInactivity(INACTIVITY_TIMEOUT)));
}

/// The session's login, if any.
pub async fn current_login(session: &Session) -> Result<Option<LoginIdentity>, AppError> {
    Ok(session.get(KEY).await?)
}

/// Keeps the session's copy of the agent's language in step when they change it, so that
/// error pages follow at once (another browser's session follows at its next login).
pub async fn change_language(session: &Session, language: Locale) -> Result<(), AppError> {
    if let Some(mut identity) = current_login(session).await? {
        identity.language = language;
        session.insert(KEY, identity).await?;
    }
    Ok(())
}

/// The session's login for pages about errors: a session that cannot be read (its store
/// being down, say) counts as logged out.
pub async fn session_login(session: &Session) -> Option<LoginIdentity> {
    current_login(session).await.ok().flatten()
}
