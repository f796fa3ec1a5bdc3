//! Tickets: customers write in by the contact form (`public`) and by email (`inbound`);
//! agents work the queue (`queue`), answer on the ticket's page (`page`) and start tickets
//! themselves (`new`). Replies and acknowledgements go out through the outbox in the same
//! transaction as the change (`conversation`); `threading` leads answers back.
mod bulk;
pub mod conversation;
pub mod db;
mod inbound;
mod kinds;
mod knowledge;
mod merge;
mod new;
mod page;
mod presence;
mod properties;

pub use properties::{Changer, current_properties, record_changes};
mod public;
mod queue;
mod sender;
mod split;
mod tagging;
pub mod threading;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use sqlx::PgConnection;
use uuid::Uuid;

pub use inbound::INBOUND_BODY_LIMIT;
pub use kinds::{Channel, IssueType, MessageKind, Priority, Status};

use crate::{
    AppError, AppState, attachments,
    auth::{CurrentAgent, Permission},
    billing::Plan,
    config::{Config, UPLOAD_LIMIT},
    input::EmailAddress,
    mail, rules,
};

/// How far back the free plan's lists reach.
const FREE_PLAN_LIST_DAYS: i32 = 7;

impl db::Viewer {
    pub fn of(agent: &CurrentAgent) -> Self {
        Self {
            account_id: agent.account_id,
            agent_id: agent.id,
            // DESIGN.md: admins and owners see every department's tickets; they are the
            // ones who configure departments.
            sees_all: agent.role.can(Permission::Configuration),
            listed_days: (agent.plan == Plan::Free).then_some(FREE_PLAN_LIST_DAYS),
        }
    }
}

/// The agent panel's ticket pages (any role).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app", get(queue::show_queue))
        .route("/app/tickets", get(queue::show_list))
        .route("/app/tickets/new", get(new::show_new).post(new::create))
        .route("/app/tickets/bulk", post(bulk::apply))
        .route("/app/tickets/{number}", get(page::show_ticket))
        .route(
            "/app/tickets/{number}/reply",
            post(page::reply).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/app/tickets/{number}/note",
            post(page::note).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/app/tickets/{number}/tags", post(tagging::set_tags))
        .route("/app/tickets/{number}/presence", post(presence::announce))
        .route(
            "/app/tickets/{number}/merge",
            get(merge::show_merge).post(merge::merge),
        )
        .route(
            "/app/tickets/{number}/messages/{id}/split",
            post(split::split),
        )
        .route(
            "/app/tickets/{number}/articles",
            post(knowledge::search_articles),
        )
        .route(
            "/app/tickets/{number}/properties",
            post(properties::set_properties),
        )
}

/// The forms that carry attachments (`multipart/form-data`): reply, note, contact form and
/// the customer's answer on their ticket page.
pub fn takes_attachments(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["app", "tickets", _, "reply" | "note"]
            | ["help", _, "contact"]
            | ["help", _, "tickets", _]
    )
}

/// The customer's pages: the contact form and their ticket's private page.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route(
            "/help/{workspace}/contact",
            get(public::show_contact)
                .post(public::contact)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/help/{workspace}/tickets/{token}",
            get(public::show_ticket)
                .post(public::customer_reply)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

/// `POST /inbound/email/{token}`: outside the page stack (no session, no CSRF, its own
/// body limit).
pub fn inbound_router() -> Router<AppState> {
    Router::new().route("/inbound/email/{token}", post(inbound::receive))
}

/// Wakes postponed tickets whose date has come: they are `open` again, and the rules for a
/// change of status run. Run at start and then every minute, so that a date passed while
/// nothing ran is caught up at once; in batches, each its own transaction, until none is
/// due.
pub async fn wake_postponed(db: &sqlx::PgPool, config: &Config) -> Result<usize, AppError> {
    const BATCH: i64 = 500;
    let mut woken = 0;
    loop {
        let mut tx = db.begin().await?;
        let due = db::due_postponed(&mut tx, BATCH).await?;
        for (account_id, ticket_id) in &due {
            db::reopen_postponed(&mut tx, *account_id, *ticket_id).await?;
            crate::sla::refresh(&mut tx, *account_id, *ticket_id).await?;
            rules::status_changed(&mut tx, config, *account_id, *ticket_id).await?;
        }
        tx.commit().await?;
        woken += due.len();
        if (due.len() as i64) < BATCH {
            return Ok(woken);
        }
    }
}

