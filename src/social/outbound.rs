//! The outbox's `social` lane: agents' replies sent to the provider's API, and customers'
//! files fetched from it into the ticket's attachments. Both are outbox rows written in
//! the transaction of the change (so a webhook is answered before any download), retried
//! with the outbox's backoff when the provider fails or asks to slow down (429), and never
//! sent twice once the provider took them: a reply goes out part by part (its text cut to
//! the provider's length, then each file), each part recorded as it is taken.
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    api::{self, ApiError},
    db::{self, Connection},
    inbound::Media,
    meta::{self, Graph},
    telegram::{self, Bot},
};
use crate::{
    attachments,
    config::Config,
    mail::{self, Failure, Notice, Threading},
    tickets::Channel,
};

pub use crate::attachments::db::Mailed as File;

/// How long one attempt goes on starting parts of a reply, well within the lane's limit
/// for an attempt.
const PARTS_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// What an outbox row of the lane asks for.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Job {
    /// Send reply `message` (its delivery row says where).
    Send { message: Uuid },
    /// Fetch a customer's file into message `message`.
    Fetch {
        message: Uuid,
        channel: Uuid,
        reference: String,
        filename: String,
    },
    /// Ask the provider who a new contact is (Messenger names nobody in its webhooks).
    Name { channel: Uuid, contact: Uuid },
}

