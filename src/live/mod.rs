//! The live panel: what happens to tickets reaches the agents' open pages as server-sent
//! events (`GET /app/events`). A change is announced with `pg_notify` in the transaction
//! that makes it, so PostgreSQL delivers it when, and only if, it commits, to every `serve`
//! process alike. Each process has one listener (`Events::start`) that fans the events out
//! to its streams through a broadcast channel; each stream keeps what its agent may see.
//! What ends a stream (its lifetime, its agent's logout, newer streams of the same agent)
//! is `Subscription`'s.
mod stream;
mod subscription;

use std::{sync::Arc, time::Duration};

use axum::{Router, routing::get};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, postgres::PgListener};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::{
    AppState,
    directory::{self, Directory},
};

pub use subscription::{Holder, MAX_STREAMS, Subscription, delete_stale_streams};

/// The PostgreSQL channel of ticket events.
const CHANNEL: &str = "frontdesk_events";
/// The PostgreSQL channel of agents on tickets' pages (`PresenceEvent`).
const PRESENCE_CHANNEL: &str = "frontdesk_presence";
/// The PostgreSQL channel of what ends streams (`StreamNotice`).
const STREAMS_CHANNEL: &str = "frontdesk_streams";
/// Events a slow stream may fall behind before it skips to fresh counts.
const BUFFER: usize = 1024;
const MAX_RECONNECT_WAIT: Duration = Duration::from_secs(30);

/// `GET /app/events`, for every role.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/events", get(stream::events))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    NewTicket,
    /// A customer's message on a ticket that existed before.
    NewMessage,
    /// Someone was given the ticket.
    Assigned,
    /// Status, priority, department, ...: counts may change, nobody is called.
    Updated,
    /// A visitor started a chat: the online agents who may see it are rung.
    NewChat,
    /// A chat has a new line: its visitor's and its agent's pages show it.
    ChatLine,
    /// The ticket missed an SLA target: its assignee (unassigned: its department's agents)
    /// and the admins are rung.
    SlaBreached,
    /// A customer calls: the ticket of the call is new, and the online agents of its
    /// department hear the call's sound while their devices ring.
    CallRinging,
}

/// What a stream's `Subscription` hands it.
#[derive(Clone, Debug)]
pub enum Signal {
    /// An event of the stream's workspace.
    Ticket(TicketEvent),
    /// An agent of the stream's workspace on a ticket's page (agents' streams only).
    Presence(PresenceEvent),
    /// The listener lost its connection and has it again, or the stream fell behind:
    /// whatever was announced meanwhile is lost, so streams send fresh counts.
    Missed,
}

/// What a process's listener hands its subscriptions.
#[derive(Clone, Debug)]
enum Notice {
    Ticket(TicketEvent),
    Presence(PresenceEvent),
    Missed,
    Stream(StreamNotice),
}

/// What ends streams, as it travels through `pg_notify` on `STREAMS_CHANNEL`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StreamNotice {
    /// A login of the agent ended, or their role changed, or they were deleted (sent by
    /// the triggers of migration `20261206001801_live_streams`).
    AgentChanged { account_id: Uuid, agent_id: Uuid },
    /// The stream was ended to keep its holder within `MAX_STREAMS`.
    Ended { account_id: Uuid, stream_id: Uuid },
}

/// What one ticket event says, as it travels through `pg_notify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub account_id: Uuid,
    pub kind: EventKind,
    pub number: i64,
    pub department_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    /// The agent who made the change: their own pages do not ring for it.
    pub actor_id: Option<Uuid>,
    /// The agents whose devices ring for a call (`CallRinging`): their panels show it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rung: Vec<Uuid>,
}

/// What an agent does on a ticket's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresenceState {
    /// The page is open (said again every 20 seconds while it stays open).
    Viewing,
    /// The agent is typing a reply.
    Typing,
    /// The page was closed or left.
    Left,
}

/// An agent on a ticket's page, as it travels through `pg_notify`: the other agents who
/// may see the ticket and have it open learn who else is there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEvent {
    pub account_id: Uuid,
    pub number: i64,
    pub department_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub agent_id: Uuid,
    pub agent_name: String,
    pub state: PresenceState,
}

/// Tells every `serve` process's streams about `event`, at once (nothing is stored).
pub async fn announce_presence(conn: &mut PgConnection, event: &PresenceEvent) -> sqlx::Result<()> {
    notify(conn, PRESENCE_CHANNEL, event).await
}

/// Announces `event` when the caller's transaction commits.
pub async fn publish(conn: &mut PgConnection, event: &TicketEvent) -> sqlx::Result<()> {
    notify(conn, CHANNEL, event).await
}

