//! Forgotten passwords: `/password/forgot` emails a one-time link valid for an hour,
//! `/password/reset/{token}` sets a new password and ends every session of the agent.
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
    db, password,
    password::NewPassword,
    throttle::{self, Scope},
};
use crate::{
    AppError, AppState, crypto,
    i18n::Locale,
    input::LoginName,
    mail::{self, Email, Threading},
    web::{
        PageContext,
        client::ClientAddr,
        extract::{Form, Path},
        flash,
    },
};

/// At most this many reset emails per agent per hour, so nobody can flood an inbox.
const RESETS_PER_HOUR: i64 = 3;

#[derive(Template, WebTemplate)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: PageContext,
    workspace: String,
    email: String,
}

pub async fn show_forgot(ctx: PageContext) -> impl IntoResponse {
    ForgotPage {
        ctx,
        workspace: String::new(),
        email: String::new(),
    }
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    workspace: String,
    #[serde(default)]
    email: String,
}

/// What the reset email says, in both of its parts.
struct ResetEmail<'a> {
    locale: Locale,
    name: &'a str,
    workspace: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "auth/reset_email.txt")]
struct ResetEmailText<'a> {
    mail: &'a ResetEmail<'a>,
}

#[derive(Template)]
#[template(path = "auth/reset_email.html")]
struct ResetEmailHtml<'a> {
    mail: &'a ResetEmail<'a>,
}

/// Answers the same whether or not the address belongs to an agent.
pub async fn request_reset(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    Form(form): Form<ForgotForm>,
) -> Result<Redirect, AppError> {
    let name = LoginName::new(&form.workspace, &form.email);
    if !throttle::allow(&state.db, Scope::Reset, client).await? {
        return Err(AppError::TooManyAttempts);
    }
    let mut tx = state.db.begin().await?;
    if let Some(agent) = db::find_by_login(&mut tx, &name).await?
        && db::recent_resets(&mut tx, agent.account_id, agent.id).await? < RESETS_PER_HOUR
    {
        let token = crypto::random_token();
        db::insert_reset(
            &mut tx,
            agent.account_id,
            agent.id,
            &crypto::token_digest(&token),
        )
        .await?;
        let link = state.config.link(&format!("/password/reset/{token}"));
        let content = ResetEmail {
            locale: agent.language,
            name: &agent.name,
            workspace: &agent.workspace_slug,
            link: &link,
        };
        let email = Email {
            to: agent.email.clone(),
            subject: content.locale.t("reset-email-subject"),
            text: ResetEmailText { mail: &content }
                .render()
                .map_err(anyhow::Error::from)?,
            html: ResetEmailHtml { mail: &content }
                .render()
                .map_err(anyhow::Error::from)?,
            threading: Threading::default(),
        };
        mail::enqueue(&mut tx, agent.account_id, &email).await?;
        tracing::info!(agent_id = %agent.id, "password reset requested");
    }
    tx.commit().await?;
    flash::success(&session, "forgot-sent").await?;
    Ok(Redirect::to("/login"))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    ctx: PageContext,
    token: String,
    error: Option<String>,
}

pub async fn show_reset(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<ResetPage, AppError> {
    let mut conn = state.db.acquire().await?;
    db::valid_reset(&mut conn, &crypto::token_digest(&token))
        .await?
        .ok_or(AppError::LinkExpired)?;
    Ok(ResetPage {
        ctx,
        token,
        error: None,
    })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let digest = crypto::token_digest(&token);
    let target = {
        let mut conn = state.db.acquire().await?;
        db::valid_reset(&mut conn, &digest)
            .await?
            .ok_or(AppError::LinkExpired)?
    };
    let new_password = match NewPassword::parse(&form.password, &target.email) {
        Ok(password) => password,
        Err(message_key) => {
            let error = Some(ctx.t(message_key));
            let page = ResetPage { ctx, token, error };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let hash = password::hash(new_password.as_str()).await?;
    let mut tx = state.db.begin().await?;
    // Used meanwhile by a second submission of the same link: that one won.
    if !db::consume_reset(&mut tx, &target, &digest).await? {
        return Err(AppError::LinkExpired);
    }
    db::set_password(&mut tx, target.account_id, target.agent_id, &hash, None).await?;
    tx.commit().await?;
    tracing::info!(agent_id = %target.agent_id, "password reset");
    flash::success(&session, "reset-done").await?;
    Ok(Redirect::to(&format!("/login?workspace={}", target.workspace_slug)).into_response())
}
