//! What customers send on a channel, as every provider's webhook is read into it, and how
//! it lands: the conversation's open ticket gets the message, or a new ticket is opened
//! (the first message, or after the last one was resolved). A message already there (a
//! provider's retry) adds nothing; each keeps the provider's time, so that updates that
//! arrive out of order stand in their time order.
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{
    db::{self, Connection},
    outbound,
};
use crate::{
    AppError,
    config::Config,
    i18n::Locale,
    notifications::{self, Change},
    rules,
    tickets::{
        self, Channel, IssueType, Status,
        db::{NewMessage, NewTicket},
    },
};

/// Longest subject taken from a first message.
const SUBJECT_CHARS: usize = 100;
/// How much of the message a reaction answers its event quotes.
const REACTION_QUOTE_CHARS: usize = 60;

/// What one webhook delivery brings, in the order it lists them.
#[derive(Debug)]
pub enum Event {
    Message(Incoming),
    /// A reply's state as the provider reports it, by the provider's id of the reply.
    Status {
        route: Option<String>,
        id: String,
        state: super::Delivery,
        error: Option<String>,
    },
    /// Every reply to `contact` sent up to `until` has reached `state` (Messenger's
    /// watermarks).
    UpTo {
        route: Option<String>,
        contact: String,
        state: super::Delivery,
        until: OffsetDateTime,
    },
}

/// A customer's message.
#[derive(Debug)]
pub struct Incoming {
    /// The provider's id of the channel it came to, where one webhook serves several
    /// (Meta's: a phone number id, a page id); `None`: the webhook's own channel.
    pub route: Option<String>,
    /// The provider's id of the conversation (Telegram's chat, WhatsApp's wa_id,
    /// Messenger's page-scoped id).
    pub contact: String,
    /// Their name as the provider gives it; may be empty.
    pub name: String,
    /// The provider's id of the message, unique within the channel.
    pub id: String,
    pub at: OffsetDateTime,
    pub content: Content,
}

#[derive(Debug)]
pub enum Content {
    Text(String),
    Media(Media),
    Location {
        latitude: f64,
        longitude: f64,
        label: String,
    },
    Sticker {
        emoji: String,
    },
    /// A reaction to message `to` (the provider's id); no emoji: the reaction was taken back.
    Reaction {
        emoji: String,
        to: String,
    },
    /// A kind of message we do not show (a poll, a contact card...).
    Unsupported,
}

/// A file the customer sent, fetched from the provider after the webhook is answered.
#[derive(Debug)]
pub struct Media {
    pub kind: MediaKind,
    /// How the provider finds it: Telegram's file id, WhatsApp's media id, Messenger's URL.
    pub reference: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: Option<u64>,
    pub caption: String,
}

text_enum!(
    /// What kind of file a customer sent.
    MediaKind, "social-media-", {
        Photo => "photo",
        Document => "document",
        Voice => "voice",
        Audio => "audio",
        Video => "video",
    }
);

impl Content {
    /// The message's text in the thread, in the workspace's language.
    fn text(&self, locale: Locale) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Media(media) => {
                let label = format!("[{}]", locale.t(media.kind.label_key()));
                if media.caption.trim().is_empty() {
                    label
                } else {
                    format!("{label}\n{}", media.caption)
                }
            }
            Self::Location {
                latitude,
                longitude,
                label,
            } => {
                let map = format!(
                    "https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=16/{latitude}/{longitude}"
                );
                let what = locale.t("social-location");
                format!("[{what}] {label}\n{map}").replace("]  ", "] ")
            }
            Self::Sticker { emoji } => {
                format!("[{} {emoji}]", locale.t("social-sticker")).replace(" ]", "]")
            }
            Self::Reaction { emoji, .. } => emoji.clone(),
            Self::Unsupported => format!("[{}]", locale.t("social-unsupported")),
        }
    }
}

/// PostgreSQL text cannot hold NUL characters; JSON can (`\u0000`).
fn without_nul(text: &str) -> String {
    text.replace('\0', "")
}

/// Our key of a provider's message, unique in the workspace like a Message-ID.
pub fn message_key(channel: &Connection, id: &str) -> String {
    format!("{}:{}:{id}", channel.kind.as_str(), channel.id.simple())
}

