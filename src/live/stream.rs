//! `GET /app/events`: one agent's server-sent events. The first says which sounds the
//! agent has switched on and their queue counts; then each ticket event of their
//! workspace that they may see (their departments', theirs, or without a department)
//! brings fresh counts and the sound it asks for, if that sound is on. Comments keep the
//! connection alive; the stream ends now and then, at once when the login ends or the
//! role changes (see `Subscription`), and the browser's `EventSource` reconnects by itself.
use std::{convert::Infallible, time::Duration};

use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::Stream;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{EventKind, Holder, PresenceEvent, PresenceState, Signal, Subscription, TicketEvent};
use crate::{
    AppState,
    auth::CurrentAgent,
    notifications::{self, Sound},
    tickets::db::{QueueCounts, Viewer, queue_counts},
};

const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long the browser waits before reconnecting.
const RETRY: Duration = Duration::from_secs(3);

pub(super) async fn events(
    State(state): State<AppState>,
    agent: CurrentAgent,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscription =
        Subscription::open(&state.events, &state.db, Holder::Agent(agent.clone())).await;
    let feed = Feed {
        subscription,
        db: state.db,
        agent,
        greeted: false,
    };
    Sse::new(futures_util::stream::unfold(feed, Feed::next))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

struct Feed {
    db: PgPool,
    /// The agent as the stream began: it ends when their role changes.
    agent: CurrentAgent,
    subscription: Subscription,
    greeted: bool,
}

/// One event as the page's script reads it.
#[derive(Serialize)]
struct Message {
    /// `hello`, `refresh` (events were missed), or a `TicketEvent`'s kind.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<i64>,
    /// None in `presence`: counts do not change.
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<ShownCounts>,
    /// In `presence`: who is on the ticket's page, doing what.
    #[serde(skip_serializing_if = "Option::is_none")]
    presence: Option<Present>,
    /// The sound to play, when the agent has it on.
    sound: Option<&'static str>,
    /// In `hello`: every sound the agent has on.
    #[serde(skip_serializing_if = "Option::is_none")]
    sounds: Option<Vec<&'static str>>,
}

/// The queue's counts as the page shows them (`data-count` elements).
#[derive(Serialize)]
struct ShownCounts {
    new: String,
    open: String,
    answered: String,
    postponed: String,
}

impl From<QueueCounts> for ShownCounts {
    fn from(counts: QueueCounts) -> Self {
        Self {
            new: counts.shown(counts.new),
            open: counts.shown(counts.open),
            answered: counts.shown(counts.answered),
            postponed: counts.shown(counts.postponed),
        }
    }
}

/// Another agent on a ticket's page.
#[derive(Serialize)]
struct Present {
    agent_id: Uuid,
    name: String,
    state: PresenceState,
}

impl Feed {
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        if !self.greeted {
            self.greeted = true;
            match self.hello().await {
                Ok(message) => return Some((Ok(event(&message).retry(RETRY)), self)),
                Err(error) => tracing::warn!(%error, "live events: the first counts failed"),
            }
        }
        loop {
            let ticket_event = match self.subscription.next().await? {
                Signal::Ticket(ticket_event) => Some(ticket_event),
                Signal::Presence(presence) => match self.presence(presence).await {
                    Ok(Some(message)) => return Some((Ok(event(&message)), self)),
                    Ok(None) => continue,
                    Err(error) => {
                        tracing::warn!(%error, "live events: a presence was not sent");
                        continue;
                    }
                },
                // Fallen behind, or the listener reconnected: fresh counts make up for
                // what was missed.
                Signal::Missed => None,
            };
            match self.outcome(ticket_event.as_ref()).await {
                Ok(Some(message)) => return Some((Ok(event(&message)), self)),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "live events: an event was not sent"),
            }
        }
    }

    async fn hello(&self) -> sqlx::Result<Message> {
        let preferences =
            notifications::db::preferences(&self.db, self.agent.account_id, self.agent.id).await?;
        let counts = queue_counts(&self.db, &Viewer::of(&self.agent)).await?;
        let sounds = preferences
            .sounds()
            .into_iter()
            .map(Sound::as_str)
            .collect();
        Ok(Message {
            kind: "hello",
            number: None,
            counts: Some(counts.into()),
            presence: None,
            sound: None,
            sounds: Some(sounds),
        })
    }

    /// What `ticket_event` (or, when `None`, missed events) means to this stream's agent.
    async fn outcome(
        &mut self,
        ticket_event: Option<&TicketEvent>,
    ) -> sqlx::Result<Option<Message>> {
        let Some(ticket_event) = ticket_event else {
            let counts = queue_counts(&self.db, &Viewer::of(&self.agent)).await?;
            return Ok(Some(Message {
                kind: "refresh",
                number: None,
                counts: Some(counts.into()),
                presence: None,
                sound: None,
                sounds: None,
            }));
        };
        // A chat's lines concern the agent who has it; the others' counts do not change.
        let elsewhere = ticket_event.kind == EventKind::ChatLine
            && ticket_event.assignee_id != Some(self.agent.id);
        if elsewhere
            || !self
                .may_see(ticket_event.department_id, ticket_event.assignee_id)
                .await?
        {
            return Ok(None);
        }
        let counts = queue_counts(&self.db, &Viewer::of(&self.agent)).await?;
        // A call rings the devices the webhook chose (`calls`); to the others who see it,
        // it is a new ticket.
        let rung = ticket_event.kind == EventKind::CallRinging
            && ticket_event.rung.contains(&self.agent.id);
        let kind = match ticket_event.kind {
            EventKind::CallRinging if !rung => "new_ticket",
            kind => kind_name(kind),
        };
        // Read when a sound is asked for: a switch turned off holds from the next event.
        let sound = match self.sound_of(ticket_event) {
            Some(Sound::NewCall) if !rung => None,
            // Only agents who are online are rung for new chats.
            Some(Sound::NewChat) if !self.offered(ticket_event.department_id).await? => None,
            Some(sound)
                if notifications::db::preferences(
                    &self.db,
                    self.agent.account_id,
                    self.agent.id,
                )
                .await?
                .sound(sound) =>
            {
                Some(sound.as_str())
            }
            _ => None,
        };
        Ok(Some(Message {
            kind,
            number: Some(ticket_event.number),
            counts: Some(counts.into()),
            presence: None,
            sound,
            sounds: None,
        }))
    }

    /// Another agent on a ticket's page, for an agent who may see the ticket; nothing of
    /// the agent's own pages.
    async fn presence(&self, presence: PresenceEvent) -> sqlx::Result<Option<Message>> {
        if presence.agent_id == self.agent.id
            || !self
                .may_see(presence.department_id, presence.assignee_id)
                .await?
        {
            return Ok(None);
        }
        Ok(Some(Message {
            kind: "presence",
            number: Some(presence.number),
            counts: None,
            presence: Some(Present {
                agent_id: presence.agent_id,
                name: presence.agent_name,
                state: presence.state,
            }),
            sound: None,
            sounds: None,
        }))
    }

    /// The ticket list's rule, for a ticket of `department_id` assigned to `assignee_id`:
    /// admins and owners see everything; agents the tickets of their departments, those
    /// without one, and those assigned to them.
    async fn may_see(
        &self,
        department_id: Option<Uuid>,
        assignee_id: Option<Uuid>,
    ) -> sqlx::Result<bool> {
        let viewer = Viewer::of(&self.agent);
        let Some(department_id) = department_id else {
            return Ok(true);
        };
        if viewer.sees_all || assignee_id == Some(self.agent.id) {
            return Ok(true);
        }
        is_member(
            &self.db,
            self.agent.account_id,
            self.agent.id,
            department_id,
        )
        .await
    }

    /// Whether this stream's agent is offered a chat of `department_id`: they are online,
    /// and their switch for that department lets its chats reach them. A chat without a
    /// department, or of a department the agent is not in, reaches whoever may see it.
    async fn offered(&self, department_id: Option<Uuid>) -> sqlx::Result<bool> {
        let mut conn = self.db.acquire().await?;
        if crate::chat::db::availability(&mut conn, self.agent.account_id, self.agent.id).await?
            != crate::chat::Availability::Online
        {
            return Ok(false);
        }
        let Some(department_id) = department_id else {
            return Ok(true);
        };
        let switch: Option<bool> = sqlx::query_scalar(
            "select receives_chats from department_agents
             where account_id = $1 and agent_id = $2 and department_id = $3",
        )
        .bind(self.agent.account_id)
        .bind(self.agent.id)
        .bind(department_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(switch.unwrap_or(true))
    }

    /// The sound an event asks of this agent: none for their own doing.
    fn sound_of(&self, ticket_event: &TicketEvent) -> Option<Sound> {
        if ticket_event.actor_id == Some(self.agent.id) {
            return None;
        }
        match ticket_event.kind {
            EventKind::NewTicket => Some(Sound::NewTicket),
            EventKind::NewMessage => Some(Sound::NewMessage),
            EventKind::Assigned if ticket_event.assignee_id == Some(self.agent.id) => {
                Some(Sound::NewSystemMessage)
            }
            EventKind::NewChat => Some(Sound::NewChat),
            EventKind::CallRinging => Some(Sound::NewCall),
            EventKind::ChatLine => Some(Sound::NewMessage),
            // Whom the breach's email concerns; others who see the ticket only see counts.
            EventKind::SlaBreached
                if ticket_event
                    .assignee_id
                    .is_none_or(|assignee| assignee == self.agent.id)
                    || Viewer::of(&self.agent).sees_all =>
            {
                Some(Sound::SlaBreached)
            }
            EventKind::Assigned | EventKind::Updated | EventKind::SlaBreached => None,
        }
    }
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::NewTicket => "new_ticket",
        EventKind::NewMessage => "new_message",
        EventKind::Assigned => "assigned",
        EventKind::Updated => "updated",
        EventKind::NewChat => "new_chat",
        EventKind::ChatLine => "chat_line",
        EventKind::SlaBreached => "sla_breached",
        EventKind::CallRinging => "call_ringing",
    }
}

fn event(message: &Message) -> Event {
    Event::default().data(serde_json::to_string(message).unwrap_or_default())
}

async fn is_member(
    db: &PgPool,
    account_id: Uuid,
    agent_id: Uuid,
    department_id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (
             select 1 from department_agents
             where account_id = $1 and agent_id = $2 and department_id = $3
           ) as "member!""#,
        account_id,
        agent_id,
        department_id,
    )
    .fetch_one(db)
    .await
}
