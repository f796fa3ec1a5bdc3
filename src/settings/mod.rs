//! `/app/config/settings`: the workspace's own settings (admins and owners).
mod db;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    input::{FieldErrors, required_text},
    web::{PageContext, client::ClientAddr, flash},
};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/app/config/settings",
        get(show_settings).post(update_settings),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/index.html")]
struct SettingsPage {
    ctx: PageContext,
    agent: CurrentAgent,
    company: String,
    /// Where the workspace's mail provider posts inbound email.
    inbound_address: String,
    errors: FieldErrors,
}

async fn settings_page(
    state: &AppState,
    ctx: PageContext,
    agent: CurrentAgent,
    company: String,
    errors: FieldErrors,
) -> Result<SettingsPage, AppError> {
    let token = db::inbound_token(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(SettingsPage {
        ctx,
        agent,
        company,
        inbound_address: state.config.link(&format!("/inbound/email/{token}")),
        errors,
    })
}

async fn show_settings(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<SettingsPage, AppError> {
    let company = agent.company.clone();
    settings_page(&state, ctx, agent, company, FieldErrors::default()).await
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    company: String,
}

async fn update_settings(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let Some(company) = errors.check("company", required_text(&form.company, 120)) else {
        let page = settings_page(&state, ctx, agent, form.company, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    db::rename_company(&mut tx, agent.account_id, &company).await?;
    if company != agent.company {
        let detail = format!("{} → {company}", agent.company);
        let entry = Entry::new(&agent, Action::SettingsChanged, client).detail(&detail);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, "settings-saved").await?;
    Ok(Redirect::to("/app/config/settings").into_response())
}
