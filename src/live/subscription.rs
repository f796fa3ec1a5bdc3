//! One open stream's hold on the live channel, and what ends it: its lifetime, the process
//! stopping, the login or the role its agent opened it with ending, or newer streams of the
//! same holder. Each open stream has a row in `live_streams`, so that an agent (or a chat's
//! visitor) keeps at most `MAX_STREAMS` open across every `serve` process: opening one more
//! ends the oldest, wherever it runs. A stream whose client has gone ends when a write
//! fails: a closed connection at once, a vanished one after a keep-alive goes unanswered
//! (`startup::serve` bounds how long the system waits for that).
use std::time::Duration;

use sqlx::PgPool;
use tokio::{
    sync::{
        broadcast::{Receiver, error::RecvError},
        watch,
    },
    time::Instant,
};
use uuid::Uuid;

use super::{Events, Notice, STREAMS_CHANNEL, Signal, StreamNotice, notify};
use crate::auth::CurrentAgent;

/// Streams one holder keeps open: a browser's back/forward cache or many tabs cannot
/// pile up connections beyond this.
pub const MAX_STREAMS: i64 = 10;
/// A stream ends after this long, so that a connection never outlives its checks for long;
/// the browser reconnects where it was.
const LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Rows older than this belong to streams of a process that died.
const STALE: Duration = Duration::from_secs(35 * 60);
/// How often an agent's login and role are read again besides when they change: a
/// notice lost with the listener's connection is made up for.
const RECHECK: Duration = Duration::from_secs(30);

/// Whose stream it is.
pub enum Holder {
    /// A logged-in agent's: it ends with their login, or when their role changes.
    Agent(CurrentAgent),
    /// A chat's visitor's (`chat_id` is the chat's ticket).
    Visitor { account_id: Uuid, chat_id: Uuid },
}

impl Holder {
    fn account_id(&self) -> Uuid {
        match self {
            Self::Agent(agent) => agent.account_id,
            Self::Visitor { account_id, .. } => *account_id,
        }
    }

    /// Whom the count of open streams is kept for.
    fn id(&self) -> Uuid {
        match self {
            Self::Agent(agent) => agent.id,
            Self::Visitor { chat_id, .. } => *chat_id,
        }
    }
}

pub struct Subscription {
    db: PgPool,
    receiver: Receiver<Notice>,
    stopping: watch::Receiver<bool>,
    holder: Holder,
    /// `None` when the row could not be written: the stream still ends with its lifetime.
    slot: Option<Slot>,
    deadline: Instant,
    /// When the agent was last read.
    checked_at: Instant,
}

/// Why a subscription woke up.
enum Wake {
    Notice(Notice),
    Lagged,
    Recheck,
    End,
}

impl Subscription {
    /// Subscribes a new stream of `holder` to this process's events, and takes its place
    /// among the holder's open streams (ending the oldest beyond `MAX_STREAMS`).
    pub async fn open(events: &Events, db: &PgPool, holder: Holder) -> Self {
        // Subscribed before the stream reads anything: nothing falls in between.
        let receiver = events.subscribe();
        let slot = match Slot::take(db, &holder).await {
            Ok(slot) => Some(slot),
            Err(error) => {
                tracing::warn!(%error, "live events: the stream was not counted");
                None
            }
        };
        Self {
            db: db.clone(),
            receiver,
            stopping: events.stopping(),
            holder,
            slot,
            deadline: Instant::now() + LIFETIME,
            checked_at: Instant::now(),
        }
    }

    /// The next event of the holder's workspace, or `Signal::Missed`; `None` when the
    /// stream must end.
    pub async fn next(&mut self) -> Option<Signal> {
        loop {
            match self.wake().await {
                Wake::End => return None,
                Wake::Recheck => {
                    if !self.still_valid(false).await {
                        return None;
                    }
                }
                // Notices may have been lost with the others: this stream's end among them.
                Wake::Lagged | Wake::Notice(Notice::Missed) => {
                    return self.still_valid(true).await.then_some(Signal::Missed);
                }
                Wake::Notice(Notice::Ticket(event)) => {
                    if event.account_id == self.holder.account_id() {
                        return Some(Signal::Ticket(event));
                    }
                }
                Wake::Notice(Notice::Presence(event)) => {
                    if matches!(self.holder, Holder::Agent(_))
                        && event.account_id == self.holder.account_id()
                    {
                        return Some(Signal::Presence(event));
                    }
                }
                Wake::Notice(Notice::Stream(StreamNotice::Ended {
                    account_id,
                    stream_id,
                })) => {
                    let this = self.slot.as_ref().map(|slot| (slot.account_id, slot.id));
                    if this == Some((account_id, stream_id)) {
                        return None;
                    }
                }
                Wake::Notice(Notice::Stream(StreamNotice::AgentChanged {
                    account_id,
                    agent_id,
                })) => {
                    let holder = (self.holder.account_id(), self.holder.id());
                    if holder == (account_id, agent_id) && !self.still_valid(false).await {
                        return None;
                    }
                }
            }
        }
    }

