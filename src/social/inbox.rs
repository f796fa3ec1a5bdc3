//! Webhook deliveries between their answer and their processing. A checked delivery is
//! stored as it came, in one statement, and answered 200 at once: providers retry answers
//! that are slow, and rules, notifications and new tickets take their time. Every `serve`
//! process works the inbox: due deliveries are claimed by a committed lease (as the
//! outbox's messages are), each event is stored in a transaction of its own, and a
//! delivery that failed is tried again later with backoff, never dropped.
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use tokio::{sync::watch, task::JoinSet};
use uuid::Uuid;

use super::{
    db::{self, Connection},
    inbound::{self, Event},
    meta, telegram,
};
use crate::{AppError, AppState, tickets::Channel};

/// How often an idle process looks for deliveries.
const POLL: Duration = Duration::from_millis(100);
/// Deliveries claimed at once, and worked on at once.
const BATCH: i64 = 32;
const CONCURRENCY: usize = 8;
/// Longer than a delivery takes: then another process may take it again.
const LEASE: Duration = Duration::from_secs(120);
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// Stores a checked delivery of `channel`'s webhook.
pub async fn store(conn: &mut PgConnection, channel: &Connection, body: &[u8]) -> sqlx::Result<()> {
    sqlx::query(
        "insert into social_inbox (account_id, id, channel_id, body) values ($1, $2, $3, $4)",
    )
    .bind(channel.account_id)
    .bind(Uuid::now_v7())
    .bind(channel.id)
    .bind(body)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Delivery {
    account_id: Uuid,
    id: Uuid,
    channel_id: Uuid,
    body: Vec<u8>,
    attempts: i32,
}

async fn claim(db: &PgPool) -> sqlx::Result<Vec<Delivery>> {
    sqlx::query_as(
        "with due as (
             select account_id, id from social_inbox
             where next_attempt_at <= now() and (claimed_until is null or claimed_until <= now())
             order by next_attempt_at, id
             limit $1
             for update skip locked
         )
         update social_inbox i set claimed_until = now() + make_interval(secs => $2)
         from due where i.account_id = due.account_id and i.id = due.id
         returning i.account_id, i.id, i.channel_id, i.body, i.attempts",
    )
    .bind(BATCH)
    .bind(LEASE.as_secs_f64())
    .fetch_all(db)
    .await
}

/// Works the inbox until `stop` turns true (or its sender is gone).
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let batch = match claim(&state.db).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::warn!(%error, "social inbox: cannot claim deliveries");
                Vec::new()
            }
        };
        if batch.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(POLL) => {}
                changed = stop.changed() => if changed.is_err() { return },
            }
            continue;
        }
        let mut working = JoinSet::new();
        for delivery in batch {
            if working.len() >= CONCURRENCY {
                working.join_next().await;
            }
            working.spawn(settle(state.clone(), delivery));
        }
        while working.join_next().await.is_some() {}
    }
}

/// Processes one delivery and records the outcome: gone once stored, or tried again.
async fn settle(state: AppState, delivery: Delivery) {
    let outcome = process(&state, &delivery).await;
    let written = match &outcome {
        Ok(()) => sqlx::query("delete from social_inbox where account_id = $1 and id = $2")
            .bind(delivery.account_id)
            .bind(delivery.id)
            .execute(&state.db)
            .await
            .map(drop),
        Err(error) => {
            let attempts = delivery.attempts.saturating_add(1);
            let doublings = u32::try_from(attempts).unwrap_or(20).min(20);
            let wait = Duration::from_secs(1)
                .saturating_mul(2u32.saturating_pow(doublings))
                .min(MAX_BACKOFF);
            tracing::warn!(account_id = %delivery.account_id, attempts, %error, "social inbox: a delivery failed; it is tried again");
            sqlx::query(
                "update social_inbox
                 set attempts = $3, last_error = left($4, 1000), claimed_until = null,
                     next_attempt_at = now() + make_interval(secs => $5)
                 where account_id = $1 and id = $2",
            )
            .bind(delivery.account_id)
            .bind(delivery.id)
            .bind(attempts)
            .bind(error.to_string())
            .bind(wait.as_secs_f64())
            .execute(&state.db)
            .await
            .map(drop)
        }
    };
    // Not written: the lease passes and the delivery is taken again (its events are
    // stored once whatever happens).
    if let Err(error) = written {
        tracing::warn!(%error, "social inbox: the outcome of a delivery was not recorded");
    }
}

async fn process(state: &AppState, delivery: &Delivery) -> Result<(), AppError> {
    let channel = db::connection(
        &mut *state.db.acquire().await?,
        delivery.account_id,
        delivery.channel_id,
    )
    .await?;
    let Some(channel) = channel.filter(|channel| channel.removed_at.is_none()) else {
        // Disconnected since: what it brought has nowhere to go.
        return Ok(());
    };
    let events = match channel.kind {
        Channel::Telegram => telegram::events(&delivery.body),
        _ => meta::events(&delivery.body),
    };
    match events {
        Ok(events) => take(state, &channel, events).await,
        Err(error) => {
            // Checked as the provider's, but not what its documentation says: kept out
            // of the way, and in the log.
            tracing::warn!(account_id = %channel.account_id, %error, "social inbox: a delivery we cannot read");
            Ok(())
        }
    }
}

/// Stores what a delivery brings, each event in a transaction of its own: an event locks
/// its conversation and perhaps the workspace's numbering, and a delivery that named two
/// conversations in one transaction could wait for another naming them the other way
/// round. A delivery taken again finds its events stored already. One webhook of an app
/// may serve several of the workspace's numbers or pages: each event goes to the channel
/// it names.
async fn take(state: &AppState, channel: &Connection, events: Vec<Event>) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut others: Vec<Connection> = Vec::new();
    for event in &events {
        let target = match event.route() {
            None => channel,
            Some(id) if id == channel.external_id => channel,
            Some(id) => {
                if !others.iter().any(|other| other.external_id == id)
                    && let Some(other) = db::by_external_id(
                        &mut *state.db.acquire().await?,
                        channel.account_id,
                        channel.kind,
                        id,
                    )
                    .await?
                {
                    others.push(other);
                }
                match others.iter().find(|other| other.external_id == id) {
                    Some(other) => other,
                    None => {
                        tracing::info!(account_id = %channel.account_id, "social inbox: an event for a channel not connected");
                        continue;
                    }
                }
            }
        };
        let mut tx = state.db.begin().await?;
        match event {
            Event::Message(incoming) => {
                inbound::receive(&mut tx, &state.config, now, target, incoming).await?;
            }
            _ => inbound::report(&mut tx, target, event).await?,
        }
        tx.commit().await?;
    }
    Ok(())
}
