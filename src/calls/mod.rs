//! Calls (DESIGN.md, Calls): customers phone the workspace's numbers through a voice
//! provider that speaks Twilio's webhook protocol (`twilio`); the online agents of the
//! number's department ring; every call becomes a ticket of channel `call` with its log
//! (`webhooks`). Admins connect the provider at `/app/config/calls` (`settings`); agents
//! see the calls they may see at `/app/calls`, and take them on a desk phone, a mobile app
//! or the web phone's window (`phone`).
pub mod db;
mod phone;
mod settings;
pub mod twilio;
mod webhooks;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    tickets::{
        self,
        db::{By, Viewer},
    },
    web::{PageContext, connection::Db, extract::Query, flash},
};
use twilio::Device;

pub use db::CallLog;
pub use phone::SDK_PATH;

/// The provider's webhooks: no session or CSRF token, a signature instead.
pub fn webhook_router() -> Router<AppState> {
    Router::new()
        .route("/voice/{channel_token}/incoming", post(webhooks::incoming))
        .route("/voice/{channel_token}/status", post(webhooks::status))
        .route(
            "/voice/{channel_token}/dial-status",
            post(webhooks::dial_status),
        )
        .route(
            "/voice/{channel_token}/recording",
            post(webhooks::recording),
        )
}

/// The connection's settings (admins and owners).
pub fn config_router() -> Router<AppState> {
    Router::new()
        .route(
            "/app/config/calls",
            get(settings::show).post(settings::save),
        )
        .route(
            "/app/config/calls/numbers/{id}/delete",
            post(settings::remove_number),
        )
}

/// The calls list and calling a customer back (every role).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/calls", get(show_calls))
        .route("/app/tickets/{number}/call", post(call_back))
        .route("/app/phone", get(phone::show))
        .route("/app/phone/token", post(phone::token))
}

/// The identity of an agent's web phone, as `<Client>` rings it.
pub fn client_identity(agent_id: Uuid) -> String {
    format!("agent-{}", agent_id.simple())
}

/// How the workspace's devices are reached, found once per call: desk phones by its SIP
/// domain, web phones only with its API key and the SDK installed.
struct Reach<'a> {
    sip_domain: &'a str,
    web_phones: bool,
}

impl<'a> Reach<'a> {
    fn of(settings: &'a db::VoiceSettings, config: &crate::config::Config) -> Self {
        Self {
            sip_domain: &settings.sip_domain,
            web_phones: settings.has_web_phones() && phone::sdk_installed(config),
        }
    }

    /// The agent's device as their profile says; `None` when it cannot be reached: a desk
    /// phone without extension or SIP domain, a web phone without key or SDK.
    fn device(&self, agent: &db::Reachable) -> Option<Device> {
        let extension = agent.extension.trim();
        match agent.device.as_str() {
            "desk_phone" if !extension.is_empty() && !self.sip_domain.is_empty() => {
                Some(Device::Sip(format!("sip:{extension}@{}", self.sip_domain)))
            }
            // The provider dials numbers in E.164: a number without its `+` is taken as one.
            "mobile_app" => {
                settings::parse_number(&format!("+{}", extension.trim_start_matches('+')))
                    .ok()
                    .map(Device::Number)
            }
            "web_phone" if self.web_phones => Some(Device::Client(client_identity(agent.id))),
            _ => None,
        }
    }
}

