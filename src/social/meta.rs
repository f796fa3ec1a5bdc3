//! Meta's Graph API, for WhatsApp (the Business Cloud API) and Messenger (the Messenger
//! Platform): checking a connection, subscribing a page, sending replies and files,
//! fetching a customer's media; and the webhook's payloads, signed with the app's secret
//! (`X-Hub-Signature-256`).
use hmac::{Hmac, Mac};
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use super::{
    Delivery,
    api::{self, ApiError},
    inbound::{Content, Event, Incoming, Media, MediaKind},
    outbound::File,
};

/// The Graph API version every call names.
pub const VERSION: &str = "v21.0";
/// The longest text message: WhatsApp's and Messenger's.
pub const WHATSAPP_TEXT_LIMIT: usize = 4096;
pub const MESSENGER_TEXT_LIMIT: usize = 2000;
/// Fields a page subscribes our app to.
const PAGE_FIELDS: &str = "messages,message_deliveries,message_reads,message_reactions";

/// The Graph API at `base`, with an access token.
pub struct Graph<'a> {
    pub base: &'a str,
    pub token: &'a str,
}

impl Graph<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/{VERSION}/{path}", self.base)
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Value, ApiError> {
        let (status, body) = api::send(request.bearer_auth(self.token)).await?;
        if status.is_success() {
            return Ok(body);
        }
        let error = &body["error"];
        let reason = match error["message"].as_str() {
            Some(message) => format!("Meta: {message}"),
            None => format!("Meta answered {status}"),
        };
        Err(match error["code"].as_i64() {
            // The token expired or was revoked.
            Some(190) => ApiError::Revoked(reason),
            // Rate limits, of the app, the page or the number.
            Some(4 | 17 | 32 | 613 | 80007 | 130_429 | 131_056) => ApiError::Temporary(reason),
            _ => api::by_status(status, reason),
        })
    }

    /// Object `id`'s `fields`: the check that a token reaches what it should.
    pub async fn object(
        &self,
        http: &reqwest::Client,
        id: &str,
        fields: &str,
    ) -> Result<Value, ApiError> {
        self.call(http.get(self.url(id)).query(&[("fields", fields)]))
            .await
    }

    /// Subscribes our app to page `page_id`'s messages.
    pub async fn subscribe_page(
        &self,
        http: &reqwest::Client,
        page_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("{page_id}/subscribed_apps"));
        self.call(http.post(url).query(&[("subscribed_fields", PAGE_FIELDS)]))
            .await
            .map(drop)
    }

    pub async fn unsubscribe_page(
        &self,
        http: &reqwest::Client,
        page_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("{page_id}/subscribed_apps"));
        self.call(http.delete(url)).await.map(drop)
    }

    /// Sends a WhatsApp message (`message` without its envelope) to `to`; its wamid.
    pub async fn whatsapp_send(
        &self,
        http: &reqwest::Client,
        number_id: &str,
        to: &str,
        mut message: Value,
    ) -> Result<String, ApiError> {
        message["messaging_product"] = json!("whatsapp");
        message["recipient_type"] = json!("individual");
        message["to"] = json!(to);
        let url = self.url(&format!("{number_id}/messages"));
        let sent = self.call(http.post(url).json(&message)).await?;
        Ok(sent["messages"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Sends a file on WhatsApp: uploaded first, then sent by its media id.
    pub async fn whatsapp_send_file(
        &self,
        http: &reqwest::Client,
        number_id: &str,
        to: &str,
        file: File,
    ) -> Result<String, ApiError> {
        let kind = if matches!(file.content_type.as_str(), "image/jpeg" | "image/png") {
            "image"
        } else {
            "document"
        };
        let filename = file.filename.clone();
        let part = Part::bytes(file.data)
            .file_name(file.filename)
            .mime_str(&file.content_type)
            .map_err(|error| ApiError::Refused(error.to_string()))?;
        let form = Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", file.content_type)
            .part("file", part);
        let url = self.url(&format!("{number_id}/media"));
        let request = http.post(url).multipart(form).timeout(api::UPLOAD_TIMEOUT);
        let uploaded = self.call(request).await?;
        let media_id = uploaded["id"].as_str().unwrap_or_default();
        let mut media = json!({"id": media_id});
        if kind == "document" {
            media["filename"] = json!(filename);
        }
        self.whatsapp_send(http, number_id, to, json!({"type": kind, kind: media}))
            .await
    }

    /// Sends a Messenger text to `psid`; its mid. Within 24 hours of the customer's last
    /// message it is a response; later, a person's answer (the `HUMAN_AGENT` tag, which
    /// Meta allows for 7 days).
    pub async fn messenger_send(
        &self,
        http: &reqwest::Client,
        psid: &str,
        text: &str,
        in_window: bool,
    ) -> Result<String, ApiError> {
        let mut body = json!({"recipient": {"id": psid}, "message": {"text": text}});
        for (name, value) in messaging_type(in_window) {
            body[name] = json!(value);
        }
        let sent = self
            .call(http.post(self.url("me/messages")).json(&body))
            .await?;
        Ok(sent["message_id"].as_str().unwrap_or_default().to_owned())
    }

    /// Sends a file on Messenger, uploaded with the message.
    pub async fn messenger_send_file(
        &self,
        http: &reqwest::Client,
        psid: &str,
        file: File,
        in_window: bool,
    ) -> Result<String, ApiError> {
        let kind = if file.content_type.starts_with("image/") {
            "image"
        } else {
            "file"
        };
        let part = Part::bytes(file.data)
            .file_name(file.filename)
            .mime_str(&file.content_type)
            .map_err(|error| ApiError::Refused(error.to_string()))?;
        let mut form = Form::new().text("recipient", json!({"id": psid}).to_string());
        for (name, value) in messaging_type(in_window) {
            form = form.text(name, value);
        }
        let form = form
            .text(
                "message",
                json!({"attachment": {"type": kind, "payload": {"is_reusable": false}}})
                    .to_string(),
            )
            .part("filedata", part);
        let request = http.post(self.url("me/messages")).multipart(form);
        let sent = self.call(request.timeout(api::UPLOAD_TIMEOUT)).await?;
        Ok(sent["message_id"].as_str().unwrap_or_default().to_owned())
    }

    /// The bytes of WhatsApp media `media_id`: its address first, then the file, both
    /// with the token.
    pub async fn whatsapp_media(
        &self,
        http: &reqwest::Client,
        media_id: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let media = self.call(http.get(self.url(media_id))).await?;
        let url = media["url"]
            .as_str()
            .ok_or_else(|| ApiError::Refused("Meta: the media has no address".into()))?;
        api::download(http.get(url).bearer_auth(self.token)).await
    }
}

/// A Messenger message's `messaging_type` (and tag): a response within 24 hours of the
/// customer's last message, a person's answer after.
fn messaging_type(in_window: bool) -> Vec<(&'static str, &'static str)> {
    if in_window {
        vec![("messaging_type", "RESPONSE")]
    } else {
        vec![("messaging_type", "MESSAGE_TAG"), ("tag", "HUMAN_AGENT")]
    }
}

/// Whether `signature` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of `body`
/// under the app's secret.
pub fn is_signed(app_secret: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn seconds(raw: &str) -> OffsetDateTime {
    raw.parse::<i64>()
        .ok()
        .and_then(|unix| OffsetDateTime::from_unix_timestamp(unix).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[derive(Debug, Deserialize)]
struct Payload {
    #[serde(default)]
    object: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(default)]
    id: String,
    #[serde(default)]
    changes: Vec<Change>,
    #[serde(default)]
    messaging: Vec<Messaging>,
}

#[derive(Debug, Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: WhatsAppValue,
}

#[derive(Debug, Default, Deserialize)]
struct WhatsAppValue {
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    contacts: Vec<WhatsAppContact>,
    #[serde(default)]
    messages: Vec<WhatsAppMessage>,
    #[serde(default)]
    statuses: Vec<WhatsAppStatus>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: String,
}

#[derive(Debug, Deserialize)]
struct WhatsAppContact {
    #[serde(default)]
    wa_id: String,
    #[serde(default)]
    profile: Profile,
}

#[derive(Debug, Default, Deserialize)]
struct Profile {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize)]
struct WhatsAppMessage {
    from: String,
    id: String,
    #[serde(default)]
    timestamp: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<Text>,
    #[serde(default)]
    image: Option<WhatsAppMedia>,
    #[serde(default)]
    document: Option<WhatsAppMedia>,
    #[serde(default)]
    audio: Option<WhatsAppMedia>,
    #[serde(default)]
    video: Option<WhatsAppMedia>,
    #[serde(default)]
    sticker: Option<WhatsAppMedia>,
    #[serde(default)]
    location: Option<WhatsAppLocation>,
    #[serde(default)]
    reaction: Option<WhatsAppReaction>,
}

#[derive(Debug, Deserialize)]
struct Text {
    #[serde(default)]
    body: String,
}

#[derive(Debug, Deserialize)]
struct WhatsAppMedia {
    id: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    voice: bool,
}

#[derive(Debug, Deserialize)]
struct WhatsAppLocation {
    latitude: f64,
    longitude: f64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WhatsAppReaction {
    message_id: String,
    #[serde(default)]
    emoji: String,
}

#[derive(Debug, Deserialize)]
struct WhatsAppStatus {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct Messaging {
    #[serde(default)]
    sender: Party,
    #[serde(default)]
    timestamp: i64,
    #[serde(default)]
    message: Option<MessengerMessage>,
    #[serde(default)]
    delivery: Option<Watermark>,
    #[serde(default)]
    read: Option<Watermark>,
    #[serde(default)]
    reaction: Option<MessengerReaction>,
}

#[derive(Debug, Default, Deserialize)]
struct Party {
    #[serde(default)]
    id: String,
}

#[derive(Debug, Deserialize)]
struct MessengerMessage {
    mid: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    is_echo: bool,
    #[serde(default)]
    attachments: Vec<MessengerAttachment>,
    #[serde(default)]
    sticker_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct MessengerAttachment {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Value,
}

#[derive(Debug, Deserialize)]
struct Watermark {
    #[serde(default)]
    mids: Vec<String>,
    #[serde(default)]
    watermark: i64,
}

#[derive(Debug, Deserialize)]
struct MessengerReaction {
    mid: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    emoji: String,
}

/// What a webhook delivery brings, WhatsApp's or Messenger's.
pub fn events(body: &[u8]) -> Result<Vec<Event>, serde_json::Error> {
    let payload: Payload = serde_json::from_slice(body)?;
    let mut events = Vec::new();
    for entry in payload.entry {
        match payload.object.as_str() {
            "whatsapp_business_account" => {
                for change in entry.changes.into_iter().filter(|c| c.field == "messages") {
                    whatsapp_events(change.value, &mut events);
                }
            }
            "page" => {
                for messaging in entry.messaging {
                    messenger_events(&entry.id, messaging, &mut events);
                }
            }
            _ => {}
        }
    }
    Ok(events)
}

fn whatsapp_events(value: WhatsAppValue, events: &mut Vec<Event>) {
    let route = Some(value.metadata.phone_number_id.clone());
    for message in value.messages {
        let name = value
            .contacts
            .iter()
            .find(|contact| contact.wa_id == message.from)
            .map(|contact| contact.profile.name.clone())
            .unwrap_or_default();
        events.push(Event::Message(Incoming {
            route: route.clone(),
            contact: message.from.clone(),
            name,
            id: message.id.clone(),
            at: seconds(&message.timestamp),
            content: message.content(),
        }));
    }
    for status in value.statuses {
        let state = match status.status.as_str() {
            "sent" => Delivery::Sent,
            "delivered" => Delivery::Delivered,
            "read" => Delivery::Read,
            "failed" => Delivery::Failed,
            _ => continue,
        };
        let error = status.errors.first().map(|error| {
            let detail = error["error_data"]["details"]
                .as_str()
                .or(error["message"].as_str())
                .or(error["title"].as_str())
                .unwrap_or_default();
            format!("WhatsApp: {detail}")
        });
        events.push(Event::Status {
            route: route.clone(),
            id: status.id,
            state,
            error,
        });
    }
}

impl WhatsAppMessage {
    fn content(self) -> Content {
        let media = |kind: MediaKind, media: WhatsAppMedia, extension: &str| {
            Content::Media(Media {
                kind,
                filename: media
                    .filename
                    .unwrap_or_else(|| format!("{}-{}{extension}", kind.as_str(), media.id)),
                reference: media.id,
                content_type: media.mime_type,
                size: None,
                caption: media.caption.unwrap_or_default(),
            })
        };
        match self.kind.as_str() {
            "text" => Content::Text(self.text.map(|text| text.body).unwrap_or_default()),
            "image" => self
                .image
                .map_or(Content::Unsupported, |m| media(MediaKind::Photo, m, ".jpg")),
            "document" => self
                .document
                .map_or(Content::Unsupported, |m| media(MediaKind::Document, m, "")),
            "audio" => self.audio.map_or(Content::Unsupported, |m| {
                let kind = if m.voice {
                    MediaKind::Voice
                } else {
                    MediaKind::Audio
                };
                media(kind, m, ".ogg")
            }),
            "video" => self
                .video
                .map_or(Content::Unsupported, |m| media(MediaKind::Video, m, ".mp4")),
            "sticker" if self.sticker.is_some() => Content::Sticker {
                emoji: String::new(),
            },
            "location" => self
                .location
                .map_or(Content::Unsupported, |l| Content::Location {
                    latitude: l.latitude,
                    longitude: l.longitude,
                    label: [l.name, l.address]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            "reaction" => self
                .reaction
                .map_or(Content::Unsupported, |r| Content::Reaction {
                    emoji: r.emoji,
                    to: r.message_id,
                }),
            _ => Content::Unsupported,
        }
    }
}

fn messenger_events(page_id: &str, messaging: Messaging, events: &mut Vec<Event>) {
    let route = Some(page_id.to_owned());
    let contact = messaging.sender.id;
    let at = millis(messaging.timestamp);
    if let Some(message) = messaging.message.filter(|m| !m.is_echo) {
        let content = if let Some(text) = message.text {
            Content::Text(text)
        } else if message.sticker_id.is_some() {
            Content::Sticker {
                emoji: String::new(),
            }
        } else if let Some(attachment) = message.attachments.into_iter().next() {
            let url = attachment.payload["url"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let coordinates = &attachment.payload["coordinates"];
            let kind = match attachment.kind.as_str() {
                "image" => Some(MediaKind::Photo),
                "audio" => Some(MediaKind::Audio),
                "video" => Some(MediaKind::Video),
                "file" => Some(MediaKind::Document),
                _ => None,
            };
            match (
                kind,
                coordinates["lat"].as_f64(),
                coordinates["long"].as_f64(),
            ) {
                (Some(kind), _, _) if !url.is_empty() => Content::Media(Media {
                    kind,
                    filename: url_filename(&url, kind),
                    reference: url,
                    content_type: None,
                    size: None,
                    caption: String::new(),
                }),
                (_, Some(latitude), Some(longitude)) => Content::Location {
                    latitude,
                    longitude,
                    label: String::new(),
                },
                _ => Content::Unsupported,
            }
        } else {
            Content::Unsupported
        };
        events.push(Event::Message(Incoming {
            route: route.clone(),
            contact: contact.clone(),
            name: String::new(),
            id: message.mid,
            at,
            content,
        }));
    }
    if let Some(delivery) = messaging.delivery {
        for mid in delivery.mids {
            events.push(Event::Status {
                route: route.clone(),
                id: mid,
                state: Delivery::Delivered,
                error: None,
            });
        }
        if delivery.watermark > 0 {
            events.push(Event::UpTo {
                route: route.clone(),
                contact: contact.clone(),
                state: Delivery::Delivered,
                until: millis(delivery.watermark),
            });
        }
    }
    if let Some(read) = messaging.read {
        events.push(Event::UpTo {
            route: route.clone(),
            contact: contact.clone(),
            state: Delivery::Read,
            until: millis(read.watermark),
        });
    }
    if let Some(reaction) = messaging.reaction {
        let emoji = if reaction.action == "unreact" {
            String::new()
        } else {
            reaction.emoji
        };
        events.push(Event::Message(Incoming {
            route,
            id: format!("{}:reaction:{}", reaction.mid, messaging.timestamp),
            contact,
            name: String::new(),
            at,
            content: Content::Reaction {
                emoji,
                to: reaction.mid,
            },
        }));
    }
}

/// A file's name from its address's last segment, or one made up from its kind.
fn url_filename(url: &str, kind: MediaKind) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|url| {
            url.path_segments()?
                .next_back()
                .filter(|name| !name.is_empty() && name.len() <= 100)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| kind.as_str().to_owned())
}
