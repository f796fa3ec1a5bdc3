//! `/login/2fa`: the code step of a login. A right password leaves a pending login in the
//! session (for five minutes); a right code, or an unused recovery code, then logs the
//! session in exactly as a password alone does without two-factor login. Codes are
//! throttled like passwords: per agent and per client network.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use time::Duration;
use totp_rs::Secret;
use tower_sessions::Session;
use uuid::Uuid;

use super::{CodeForm, TypedCode, db, matching_step};
use crate::{
    AppError, AppState,
    auth::{
        login::{VerifiedAgent, complete_login, local_path},
        throttle,
    },
    clock::Clock,
    web::{PageContext, client::ClientAddr, extract::Form},
};

pub const CHALLENGE_PATH: &str = "/login/2fa";
const KEY: &str = "two_factor_login";
/// How long after the password the code may come.
const PENDING_LIFETIME: Duration = Duration::minutes(5);

/// A login whose password was right and whose code is still to come.
#[derive(Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    account_id: Uuid,
    agent_id: Uuid,
    next: String,
    /// Unix seconds of the application's clock.
    expires_at: i64,
}

impl PendingLogin {
    pub fn new(clock: &Clock, account_id: Uuid, agent_id: Uuid, next: String) -> Self {
        Self {
            account_id,
            agent_id,
            next,
            expires_at: (clock.now() + PENDING_LIFETIME).unix_timestamp(),
        }
    }

    /// Keeps the pending login in the session, in place of any earlier one.
    pub async fn keep(self, session: &Session) -> Result<(), AppError> {
        session.insert(KEY, self).await?;
        Ok(())
    }

    /// The session's pending login, unless it has expired.
    async fn current(session: &Session, clock: &Clock) -> Result<Option<Self>, AppError> {
        let pending: Option<Self> = session.get(KEY).await?;
        let now = clock.now().unix_timestamp();
        Ok(pending.filter(|pending| pending.expires_at > now))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "two_factor/challenge.html")]
struct ChallengePage {
    ctx: PageContext,
    /// Why the last code was refused, as a message key.
    failure: Option<&'static str>,
}

pub async fn show_challenge(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
) -> Result<Response, AppError> {
    if PendingLogin::current(&session, &state.clock)
        .await?
        .is_none()
    {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(ChallengePage { ctx, failure: None }.into_response())
}

pub async fn submit_code(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client_ip): ClientAddr,
    ctx: PageContext,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let Some(pending) = PendingLogin::current(&session, &state.clock).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let refuse = |ctx, failure| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            ChallengePage { ctx, failure },
        )
    };
    let Some(code) = TypedCode::parse(&form.code) else {
        return Ok(refuse(ctx, Some("input-required")).into_response());
    };
    let client = throttle::client_key(client_ip);
    let attempt = {
        let mut conn = state.db.acquire().await?;
        throttle::begin_two_factor(&mut conn, pending.account_id, pending.agent_id, &client).await?
    };
    let Some(attempt) = attempt else {
        tracing::warn!(agent_id = %pending.agent_id, "two-factor code throttled");
        return Err(AppError::TooManyAttempts);
    };
    let mut tx = state.db.begin().await?;
    // Deleted, or two-factor login reset, since the password: start again.
    let Some(agent) = db::challenged_agent(&mut tx, pending.account_id, pending.agent_id).await?
    else {
        session.remove::<PendingLogin>(KEY).await?;
        return Ok(Redirect::to("/login").into_response());
    };
    let accepted = match code {
        TypedCode::Totp(code) => {
            let secret = Secret::from(agent.secret);
            match matching_step(&secret, &code, state.clock.now())? {
                Some(step) => {
                    db::use_step(&mut tx, pending.account_id, pending.agent_id, step).await?
                }
                None => false,
            }
        }
        TypedCode::Recovery(digest) => {
            db::use_recovery_code(&mut tx, pending.account_id, pending.agent_id, &digest).await?
        }
    };
    if !accepted {
        // The attempt stays counted.
        tracing::info!(agent_id = %pending.agent_id, "two-factor code refused");
        return Ok(refuse(ctx, Some("two-factor-code-wrong")).into_response());
    }
    let verified = VerifiedAgent {
        account_id: pending.account_id,
        id: pending.agent_id,
        language: agent.language,
    };
    complete_login(&state, &session, tx, &attempt, &verified, client_ip).await?;
    session.remove::<PendingLogin>(KEY).await?;
    Ok(Redirect::to(local_path(&pending.next)).into_response())
}
