//! Delivers the outbox: email over SMTP when `SMTP_URL` is set, otherwise as `.eml` files;
//! webhook rows as a JSON POST (a non-2xx answer is a failure). Each message is claimed with `FOR UPDATE SKIP LOCKED` inside the transaction that marks
//! it sent, so two workers never send the same message. Delivery is at least once: if the
//! mark cannot be committed after the server accepted the message, it is sent again.
//! A failed attempt is retried later with exponential backoff.
use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart,
        header::{Header, HeaderName, HeaderValue},
    },
};
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;

use crate::{config::Config, notifications::webhook};

/// After this many failed attempts a message is given up (marked `failed_at`).
const MAX_ATTEMPTS: i32 = 12;
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);
/// A webhook host that does not answer at once holds up the emails queued behind it.
const WEBHOOK_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => Ok(Self::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL is not a valid SMTP address")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => Ok(Self::Files(config.mail_dir.clone())),
        }
    }

    async fn send(&self, message: Message) -> anyhow::Result<()> {
        match self {
            Self::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Self::Files(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await?;
                tracing::info!(path = %dir.join(format!("{id}.eml")).display(), "email written");
            }
        }
        Ok(())
    }
}

pub struct OutboxWorker {
    db: PgPool,
    transport: Transport,
    /// Webhooks may reach loopback and private networks (`ALLOW_PRIVATE_WEBHOOKS`).
    allow_private_webhooks: bool,
    from: Mailbox,
    /// The host part of Message-IDs.
    domain: String,
    /// How long to sleep when nothing is due.
    pub poll_interval: Duration,
    /// The first retry waits this long; each further one twice as long as the one before.
    pub retry_base: Duration,
}

struct DueMessage {
    account_id: Uuid,
    id: Uuid,
    kind: String,
    url: Option<String>,
    payload: Option<serde_json::Value>,
    to_address: String,
    subject: String,
    text_body: String,
    html_body: String,
    attempts: i32,
    message_id: Option<String>,
    in_reply_to: Option<String>,
    references: Option<String>,
    reply_to: Option<String>,
    auto_submitted: bool,
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
            from,
            domain,
            poll_interval: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
        })
    }

    /// Delivers until `stop` turns true (or its sender is gone), one message at a time.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            match self.deliver_one().await {
                // More may be due: go on at once.
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(error = %error, "outbox: delivery failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(self.poll_interval) => {}
                changed = stop.changed() => if changed.is_err() { return },
            }
        }
    }

    /// Attempts the message due first, if any; `false` when none is due.
    async fn deliver_one(&self) -> anyhow::Result<bool> {
        let mut tx = self.db.begin().await?;
        let due = sqlx::query_as!(
            DueMessage,
            r#"select account_id, id, kind, url, payload, to_address, subject, text_body,
                      html_body, attempts,
                      message_id, in_reply_to, "references", reply_to, auto_submitted
             from outbox
             where sent_at is null and failed_at is null and next_attempt_at <= now()
             order by next_attempt_at
             limit 1
             for update skip locked"#,
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(message) = due else {
            return Ok(false);
        };
        let attempts = message.attempts + 1;
        let sent = match message.kind.as_str() {
            "webhook" => self.post(&message).await,
            _ => self.send(&message).await,
        };
        match sent {
            Ok(()) => {
                sqlx::query!(
                    // The bodies may hold one-time links, a webhook's address is a secret:
                    // not kept once delivered.
                    "update outbox
                     set sent_at = now(), attempts = $3, last_error = null,
                         text_body = '', html_body = '', url = null, payload = null
                     where account_id = $1 and id = $2",
                    message.account_id,
                    message.id,
                    attempts,
                )
                .execute(&mut *tx)
                .await?;
                tracing::info!(outbox_id = %message.id, kind = message.kind, "outbox message sent");
            }
            Err(error) => {
                let backoff = self.backoff(attempts);
                tracing::warn!(outbox_id = %message.id, kind = message.kind, attempts, error = %error, "outbox message not sent");
                sqlx::query!(
                    "update outbox
                     set attempts = $3, last_error = $4,
                         next_attempt_at = now() + make_interval(secs => $5),
                         failed_at = case when $3::integer >= $6::integer then now() end,
                         text_body = case when $3::integer >= $6::integer then '' else text_body end,
                         html_body = case when $3::integer >= $6::integer then '' else html_body end,
                         url = case when $3::integer >= $6::integer then null else url end,
                         payload = case when $3::integer >= $6::integer then null else payload end
                     where account_id = $1 and id = $2",
                    message.account_id,
                    message.id,
                    attempts,
                    error.to_string(),
                    backoff.as_secs_f64(),
                    MAX_ATTEMPTS,
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.retry_base
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(MAX_BACKOFF)
    }

    async fn send(&self, message: &DueMessage) -> anyhow::Result<()> {
        let mut email = Message::builder()
            .from(self.from.clone())
            .to(message.to_address.parse().context("recipient address")?)
            .subject(&message.subject)
            .message_id(Some(
                message
                    .message_id
                    .clone()
                    .unwrap_or_else(|| format!("<{}@{}>", message.id, self.domain)),
            ));
        if let Some(in_reply_to) = &message.in_reply_to {
            email = email.in_reply_to(in_reply_to.clone());
        }
        if let Some(references) = &message.references {
            email = email.references(references.clone());
        }
        // A reply address that no longer parses is left out rather than blocking the mail.
        if let Some(reply_to) = message.reply_to.as_deref().and_then(|a| a.parse().ok()) {
            email = email.reply_to(reply_to);
        }
        if message.auto_submitted {
            email = email.header(AutoSubmitted);
        }
        let email = email.multipart(MultiPart::alternative_plain_html(
            message.text_body.clone(),
            message.html_body.clone(),
        ))?;
        self.transport.send(email).await
    }
}

impl OutboxWorker {
    /// Posts a webhook row's payload as JSON. Errors never carry the URL, which is a
    /// secret: they end up in `last_error` and in the log.
    async fn post(&self, message: &DueMessage) -> anyhow::Result<()> {
        let (Some(url), Some(payload)) = (&message.url, &message.payload) else {
            anyhow::bail!("webhook without an address or payload");
        };
        let url = url::Url::parse(url).context("webhook address")?;
        let (host, address) = webhook::resolve(&url, self.allow_private_webhooks).await?;
        // Connected to the address just checked, whatever a second DNS answer would say;
        // no redirects, which could lead anywhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(WEBHOOK_CONNECT_TIMEOUT)
            .timeout(WEBHOOK_TIMEOUT)
            .user_agent("Frontdesk")
            .resolve(&host, address)
            .build()
            .context("building the webhook client")?;
        let response = http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload.to_string())
            .send()
            .await
            .map_err(|error| anyhow::anyhow!("webhook not reached: {}", error.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            anyhow::bail!("webhook answered {status}");
        }
        Ok(())
    }
}

/// `Auto-Submitted: auto-replied` (RFC 3834), which tells other systems not to answer.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-replied".to_owned())
    }
}
