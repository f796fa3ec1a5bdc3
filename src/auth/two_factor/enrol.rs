//! `/app/profile/2fa`: an agent turns two-factor login on (a fresh secret kept in the
//! session until a code confirms it, shown as a QR code and as an `otpauth://` URI, then
//! ten recovery codes shown once) or off again with their password.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use totp_rs::Secret;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    CodeForm, ENROL_PATH, db, decode_secret, encode_secret, matching_step, new_recovery_codes,
    recovery_digest, totp,
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::{CurrentAgent, db as auth_db, password, throttle},
    input::LoginName,
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

const ENROLMENT_KEY: &str = "two_factor_enrolment";

/// A secret offered to an agent and not yet confirmed by a code of theirs.
#[derive(Serialize, Deserialize)]
struct PendingEnrolment {
    agent_id: Uuid,
    secret: String,
}

/// The secret the session offers `agent_id`, if any.
async fn offered_secret(session: &Session, agent_id: Uuid) -> Result<Option<Secret>, AppError> {
    let pending: Option<PendingEnrolment> = session.get(ENROLMENT_KEY).await?;
    Ok(pending
        .filter(|pending| pending.agent_id == agent_id)
        .and_then(|pending| decode_secret(&pending.secret)))
}

/// The secret already offered, or a fresh one: reloading the page keeps what was scanned.
async fn offer_secret(session: &Session, agent_id: Uuid) -> Result<Secret, AppError> {
    if let Some(secret) = offered_secret(session, agent_id).await? {
        return Ok(secret);
    }
    let secret = Secret::generate();
    let pending = PendingEnrolment {
        agent_id,
        secret: encode_secret(&secret),
    };
    session.insert(ENROLMENT_KEY, pending).await?;
    Ok(secret)
}

/// What the authenticator app lists the account as.
fn app_label(agent: &CurrentAgent) -> String {
    format!("{} ({})", agent.email, agent.workspace_slug)
}

#[derive(Template, WebTemplate)]
#[template(path = "two_factor/enrol.html")]
struct EnrolPage {
    ctx: PageContext,
    /// The `otpauth://` URI, for apps that take it typed or pasted.
    uri: String,
    /// The secret in base32, for manual entry.
    secret: String,
    /// The workspace requires two-factor login: why every other page led here.
    required: bool,
    error: Option<String>,
}

fn enrol_page(
    ctx: PageContext,
    agent: &CurrentAgent,
    secret: &Secret,
    error: Option<&str>,
) -> Result<EnrolPage, AppError> {
    let uri = totp(secret, Some(app_label(agent)))?
        .to_url()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("otpauth URI: {error}")))?;
    Ok(EnrolPage {
        uri,
        secret: secret.to_base32(),
        required: agent.must_set_up_two_factor,
        error: error.map(|key| ctx.t(key)),
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "two_factor/enabled.html")]
struct EnabledPage {
    ctx: PageContext,
    recovery_codes_left: i64,
    error: Option<String>,
}

async fn enabled_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    error: Option<&str>,
) -> Result<EnabledPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let recovery_codes_left =
        db::unused_recovery_codes(&mut conn, agent.account_id, agent.id).await?;
    Ok(EnabledPage {
        recovery_codes_left,
        error: error.map(|key| ctx.t(key)),
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "two_factor/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: PageContext,
    codes: Vec<String>,
}

pub async fn show_two_factor(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<Response, AppError> {
    let on = db::is_on(&mut *state.db.acquire().await?, agent.account_id, agent.id).await?;
    if on {
        return Ok(enabled_page(&state, ctx, &agent, None)
            .await?
            .into_response());
    }
    let secret = offer_secret(&session, agent.id).await?;
    Ok(enrol_page(ctx, &agent, &secret, None)?.into_response())
}

/// The QR code of the offered secret's `otpauth://` URI, as a PNG of this site (the
/// Content-Security-Policy allows no `data:` images).
pub async fn show_qr_code(session: Session, agent: CurrentAgent) -> Result<Response, AppError> {
    let secret = offered_secret(&session, agent.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let png = totp(&secret, Some(app_label(&agent)))?
        .to_qr_png()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("QR code: {error}")))?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

pub async fn confirm_enrolment(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    // Nothing offered (the session was renewed meanwhile): the page offers a secret again.
    let Some(secret) = offered_secret(&session, agent.id).await? else {
        return Ok(Redirect::to(ENROL_PATH).into_response());
    };
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(step) = matching_step(&secret, &code, state.clock.now())? else {
        let error = if code.is_empty() {
            "input-required"
        } else {
            "two-factor-code-wrong"
        };
        let page = enrol_page(ctx, &agent, &secret, Some(error))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let codes = new_recovery_codes();
    let digests: Vec<Vec<u8>> = codes.iter().map(|code| recovery_digest(code)).collect();
    let mut tx = state.db.begin().await?;
    if !db::turn_on(&mut tx, agent.account_id, agent.id, secret.as_bytes(), step).await? {
        // On already, from another tab.
        return Ok(Redirect::to(ENROL_PATH).into_response());
    }
    db::replace_recovery_codes(&mut tx, agent.account_id, agent.id, &digests).await?;
    let entry = Entry::new(&agent, Action::TwoFactorEnabled, client).subject(&agent.email);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    session.remove::<PendingEnrolment>(ENROLMENT_KEY).await?;
    tracing::info!(agent_id = %agent.id, "two-factor login turned on");
    Ok(RecoveryCodesPage { ctx, codes }.into_response())
}

#[derive(Deserialize)]
pub struct TurnOffForm {
    #[serde(default)]
    password: String,
}

/// Turning two-factor login off takes the current password; guesses of it count like
/// failed logins of the account.
pub async fn turn_off_two_factor(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<TurnOffForm>,
) -> Result<Response, AppError> {
    let name = LoginName::new(&agent.workspace_slug, &agent.email);
    let (attempt, stored) = {
        let mut conn = state.db.acquire().await?;
        let Some(attempt) =
            throttle::begin_login(&mut conn, &name, &throttle::client_key(client)).await?
        else {
            return Err(AppError::TooManyAttempts);
        };
        let stored = auth_db::password_hash(&mut conn, agent.account_id, agent.id).await?;
        (attempt, stored)
    };
    if !password::verify(&form.password, Some(stored)).await? {
        let page = enabled_page(&state, ctx, &agent, Some("password-current-wrong")).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    throttle::login_succeeded(&mut tx, &attempt).await?;
    if db::turn_off(&mut tx, agent.account_id, agent.id).await? {
        let entry = Entry::new(&agent, Action::TwoFactorDisabled, client).subject(&agent.email);
        audit::record(&mut tx, agent.account_id, &entry).await?;
        tracing::info!(agent_id = %agent.id, "two-factor login turned off");
    }
    tx.commit().await?;
    flash::success(&session, "two-factor-turned-off").await?;
    Ok(Redirect::to(ENROL_PATH).into_response())
}
