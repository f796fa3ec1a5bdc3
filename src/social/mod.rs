//! Social channels (DESIGN.md, Social channels): a Telegram bot, a WhatsApp number or a
//! Facebook page connected at `/app/config/channels` (`settings`). Customers' messages
//! come in through the providers' webhooks (`webhooks`), checked by their signature and
//! answered once stored (`inbox`), and become tickets of channel `telegram`, `whatsapp` or `messenger`, one per conversation
//! while it is open (`inbound`). Agents answer from the ticket page as on any ticket; the
//! reply goes out through the outbox (`outbound`), and the thread shows its delivery
//! state as the provider reports it.
mod api;
pub mod db;
mod inbound;
pub mod inbox;
mod meta;
pub mod outbound;
mod settings;
mod telegram;
mod webhooks;

use axum::{
    Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError, AppState, attachments,
    auth::CurrentAgent,
    error::Found,
    tickets::{
        Channel, MessageKind,
        db::{NewMessage, Viewer},
    },
    web::{extract::Path, flash},
};

pub use outbound::Outbound;

text_enum!(
    /// What became of a reply sent on a channel.
    Delivery, "social-delivery-", {
        Queued => "queued",
        Sent => "sent",
        Delivered => "delivered",
        Read => "read",
        Failed => "failed",
    }
);

/// The providers' webhooks: no session or CSRF token, a signature instead.
pub fn webhook_router() -> Router<AppState> {
    Router::new()
        .route(
            "/channels/telegram/{channel_token}",
            post(webhooks::telegram),
        )
        .route(
            "/channels/meta/{channel_token}",
            get(webhooks::meta_verify).post(webhooks::meta),
        )
}

/// Connecting and disconnecting channels (admins and owners).
pub fn config_router() -> Router<AppState> {
    Router::new()
        .route("/app/config/channels", get(settings::show))
        .route(
            "/app/config/channels/telegram/new",
            get(settings::show_connect).post(settings::connect),
        )
        .route(
            "/app/config/channels/whatsapp/new",
            get(settings::show_connect).post(settings::connect),
        )
        .route(
            "/app/config/channels/messenger/new",
            get(settings::show_connect).post(settings::connect),
        )
        .route(
            "/app/config/channels/{id}/delete",
            post(settings::disconnect),
        )
}

/// Sending a failed reply again (every role that sees the ticket).
pub fn router() -> Router<AppState> {
    Router::new().route("/app/tickets/{number}/messages/{id}/resend", post(resend))
}

/// What the ticket page shows of a conversation on a channel.
pub struct Thread {
    pub channel_name: String,
    /// Why a reply cannot go now (a catalog key), if it cannot.
    pub problem: Option<&'static str>,
    pub deliveries: Vec<db::DeliveryRow>,
}

impl Thread {
    /// The delivery state of reply `message_id`.
    pub fn delivery(&self, message_id: &Uuid) -> Option<&db::DeliveryRow> {
        self.deliveries
            .iter()
            .find(|delivery| delivery.message_id == *message_id)
    }
}

/// Why a reply on `conversation` cannot go now: the channel was disconnected, its token
/// was refused, or WhatsApp's window (24 hours after the customer's last message) closed.
fn problem(conversation: &db::Conversation) -> Option<&'static str> {
    if !conversation.connected {
        Some("social-reply-disconnected")
    } else if conversation.broken_reason.is_some() {
        Some("social-reply-broken")
    } else if conversation.kind == Channel::Whatsapp && !conversation.in_window {
        Some("social-reply-window-closed")
    } else {
        None
    }
}

/// The conversation behind ticket `ticket_id`, when it came on a channel.
pub async fn thread(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<Thread>> {
    let Some(conversation) = db::conversation(conn, account_id, ticket_id).await? else {
        return Ok(None);
    };
    Ok(Some(Thread {
        problem: problem(&conversation),
        channel_name: conversation.channel_name,
        deliveries: db::deliveries(conn, account_id, ticket_id).await?,
    }))
}

/// Who a reply on a channel comes from: an agent, or the workspace itself (a rule's
/// canned answer, signed with the company's name).
pub struct Author<'a> {
    pub agent_id: Option<Uuid>,
    pub name: &'a str,
}

/// Adds a reply to the thread of ticket `ticket_id` and queues it for the conversation's
/// channel, in the caller's transaction. `Ok(Err(key))` when it cannot go now (nothing is
/// added): the catalog key says why.
pub async fn reply(
    conn: &mut PgConnection,
    account_id: Uuid,
    author: Author<'_>,
    ticket_id: Uuid,
    body: &str,
    files: &[attachments::NewFile],
) -> Result<Result<(), &'static str>, AppError> {
    let Some(conversation) = db::conversation(conn, account_id, ticket_id).await? else {
        return Ok(Err("social-reply-disconnected"));
    };
    if let Some(problem) = problem(&conversation) {
        return Ok(Err(problem));
    }
    let message = NewMessage {
        kind: MessageKind::Reply,
        author_agent_id: author.agent_id,
        author_name: author.name,
        body_text: body,
        body_html: None,
        message_id: None,
    };
    let message_id = crate::tickets::db::insert_message(conn, account_id, ticket_id, &message)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a reply without a Message-ID was taken for a duplicate"))?;
    attachments::store(conn, account_id, message_id, files).await?;
    db::insert_delivery(conn, account_id, message_id, &conversation).await?;
    outbound::enqueue_reply(conn, account_id, message_id).await?;
    Ok(Ok(()))
}

/// Why a reply to ticket `ticket_id` cannot go now, if it cannot.
pub async fn reply_problem(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<&'static str>> {
    Ok(match db::conversation(conn, account_id, ticket_id).await? {
        Some(conversation) => problem(&conversation),
        None => Some("social-reply-disconnected"),
    })
}

/// `POST /app/tickets/{number}/messages/{id}/resend`: a reply that failed goes out again,
/// if the conversation can take it now.
async fn resend(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Path((number, message_id)): Path<(i64, Uuid)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let ticket = crate::tickets::db::visible_ticket(&mut tx, &Viewer::of(&agent), number)
        .await
        .found()?;
    if let Some(problem) = reply_problem(&mut tx, agent.account_id, ticket.id).await? {
        return Err(AppError::Unprocessable(problem));
    }
    if db::requeue(&mut tx, agent.account_id, ticket.id, message_id).await? {
        outbound::enqueue_reply(&mut tx, agent.account_id, message_id).await?;
        tx.commit().await?;
        flash::success(&session, "social-resend-queued").await?;
    }
    Ok(Redirect::to(&format!("/app/tickets/{number}")).into_response())
}
