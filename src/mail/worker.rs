//! Delivers the outbox: email over SMTP when `SMTP_URL` is set, otherwise as `.eml` files;
//! webhook rows as a JSON POST. Each kind has its own lane, with its own number of messages
//! in flight, so a slow webhook host never holds up email.
//!
//! A lane claims a batch of due messages by a committed lease (`db::claim`), sends each
//! outside any transaction, then records what became of it, retrying that write until the
//! database answers again. So a message goes out twice only when the process dies between
//! the server's acceptance and that write, or when its lease passes before the write
//! lands (another worker then sends it again). A failed attempt is retried later with
//! exponential backoff, and given up after the last one.
use std::{future::Future, sync::Arc, time::Duration};

use anyhow::Context;
use lettre::message::Mailbox;
use sqlx::PgPool;
use tokio::{sync::watch, task::JoinSet};
use uuid::Uuid;

use super::{
    db::{self, Claimed, Next},
    transport::{self, Failure, Transport},
};
use crate::{
    attachments,
    config::{Config, S3Config},
    social,
};

/// After this many failed attempts a message is given up (marked `failed_at`).
pub const MAX_ATTEMPTS: i32 = 12;
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long a claimed message is left to its worker. Longer than an attempt may take, and
/// long enough to outlast a short database outage before the outcome is written.
const LEASE: Duration = Duration::from_secs(300);
/// One attempt, whatever the server does: the lease must not pass while it runs.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a stopping worker waits for the messages in flight and their records.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
const WRITE_RETRY_FIRST: Duration = Duration::from_millis(100);
const WRITE_RETRY_MAX: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug)]
enum Kind {
    Email,
    Webhook,
    /// Replies to the messaging apps and customers' files from them (`social`).
    Social,
}

impl Kind {
    /// The `kind` column's value.
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Webhook => "webhook",
            Self::Social => "social",
        }
    }
}

/// The messages of one kind, with how many of them may be in flight at once.
struct Lane {
    kind: Kind,
    concurrency: usize,
}

/// Slack and other webhook hosts, each post on a connection of its own.
const WEBHOOK_CONCURRENCY: usize = 8;
/// Replies and files of the messaging apps in flight at once.
const SOCIAL_CONCURRENCY: usize = 8;

/// When a lane stops: when told to (`serve`), or once nothing is due or in flight.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    Stopped,
    Idle,
}

pub struct OutboxWorker {
    db: PgPool,
    transport: Transport,
    /// Webhooks may reach loopback and private networks (`ALLOW_PRIVATE_WEBHOOKS`).
    allow_private_webhooks: bool,
    /// The bucket of attachments that live there (`S3_*`).
    s3: Option<S3Config>,
    /// The messaging apps' APIs.
    social: social::Outbound,
    from: Mailbox,
    /// The host part of Message-IDs.
    domain: String,
    /// This worker in `claimed_by`.
    id: Uuid,
    /// Emails in flight at once (`SMTP_CONNECTIONS`), over as many pooled connections.
    email_concurrency: usize,
    /// How long a lane sleeps when nothing is due.
    pub poll_interval: Duration,
    /// The first retry waits this long; each further one twice as long as the one before.
    pub retry_base: Duration,
}

