//! The login a session carries. The session only points at a row of `logins`; that row is
//! the truth: ending it (logout, password change, deletion) ends the session on the server,
//! whatever happens to the session's own row.
use axum::{extract::Request, middleware::Next, response::Response};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use tower_sessions::{Expiry, Session};
use uuid::Uuid;

use super::db;
use crate::{AppError, i18n::Locale, web::csrf};

/// Where the session keeps its `LoginIdentity`.
pub const LOGIN_KEY: &str = "login";
/// A logged-in session unused for this long ends (the cookie's expiry, renewed on use).
pub const INACTIVITY_TIMEOUT: Duration = Duration::hours(8);
/// A visitor's session (it holds only a CSRF token) lasts this long unused, so that
/// sessions made by crawlers of the login page do not pile up.
pub const ANONYMOUS_TIMEOUT: Duration = Duration::hours(1);
/// A login ends this long after it began, however active.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(7);
/// A session in use is written back to move its expiry forward at most this often, so
/// that a page view costs no write; the inactivity timeouts hold to this.
const RENEWAL_INTERVAL: Duration = Duration::minutes(1);
/// When the session's expiry was last moved forward (Unix seconds).
const RENEWED_KEY: &str = "renewed";

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
    session.insert(LOGIN_KEY, identity).await?;
    csrf::rotate(session).await
}

/// Layer inside the session layer: after the handler, gives the session the expiry of
/// what it is (logged in or a visitor's) when it is saved anyway, or when its last
/// renewal is a minute old. Otherwise a page view leaves the session row alone.
pub async fn keep_alive(session: Session, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    // A server error may be the session store itself being down: no third wait for it.
    if response.status().is_server_error() {
        return response;
    }
    if let Err(error) = renew(&session).await {
        tracing::warn!(%error, "the session's expiry was not moved forward");
    }
    response
}

async fn renew(session: &Session) -> Result<(), tower_sessions::session::Error> {
    // A request that brought no session and made none leaves none.
    if !session.is_modified() && (session.id().is_none() || session.is_empty().await) {
        return Ok(());
    }
    // The session store counts expiry on the system's clock; so does this.
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let renewed_at: Option<i64> = session.get(RENEWED_KEY).await?;
    if !renewal_due(renewed_at, now) && !session.is_modified() {
        return Ok(());
    }
    let timeout = match session.get::<LoginIdentity>(LOGIN_KEY).await? {
        Some(_) => INACTIVITY_TIMEOUT,
        None => ANONYMOUS_TIMEOUT,
    };
    session.set_expiry(Some(Expiry::OnInactivity(timeout)));
    session.insert(RENEWED_KEY, now).await
}

fn renewal_due(renewed_at: Option<i64>, now: i64) -> bool {
    renewed_at.is_none_or(|at| now - at >= RENEWAL_INTERVAL.whole_seconds())
}

/// The session's login, if any.
pub async fn current_login(session: &Session) -> Result<Option<LoginIdentity>, AppError> {
    Ok(session.get(LOGIN_KEY).await?)
}

/// Keeps the session's copy of the agent's language in step when they change it, so that
/// error pages follow at once (another browser's session follows at its next login).
pub async fn change_language(session: &Session, language: Locale) -> Result<(), AppError> {
    if let Some(mut identity) = current_login(session).await? {
        identity.language = language;
        session.insert(LOGIN_KEY, identity).await?;
    }
    Ok(())
}

/// The session's login for pages about errors: a session that cannot be read (its store
/// being down, say) counts as logged out.
pub async fn session_login(session: &Session) -> Option<LoginIdentity> {
    current_login(session).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::renewal_due;

    #[test]
    fn a_session_is_renewed_once_a_minute_at_most() {
        assert!(renewal_due(None, 1_000));
        assert!(!renewal_due(Some(1_000), 1_000));
        assert!(!renewal_due(Some(1_000), 1_059));
        assert!(renewal_due(Some(1_000), 1_060));
        // A clock that went back renews too late rather than every request.
        assert!(!renewal_due(Some(1_000), 900));
    }
}
