//! `/login` and `/logout`. With two-factor login on, a right password leads on to
//! `/login/2fa` instead of logging the session in.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use std::net::IpAddr;

use serde::Deserialize;
use sqlx::{Postgres, Transaction};
use tower_sessions::Session;
use uuid::Uuid;

use super::{LoginIdentity, db, password, session, throttle, two_factor};
use crate::{
    AppError, AppState, audit,
    i18n::Locale,
    input::LoginName,
    web::{
        PageContext,
        client::ClientAddr,
        extract::{Form, Query},
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageContext,
    workspace: String,
    email: String,
    next: String,
    /// Why the last attempt failed, as a message key.
    failure: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    next: String,
}

pub async fn show_login(ctx: PageContext, Query(query): Query<LoginQuery>) -> impl IntoResponse {
    LoginPage {
        ctx,
        workspace: query.workspace,
        email: String::new(),
        next: query.next,
        failure: None,
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn log_in_with_password(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client_ip): ClientAddr,
    ctx: PageContext,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let name = LoginName::new(&form.workspace, &form.email);
    let client = throttle::client_key(client_ip);
    let (attempt, agent) = {
        let mut conn = state.db.acquire().await?;
        let Some(attempt) = throttle::begin_login(&mut conn, &name, &client).await? else {
            tracing::warn!("login throttled");
            return Err(AppError::TooManyAttempts);
        };
        (attempt, db::find_by_login(&mut conn, &name).await?)
    };
    // No connection is held while the password is checked: that takes a while on purpose.
    let stored_hash = agent.as_ref().map(|a| a.password_hash.clone());
    let verified = password::verify(&form.password, stored_hash).await?;
    let refusal = match &agent {
        // Said only to whoever knows the temporary password.
        Some(agent) if verified => agent
            .temporary_password_expires_at
            .filter(|expires_at| *expires_at <= state.clock.now())
            .map(|_| "login-invitation-expired"),
        // One answer for a wrong workspace, email or password; the attempt stays counted.
        _ => Some("login-failed"),
    };
    let (Some(agent), None) = (agent, refusal) else {
        let page = LoginPage {
            ctx,
            workspace: form.workspace,
            email: form.email,
            next: form.next,
            failure: refusal,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if agent.two_factor {
        // The password was right; the code is counted and checked at the next step.
        throttle::login_succeeded(&mut *state.db.acquire().await?, &attempt).await?;
        // A new session id now, and again when the code logs the session in.
        session.cycle_id().await?;
        two_factor::PendingLogin::new(&state.clock, agent.account_id, agent.id, form.next)
            .keep(&session)
            .await?;
        return Ok(Redirect::to(two_factor::CHALLENGE_PATH).into_response());
    }
    let verified = VerifiedAgent {
        account_id: agent.account_id,
        id: agent.id,
        language: agent.language,
    };
    let tx = state.db.begin().await?;
    complete_login(&state, &session, tx, &attempt, &verified, client_ip).await?;
    Ok(Redirect::to(local_path(&form.next)).into_response())
}

/// An agent who has proven every factor of their login.
pub(super) struct VerifiedAgent {
    pub account_id: Uuid,
    pub id: Uuid,
    pub language: Locale,
}

/// Opens the agent's login in `tx` (which may hold the caller's own writes that belong to
/// it), commits, and logs the session in under a new id.
pub(super) async fn complete_login(
    state: &AppState,
    session: &Session,
    mut tx: Transaction<'static, Postgres>,
    attempt: &throttle::LoginAttempt,
    agent: &VerifiedAgent,
    client_ip: Option<IpAddr>,
) -> Result<(), AppError> {
    throttle::login_succeeded(&mut tx, attempt).await?;
    let login_id = db::start_login(&mut tx, agent.account_id, agent.id).await?;
    let entry = audit::Entry {
        actor_id: Some(agent.id),
        action: audit::Action::Login,
        subject: "",
        detail: "",
        ip: client_ip,
    };
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    session::log_in(
        &state.db,
        session,
        LoginIdentity {
            account_id: agent.account_id,
            login_id,
            language: agent.language,
        },
    )
    .await?;
    tracing::info!(agent_id = %agent.id, "logged in");
    Ok(())
}

/// `next` only ever leads to a path of this site; anything else leads to the panel.
pub fn local_path(next: &str) -> &str {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if is_local { next } else { "/app" }
}

pub async fn log_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<Redirect, AppError> {
    // Ending the login makes the cookie worthless even if a request still in flight saves
    // the session row again after the flush.
    if let Some(login) = session::current_login(&session).await? {
        db::end_login(&state.db, login.account_id, login.login_id).await?;
    }
    session.flush().await?;
    Ok(Redirect::to("/login"))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_only_leads_to_local_paths() {
        assert_eq!(
            local_path("/app/tickets?status=open"),
            "/app/tickets?status=open"
        );
        for outside in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "app",
            "/\n/x",
        ] {
            assert_eq!(local_path(outside), "/app", "{outside:?}");
        }
    }
}
