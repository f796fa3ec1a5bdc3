//! How a claimed message leaves: email over SMTP (lettre's connection pool) or as `.eml`
//! files, a webhook row as a JSON POST (a non-2xx answer is a failure).
use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Attachment, Mailbox, MultiPart,
        header::{ContentType, Header, HeaderName, HeaderValue},
    },
    transport::smtp::PoolConfig,
};

use super::db::Claimed;
use super::webhook;
use crate::{attachments::db::Mailed, config::Config};

const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);
const WEBHOOK_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Why an attempt failed.
pub enum Failure {
    /// Worth another attempt later (the server is down, it answered an error).
    Temporary(anyhow::Error),
    /// No later attempt can succeed: the row cannot be sent as it is, or its address is
    /// refused.
    Permanent(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::Temporary(error)
    }
}

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Transport {
    /// SMTP when `SMTP_URL` is set, keeping up to `SMTP_CONNECTIONS` open for reuse.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.smtp_url {
            Some(url) => Ok(Self::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL is not a valid SMTP address")?
                    .timeout(Some(SMTP_TIMEOUT))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(u32::try_from(config.smtp_connections).unwrap_or(u32::MAX)),
                    )
                    .build(),
            )),
            None => Ok(Self::Files(config.mail_dir.clone())),
        }
    }

    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
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

/// The email of row `message`, from `from`, with `files` attached; a row without a
/// Message-ID of its own gets one at `domain`.
pub fn compose(
    message: &Claimed,
    from: &Mailbox,
    domain: &str,
    files: Vec<Mailed>,
) -> Result<Message, Failure> {
    let permanent = |error: anyhow::Error| Failure::Permanent(error);
    let to = message
        .to_address
        .parse()
        .context("recipient address")
        .map_err(permanent)?;
    let mut email = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&message.subject)
        .message_id(Some(
            message
                .message_id
                .clone()
                .unwrap_or_else(|| format!("<{}@{domain}>", message.id)),
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
    let text =
        MultiPart::alternative_plain_html(message.text_body.clone(), message.html_body.clone());
    let mut body = text;
    if !files.is_empty() {
        body = MultiPart::mixed().multipart(body);
        for file in files {
            // Stored types come from the content; one lettre cannot read goes as bytes.
            let content_type = ContentType::parse(&file.content_type)
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .map_err(|error| permanent(anyhow::anyhow!("content type: {error}")))?;
            body = body.singlepart(Attachment::new(file.filename).body(file.data, content_type));
        }
    }
    email
        .multipart(body)
        .map_err(|error| permanent(error.into()))
}

/// Posts a webhook row's payload as JSON to its address, checked again now: it must still
/// be public unless `allow_private`. Errors never carry the URL, which is a secret: they
/// end up in `last_error` and in the log.
pub async fn post(message: &Claimed, allow_private: bool) -> Result<(), Failure> {
    let (Some(url), Some(payload)) = (&message.url, &message.payload) else {
        return Err(Failure::Permanent(anyhow::anyhow!(
            "webhook without an address or payload"
        )));
    };
    let url = url::Url::parse(url)
        .context("webhook address")
        .map_err(Failure::Permanent)?;
    let (host, address) = webhook::resolve(&url, allow_private)
        .await
        .map_err(|refused| {
            if refused.is_permanent() {
                Failure::Permanent(refused.into())
            } else {
                Failure::Temporary(refused.into())
            }
        })?;
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
        return Err(anyhow::anyhow!("webhook answered {status}").into());
    }
    Ok(())
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
