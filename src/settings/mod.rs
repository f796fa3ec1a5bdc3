//! `/app/config/settings`: the workspace's own settings (admins and owners): its company
//! name, its support address, its default language, its time zone (in which pages, emails
//! and reports write days and hours), whether every
//! agent must use two-factor login, and where its mail provider posts inbound email.
mod db;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
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
    i18n::Locale,
    input::{Choice, EmailAddress, FieldErrors, required_text},
    sla,
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/app/config/settings",
        get(show_settings).post(update_settings),
    )
}

/// The settings as typed, kept to show them again when something is wrong.
#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    company: String,
    #[serde(default)]
    support_address: String,
    /// An IANA name, such as `Europe/Berlin`.
    #[serde(default)]
    time_zone: String,
    /// The default language (`en`, `zh-CN`): customers' and that of agents who have not
    /// chosen their own.
    #[serde(default)]
    language: String,
    /// A checkbox: present when ticked.
    require_2fa: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/index.html")]
struct SettingsPage {
    ctx: PageContext,
    agent: CurrentAgent,
    form: SettingsForm,
    /// Where the workspace's mail provider posts inbound email.
    inbound_address: String,
    /// The line that puts the chat button on the company's site.
    chat_snippet: String,
    time_zones: Vec<Choice>,
    languages: Vec<Choice>,
    errors: FieldErrors,
}

async fn settings_page(
    state: &AppState,
    ctx: PageContext,
    agent: CurrentAgent,
    form: Option<SettingsForm>,
    errors: FieldErrors,
) -> Result<SettingsPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let stored = db::settings(&mut conn, agent.account_id).await?;
    let form = form.unwrap_or_else(|| SettingsForm {
        company: agent.company.clone(),
        support_address: stored.support_address.unwrap_or_default(),
        time_zone: stored.time_zone,
        language: agent.workspace_language.code().to_owned(),
        require_2fa: stored.require_2fa.then(|| "on".to_owned()),
    });
    let time_zones = db::zone_names(&mut conn)
        .await?
        .iter()
        .map(|zone| Choice::new(zone, zone.as_str(), *zone == form.time_zone))
        .collect();
    Ok(SettingsPage {
        languages: Locale::options(&form.language),
        chat_snippet: crate::chat::snippet(&state.config, &agent.workspace_slug),
        ctx,
        agent,
        form,
        inbound_address: state
            .config
            .link(&format!("/inbound/email/{}", stored.inbound_token)),
        time_zones,
        errors,
    })
}

async fn show_settings(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<SettingsPage, AppError> {
    settings_page(&state, ctx, agent, None, FieldErrors::default()).await
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
    let company = errors.check("company", required_text(&form.company, 120));
    let support_address = match form.support_address.trim() {
        "" => Some(None),
        // The outbox must be able to put it in Reply-To, so lettre must take it too.
        raw => errors
            .check(
                "support_address",
                EmailAddress::parse(raw).and_then(|address| {
                    match address.as_str().parse::<lettre::Address>() {
                        Ok(_) => Ok(address),
                        Err(_) => Err("input-email-invalid"),
                    }
                }),
            )
            .map(Some),
    };
    // Left out of the form, the zone stays as it is.
    let time_zone = match form.time_zone.trim() {
        "" => Some(None),
        zone if db::zone_names(&mut *state.db.acquire().await?)
            .await?
            .iter()
            .any(|known| known == zone) =>
        {
            Some(Some(zone))
        }
        _ => {
            errors.add("time_zone", "settings-time-zone-unknown");
            None
        }
    };
    // Left out of the form, the language stays as it is too.
    let language = match form.language.trim() {
        "" => Some(None),
        code => errors
            .check(
                "language",
                Locale::from_code(code).ok_or("input-choice-invalid"),
            )
            .map(Some),
    };
    let (Some(company), Some(support_address), Some(time_zone), Some(language)) =
        (company, support_address, time_zone, language)
    else {
        let page = settings_page(&state, ctx, agent, Some(form), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let support_address = support_address.as_ref().map(EmailAddress::as_str);
    let require_2fa = form.require_2fa.is_some();
    let mut tx = state.db.begin().await?;
    let before = db::settings(&mut tx, agent.account_id).await?;
    db::save(
        &mut tx,
        agent.account_id,
        &company,
        support_address,
        require_2fa,
        time_zone,
        language,
    )
    .await?;
    let mut changes = Vec::new();
    if company != agent.company {
        changes.push(format!("{} → {company}", agent.company));
    }
    if before.support_address.as_deref() != support_address {
        changes.push(format!(
            "{} → {}",
            before.support_address.unwrap_or_default(),
            support_address.unwrap_or_default()
        ));
    }
    if let Some(zone) = time_zone.filter(|zone| *zone != before.time_zone) {
        changes.push(format!("{} → {zone}", before.time_zone));
        // Business hours are on the workspace's clocks: due times move with them.
        sla::refresh_workspace(&mut tx, agent.account_id, zone).await?;
    }
    if let Some(language) = language.filter(|language| *language != agent.workspace_language) {
        // Each language by its own name, which reads the same in every language.
        let (before, after) = (agent.workspace_language.own_name(), language.own_name());
        changes.push(format!("{before} → {after}"));
    }
    if before.require_2fa != require_2fa {
        changes.push(audit::require_2fa_detail(require_2fa).to_owned());
    }
    if !changes.is_empty() {
        let detail = changes.join("; ");
        let entry = Entry::new(&agent, Action::SettingsChanged, client).detail(&detail);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, "settings-saved").await?;
    Ok(Redirect::to("/app/config/settings").into_response())
}