    async fn wake(&mut self) -> Wake {
        // A visitor has no login to read again.
        let recheck_at = match self.holder {
            Holder::Agent(_) => Some(self.checked_at + RECHECK),
            Holder::Visitor { .. } => None,
        };
        let recheck = async {
            match recheck_at {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            received = tokio::time::timeout_at(self.deadline, self.receiver.recv()) => match received {
                Ok(Ok(notice)) => Wake::Notice(notice),
                Ok(Err(RecvError::Lagged(_))) => Wake::Lagged,
                Err(_) | Ok(Err(RecvError::Closed)) => Wake::End,
            },
            _ = self.stopping.wait_for(|stopping| *stopping) => Wake::End,
            () = recheck => Wake::Recheck,
        }
    }

    /// Whether the stream may go on: its agent's login is open and their role is the one
    /// the stream began with, and (with `counted`) it is still among its holder's streams.
    /// A failed read lets it go on until the next check.
    async fn still_valid(&mut self, counted: bool) -> bool {
        self.checked_at = Instant::now();
        let checked = self.check(counted).await;
        checked.unwrap_or_else(|error| {
            tracing::warn!(%error, "live events: the stream was not checked");
            true
        })
    }

    async fn check(&mut self, counted: bool) -> sqlx::Result<bool> {
        if let Holder::Agent(agent) = &self.holder {
            match agent.reload(&self.db).await? {
                Some(now) if now.role == agent.role => self.holder = Holder::Agent(now),
                _ => return Ok(false),
            }
        }
        match &self.slot {
            Some(slot) if counted => slot.is_open().await,
            _ => Ok(true),
        }
    }
}

/// Deletes the rows of streams that processes which died left behind.
pub async fn delete_stale_streams(db: &PgPool) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from live_streams where opened_at < now() - make_interval(secs => $1)",
        STALE.as_secs_f64(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A stream's row in `live_streams`, deleted when the stream ends.
struct Slot {
    db: PgPool,
    account_id: Uuid,
    id: Uuid,
}

impl Slot {
    /// Writes the row of a new stream of `holder` and ends the holder's oldest streams
    /// beyond `MAX_STREAMS`, telling every process.
    async fn take(db: &PgPool, holder: &Holder) -> sqlx::Result<Self> {
        let account_id = holder.account_id();
        let holder_id = holder.id();
        let id = Uuid::now_v7();
        let mut tx = db.begin().await?;
        // One holder's streams are counted one opening at a time, whichever process opens
        // them. Not `query!`: the lock function returns void.
        sqlx::query("select pg_advisory_xact_lock(hashtextextended($1::text, 0))")
            .bind(holder_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "insert into live_streams (account_id, id, holder_id) values ($1, $2, $3)",
            account_id,
            id,
            holder_id,
        )
        .execute(&mut *tx)
        .await?;
        let ended = sqlx::query_scalar!(
            "delete from live_streams
             where account_id = $1 and holder_id = $2
               and (opened_at < now() - make_interval(secs => $3)
                    or id not in (select id from live_streams
                                  where account_id = $1 and holder_id = $2
                                  order by opened_at desc, id desc limit $4))
             returning id",
            account_id,
            holder_id,
            STALE.as_secs_f64(),
            MAX_STREAMS,
        )
        .fetch_all(&mut *tx)
        .await?;
        for stream_id in ended {
            let notice = StreamNotice::Ended {
                account_id,
                stream_id,
            };
            notify(&mut tx, STREAMS_CHANNEL, &notice).await?;
        }
        tx.commit().await?;
        Ok(Self {
            db: db.clone(),
            account_id,
            id,
        })
    }

    async fn is_open(&self) -> sqlx::Result<bool> {
        sqlx::query_scalar!(
            r#"select exists (select 1 from live_streams where account_id = $1 and id = $2)
               as "open!""#,
            self.account_id,
            self.id,
        )
        .fetch_one(&self.db)
        .await
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // Without a runtime the process is ending: the row goes as a stale one.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (db, account_id, id) = (self.db.clone(), self.account_id, self.id);
        runtime.spawn(async move {
            let deleted = sqlx::query!(
                "delete from live_streams where account_id = $1 and id = $2",
                account_id,
                id,
            )
            .execute(&db)
            .await;
            if let Err(error) = deleted {
                tracing::debug!(%error, "live events: an ended stream's row stays until stale");
            }
        });
    }
}
