//! A chat's lines as server-sent events, for its visitor (`/help/{workspace}/chat/{token}/events`)
//! and for the agents who may see its ticket (`/app/chats/{number}/events`). Each event's
//! id is the line's number: a reconnecting `EventSource` sends the last one it had
//! (`Last-Event-ID`) and gets exactly the lines after it, none lost and none twice. The
//! stream reads the lines after the last one sent whenever the live channel says the chat
//! has a new line, and after missed notifications; a `state` event says when the chat was
//! accepted or ended. An agent's stream ends with their login; each chat's visitor and
//! each agent keep a bounded number of streams open (`live::Subscription`).
use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::{ChatState, db};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    error::Found,
    live::{EventKind, Holder, Signal, Subscription},
    tickets::db::{Viewer, visible_ticket},
    web::extract::{Path, Query},
};

const KEEP_ALIVE: Duration = Duration::from_secs(15);
const RETRY: Duration = Duration::from_secs(2);
/// Lines read at once; a longer backlog comes in several reads.
const BATCH: i64 = 200;

#[derive(Debug, Default, Deserialize)]
pub(super) struct After {
    /// The last line the page shows (a first connection; a reconnection says
    /// `Last-Event-ID` instead).
    #[serde(default)]
    after: i64,
}

/// The line to start after: `Last-Event-ID` when the browser reconnects, else `?after=`.
fn start_after(headers: &HeaderMap, query: &After) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(query.after)
        .max(0)
}

pub(super) async fn visitor_events(
    State(state): State<AppState>,
    Path((workspace, token)): Path<(String, String)>,
    headers: HeaderMap,
    Query(query): Query<After>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let chat = db::by_token(&mut *state.db.acquire().await?, &workspace, &token)
        .await
        .found()?;
    let holder = Holder::Visitor {
        account_id: chat.account_id,
        chat_id: chat.id,
    };
    Ok(open(
        &state,
        holder,
        Target {
            account_id: chat.account_id,
            chat_id: chat.id,
            number: chat.number,
            visitor: Some((workspace, token)),
        },
        start_after(&headers, &query),
    )
    .await)
}

pub(super) async fn agent_events(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(number): Path<String>,
    headers: HeaderMap,
    Query(query): Query<After>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    let ticket = visible_ticket(&mut conn, &Viewer::of(&agent), number)
        .await
        .found()?;
    db::state(&mut conn, agent.account_id, ticket.id)
        .await
        .found()?;
    drop(conn);
    let target = Target {
        account_id: agent.account_id,
        chat_id: ticket.id,
        number,
        visitor: None,
    };
    Ok(open(
        &state,
        Holder::Agent(agent),
        target,
        start_after(&headers, &query),
    )
    .await)
}

async fn open(
    state: &AppState,
    holder: Holder,
    target: Target,
    after: i64,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    // Subscribed before any line is read: none falls in between.
    let subscription = Subscription::open(&state.events, &state.db, holder).await;
    let feed = Feed {
        db: state.db.clone(),
        subscription,
        target,
        after,
        pending: Vec::new(),
        state: None,
        greeted: false,
        dirty: true,
    };
    Sse::new(futures_util::stream::unfold(feed, Feed::next))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// Whose lines a stream sends.
struct Target {
    account_id: Uuid,
    chat_id: Uuid,
    number: i64,
    /// The visitor's workspace and token, to read the chat's state by; `None` for agents.
    visitor: Option<(String, String)>,
}

struct Feed {
    db: PgPool,
    subscription: Subscription,
    target: Target,
    /// The last line sent.
    after: i64,
    /// Lines read and not sent yet, newest first.
    pending: Vec<db::Line>,
    /// The chat's state as last sent.
    state: Option<ChatState>,
    greeted: bool,
    /// Something may have happened since the last read.
    dirty: bool,
}

#[derive(Serialize)]
struct StateMessage<'a> {
    state: &'a str,
    agent: Option<String>,
}

impl Feed {
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        loop {
            if let Some(line) = self.pending.pop() {
                self.after = line.line;
                let data = serde_json::to_string(&line).unwrap_or_default();
                let mut event = Event::default()
                    .event("line")
                    .id(line.line.to_string())
                    .data(data);
                if !self.greeted {
                    self.greeted = true;
                    event = event.retry(RETRY);
                }
                return Some((Ok(event), self));
            }
            if self.dirty {
                self.dirty = false;
                match self.read().await {
                    Ok(Some(event)) => return Some((Ok(event), self)),
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "chat events: reading failed"),
                }
                if !self.pending.is_empty() {
                    continue;
                }
            }
            if !self.greeted {
                self.greeted = true;
                return Some((Ok(Event::default().comment("hello").retry(RETRY)), self));
            }
            match self.subscription.next().await? {
                Signal::Ticket(e)
                    if e.number == self.target.number && e.kind != EventKind::NewChat =>
                {
                    self.dirty = true;
                }
                Signal::Ticket(_) | Signal::Presence(_) => {}
                Signal::Missed => self.dirty = true,
            }
        }
    }

    /// Reads the lines after the last one sent into `pending`, and returns a `state`
    /// event when the chat's state changed.
    async fn read(&mut self) -> sqlx::Result<Option<Event>> {
        let mut conn = self.db.acquire().await?;
        let mut lines = db::lines_after(
            &mut conn,
            self.target.account_id,
            self.target.chat_id,
            self.after,
            BATCH,
        )
        .await?;
        // A full batch may have more behind it.
        self.dirty = lines.len() as i64 == BATCH;
        lines.reverse();
        self.pending = lines;
        let Some((workspace, token)) = &self.target.visitor else {
            return Ok(None);
        };
        let Some(chat) = db::by_token(&mut conn, workspace, token).await? else {
            return Ok(None);
        };
        if self.state == Some(chat.state) {
            return Ok(None);
        }
        self.state = Some(chat.state);
        let message = StateMessage {
            state: chat.state.as_str(),
            agent: chat.agent,
        };
        Ok(Some(
            Event::default()
                .event("state")
                .data(serde_json::to_string(&message).unwrap_or_default()),
        ))
    }
}
