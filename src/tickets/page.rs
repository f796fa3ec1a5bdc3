//! `/app/tickets/{number}`: the ticket and its thread, with the forms to reply (emailed to
//! the customer), add an internal note, and set status, priority, type, department,
//! assignee and a postponement. Another workspace's number, or one of a department the
//! agent is not in, is 404.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    Channel, IssueType, MessageKind, Priority, Replier, ReplyTarget, Status,
    db::{self, Properties, ThreadMessage, Ticket, Viewer},
    knowledge,
    properties::{self, Changer, current_properties, record_changes},
    reply_to_customer,
};
use crate::{
    AppError, AppState, attachments,
    auth::CurrentAgent,
    calls, canned, chat,
    config::Config,
    error::Found,
    format,
    input::{Choice, FieldErrors, required_long_text},
    rules, sla, social, tags,
    web::{
        PageContext,
        connection::Db,
        extract::{FormWithFiles, Path, Query},
        flash,
    },
};

/// Longest reply or note.
pub(super) const BODY_LIMIT: usize = 50_000;

/// `{number}` of the path; anything else is a ticket that does not exist.
fn ticket_number(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

pub(super) async fn visible(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    raw: &str,
) -> Result<Ticket, AppError> {
    db::visible_ticket(conn, &Viewer::of(agent), ticket_number(raw)?)
        .await
        .found()
}

/// The ticket, locked for the rest of the transaction and read after the lock: what the
/// change starts from is what the previous change left.
/// A merged ticket takes no more changes: its page leads to the one it went into.
pub(super) async fn visible_locked(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    raw: &str,
) -> Result<Ticket, AppError> {
    let ticket = visible(conn, agent, raw).await?;
    db::lock_ticket(conn, agent.account_id, ticket.id).await?;
    let ticket = visible(conn, agent, raw).await?;
    if ticket.status == Status::Merged {
        return Err(AppError::Unprocessable("ticket-is-merged"));
    }
    Ok(ticket)
}

/// What the agent typed, kept when the page comes back.
#[derive(Debug, Default)]
pub(super) struct Drafts {
    pub(super) reply: String,
    pub(super) note: String,
    /// Replies by others since the page was opened: the agent confirms before sending.
    pub(super) replied_meanwhile: Vec<String>,
    /// The agent's search of the knowledge base, for links to put in the reply.
    pub(super) articles: knowledge::ArticleSearch,
    /// The canned answers the reply was started from: sending it counts them as used.
    pub(super) canned: Vec<String>,
    /// The tags as typed, when they could not be saved.
    pub(super) tags: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/ticket.html")]
pub(super) struct TicketPage {
    ctx: PageContext,
    ticket: Ticket,
    /// The SLA clocks, when a policy applies.
    clocks: Option<sla::TicketClocks>,
    thread: Vec<ThreadMessage>,
    attachments: Vec<attachments::Shown>,
    /// The newest message when the page was made: a reply checks what came after it.
    last_seen: String,
    signature: String,
    drafts: Drafts,
    errors: FieldErrors,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    types: Vec<Choice>,
    departments: Vec<Choice>,
    assignees: Vec<Choice>,
    /// The canned answers offered in the reply form, filled in for this ticket.
    canned: Vec<canned::Offered>,
    tags: Vec<String>,
    /// The workspace's tags, suggested as the agent types.
    tag_names: Vec<String>,
    /// A chat still going on: its live thread, where the visitor came from, their
    /// earlier tickets.
    chat: Option<chat::LiveChat>,
    /// The calls of a call's ticket, each shown at its entry in the thread.
    calls: Vec<calls::CallLog>,
    /// A caller's other tickets, by their number: `(number, subject)`.
    caller_history: Vec<(i64, String)>,
    /// A messaging app's conversation: its channel and each reply's delivery.
    social: Option<social::Thread>,
}

impl TicketPage {
    /// The call whose entry `message` is.
    pub fn call_of(&self, message: &ThreadMessage) -> Option<&calls::CallLog> {
        if message.event.as_deref() != Some("call") {
            return None;
        }
        let sid = message.event_value.as_deref()?;
        self.calls.iter().find(|call| call.call_sid == sid)
    }

    /// The tags field: what was typed, or the ticket's tags.
    pub fn tags_field(&self) -> String {
        self.drafts
            .tags
            .clone()
            .unwrap_or_else(|| self.tags.join(", "))
    }

    /// The properties as shown, sent back with the properties forms.
    pub fn seen(&self) -> String {
        properties::seen_stamp(&self.ticket)
    }

    /// No email reply can be sent: the reply form says so (notes still work).
    pub fn email_reply_impossible(&self) -> bool {
        self.chat.is_none() && self.social.is_none() && self.ticket.reply_address().is_none()
    }

    /// An event of the thread in words: "Status: Open", "Assigned to Ada".
    pub fn describe(&self, message: &ThreadMessage) -> String {
        let value = message.event_value.as_deref().unwrap_or_default();
        let label = |key: &str| self.ctx.t(key);
        let (key, shown) = match message.event.as_deref().unwrap_or_default() {
            "status" => (
                "event-status",
                Status::parse(value).map(|s| label(s.label_key())),
            ),
            "reopened" => ("event-reopened", Ok(String::new())),
            "priority" => (
                "event-priority",
                Priority::parse(value).map(|p| label(p.label_key())),
            ),
            "type" => (
                "event-type",
                IssueType::parse(value).map(|t| label(t.label_key())),
            ),
            "department" => ("event-department", Ok(value.to_owned())),
            "tagged" => ("event-tagged", Ok(value.to_owned())),
            "merged" => ("event-merged", Ok(value.to_owned())),
            "merged-into" => ("event-merged-into", Ok(value.to_owned())),
            "split" => ("event-split", Ok(value.to_owned())),
            "split-from" => ("event-split-from", Ok(value.to_owned())),
            "untagged" => ("event-untagged", Ok(value.to_owned())),
            "no-department" => ("event-no-department", Ok(String::new())),
            "assigned" => ("event-assigned", Ok(value.to_owned())),
            "unassigned" => ("event-unassigned", Ok(String::new())),
            // Recorded as an ISO day, shown in the reader's language.
            "postponed" => (
                "event-postponed",
                Ok(format::parse_iso_day(value)
                    .map_or_else(|| value.to_owned(), |day| self.ctx.day(day))),
            ),
            "chat" => ("event-chat", Ok(String::new())),
            "call" => ("event-call", Ok(String::new())),
            "voicemail" => ("event-voicemail", Ok(String::new())),
            "accepted" => ("event-chat-accepted", Ok(value.to_owned())),
            "ended" => ("event-chat-ended", Ok(value.to_owned())),
            "missed" => ("event-chat-missed", Ok(value.to_owned())),
            "rule_replied" => ("event-rule-replied", Ok(value.to_owned())),
            "rule_notified" => ("event-rule-notified", Ok(value.to_owned())),
            "fetch_failed" => ("event-fetch-failed", Ok(value.to_owned())),
            "reaction" if value.is_empty() => ("event-reaction-removed", Ok(String::new())),
            "reaction" => ("event-reaction", Ok(value.to_owned())),
            _ => ("event-other", Ok(value.to_owned())),
        };
        self.ctx.t_args(
            key,
            &[("value", &shown.unwrap_or_else(|_| value.to_owned()))],
        )
    }
}

pub(super) async fn ticket_page(
    state: &AppState,
    conn: &mut PgConnection,
    ctx: PageContext,
    agent: &CurrentAgent,
    ticket: Ticket,
    drafts: Drafts,
    errors: FieldErrors,
) -> Result<TicketPage, AppError> {
    let thread = db::thread(&mut *conn, agent.account_id, ticket.id, false).await?;
    let files = attachments::db::of_ticket(&mut *conn, agent.account_id, ticket.id, false).await?;
    let attachments = attachments::shown(files, "/app/attachments", ctx.locale);
    let (shown_name, signature) =
        db::reply_identity(&mut *conn, agent.account_id, agent.id).await?;
    let values = canned::placeholders::Values {
        customer_name: &ticket.customer_name,
        ticket_number: ticket.number,
        agent_name: &agent.name,
        agent_alias: &shown_name,
        workspace_name: &agent.company,
    };
    let canned = canned::offered(&mut *conn, agent, ticket.department_id, &values).await?;
    let (tags, tag_names) = tags::db::for_ticket(&mut *conn, agent.account_id, ticket.id).await?;
    let names = state.directory.names(&mut *conn, agent.account_id).await?;
    let department_choices = Choice::rows(names.departments.clone(), |id| {
        ticket.department_id == Some(id)
    });
    let assignees = Choice::rows(names.agents.clone(), |id| ticket.assignee_id == Some(id));
    let statuses = Status::settable(ctx.locale, Some(ticket.status));
    let priorities = Priority::choices(ctx.locale, Some(ticket.priority));
    let types = IssueType::choices(ctx.locale, Some(ticket.issue_type));
    // Only a chat's ticket has a chat behind it: other tickets spare the query.
    let levels = state
        .directory
        .service_levels(&mut *conn, agent.account_id, &agent.time_zone)
        .await?;
    let clocks = sla::ticket_clocks(&ctx, &levels, &ticket, &thread, state.clock.now());
    let chat = match ticket.channel {
        Channel::Chat => chat::live_chat(&mut *conn, agent.account_id, ticket.id).await?,
        _ => None,
    };
    let (calls, caller_history) = match ticket.channel {
        Channel::Call => (
            calls::db::calls_of_ticket(&mut *conn, agent.account_id, ticket.id).await?,
            calls::db::caller_history(&mut *conn, agent.account_id, ticket.id).await?,
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let social = if ticket.channel.is_social() {
        social::thread(&mut *conn, agent.account_id, ticket.id).await?
    } else {
        None
    };
    Ok(TicketPage {
        social,
        chat,
        calls,
        caller_history,
        clocks,
        last_seen: thread.last().map(|m| m.id.to_string()).unwrap_or_default(),
        ctx,
        ticket,
        thread,
        attachments,
        signature,
        drafts,
        errors,
        statuses,
        priorities,
        types,
        departments: department_choices,
        assignees,
        canned,
        tags,
        tag_names,
    })
}

/// The ticket page again for a post that changed nothing (its transaction dropped), on a
/// connection of its own.
pub(super) async fn ticket_page_again(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    ticket: Ticket,
    drafts: Drafts,
    errors: FieldErrors,
) -> Result<TicketPage, AppError> {
    let mut conn = state.db.acquire().await?;
    ticket_page(state, &mut conn, ctx, agent, ticket, drafts, errors).await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TicketQuery {
    /// A canned answer to start the reply with (the picker without JavaScript).
    canned: Option<String>,
}

pub(super) async fn show_ticket(
    State(state): State<AppState>,
    Db(mut conn): Db,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Query(query): Query<TicketQuery>,
) -> Result<Response, AppError> {
    let ticket = visible(&mut conn, &agent, &number).await?;
    if ticket.status == Status::Merged
        && let Some(into) = db::merged_into(&mut conn, agent.account_id, ticket.id).await?
    {
        return Ok(Redirect::to(&format!("/app/tickets/{into}")).into_response());
    }
    let mut page = ticket_page(
        &state,
        &mut conn,
        ctx,
        &agent,
        ticket,
        Drafts::default(),
        FieldErrors::default(),
    )
    .await?;
    // Only an answer offered on this ticket: another's, or another workspace's, is not.
    let chosen = query.canned.as_deref().unwrap_or_default();
    if let Some(answer) = page.canned.iter().find(|a| a.id.to_string() == chosen) {
        page.drafts.reply = answer.text.clone();
        page.drafts.canned = vec![answer.id.to_string()];
    }
    Ok(page.into_response())
}

/// The files of a reply or note ready to store, or the error that they break a limit
/// (nothing is stored then; the browser asks for the files again).
pub(super) async fn attachments_of(
    config: &Config,
    uploads: Vec<attachments::Upload>,
    field: &'static str,
) -> Result<(Vec<attachments::NewFile>, FieldErrors), AppError> {
    let mut errors = FieldErrors::default();
    let files = match errors.check(field, attachments::check(&uploads)) {
        Some(()) => attachments::prepare(config, uploads).await?,
        None => Vec::new(),
    };
    Ok((files, errors))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReplyForm {
    #[serde(default)]
    body: String,
    /// The newest message the agent had seen. After the warning that someone replied,
    /// the page carries the newer one: sending again then goes through, unless yet
    /// another reply came (or this was a double click).
    #[serde(default)]
    last_seen: String,
    /// The canned answers put into the reply, counted as used when it is sent.
    #[serde(default)]
    canned: Vec<String>,
}

pub(super) async fn reply(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    FormWithFiles { form, files }: FormWithFiles<ReplyForm>,
) -> Result<Response, AppError> {
    let (files, mut errors) = attachments_of(&state.config, files, "attachments").await?;
    let mut tx = state.db.begin().await?;
    let ticket = visible_locked(&mut tx, &agent, &number).await?;
    let live_chat = chat::live_chat(&mut tx, agent.account_id, ticket.id)
        .await?
        .is_some();
    let on_channel = ticket.channel.is_social();
    let channel_problem = if on_channel {
        social::reply_problem(&mut tx, agent.account_id, ticket.id).await?
    } else {
        None
    };
    // A chat going on is answered in the chat and a messaging app's conversation on its
    // channel (`None`); anything else by email, which needs an address to go to.
    let email_to = match ticket.reply_address() {
        _ if live_chat && !files.is_empty() => {
            errors.add("attachments", "attachments-not-in-chat");
            None
        }
        _ if live_chat => None,
        _ if on_channel => {
            if let Some(problem) = channel_problem {
                errors.add("body", problem);
            }
            None
        }
        Some(address) => Some(address),
        None => {
            errors.add("body", "ticket-no-customer-address");
            None
        }
    };
    let body = errors.check("body", required_long_text(&form.body, BODY_LIMIT));
    let seen = form.last_seen.parse::<Uuid>().ok();
    let replied_meanwhile = db::replies_since(&mut tx, agent.account_id, ticket.id, seen).await?;
    let status = if replied_meanwhile.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CONFLICT
    };
    let Some(body) = body.filter(|_| errors.is_empty() && replied_meanwhile.is_empty()) else {
        drop(tx);
        let drafts = Drafts {
            reply: form.body,
            replied_meanwhile,
            canned: form.canned,
            ..Drafts::default()
        };
        let page = ticket_page_again(&state, ctx, &agent, ticket, drafts, errors).await?;
        return Ok((status, page).into_response());
    };

    match &email_to {
        None if on_channel => {
            let author = social::Author {
                agent_id: Some(agent.id),
                name: &agent.name,
            };
            social::reply(&mut tx, agent.account_id, author, ticket.id, &body, &files)
                .await?
                .map_err(AppError::Unprocessable)?;
        }
        None => chat::reply(&mut tx, &agent, ticket.id, &body).await?,
        Some(address) => {
            let target = ReplyTarget {
                id: ticket.id,
                number: ticket.number,
                subject: &ticket.subject,
                customer_name: &ticket.customer_name,
                customer_email: address,
                customer_token: &ticket.customer_token,
            };
            reply_to_customer(
                &mut tx,
                &state.config,
                Replier::Agent(&agent),
                &target,
                &body,
                &files,
            )
            .await?;
        }
    }
    // A reply answers the ticket, and whoever answers an unassigned ticket takes it.
    let properties = Properties {
        status: Status::Answered,
        assignee_id: ticket.assignee_id.or(Some(agent.id)),
        postponed_until: None,
        ..current_properties(&ticket)
    };
    record_changes(
        &mut tx,
        &state.config,
        Changer::Agent(&agent),
        &ticket,
        &properties,
    )
    .await?;
    let canned_ids: Vec<Uuid> = form
        .canned
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    canned::db::count_uses(&mut tx, agent.account_id, agent.id, &canned_ids).await?;
    sla::refresh(&mut tx, agent.account_id, ticket.id).await?;
    let trigger = rules::Trigger {
        event: rules::Event::AgentReplied,
        body: Some(&body),
    };
    rules::run(&mut tx, &state.config, agent.account_id, ticket.id, trigger).await?;
    tx.commit().await?;
    flash::success(&session, "ticket-reply-sent").await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", ticket.number)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn note(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    FormWithFiles { form, files }: FormWithFiles<NoteForm>,
) -> Result<Response, AppError> {
    let (files, mut errors) = attachments_of(&state.config, files, "note_attachments").await?;
    let mut tx = state.db.begin().await?;
    let ticket = visible_locked(&mut tx, &agent, &number).await?;
    let body = errors.check("note", required_long_text(&form.body, BODY_LIMIT));
    let Some(body) = body.filter(|_| errors.is_empty()) else {
        drop(tx);
        let drafts = Drafts {
            note: form.body,
            ..Drafts::default()
        };
        let page = ticket_page_again(&state, ctx, &agent, ticket, drafts, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let note = db::NewMessage {
        kind: MessageKind::Note,
        author_agent_id: Some(agent.id),
        author_name: &agent.name,
        body_text: &body,
        body_html: None,
        message_id: None,
    };
    if let Some(message_id) =
        db::insert_message(&mut tx, agent.account_id, ticket.id, &note).await?
    {
        attachments::store(&mut tx, agent.account_id, message_id, &files).await?;
    }
    tx.commit().await?;
    flash::success(&session, "ticket-note-added").await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", ticket.number)).into_response())
}