/// Adds a customer's message (made with `NewMessage::customer`) to ticket `ticket_id` and
/// reopens it. `None` when the message was there already (the same Message-ID).
pub async fn add_customer_message(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message: &db::NewMessage<'_>,
) -> sqlx::Result<Option<Uuid>> {
    let inserted = db::insert_message(conn, account_id, ticket_id, message).await?;
    if inserted.is_some()
        && let Some(before) = db::customer_wrote(conn, account_id, ticket_id).await?
    {
        let event = if before == Status::Resolved {
            "reopened"
        } else {
            "status"
        };
        db::insert_event(
            conn,
            account_id,
            ticket_id,
            db::By::System,
            event,
            Status::Open.as_str(),
        )
        .await?;
    }
    if inserted.is_some() {
        crate::sla::refresh(conn, account_id, ticket_id).await?;
    }
    Ok(inserted)
}

/// The ticket an agent's reply goes to.
pub struct ReplyTarget<'a> {
    pub id: Uuid,
    pub number: i64,
    pub subject: &'a str,
    pub customer_name: &'a str,
    pub customer_email: &'a EmailAddress,
    pub customer_token: &'a str,
}

/// Who signs a reply.
#[derive(Clone, Copy)]
pub enum Replier<'a> {
    /// An agent: their alias, with their signature appended.
    Agent(&'a CurrentAgent),
    /// The workspace itself, by its company name: a rule's canned answer.
    Workspace(Uuid),
}

/// Adds the reply to the thread and puts the email to the customer in the outbox, in the
/// caller's transaction: both happen or neither.
pub async fn reply_to_customer(
    conn: &mut PgConnection,
    config: &Config,
    replier: Replier<'_>,
    ticket: &ReplyTarget<'_>,
    body: &str,
    files: &[attachments::NewFile],
) -> Result<(), AppError> {
    let account_id = match replier {
        Replier::Agent(agent) => agent.account_id,
        Replier::Workspace(account_id) => account_id,
    };
    let workspace = db::workspace_by_id(conn, account_id).await?;
    let (shown_name, signature, author_agent_id, author_name) = match replier {
        Replier::Agent(agent) => {
            let (shown, signature) = db::reply_identity(conn, account_id, agent.id).await?;
            (shown, signature, Some(agent.id), agent.name.clone())
        }
        Replier::Workspace(_) => {
            let company = workspace.company.clone();
            (company.clone(), String::new(), None, company)
        }
    };
    let text = if signature.trim().is_empty() {
        body.to_owned()
    } else {
        format!("{body}\n\n{}", signature.trim_end())
    };
    let references = db::thread_message_ids(conn, account_id, ticket.id).await?;
    let link = conversation::customer_link(config, &workspace.slug, ticket.customer_token);
    let reply = conversation::TicketMail {
        locale: workspace.language,
        company: &workspace.company,
        customer_name: ticket.customer_name,
        number: ticket.number,
        body: &text,
        author: &shown_name,
        link: &link,
    };
    let email = reply.email(
        config,
        &workspace,
        ticket.customer_email,
        ticket.subject,
        references.last().map(String::as_str),
        &references,
    )?;
    let message_id = db::insert_message(
        conn,
        account_id,
        ticket.id,
        &db::NewMessage {
            kind: MessageKind::Reply,
            author_agent_id,
            author_name: &author_name,
            body_text: &text,
            body_html: None,
            message_id: email.threading.message_id.as_deref(),
        },
    )
    .await?;
    let outbox_id = mail::enqueue(conn, account_id, &email).await?;
    if let Some(message_id) = message_id
        && !files.is_empty()
    {
        attachments::store(conn, account_id, message_id, files).await?;
        attachments::db::mail_with(conn, account_id, outbox_id, message_id).await?;
    }
    Ok(())
}
