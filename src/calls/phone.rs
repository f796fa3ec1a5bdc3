//! The web phone (DESIGN.md, Calls): an agent whose device is `web_phone` takes calls in a
//! small window of its own, `/app/phone`, which stays open while the panel's pages come and
//! go (leaving a page would hang up its calls). The window runs the provider's browser SDK,
//! served from `static/` (installed there by `scripts/voice-sdk.sh`, never from a CDN),
//! which logs in with a short-lived access token from `POST /app/phone/token`, signed with
//! the API key that an admin stores at `/app/config/calls`.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use sqlx::PgConnection;
use time::Duration;

use super::{client_identity, db, twilio::AccessToken};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    config::Config,
    web::{PageContext, connection::Db},
};

/// Where the SDK's browser bundle lies under the static files.
pub const SDK_PATH: &str = "vendor/twilio.min.js";

/// How long an access token lasts; the window fetches a new one before it runs out.
const TOKEN_LIFETIME: Duration = Duration::hours(1);

/// The page's policy: the app's own, and the provider's signalling (WebSocket), its event
/// gateway and its ringtones, which the SDK reaches.
const PHONE_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     connect-src 'self' https://*.twilio.com wss://*.twilio.com; \
     media-src 'self' https://sdk.twilio.com; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

pub fn sdk_installed(config: &Config) -> bool {
    config.static_dir.join(SDK_PATH).is_file()
}

/// What the agent's web phone logs in with, or the catalog key of why it cannot start.
struct Credentials {
    account_sid: String,
    api_key_sid: String,
    api_key_secret: String,
}

async fn credentials(
    state: &AppState,
    conn: &mut PgConnection,
    agent: &CurrentAgent,
) -> Result<Result<Credentials, &'static str>, AppError> {
    if !agent.web_phone {
        return Ok(Err("calls-web-phone-not-chosen"));
    }
    let Some(settings) = db::settings(conn, agent.account_id).await? else {
        return Ok(Err("calls-web-phone-not-connected"));
    };
    let Some(sealed) = settings.api_key_secret.as_deref() else {
        return Ok(Err("calls-web-phone-not-connected"));
    };
    if !sdk_installed(&state.config) {
        return Ok(Err("calls-web-phone-sdk-missing"));
    }
    let Some(api_key_secret) = state
        .config
        .secret_key
        .as_ref()
        .and_then(|key| key.open(sealed, agent.account_id))
    else {
        return Ok(Err("calls-web-phone-secret-unreadable"));
    };
    Ok(Ok(Credentials {
        account_sid: settings.account_sid,
        api_key_sid: settings.api_key_sid,
        api_key_secret,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "calls/phone.html")]
struct PhonePage {
    ctx: PageContext,
    /// Why the phone cannot start, as a catalog key; `None`: it starts.
    problem: Option<&'static str>,
    sdk_path: &'static str,
}

/// `GET /app/phone`: the web phone's window.
pub(super) async fn show(
    State(state): State<AppState>,
    Db(mut conn): Db,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<Response, AppError> {
    let problem = credentials(&state, &mut conn, &agent).await?.err();
    let page = PhonePage {
        ctx,
        problem,
        sdk_path: SDK_PATH,
    };
    Ok((
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PHONE_CONTENT_SECURITY_POLICY),
        )],
        page,
    )
        .into_response())
}

#[derive(Serialize)]
struct Token {
    token: String,
    identity: String,
    expires_in: i64,
}

/// `POST /app/phone/token`: an access token for the agent's web phone (JSON), which rings
/// as the agent's `<Client>` identity; 422 when their web phone cannot start.
pub(super) async fn token(
    State(state): State<AppState>,
    Db(mut conn): Db,
    agent: CurrentAgent,
) -> Result<Response, AppError> {
    let credentials = credentials(&state, &mut conn, &agent)
        .await?
        .map_err(AppError::Unprocessable)?;
    let identity = client_identity(agent.id);
    let token = AccessToken {
        account_sid: &credentials.account_sid,
        api_key_sid: &credentials.api_key_sid,
        api_key_secret: &credentials.api_key_secret,
        identity: &identity,
        issued_at: state.clock.now(),
        lifetime: TOKEN_LIFETIME,
    }
    .to_jwt()
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the API key's secret was refused")))?;
    tracing::info!(account_id = %agent.account_id, agent_id = %agent.id, "web phone token issued");
    Ok(Json(Token {
        token,
        identity,
        expires_in: TOKEN_LIFETIME.whole_seconds(),
    })
    .into_response())
}
