//! The provider's webhooks, `/voice/{channel_token}/…`: an incoming call, the status of
//! the call and of each device that rang, how the `<Dial>` ended, and recordings. Each
//! request is checked against `X-Twilio-Signature` before anything else; an unsigned or
//! wrongly signed one is 403 and changes nothing. Each answers TwiML at once: nothing
//! that can wait (email) happens before the answer.
use axum::{
    extract::{FromRequest, FromRequestParts, OriginalUri, Path, Request, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use sqlx::PgConnection;
use time::{OffsetDateTime, format_description::well_known::Rfc2822};
use uuid::Uuid;

use super::{
    db::{self, End, LockedCall, NewCall, VoiceSettings},
    twilio::{self, Device, Ring},
};
use crate::{
    AppError, AppState, agents,
    config::{BODY_LIMIT, Config},
    i18n::Locale,
    live::{self, EventKind, TicketEvent},
    rules,
    tickets::{
        self, Changer, Channel, IssueType, Status,
        db::{By, NewTicket, Properties},
    },
};

/// A request of the provider whose signature holds: the extractor of every webhook. An
/// unknown address is 404; a missing or wrong signature 403.
pub(super) struct Hook {
    settings: VoiceSettings,
    params: Vec<(String, String)>,
    /// What our own callback addresses carry after `?`: `agent` (whose device reports),
    /// `call` (a call back's own id), `kind=voicemail`.
    query: Vec<(String, String)>,
}

impl FromRequest<AppState> for Hook {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = request.into_parts();
        let Path(token) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |original| original.0.clone());
        let body = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        Self::verify(state, &token, &uri, &parts.headers, &body).await
    }
}

impl Hook {
    async fn verify(
        state: &AppState,
        token: &str,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, AppError> {
        let params: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let settings = db::settings_by_token(&mut *state.db.acquire().await?, token)
            .await?
            .ok_or(AppError::NotFound)?;
        // Without the key (SECRET_KEY changed or unset) nothing can be checked.
        let auth_token = state
            .config
            .secret_key
            .as_ref()
            .and_then(|key| key.open(&settings.auth_token, settings.account_id))
            .ok_or(AppError::Forbidden)?;
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        let signature = headers
            .get("x-twilio-signature")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if !twilio::is_signed(&auth_token, &state.config.link(path), &params, signature) {
            tracing::warn!(account_id = %settings.account_id, path = uri.path(), "voice webhook: bad signature");
            return Err(AppError::Forbidden);
        }
        let query = uri
            .query()
            .map(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            settings,
            params,
            query,
        })
    }

    fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The agent whose device this status callback reports.
    fn agent_id(&self) -> Option<Uuid> {
        self.query_param("agent")?.parse().ok()
    }

    /// The call back this status callback reports (its row exists before its SID).
    fn call_id(&self) -> Option<Uuid> {
        self.query_param("call")?.parse().ok()
    }

    fn account_id(&self) -> Uuid {
        self.settings.account_id
    }

    /// Where `<Record>` posts a voicemail: the recordings' address, marked, so that a
    /// conversation's recording is never taken for one whatever the order of callbacks.
    fn voicemail_address(&self, state: &AppState) -> String {
        format!("{}?kind=voicemail", self.address(state, "recording"))
    }

    /// The address of this connection's webhook `hook`.
    fn address(&self, state: &AppState, hook: &str) -> String {
        state
            .config
            .link(&format!("/voice/{}/{hook}", self.settings.channel_token))
    }

    /// When the provider says this happened (its `Timestamp`), else now.
    fn moment(&self, state: &AppState) -> OffsetDateTime {
        OffsetDateTime::parse(self.param("Timestamp"), &Rfc2822)
            .unwrap_or_else(|_| state.clock.now())
    }
}

fn twiml(xml: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml).into_response()
}

/// `<Say>`'s language for the workspace's.
fn say_language(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "en-US",
        Locale::ZhCn => "zh-CN",
    }
}