impl OutboxWorker {
    pub fn new(db: PgPool, config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .context("MAIL_FROM is not a valid address")?;
        let domain = config.mail_domain();
        // reqwest is built without a TLS provider of its own: ring, as for sqlx and lettre.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Self {
            db,
            transport: Transport::from_config(config)?,
            allow_private_webhooks: config.allow_private_webhooks,
            s3: config.s3.clone(),
            social: social::Outbound::new(config),
            from,
            domain,
            id: Uuid::now_v7(),
            email_concurrency: config.smtp_connections,
            poll_interval: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
        })
    }

    /// Delivers until `stop` turns true (or its sender is gone), then waits a while for the
    /// messages in flight.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        self.work(stop, Until::Stopped).await;
    }

    /// Delivers until nothing is due and nothing is in flight: a test drives the worker
    /// with it and knows, when it returns, that every attempt has been made and recorded.
    pub async fn drain(self) {
        let (_never, stop) = watch::channel(false);
        self.work(stop, Until::Idle).await;
    }

    async fn work(self, stop: watch::Receiver<bool>, until: Until) {
        let email = Lane {
            kind: Kind::Email,
            concurrency: self.email_concurrency,
        };
        let webhook = Lane {
            kind: Kind::Webhook,
            concurrency: WEBHOOK_CONCURRENCY,
        };
        let social = Lane {
            kind: Kind::Social,
            concurrency: SOCIAL_CONCURRENCY,
        };
        let worker = Arc::new(self);
        tokio::join!(
            worker.clone().run_lane(email, stop.clone(), until),
            worker.clone().run_lane(webhook, stop.clone(), until),
            worker.run_lane(social, stop, until),
        );
    }

    async fn run_lane(self: Arc<Self>, lane: Lane, mut stop: watch::Receiver<bool>, until: Until) {
        let kind = lane.kind.as_str();
        let mut in_flight = JoinSet::new();
        while !*stop.borrow() {
            let room = lane.concurrency - in_flight.len();
            // Claims wait for half the lane to be free, so that they come in batches.
            if room * 2 >= lane.concurrency || in_flight.is_empty() {
                match db::claim(&self.db, kind, room, self.id, LEASE).await {
                    Ok(batch) => {
                        for message in batch {
                            in_flight.spawn(self.clone().deliver(lane.kind, message));
                        }
                    }
                    Err(error) => tracing::warn!(kind, %error, "outbox: cannot claim messages"),
                }
            }
            if in_flight.is_empty() && until == Until::Idle {
                return;
            }
            tokio::select! {
                Some(finished) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Err(error) = finished {
                        tracing::error!(kind, %error, "outbox: a delivery task failed");
                    }
                }
                () = tokio::time::sleep(self.poll_interval) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
        let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while in_flight.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                kind,
                left = in_flight.len(),
                "outbox: stopped with messages in flight; they are sent again once their lease passes"
            );
        }
    }

    /// Makes one attempt at `message` and records its outcome.
    async fn deliver(self: Arc<Self>, kind: Kind, message: Claimed) {
        let attempts = message.attempts.saturating_add(1);
        let outcome = tokio::time::timeout(ATTEMPT_TIMEOUT, self.attempt(kind, &message))
            .await
            .unwrap_or_else(|_| {
                Err(Failure::Temporary(anyhow::anyhow!(
                    "no answer in {} s",
                    ATTEMPT_TIMEOUT.as_secs()
                )))
            });
        let lane = kind;
        let kind = kind.as_str();
        match outcome {
            Ok(()) => {
                self.until_written(&message, "sent", || db::mark_sent(&self.db, &message))
                    .await;
                tracing::info!(outbox_id = %message.id, kind, "outbox message sent");
            }
            Err(failure) => {
                let (error, next) = match failure {
                    Failure::Permanent(error) => (error, Next::GiveUp),
                    Failure::Temporary(error) if attempts >= MAX_ATTEMPTS => (error, Next::GiveUp),
                    Failure::Temporary(error) => (error, Next::RetryAfter(self.backoff(attempts))),
                };
                let error = format!("{error:#}");
                let given_up = matches!(next, Next::GiveUp);
                tracing::warn!(outbox_id = %message.id, kind, attempts, given_up, %error, "outbox message not sent");
                // A reply given up shows as failed on its ticket, with the last reason.
                if given_up && matches!(lane, Kind::Social) {
                    self.until_written(&message, "given up", || {
                        social::Outbound::gave_up(
                            &self.db,
                            message.account_id,
                            message.payload.as_ref(),
                            &error,
                        )
                    })
                    .await;
                }
                self.until_written(&message, "not sent", || {
                    db::mark_failed(&self.db, &message, self.id, attempts, &error, &next)
                })
                .await;
            }
        }
    }

    async fn attempt(&self, kind: Kind, message: &Claimed) -> Result<(), Failure> {
        match kind {
            Kind::Webhook => transport::post(message, self.allow_private_webhooks).await,
            Kind::Social => {
                self.social
                    .run(&self.db, message.account_id, message.payload.as_ref())
                    .await
            }
            Kind::Email => {
                let mut files = async {
                    let mut conn = self.db.acquire().await?;
                    attachments::db::of_outbox_row(&mut conn, message.account_id, message.id).await
                }
                .await
                .map_err(|error| Failure::Temporary(error.into()))?;
                for file in &mut files {
                    attachments::mailed_bytes(self.s3.as_ref(), file).await?;
                }
                let email = transport::compose(message, &self.from, &self.domain, files)?;
                Ok(self.transport.send(email).await?)
            }
        }
    }

    /// Runs `write` until the database takes it, on a connection the pool checks first
    /// each time: an outcome that is not recorded sends the message again once its lease
    /// passes.
    async fn until_written<F, W>(&self, message: &Claimed, outcome: &str, mut write: W)
    where
        W: FnMut() -> F,
        F: Future<Output = sqlx::Result<()>>,
    {
        let mut wait = WRITE_RETRY_FIRST;
        let mut tries: u32 = 1;
        loop {
            match write().await {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(outbox_id = %message.id, tries, %error, retry_in_ms = wait.as_millis(), "outbox: cannot record that a message was {outcome}");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2).min(WRITE_RETRY_MAX);
                    tries = tries.saturating_add(1);
                }
            }
        }
    }

    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.retry_base
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(MAX_BACKOFF)
    }
}
