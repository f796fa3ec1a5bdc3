//! `/app/password` and `/app/profile/password`: an agent changes their own password, proving the current one. Every
//! other session of the agent ends; the one that made the change stays.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    CurrentAgent, db, password,
    password::NewPassword,
    throttle::{self, client_key},
};
use crate::{
    AppError, AppState,
    input::{FieldErrors, LoginName},
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

#[derive(Template, WebTemplate)]
#[template(path = "auth/change_password.html")]
struct ChangePasswordPage {
    ctx: PageContext,
    /// Logged in with an invitation's password: choosing one's own comes first.
    forced: bool,
    errors: FieldErrors,
}

pub async fn show_change(ctx: PageContext, agent: CurrentAgent) -> impl IntoResponse {
    ChangePasswordPage {
        ctx,
        forced: agent.must_change_password,
        errors: FieldErrors::default(),
    }
}

#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let new_password = errors.check("password", NewPassword::parse(&form.password, &agent.email));
    if form.password == form.current_password {
        errors.add("password", "password-unchanged");
    }
    // Guesses of the current password count like failed logins of this account.
    let name = LoginName::new(&agent.workspace_slug, &agent.email);
    let (attempt, stored) = {
        let mut conn = state.db.acquire().await?;
        let Some(attempt) = throttle::begin_login(&mut conn, &name, &client_key(client)).await?
        else {
            return Err(AppError::TooManyAttempts);
        };
        let stored = db::password_hash(&mut conn, agent.account_id, agent.id).await?;
        (attempt, stored)
    };
    if password::verify(&form.current_password, Some(stored)).await? {
        // The right current password is no failed guess, whatever is wrong with the new one.
        throttle::login_succeeded(&mut *state.db.acquire().await?, &attempt).await?;
    } else {
        errors.add("current_password", "password-current-wrong");
    }
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        let page = ChangePasswordPage {
            ctx,
            forced: agent.must_change_password,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let hash = password::hash(new_password.as_str()).await?;
    // The new hash and the end of the other sessions hold together or not at all.
    let mut tx = state.db.begin().await?;
    db::set_password(
        &mut tx,
        agent.account_id,
        agent.id,
        &hash,
        Some(agent.login_id),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(agent_id = %agent.id, "password changed");
    flash::success(&session, "password-changed").await?;
    Ok(Redirect::to("/app").into_response())
}