/// `POST /voice/{channel_token}/incoming`: a customer calls one of the workspace's numbers.
/// The call becomes a `new` ticket of the number's department at once; the online agents
/// of that department with a device ring for 30 seconds, or, with nobody to ring or
/// outside business hours, the caller is offered voicemail.
pub(super) async fn incoming(
    State(state): State<AppState>,
    hook: Hook,
) -> Result<Response, AppError> {
    let call_sid = hook.param("CallSid");
    if call_sid.is_empty() {
        return Err(AppError::BadRequest("calls-missing-call"));
    }
    let account_id = hook.account_id();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let workspace = tickets::db::workspace_by_id(&mut tx, account_id).await?;
    let department_id = db::department_of_number(&mut tx, account_id, hook.param("To")).await?;
    let levels = state
        .directory
        .service_levels(&mut tx, account_id, &workspace.time_zone)
        .await?;
    let open = levels.is_open(now);
    // The agents who ring, and each one's device with the address of its status callbacks.
    let (rung, devices): (Vec<Uuid>, Vec<(Device, String)>) = match (open, department_id) {
        (true, Some(department_id)) => {
            let agents = db::reachable_agents(&mut tx, account_id, department_id).await?;
            let reach = super::Reach::of(&hook.settings, &state.config);
            agents
                .into_iter()
                .filter_map(|agent| {
                    let device = reach.device(&agent)?;
                    let callback = format!("{}?agent={}", hook.address(&state, "status"), agent.id);
                    Some((agent.id, (device, callback)))
                })
                .take(twilio::MAX_DEVICES)
                .unzip()
        }
        _ => (Vec::new(), Vec::new()),
    };
    // The workspace's numbering first: two deliveries of one call at once (the provider
    // retries) wait for each other here, and the second finds the call.
    tickets::db::lock_numbering(&mut tx, account_id).await?;
    if db::lock_call(&mut tx, account_id, call_sid)
        .await?
        .is_none()
    {
        let call = Incoming {
            call_sid,
            from: hook.param("From"),
            to: hook.param("To"),
            department_id,
            rung,
        };
        open_ticket(
            &mut tx,
            &state.config,
            account_id,
            workspace.language,
            &call,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let language = say_language(workspace.language);
    if devices.is_empty() {
        let key = if open {
            "calls-voicemail-prompt"
        } else {
            "calls-closed-prompt"
        };
        let prompt = format!("{} {}", hook.settings.greeting, workspace.language.t(key));
        return Ok(twiml(twilio::voicemail(
            &prompt,
            language,
            &hook.voicemail_address(&state),
        )));
    }
    let recording = hook.address(&state, "recording");
    Ok(twiml(twilio::ring(&Ring {
        greeting: &hook.settings.greeting,
        language,
        devices: &devices,
        dial_action: &hook.address(&state, "dial-status"),
        recording_callback: hook.settings.record.then_some(recording.as_str()),
    })))
}

/// An incoming call as the provider announced it.
struct Incoming<'a> {
    call_sid: &'a str,
    from: &'a str,
    to: &'a str,
    department_id: Option<Uuid>,
    /// The agents whose devices ring for it: their panels ring too.
    rung: Vec<Uuid>,
}

/// The ticket of a new call, its log, and the event for the panels. Run under the
/// workspace's numbering lock.
async fn open_ticket(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    language: Locale,
    call: &Incoming<'_>,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    // The caller as they were known from an earlier call; a withheld number ("anonymous")
    // is nobody's.
    let known = match super::settings::parse_number(call.from) {
        Ok(_) => db::customer_by_phone(conn, account_id, call.from).await?,
        Err(_) => None,
    };
    let (name, email) = known.unwrap_or_else(|| (call.from.to_owned(), String::new()));
    let subject = language.t_args("calls-ticket-subject", &[("caller", call.from)]);
    let ticket = tickets::db::insert_ticket(
        conn,
        account_id,
        &NewTicket {
            subject: &subject,
            customer_name: &name,
            customer_email: &email,
            channel: Channel::Call,
            status: Status::New,
            issue_type: IssueType::Other,
            department_id: call.department_id,
            assignee_id: None,
        },
    )
    .await?;
    if super::settings::parse_number(call.from).is_ok() {
        db::set_customer_phone(conn, account_id, ticket.id, call.from).await?;
    }
    let call_id = db::insert_call(
        conn,
        account_id,
        &NewCall {
            direction: "inbound",
            call_sid: call.call_sid,
            from_number: call.from,
            to_number: call.to,
            department_id: call.department_id,
            ticket_id: ticket.id,
            rang_at: now,
        },
    )
    .await?;
    // The thread's call entry (the log shows beside it) and the reports' record of a call.
    tickets::db::insert_event(
        conn,
        account_id,
        ticket.id,
        By::System,
        "call",
        call.call_sid,
    )
    .await?;
    crate::sla::refresh(conn, account_id, ticket.id).await?;
    // A call that rings nobody (closed, nobody online) is a new ticket to the panels.
    let kind = if call.rung.is_empty() {
        EventKind::NewTicket
    } else {
        EventKind::CallRinging
    };
    live::publish(
        conn,
        &TicketEvent {
            account_id,
            kind,
            number: ticket.number,
            department_id: call.department_id,
            assignee_id: None,
            actor_id: None,
            rung: call.rung.clone(),
        },
    )
    .await?;
    let rung = call.rung.len();
    tracing::info!(%account_id, number = ticket.number, rung, "call came in");
    if call.rung.is_empty() {
        queue_unanswered(conn, config, account_id, call_id, ticket.id, now).await?;
    }
    Ok(())
}

/// `POST /voice/{channel_token}/status`: a status callback, of the whole call or (with
/// `?agent=`) of one agent's device. A device that answered gives the call, and its
/// ticket, to its agent; the first report of the end counts. Reports may come twice or
/// out of order: each time is kept once, and the state follows from the times.
pub(super) async fn status(
    State(state): State<AppState>,
    hook: Hook,
) -> Result<Response, AppError> {
    // A device's leg reports under its own SID, with the caller's as its parent.
    let parent = hook.param("ParentCallSid");
    let leg = !parent.is_empty();
    let call_sid = if leg { parent } else { hook.param("CallSid") };
    let account_id = hook.account_id();
    let at = hook.moment(&state);
    let duration = hook.param("CallDuration").parse::<i32>().ok();
    let mut tx = state.db.begin().await?;
    let call = match hook.call_id() {
        Some(id) => db::lock_call_by_id(&mut tx, account_id, id).await?,
        None => db::lock_call(&mut tx, account_id, call_sid).await?,
    };
    let Some(call) = call else {
        // Not a call of ours (an outgoing call of another application on the account).
        return Ok(twiml(twilio::nothing()));
    };
    match (hook.param("CallStatus"), hook.agent_id()) {
        ("in-progress" | "answered", Some(agent_id)) => {
            answer(&mut tx, &state.config, account_id, &call, agent_id, at).await?;
        }
        ("completed", Some(agent_id)) => {
            // A completed device was answered, whether or not its answer came first; its
            // end is the conversation's, which wins over the whole call's.
            answer(&mut tx, &state.config, account_id, &call, agent_id, at).await?;
            db::ended(
                &mut tx,
                account_id,
                call.id,
                at,
                duration,
                End::Conversation,
            )
            .await?;
        }
        ("completed", None) => {
            call_ended(&mut tx, &state.config, account_id, &call, at, duration).await?;
        }
        // A device that did not answer ends nothing (another may have); the call itself
        // (or a call back to the agent's device) ends unanswered.
        ("busy" | "no-answer" | "failed" | "canceled", _) if !leg => {
            call_ended(&mut tx, &state.config, account_id, &call, at, duration).await?;
        }
        _ => {}
    }
    tx.commit().await?;
    Ok(twiml(twilio::nothing()))
}

/// The whole call ended; its first report counts. Unanswered, its ticket goes to the queue.
async fn call_ended(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    call: &LockedCall,
    at: OffsetDateTime,
    duration: Option<i32>,
) -> Result<(), AppError> {
    db::ended(conn, account_id, call.id, at, duration, End::Call).await?;
    queue_unanswered(conn, config, account_id, call.id, call.ticket_id, at).await
}

/// An incoming call that nobody answered (nobody to ring, the ringing ended unanswered,
/// or the caller hung up) leaves a ticket to call back: it goes through the new-ticket
/// rules and the department's round-robin as an email's does, once. While it rang, nobody
/// was to be given it; an answered call is its answerer's, even when the whole call's end
/// is reported before the device's answer (the ringing's own end settled it).
async fn queue_unanswered(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    call_id: Uuid,
    ticket_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    if db::settle(conn, account_id, call_id, at, false).await? {
        rules::ticket_created(conn, config, account_id, ticket_id, "").await?;
    }
    Ok(())
}

/// The first agent to answer takes the call and its ticket; a later report changes nothing.
async fn answer(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    call: &LockedCall,
    agent_id: Uuid,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    // The id comes back from our own callback address; still, only an agent of the
    // workspace takes a call.
    if call.answered_at.is_some()
        || agents::db::member(conn, account_id, agent_id)
            .await?
            .is_none()
    {
        return Ok(());
    }
    if !db::answered(conn, account_id, call.id, agent_id, at).await? {
        return Ok(());
    }
    if let Some(ticket) = tickets::db::ticket_by_id(conn, account_id, call.ticket_id).await? {
        let properties = Properties {
            assignee_id: Some(agent_id),
            ..tickets::current_properties(&ticket)
        };
        tickets::record_changes(
            conn,
            config,
            Changer::Desk(account_id),
            &ticket,
            &properties,
        )
        .await?;
    }
    Ok(())
}

/// `POST /voice/{channel_token}/dial-status`: how ringing the agents ended. Answered: the
/// call is over once this comes. Otherwise the caller is offered voicemail.
pub(super) async fn dial_status(
    State(state): State<AppState>,
    hook: Hook,
) -> Result<Response, AppError> {
    let answered = matches!(hook.param("DialCallStatus"), "completed" | "answered");
    let account_id = hook.account_id();
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let call = db::lock_call(&mut tx, account_id, hook.param("CallSid")).await?;
    if answered {
        if let Some(call) = call {
            db::settle(&mut tx, account_id, call.id, now, true).await?;
        }
        tx.commit().await?;
        return Ok(twiml(twilio::hang_up()));
    }
    if let Some(call) = call {
        queue_unanswered(
            &mut tx,
            &state.config,
            account_id,
            call.id,
            call.ticket_id,
            now,
        )
        .await?;
    }
    let language = tickets::db::workspace_by_id(&mut tx, account_id)
        .await?
        .language;
    tx.commit().await?;
    Ok(twiml(twilio::voicemail(
        &language.t("calls-voicemail-prompt"),
        say_language(language),
        &hook.voicemail_address(&state),
    )))
}

/// `POST /voice/{channel_token}/recording`: a recording is ready, of the conversation
/// (recorded calls: `<Dial>`'s callback) or of a voicemail (`<Record>`'s action, marked
/// `kind=voicemail`).
pub(super) async fn recording(
    State(state): State<AppState>,
    hook: Hook,
) -> Result<Response, AppError> {
    let url = hook.param("RecordingUrl");
    // Only an https address becomes a link on the ticket.
    if url::Url::parse(url).is_ok_and(|url| url.scheme() == "https") {
        let account_id = hook.account_id();
        let voicemail = hook.query_param("kind") == Some("voicemail");
        let mut tx = state.db.begin().await?;
        if let Some(call) = db::lock_call(&mut tx, account_id, hook.param("CallSid")).await? {
            db::set_recording(&mut tx, account_id, call.id, url, voicemail).await?;
            if voicemail && call.voicemail_url.is_none() {
                // Someone should call back: the ticket waits in the department's queue.
                tickets::db::insert_event(
                    &mut tx,
                    account_id,
                    call.ticket_id,
                    By::System,
                    "voicemail",
                    "",
                )
                .await?;
            }
        }
        tx.commit().await?;
    }
    // The answer to `<Record>`'s action: the call ends.
    Ok(twiml(twilio::hang_up()))
}
