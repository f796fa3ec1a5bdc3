//! Live chat. A chat is a ticket of channel `chat` plus a row in `chats` (the visitor's
//! token, its state, who accepted it). Visitors start and follow it at
//! `/help/{workspace}/chat…` (`visitor`), with new lines as server-sent events (`stream`);
//! agents see, accept and end chats at `/app/chats…` (`agent`) and answer with the
//! ticket's own forms, whose replies reach the visitor as chat lines (`reply`). Every line
//! is announced through the live panel's `pg_notify`, so it reaches every `serve` process.
mod agent;
pub mod db;
mod embed;
mod stream;
mod visitor;

use axum::{
    Router, middleware,
    routing::{get, post},
};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    live::{self, EventKind, TicketEvent},
    tickets::{self, MessageKind, db::NewMessage},
};

/// Longest chat message.
pub const MESSAGE_LIMIT: usize = 2_000;

text_enum!(
    /// `waiting` for an agent -> `active` once accepted -> `ended`; or `missed` when
    /// nobody accepted it in time and it became an email ticket.
    ChatState, "chat-state-", {
        Waiting => "waiting",
        Active => "active",
        Ended => "ended",
        Missed => "missed",
    }
);

pub use crate::workspace::Availability;
pub use embed::snippet;

/// Whether `path` is one of the visitor's chat pages, `/help/{workspace}/chat…`.
pub fn is_visitor_path(path: &str) -> bool {
    let mut segments = path.split('/').skip(1);
    segments.next() == Some("help")
        && segments.next().is_some_and(|slug| !slug.is_empty())
        && segments.next() == Some("chat")
}

/// The visitor's pages (no login), which the workspace's listed origins may frame, and
/// the widget's script.
pub fn public_router(state: &AppState) -> Router<AppState> {
    let chat_pages = Router::new()
        .route(
            "/help/{workspace}/chat",
            get(visitor::show_start).post(visitor::start),
        )
        .route(
            "/help/{workspace}/chat/{token}",
            get(visitor::show_chat).post(visitor::send),
        )
        .route(
            "/help/{workspace}/chat/{token}/leave",
            post(visitor::leave_message),
        )
        .route(
            "/help/{workspace}/chat/{token}/events",
            get(stream::visitor_events),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            embed::frame_policy,
        ));
    Router::new()
        .merge(chat_pages)
        .route("/widget/{file}", get(embed::widget))
}

/// The workspace's chat settings (admins and owners).
pub fn config_router() -> Router<AppState> {
    Router::new().route(
        "/app/config/chat",
        get(embed::show_settings).post(embed::save_settings),
    )
}

/// The agents' pages (any role).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/chats", get(agent::show_chats))
        .route("/app/chats/{number}/accept", post(agent::accept))
        .route("/app/chats/{number}/end", post(agent::end))
        .route("/app/chats/{number}/events", get(stream::agent_events))
        .route("/app/availability", post(agent::set_availability))
}

/// Adds `message` to chat `ticket_id` as its next line and announces it; `None` when the
/// message was there already.
async fn add_line(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message: &NewMessage<'_>,
    actor: Option<&CurrentAgent>,
) -> Result<Option<i64>, AppError> {
    let message_id = if message.kind == MessageKind::Customer {
        tickets::add_customer_message(conn, account_id, ticket_id, message).await?
    } else {
        let inserted = tickets::db::insert_message(conn, account_id, ticket_id, message).await?;
        crate::sla::refresh(conn, account_id, ticket_id).await?;
        inserted
    };
    let Some(message_id) = message_id else {
        return Ok(None);
    };
    let line = db::add_line(conn, account_id, ticket_id, message_id).await?;
    announce(conn, account_id, ticket_id, EventKind::ChatLine, actor).await?;
    Ok(Some(line))
}

/// Tells every `serve` process that chat `ticket_id` changed (`kind`).
async fn announce(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    kind: EventKind,
    actor: Option<&CurrentAgent>,
) -> sqlx::Result<()> {
    let ticket = sqlx::query!(
        "select number, department_id, assignee_id from tickets
         where account_id = $1 and id = $2",
        account_id,
        ticket_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let event = TicketEvent {
        account_id,
        kind,
        number: ticket.number,
        department_id: ticket.department_id,
        assignee_id: ticket.assignee_id,
        actor_id: actor.map(|a| a.id),
        rung: Vec::new(),
    };
    live::publish(conn, &event).await
}

/// A chat still waiting or going on, as its ticket's page shows it.
pub struct LiveChat {
    /// The last line: the page's live thread shows the lines after it.
    pub last_line: i64,
    /// The page of the company's site the visitor came from.
    pub page_url: String,
    /// The visitor's earlier tickets (by their email address), newest first.
    pub earlier: Vec<(i64, String)>,
}

/// Ticket `ticket_id` as a live chat, if it is one (replies then go to the visitor as
/// lines, not by email).
pub async fn live_chat(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<LiveChat>> {
    let Some(chat) = sqlx::query!(
        "select c.last_line, c.page_url, t.customer_email from chats c
         join tickets t on t.account_id = c.account_id and t.id = c.id
         where c.account_id = $1 and c.id = $2 and c.state in ('waiting', 'active')",
        account_id,
        ticket_id,
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let earlier = sqlx::query!(
        "select number, subject from tickets
         where account_id = $1 and customer_email = $2 and id <> $3 and $2 <> ''
         order by created_at desc limit 10",
        account_id,
        chat.customer_email,
        ticket_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(Some(LiveChat {
        last_line: chat.last_line,
        page_url: chat.page_url,
        earlier: earlier.into_iter().map(|t| (t.number, t.subject)).collect(),
    }))
}

/// An agent's reply on a live chat (see `live_chat`): it reaches the visitor as a chat
/// line instead of an email; the transcript is mailed when the chat ends.
pub async fn reply(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    ticket_id: Uuid,
    body: &str,
) -> Result<(), AppError> {
    let message = NewMessage {
        kind: MessageKind::Reply,
        author_agent_id: Some(agent.id),
        author_name: &agent.name,
        body_text: body,
        body_html: None,
        message_id: None,
    };
    add_line(conn, agent.account_id, ticket_id, &message, Some(agent)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_visitor_path;

    #[test]
    fn visitor_paths_are_the_chat_pages_of_a_workspace() {
        assert!(is_visitor_path("/help/acme/chat"));
        assert!(is_visitor_path("/help/acme/chat/abc/leave"));
        assert!(!is_visitor_path("/help/acme/contact"));
        assert!(!is_visitor_path("/help//chat"));
        assert!(!is_visitor_path("/app/chats"));
    }
}