async fn notify(
    conn: &mut PgConnection,
    channel: &str,
    payload: &impl Serialize,
) -> sqlx::Result<()> {
    let payload =
        serde_json::to_string(payload).map_err(|error| sqlx::Error::Encode(error.into()))?;
    // Not `query!`: pg_notify returns void, which the macros cannot describe.
    sqlx::query("select pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// This process's end of the event channel.
#[derive(Clone)]
pub struct Events {
    sender: broadcast::Sender<Notice>,
    /// Turns true when the process stops: open streams end, so that a graceful shutdown
    /// does not wait for them.
    stopping: Arc<watch::Sender<bool>>,
}

impl Events {
    /// Starts listening on `db`'s database (one connection, held until the pool closes,
    /// reconnected when lost), hands the events to the streams of this process and tells
    /// `directory` which workspaces' names changed.
    pub fn start(db: &PgPool, directory: &Directory) -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        tokio::spawn(listen(db.clone(), sender.clone(), directory.clone()));
        Self {
            sender,
            stopping: Arc::new(watch::Sender::new(false)),
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.sender.subscribe()
    }

    /// Ends every open stream of this process (and those opened from now on).
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    fn stopping(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }
}

async fn listen(db: PgPool, sender: broadcast::Sender<Notice>, directory: Directory) {
    const FIRST_WAIT: Duration = Duration::from_millis(250);
    let mut wait = FIRST_WAIT;
    let mut again = false;
    loop {
        let started = std::time::Instant::now();
        let result = receive(&db, &sender, &directory, again).await;
        directory.listening(false);
        again = true;
        // A connection that lasted was a good one: the next failure starts waiting short.
        if started.elapsed() > MAX_RECONNECT_WAIT {
            wait = FIRST_WAIT;
        }
        match result {
            // The pool was closed: the process (or the test) is ending.
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => tracing::warn!(%error, "live events: listening failed; trying again"),
            Ok(()) => {}
        }
        if db.is_closed() {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_RECONNECT_WAIT);
    }
}

/// Connects and passes notifications on until the connection cannot be had again.
/// `PgListener` reconnects by itself after a lost connection and listens again; the
/// streams are then told that they may have missed something.
async fn receive(
    db: &PgPool,
    sender: &broadcast::Sender<Notice>,
    directory: &Directory,
    again: bool,
) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(db).await?;
    listener
        .listen_all([
            CHANNEL,
            PRESENCE_CHANNEL,
            STREAMS_CHANNEL,
            directory::CHANNEL,
        ])
        .await?;
    tracing::debug!("live events: listening");
    directory.listening(true);
    if again {
        drop(sender.send(Notice::Missed));
    }
    loop {
        let Some(notification) = listener.try_recv().await? else {
            tracing::info!("live events: listening again after a lost connection");
            directory.listening(true);
            drop(sender.send(Notice::Missed));
            continue;
        };
        let payload = notification.payload();
        let notice = match notification.channel() {
            directory::CHANNEL => {
                match payload.parse() {
                    Ok(account_id) => directory.forget(account_id),
                    Err(_) => tracing::warn!("live events: a directory change names no workspace"),
                }
                continue;
            }
            STREAMS_CHANNEL => serde_json::from_str(payload).map(Notice::Stream),
            PRESENCE_CHANNEL => serde_json::from_str(payload).map(Notice::Presence),
            _ => serde_json::from_str(payload).map(Notice::Ticket),
        };
        match notice {
            // No stream listening is no error.
            Ok(notice) => drop(sender.send(notice)),
            Err(error) => tracing::warn!(%error, "live events: a notification that is no event"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_travel_as_json_with_snake_case_kinds() {
        let event = TicketEvent {
            account_id: Uuid::nil(),
            kind: EventKind::NewTicket,
            number: 7,
            department_id: None,
            assignee_id: None,
            actor_id: None,
            rung: Vec::new(),
        };
        let json = serde_json::to_string(&event).unwrap_or_default();
        assert!(json.contains(r#""kind":"new_ticket""#), "{json}");
        assert_eq!(serde_json::from_str::<TicketEvent>(&json).ok(), Some(event));
    }

    #[test]
    fn stream_notices_read_as_the_triggers_write_them() {
        let nil = Uuid::nil();
        let json =
            format!(r#"{{"agent_changed" : {{"account_id" : "{nil}", "agent_id" : "{nil}"}}}}"#);
        assert_eq!(
            serde_json::from_str::<StreamNotice>(&json).ok(),
            Some(StreamNotice::AgentChanged {
                account_id: nil,
                agent_id: nil
            })
        );
    }
}
