//! `/login` and `/logout`.
use std::{convert::Infallible, net::SocketAddr};

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{ConnectInfo, FromRequestParts, Query, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::{LoginIdentity, db, password, session, throttle};
use crate::{AppError, AppState, web::PageContext};

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageContext,
    workspace: String,
    email: String,
    next: String,
    failed: bool,
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
        failed: false,
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

/// The client's address as the socket sees it. Behind a proxy that would be the proxy:
/// forwarded headers are not trusted, since any client can set them.
pub struct ClientIp(String);

impl<S: Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
        Ok(Self(ip))
    }
}

pub async fn log_in_with_password(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let account_key = throttle::account_key(&form.workspace, &form.email);
    let mut conn = state.db.acquire().await?;
    if throttle::is_locked(&mut conn, &account_key, &ip).await? {
        tracing::warn!("login throttled");
        return Err(AppError::TooManyAttempts);
    }
    let agent = db::find_by_login(&mut conn, &form.workspace, &form.email).await?;
    let stored_hash = agent.as_ref().map(|a| a.password_hash.clone());
    let verified = password::verify(&form.password, stored_hash).await?;
    let Some(agent) = agent.filter(|_| verified) else {
        return failed_login(&mut conn, ctx, form, &account_key, &ip).await;
    };
    throttle::forget_account(&mut conn, &account_key).await?;
    db::record_login(&mut conn, agent.account_id, agent.id).await?;
    drop(conn);
    session::log_in(
        &session,
        LoginIdentity {
            account_id: agent.account_id,
            agent_id: agent.id,
            session_generation: agent.session_generation,
            language: agent.language,
            logged_in_at: OffsetDateTime::now_utc(),
        },
    )
    .await?;
    tracing::info!(agent_id = %agent.id, "logged in");
    Ok(Redirect::to(local_path(&form.next)).into_response())
}

/// One answer for a wrong workspace, email or password, counted against both limits.
async fn failed_login(
    conn: &mut sqlx::PgConnection,
    ctx: PageContext,
    form: LoginForm,
    account_key: &str,
    ip: &str,
) -> Result<Response, AppError> {
    throttle::record_failure(conn, account_key, ip).await?;
    let page = LoginPage {
        ctx,
        workspace: form.workspace,
        email: form.email,
        next: form.next,
        failed: true,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `next` only ever leads to a path of this site; anything else leads to the panel.
pub fn local_path(next: &str) -> &str {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if is_local { next } else { "/app" }
}

pub async fn log_out(session: Session) -> Result<Redirect, AppError> {
    // Deletes the session row: the old cookie is worthless even if replayed.
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