/// Adds `incoming` to its conversation on `channel`, in the caller's transaction.
pub async fn receive(
    conn: &mut PgConnection,
    config: &Config,
    now: OffsetDateTime,
    channel: &Connection,
    incoming: &Incoming,
) -> Result<(), AppError> {
    let account_id = channel.account_id;
    // Never later than now: a clock that runs ahead must not put it after replies to it.
    let at = incoming.at.min(now);
    // The contact's row stays locked until the end: deliveries of one conversation take
    // turns, so that two of them never open two tickets.
    let contact = db::upsert_contact(
        conn,
        account_id,
        channel.id,
        &without_nul(&incoming.contact),
        without_nul(&incoming.name).trim(),
        at,
    )
    .await?;
    // Messenger names nobody in its webhooks: its user profile says who wrote.
    if contact.inserted && contact.name.is_empty() && channel.kind == Channel::Messenger {
        outbound::enqueue_name(conn, account_id, channel.id, contact.id).await?;
    }
    let key = message_key(channel, &without_nul(&incoming.id));
    if tickets::db::message_id_exists(conn, account_id, &key).await? {
        return Ok(());
    }
    let locale = tickets::db::workspace_by_id(conn, account_id)
        .await?
        .language;
    // Until then, the thread still says where they wrote.
    let name = if contact.name.is_empty() {
        locale.t_args(
            "social-customer",
            &[("channel", &locale.t(channel.kind.label_key()))],
        )
    } else {
        contact.name
    };
    let open = db::open_ticket(conn, account_id, contact.id).await?;
    if let Content::Reaction { emoji, to } = &incoming.content {
        // A reaction is a note on the conversation, never a reason to open one. It names
        // the message it answers by its first words.
        if let Some(ticket_id) = open {
            let to = without_nul(to);
            let quoted =
                match db::message_text(conn, channel, &message_key(channel, &to), &to).await? {
                    Some(text) if !emoji.is_empty() => {
                        let words: String = text.chars().take(REACTION_QUOTE_CHARS).collect();
                        format!("{emoji} “{}”", words.trim())
                    }
                    _ => emoji.clone(),
                };
            let quoted = without_nul(&quoted);
            db::insert_reaction(conn, account_id, ticket_id, &key, &quoted, at).await?;
        }
        return Ok(());
    }
    let text = without_nul(&incoming.content.text(locale));
    let message = NewMessage {
        message_id: Some(&key),
        ..NewMessage::customer(&name, &text)
    };
    let (ticket_id, added) = match open {
        Some(ticket_id) => {
            let added =
                tickets::add_customer_message(conn, account_id, ticket_id, &message).await?;
            if added.is_some() {
                let trigger = rules::Trigger {
                    event: rules::Event::CustomerReplied,
                    body: Some(&text),
                };
                rules::run(conn, config, account_id, ticket_id, trigger).await?;
                notifications::ticket_changed(
                    conn,
                    config,
                    account_id,
                    ticket_id,
                    Change::CustomerReplied,
                    None,
                )
                .await?;
            }
            (ticket_id, added)
        }
        None => {
            let subject = subject_of(locale, channel, &name, &incoming.content);
            tickets::db::lock_numbering(conn, account_id).await?;
            let ticket = tickets::db::insert_ticket(
                conn,
                account_id,
                &NewTicket {
                    subject: &subject,
                    customer_name: &name,
                    customer_email: "",
                    channel: channel.kind,
                    status: Status::New,
                    issue_type: IssueType::Other,
                    department_id: channel.department_id,
                    assignee_id: None,
                },
            )
            .await?;
            db::set_ticket_contact(conn, account_id, ticket.id, contact.id).await?;
            let added =
                tickets::add_customer_message(conn, account_id, ticket.id, &message).await?;
            rules::ticket_created(conn, config, account_id, ticket.id, &text).await?;
            notifications::ticket_changed(
                conn,
                config,
                account_id,
                ticket.id,
                Change::Created,
                None,
            )
            .await?;
            tracing::info!(%account_id, number = ticket.number, channel = channel.kind.as_str(), "social conversation opened");
            (ticket.id, added)
        }
    };
    if let Some(message_id) = added {
        db::set_message_time(conn, account_id, ticket_id, message_id, at).await?;
        if let Content::Media(media) = &incoming.content {
            outbound::enqueue_fetch(conn, account_id, channel.id, message_id, media).await?;
        }
    }
    Ok(())
}

/// A new conversation's subject: its first line of text, or who wrote on which channel.
fn subject_of(locale: Locale, channel: &Connection, name: &str, content: &Content) -> String {
    let line = match content {
        Content::Text(text) => text.lines().map(str::trim).find(|line| !line.is_empty()),
        Content::Media(media) => media.caption.lines().map(str::trim).find(|l| !l.is_empty()),
        _ => None,
    };
    match line {
        Some(line) if line.chars().count() > SUBJECT_CHARS => {
            let cut: String = line.chars().take(SUBJECT_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        }
        Some(line) => line.to_owned(),
        None => locale.t_args(
            "social-ticket-subject",
            &[
                ("name", name),
                ("channel", &locale.t(channel.kind.label_key())),
            ],
        ),
    }
}

/// Records a provider's report on replies (`Event::Status`, `Event::UpTo`).
pub async fn report(
    conn: &mut PgConnection,
    channel: &Connection,
    event: &Event,
) -> sqlx::Result<()> {
    match event {
        Event::Status {
            id, state, error, ..
        } => db::report_delivery(conn, channel, id, *state, error.as_deref()).await,
        Event::UpTo {
            contact,
            state,
            until,
            ..
        } => db::report_up_to(conn, channel, contact, *state, *until).await,
        Event::Message(_) => Ok(()),
    }
}

impl Event {
    /// Where the event belongs (`Incoming::route`).
    pub fn route(&self) -> Option<&str> {
        match self {
            Self::Message(incoming) => incoming.route.as_deref(),
            Self::Status { route, .. } | Self::UpTo { route, .. } => route.as_deref(),
        }
    }
}