async fn enqueue(conn: &mut PgConnection, account_id: Uuid, job: &Job) -> sqlx::Result<()> {
    sqlx::query(
        "insert into outbox (account_id, id, kind, payload, to_address, subject, text_body,
                             html_body)
         values ($1, $2, 'social', $3, '', '', '', '')",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(serde_json::to_value(job).unwrap_or_default())
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues reply `message_id` (with its files) to go out on the conversation's channel.
pub async fn enqueue_reply(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<()> {
    enqueue(
        conn,
        account_id,
        &Job::Send {
            message: message_id,
        },
    )
    .await
}

/// Queues fetching `media` into message `message_id`.
pub async fn enqueue_fetch(
    conn: &mut PgConnection,
    account_id: Uuid,
    channel_id: Uuid,
    message_id: Uuid,
    media: &Media,
) -> sqlx::Result<()> {
    let job = Job::Fetch {
        message: message_id,
        channel: channel_id,
        reference: media.reference.clone(),
        filename: media.filename.clone(),
    };
    enqueue(conn, account_id, &job).await
}

/// Queues asking Messenger for the name of contact `contact_id`.
pub async fn enqueue_name(
    conn: &mut PgConnection,
    account_id: Uuid,
    channel_id: Uuid,
    contact_id: Uuid,
) -> sqlx::Result<()> {
    let job = Job::Name {
        channel: channel_id,
        contact: contact_id,
    };
    enqueue(conn, account_id, &job).await
}

/// The lane's worker: the configuration it needs to reach the providers and store files.
pub struct Outbound {
    config: Config,
}

impl Outbound {
    pub fn new(config: &Config) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// Runs the job of outbox row `payload` of workspace `account_id`.
    pub async fn run(
        &self,
        db: &PgPool,
        account_id: Uuid,
        payload: Option<&serde_json::Value>,
    ) -> Result<(), Failure> {
        let job = payload
            .and_then(|payload| serde_json::from_value::<Job>(payload.clone()).ok())
            .ok_or_else(|| Failure::Permanent(anyhow::anyhow!("not a job of the social lane")))?;
        match job {
            Job::Send { message } => self.send(db, account_id, message).await,
            Job::Fetch {
                message,
                channel,
                reference,
                filename,
            } => {
                self.fetch(db, account_id, channel, message, &reference, filename)
                    .await
            }
            Job::Name { channel, contact } => self.name(db, account_id, channel, contact).await,
        }
    }

    /// The job of outbox row `payload` was given up: a reply shows as failed with the
    /// last reason, a file that could not be fetched is named in its thread.
    pub async fn gave_up(
        db: &PgPool,
        account_id: Uuid,
        payload: Option<&serde_json::Value>,
        reason: &str,
    ) -> sqlx::Result<()> {
        let job = payload.and_then(|payload| serde_json::from_value::<Job>(payload.clone()).ok());
        let mut conn = db.acquire().await?;
        match job {
            Some(Job::Send { message }) => {
                db::failed(&mut conn, account_id, message, reason, false).await
            }
            Some(Job::Fetch {
                message, filename, ..
            }) => db::fetch_failed(&mut conn, account_id, message, &filename).await,
            // The thread keeps saying "Messenger customer".
            Some(Job::Name { .. }) | None => Ok(()),
        }
    }

    /// The channel's access token, opened; none when it was disconnected or `SECRET_KEY`
    /// changed.
    fn token(&self, channel: &Connection) -> Option<String> {
        let key = self.config.secret_key.as_ref()?;
        key.open(channel.access_token.as_deref()?, channel.account_id)
    }

    async fn send(&self, db: &PgPool, account_id: Uuid, message_id: Uuid) -> Result<(), Failure> {
        let mut conn = db.acquire().await.map_err(temporary)?;
        let Some(reply) = db::reply(&mut conn, account_id, message_id)
            .await
            .map_err(temporary)?
            .filter(|reply| !reply.sent && reply.state != super::Delivery::Failed)
        else {
            // Sent already, or failed and not asked again.
            return Ok(());
        };
        let channel = db::connection(&mut conn, account_id, reply.channel_id)
            .await
            .map_err(temporary)?
            .ok_or_else(|| Failure::Permanent(anyhow::anyhow!("the channel is gone")))?;
        let files = attachments::db::of_message(&mut conn, account_id, message_id)
            .await
            .map_err(temporary)?;
        drop(conn);
        let outcome = match self.token(&channel) {
            None if channel.removed_at.is_some() => {
                Err(ApiError::Refused("the channel was disconnected".into()))
            }
            None => Err(ApiError::Refused(
                "SECRET_KEY cannot open the channel's token".into(),
            )),
            Some(token) => {
                self.send_parts(db, &channel, &token, message_id, &reply, files)
                    .await
            }
        };
        let mut conn = db.acquire().await.map_err(temporary)?;
        match outcome {
            Ok(()) => {
                db::sent(&mut conn, account_id, message_id)
                    .await
                    .map_err(temporary)?;
                Ok(())
            }
            Err(error) => {
                let reason = error.to_string();
                let retrying = matches!(error, ApiError::Temporary(_));
                db::failed(&mut conn, account_id, message_id, &reason, retrying)
                    .await
                    .map_err(temporary)?;
                drop(conn);
                self.refused(db, &channel, error).await
            }
        }
    }

    /// Sends the parts of a reply not sent yet, recording each as the provider takes it.
    async fn send_parts(
        &self,
        db: &PgPool,
        channel: &Connection,
        token: &str,
        message_id: Uuid,
        reply: &db::Reply,
        files: Vec<File>,
    ) -> Result<(), ApiError> {
        let http = api::client()?;
        let limit = match channel.kind {
            Channel::Telegram => telegram::TEXT_LIMIT,
            Channel::Whatsapp => meta::WHATSAPP_TEXT_LIMIT,
            _ => meta::MESSENGER_TEXT_LIMIT,
        };
        let texts = api::parts(&reply.body_text, limit);
        let mut files = Vec::from_iter(files.into_iter().map(Some));
        let total = texts.len() + files.len();
        let from = usize::try_from(reply.parts_sent).unwrap_or(0);
        let started = std::time::Instant::now();
        for part in from..total {
            // A later attempt goes on where this one stopped: the lane's time limit never
            // cuts a part off after the provider took it.
            if part > from && started.elapsed() > PARTS_TIME {
                return Err(ApiError::Temporary(
                    "more parts than one attempt sends; going on".into(),
                ));
            }
            let bot = Bot {
                base: &self.config.telegram_api_base,
                token,
            };
            let graph = Graph {
                base: &self.config.meta_graph_api_base,
                token,
            };
            let to = reply.contact.as_str();
            let asked_at = time::OffsetDateTime::now_utc();
            let sent = match (texts.get(part), part.checked_sub(texts.len())) {
                (Some(text), _) => match channel.kind {
                    Channel::Telegram => bot.send_text(&http, to, text).await,
                    Channel::Whatsapp => {
                        let body = serde_json::json!({"type": "text", "text": {"body": text}});
                        graph
                            .whatsapp_send(&http, &channel.external_id, to, body)
                            .await
                    }
                    _ => graph.messenger_send(&http, to, text, reply.in_window).await,
                },
                (None, Some(index)) => {
                    let Some(mut file) = files.get_mut(index).and_then(Option::take) else {
                        continue;
                    };
                    attachments::mailed_bytes(self.config.s3.as_ref(), &mut file)
                        .await
                        .map_err(|error| ApiError::Temporary(error.to_string()))?;
                    match channel.kind {
                        Channel::Telegram => bot.send_file(&http, to, file).await,
                        Channel::Whatsapp => {
                            graph
                                .whatsapp_send_file(&http, &channel.external_id, to, file)
                                .await
                        }
                        _ => {
                            graph
                                .messenger_send_file(&http, to, file, reply.in_window)
                                .await
                        }
                    }
                }
                (None, None) => continue,
            }?;
            let part = i32::try_from(part).unwrap_or(i32::MAX);
            let mut conn = db
                .acquire()
                .await
                .map_err(|error| ApiError::Temporary(error.to_string()))?;
            db::part_sent(
                &mut conn,
                channel.account_id,
                message_id,
                part,
                &sent,
                asked_at,
            )
            .await
            .map_err(|error| ApiError::Temporary(error.to_string()))?;
        }
        Ok(())
    }

    async fn fetch(
        &self,
        db: &PgPool,
        account_id: Uuid,
        channel_id: Uuid,
        message_id: Uuid,
        reference: &str,
        filename: String,
    ) -> Result<(), Failure> {
        let channel = db::connection(
            &mut *db.acquire().await.map_err(temporary)?,
            account_id,
            channel_id,
        )
        .await
        .map_err(temporary)?
        .ok_or_else(|| Failure::Permanent(anyhow::anyhow!("the channel is gone")))?;
        let Some(token) = self.token(&channel) else {
            return Err(Failure::Permanent(anyhow::anyhow!(
                "the channel's token cannot be opened"
            )));
        };
        let http = api::client().map_err(|error| Failure::Temporary(error.into()))?;
        let fetched = match channel.kind {
            Channel::Telegram => {
                let bot = Bot {
                    base: &self.config.telegram_api_base,
                    token: &token,
                };
                bot.download(&http, reference).await
            }
            Channel::Whatsapp => {
                let graph = Graph {
                    base: &self.config.meta_graph_api_base,
                    token: &token,
                };
                graph.whatsapp_media(&http, reference).await
            }
            _ => self.download_url(reference).await,
        };
        let data = match fetched {
            Ok(data) => data,
            Err(error) => return self.refused(db, &channel, error).await,
        };
        let upload = attachments::Upload {
            filename,
            data: data.into(),
        };
        let files = attachments::prepare(&self.config, vec![upload])
            .await
            .map_err(|error| Failure::Temporary(anyhow::anyhow!("{error}")))?;
        let mut conn = db.acquire().await.map_err(temporary)?;
        attachments::store(&mut conn, account_id, message_id, &files)
            .await
            .map_err(temporary)?;
        Ok(())
    }

    /// A Messenger contact's name from their user profile (`first_name`, `last_name`).
    async fn name(
        &self,
        db: &PgPool,
        account_id: Uuid,
        channel_id: Uuid,
        contact_id: Uuid,
    ) -> Result<(), Failure> {
        let mut conn = db.acquire().await.map_err(temporary)?;
        let channel = db::connection(&mut conn, account_id, channel_id)
            .await
            .map_err(temporary)?
            .ok_or_else(|| Failure::Permanent(anyhow::anyhow!("the channel is gone")))?;
        let psid = db::contact_external_id(&mut conn, account_id, contact_id)
            .await
            .map_err(temporary)?;
        drop(conn);
        let Some(token) = self.token(&channel) else {
            return Err(Failure::Permanent(anyhow::anyhow!(
                "the channel's token cannot be opened"
            )));
        };
        let graph = Graph {
            base: &self.config.meta_graph_api_base,
            token: &token,
        };
        let http = api::client().map_err(|error| Failure::Temporary(error.into()))?;
        let profile = match graph.object(&http, &psid, "first_name,last_name").await {
            Ok(profile) => profile,
            Err(error) => return self.refused(db, &channel, error).await,
        };
        let name = ["first_name", "last_name"]
            .iter()
            .filter_map(|field| profile[field].as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if name.trim().is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await.map_err(temporary)?;
        db::name_contact(&mut tx, account_id, contact_id, name.trim())
            .await
            .map_err(temporary)?;
        tx.commit().await.map_err(temporary)
    }

    /// Messenger's media: an address in the signed payload, on Meta's servers. Whoever
    /// holds the app's secret writes that payload, so it is checked like a webhook
    /// address (https to a public address) and fetched from the address checked, without
    /// following a redirect anywhere else.
    async fn download_url(&self, url: &str) -> Result<Vec<u8>, ApiError> {
        let allow_private = self.config.allow_private_webhooks;
        let parsed = mail::webhook::parse(url, allow_private)
            .ok()
            .flatten()
            .ok_or_else(|| ApiError::Refused("not an https address".into()))?;
        let (host, address) = mail::webhook::resolve(&parsed, allow_private)
            .await
            .map_err(|refused| ApiError::Refused(refused.to_string()))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .resolve(&host, address)
            .build()
            .map_err(|error| ApiError::Temporary(error.to_string()))?;
        api::download(http.get(parsed)).await
    }

    /// What a refusal leads to: a revoked token breaks the channel (its admins are told
    /// once); a temporary failure is tried again.
    async fn refused(
        &self,
        db: &PgPool,
        channel: &Connection,
        error: ApiError,
    ) -> Result<(), Failure> {
        match error {
            ApiError::Temporary(reason) => Err(Failure::Temporary(anyhow::anyhow!(reason))),
            ApiError::Refused(reason) => Err(Failure::Permanent(anyhow::anyhow!(reason))),
            ApiError::Revoked(reason) => {
                let mut tx = db.begin().await.map_err(temporary)?;
                if db::mark_broken(&mut tx, channel.account_id, channel.id, &reason)
                    .await
                    .map_err(temporary)?
                {
                    self.tell_admins(&mut tx, channel, &reason)
                        .await
                        .map_err(Failure::Temporary)?;
                    tracing::warn!(account_id = %channel.account_id, channel = %channel.id, "social channel broken: its token was refused");
                }
                tx.commit().await.map_err(temporary)?;
                Err(Failure::Permanent(anyhow::anyhow!(reason)))
            }
        }
    }

    async fn tell_admins(
        &self,
        conn: &mut PgConnection,
        channel: &Connection,
        reason: &str,
    ) -> anyhow::Result<()> {
        let link = self.config.link("/app/config/channels");
        for admin in db::admins(conn, channel.account_id).await? {
            let locale = admin.language;
            let kind = locale.t(channel.kind.label_key());
            let args = [("name", channel.name.as_str()), ("channel", kind.as_str())];
            let notice = Notice {
                locale,
                paragraphs: vec![
                    locale.t_args("social-broken-email-body", &args),
                    reason.to_owned(),
                ],
                button: locale.t("social-broken-email-button"),
                link: link.clone(),
                footnote: None,
            };
            let subject = locale.t_args("social-broken-email-subject", &args);
            let email = notice.email(&admin.email, subject, Threading::default())?;
            mail::enqueue(conn, channel.account_id, &email).await?;
        }
        Ok(())
    }
}

fn temporary(error: sqlx::Error) -> Failure {
    Failure::Temporary(error.into())
}