/// `POST /app/tickets/{number}/call`: calls the customer of a call's ticket back. The
/// provider rings the agent's own device first and, once they answer, the customer; the
/// call is logged on the ticket like any other.
async fn call_back(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Path(number): Path<i64>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let ticket = tickets::db::visible_ticket(&mut conn, &Viewer::of(&agent), number)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = db::settings(&mut conn, agent.account_id)
        .await?
        .ok_or(AppError::Unprocessable("calls-not-connected"))?;
    let (customer, from) = db::call_back_numbers(&mut conn, agent.account_id, ticket.id).await?;
    // Only a number can be called: not a withheld caller ("anonymous") nor an address.
    let customer =
        settings::parse_number(&customer).map_err(|_| AppError::Unprocessable("calls-no-phone"))?;
    let from = from.ok_or(AppError::Unprocessable("calls-no-number"))?;
    let reachable = db::agent_device(&mut conn, agent.account_id, agent.id).await?;
    let device = Reach::of(&settings, &state.config)
        .device(&reachable)
        .ok_or(AppError::Unprocessable("calls-no-device"))?;
    let auth_token = state
        .config
        .secret_key
        .as_ref()
        .and_then(|key| key.open(&settings.auth_token, agent.account_id))
        .ok_or(AppError::Unprocessable("calls-secret-key-missing"))?;
    // The call is logged before the provider is asked: its status callbacks, which may
    // come before the provider's answer does, find it by its own id.
    let call_id = db::insert_call(
        &mut conn,
        agent.account_id,
        &db::NewCall {
            direction: "outbound",
            call_sid: &format!("pending-{}", Uuid::now_v7()),
            from_number: &from,
            to_number: &customer,
            department_id: ticket.department_id,
            ticket_id: ticket.id,
            rang_at: state.clock.now(),
        },
    )
    .await?;
    // Nothing is held while the provider answers.
    drop(conn);
    let status_callback = state.config.link(&format!(
        "/voice/{}/status?agent={}&call={call_id}",
        settings.channel_token, agent.id
    ));
    let started = twilio::start_call(
        &state.config.twilio_api_base,
        &settings.account_sid,
        &auth_token,
        &twilio::OutgoingCall {
            to: &device.address(),
            from: &from,
            twiml: &twilio::connect(&customer, &from),
            status_callback: &status_callback,
        },
    )
    .await;
    let mut tx = state.db.begin().await?;
    let call_sid = match started {
        Ok(call_sid) => call_sid,
        Err(error) => {
            tracing::warn!(account_id = %agent.account_id, %error, "call back failed");
            db::delete_call(&mut tx, agent.account_id, call_id).await?;
            tx.commit().await?;
            return Err(AppError::Unprocessable("calls-call-back-failed"));
        }
    };
    db::set_call_sid(&mut tx, agent.account_id, call_id, &call_sid).await?;
    tickets::db::insert_event(
        &mut tx,
        agent.account_id,
        ticket.id,
        By::Agent(agent.id),
        "call",
        &call_sid,
    )
    .await?;
    tx.commit().await?;
    flash::success(&session, "calls-calling-you").await?;
    Ok(Redirect::to(&format!("/app/tickets/{number}")).into_response())
}

text_enum!(
    /// A call's state, from its times (migration `calls`).
    CallState, "call-state-", {
        Ringing => "ringing",
        InProgress => "in_progress",
        Missed => "missed",
        Completed => "completed",
    }
);

impl CallLog {
    /// The state's catalog key.
    pub fn state_key(&self) -> &'static str {
        CallState::parse(&self.state).map_or("call-state-completed", CallState::label_key)
    }

    /// The customer's number: who called, or who was called back.
    pub fn customer_number(&self) -> &str {
        if self.direction == "outbound" {
            &self.to_number
        } else {
            &self.from_number
        }
    }

    /// The conversation's length as `m:ss`, once known.
    pub fn duration(&self) -> Option<String> {
        self.duration_seconds
            .map(|seconds| format!("{}:{:02}", seconds / 60, seconds % 60))
    }
}

/// Calls shown at most.
const LIST_LIMIT: i64 = 200;

#[derive(Debug, Default, Deserialize)]
struct CallsQuery {
    #[serde(default)]
    state: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calls/list.html")]
struct CallsPage {
    ctx: PageContext,
    calls: Vec<CallLog>,
    state: Option<CallState>,
    states: Vec<CallState>,
}

impl CallsPage {
    fn is_current(&self, shown: &CallState) -> bool {
        self.state == Some(*shown)
    }
}

async fn show_calls(
    Db(mut conn): Db,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<CallsQuery>,
) -> Result<CallsPage, AppError> {
    let state = CallState::parse(&query.state).ok();
    let calls = db::list(
        &mut conn,
        &Viewer::of(&agent),
        state.map(CallState::as_str),
        LIST_LIMIT,
    )
    .await?;
    Ok(CallsPage {
        ctx,
        calls,
        state,
        states: CallState::ALL.to_vec(),
    })
}
