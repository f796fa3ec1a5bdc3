//! The Telegram Bot API: what a connection needs (`getMe`, `setWebhook`,
//! `deleteWebhook`), sending a reply (`sendMessage`, `sendPhoto`, `sendDocument`), fetching
//! a customer's file (`getFile`), and the `Update` objects its webhook posts.
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{
    api::{self, ApiError},
    inbound::{Content, Event, Incoming, Media, MediaKind},
};

/// The longest text message Telegram takes.
pub const TEXT_LIMIT: usize = 4096;

/// A bot, by the API's address and its token.
pub struct Bot<'a> {
    pub base: &'a str,
    pub token: &'a str,
}

/// Who a bot is (`getMe`).
pub struct BotInfo {
    pub id: i64,
    pub username: String,
}

impl Bot<'_> {
    fn url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base, self.token)
    }

    /// Runs a method; its `result`, or what its refusal means.
    async fn call(&self, request: reqwest::RequestBuilder) -> Result<Value, ApiError> {
        let (status, mut body) = api::send(request).await?;
        if body["ok"] == Value::Bool(true) {
            return Ok(body["result"].take());
        }
        let reason = match body["description"].as_str() {
            Some(description) => format!("Telegram: {description}"),
            None => format!("Telegram answered {status}"),
        };
        // An unknown token is 401, or 404 for one the API cannot even read.
        Err(match status.as_u16() {
            404 => ApiError::Revoked(reason),
            _ => api::by_status(status, reason),
        })
    }

    async fn method(
        &self,
        http: &reqwest::Client,
        method: &str,
        body: Value,
    ) -> Result<Value, ApiError> {
        self.call(http.post(self.url(method)).json(&body)).await
    }

    pub async fn me(&self, http: &reqwest::Client) -> Result<BotInfo, ApiError> {
        let me = self.method(http, "getMe", json!({})).await?;
        Ok(BotInfo {
            id: me["id"].as_i64().unwrap_or_default(),
            username: me["username"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// Points the bot's updates at `url`, which Telegram calls with `secret` in
    /// `X-Telegram-Bot-Api-Secret-Token`.
    pub async fn set_webhook(
        &self,
        http: &reqwest::Client,
        url: &str,
        secret: &str,
    ) -> Result<(), ApiError> {
        let body = json!({
            "url": url,
            "secret_token": secret,
            "allowed_updates": ["message", "edited_message", "message_reaction"],
        });
        self.method(http, "setWebhook", body).await.map(drop)
    }

    pub async fn delete_webhook(&self, http: &reqwest::Client) -> Result<(), ApiError> {
        self.method(http, "deleteWebhook", json!({}))
            .await
            .map(drop)
    }

    /// Sends `text` to chat `chat`; the new message's id.
    pub async fn send_text(
        &self,
        http: &reqwest::Client,
        chat: &str,
        text: &str,
    ) -> Result<String, ApiError> {
        let sent = self
            .method(http, "sendMessage", json!({"chat_id": chat, "text": text}))
            .await?;
        Ok(message_key(chat, &sent))
    }

    /// Sends a file to chat `chat`: a picture as a photo, anything else as a document.
    pub async fn send_file(
        &self,
        http: &reqwest::Client,
        chat: &str,
        file: super::outbound::File,
    ) -> Result<String, ApiError> {
        let (method, field) = if matches!(file.content_type.as_str(), "image/jpeg" | "image/png") {
            ("sendPhoto", "photo")
        } else {
            ("sendDocument", "document")
        };
        let part = Part::bytes(file.data)
            .file_name(file.filename)
            .mime_str(&file.content_type)
            .map_err(|error| ApiError::Refused(error.to_string()))?;
        let form = Form::new()
            .text("chat_id", chat.to_owned())
            .part(field, part);
        let request = http.post(self.url(method)).multipart(form);
        let sent = self.call(request.timeout(api::UPLOAD_TIMEOUT)).await?;
        Ok(message_key(chat, &sent))
    }

    /// The bytes of file `file_id` (`getFile`, then the file's own address).
    pub async fn download(
        &self,
        http: &reqwest::Client,
        file_id: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let file = self
            .method(http, "getFile", json!({"file_id": file_id}))
            .await?;
        let path = file["file_path"]
            .as_str()
            .ok_or_else(|| ApiError::Refused("Telegram: the file cannot be downloaded".into()))?;
        let url = format!("{}/file/bot{}/{path}", self.base, self.token);
        api::download(http.get(url)).await
    }
}

/// Our id of a message: Telegram numbers messages per chat.
fn message_key(chat: &str, message: &Value) -> String {
    format!(
        "{chat}:{}",
        message["message_id"].as_i64().unwrap_or_default()
    )
}

#[derive(Debug, Deserialize)]
struct Update {
    message: Option<Message>,
    edited_message: Option<Message>,
    message_reaction: Option<ReactionUpdate>,
}

#[derive(Debug, Deserialize)]
struct Chat {
    id: i64,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct User {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

impl User {
    fn name(&self) -> String {
        let full = match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        };
        match (full.trim().is_empty(), &self.username) {
            (true, Some(username)) => format!("@{username}"),
            _ => full.trim().to_owned(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct FileRef {
    file_id: String,
    #[serde(default)]
    file_name: Option<String>,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    file_size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Location {
    latitude: f64,
    longitude: f64,
}

#[derive(Debug, Deserialize)]
struct Sticker {
    #[serde(default)]
    emoji: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    message_id: i64,
    date: i64,
    #[serde(default)]
    edit_date: Option<i64>,
    chat: Chat,
    #[serde(default)]
    from: Option<User>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    photo: Vec<FileRef>,
    #[serde(default)]
    document: Option<FileRef>,
    #[serde(default)]
    voice: Option<FileRef>,
    #[serde(default)]
    audio: Option<FileRef>,
    #[serde(default)]
    video: Option<FileRef>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    sticker: Option<Sticker>,
}

#[derive(Debug, Deserialize)]
struct ReactionType {
    #[serde(default)]
    emoji: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReactionUpdate {
    chat: Chat,
    message_id: i64,
    date: i64,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    new_reaction: Vec<ReactionType>,
}

fn moment(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// What an `Update` brings; an update of a kind we do not take brings nothing.
pub fn events(body: &[u8]) -> Result<Vec<Event>, serde_json::Error> {
    let update: Update = serde_json::from_slice(body)?;
    let mut events = Vec::new();
    if let Some(message) = update.message {
        events.push(Event::Message(message.incoming(false)));
    }
    if let Some(message) = update.edited_message {
        events.push(Event::Message(message.incoming(true)));
    }
    if let Some(reaction) = update.message_reaction {
        let chat = reaction.chat.id.to_string();
        let emoji = reaction
            .new_reaction
            .iter()
            .filter_map(|r| r.emoji.as_deref())
            .collect::<String>();
        events.push(Event::Message(Incoming {
            route: None,
            id: format!("{chat}:{}:reaction:{}", reaction.message_id, reaction.date),
            name: reaction.user.unwrap_or_default().name(),
            at: moment(reaction.date),
            content: Content::Reaction {
                emoji,
                to: format!("{chat}:{}", reaction.message_id),
            },
            contact: chat,
        }));
    }
    Ok(events)
}

impl Message {
    fn incoming(self, edited: bool) -> Incoming {
        let chat = self.chat.id.to_string();
        let name = match &self.from {
            Some(user) => user.name(),
            None => self.chat.title.clone().unwrap_or_default(),
        };
        // An edit is a message of its own, after the one it changes.
        let (id, at) = match (edited, self.edit_date) {
            (true, Some(edit_date)) => (
                format!("{chat}:{}:edit:{edit_date}", self.message_id),
                moment(edit_date),
            ),
            _ => (format!("{chat}:{}", self.message_id), moment(self.date)),
        };
        let caption = self.caption.clone().unwrap_or_default();
        let media = |kind: MediaKind, file: FileRef, fallback: String| {
            Content::Media(Media {
                kind,
                reference: file.file_id,
                filename: file.file_name.unwrap_or(fallback),
                content_type: file.mime_type,
                size: file.file_size,
                caption: caption.clone(),
            })
        };
        let number = self.message_id;
        let content = if let Some(text) = self.text {
            Content::Text(text)
        } else if let Some(largest) = self
            .photo
            .into_iter()
            .max_by_key(|p| p.file_size.unwrap_or(0))
        {
            media(MediaKind::Photo, largest, format!("photo-{number}.jpg"))
        } else if let Some(file) = self.document {
            media(MediaKind::Document, file, format!("document-{number}"))
        } else if let Some(file) = self.voice {
            media(MediaKind::Voice, file, format!("voice-{number}.ogg"))
        } else if let Some(file) = self.audio {
            media(MediaKind::Audio, file, format!("audio-{number}"))
        } else if let Some(file) = self.video {
            media(MediaKind::Video, file, format!("video-{number}.mp4"))
        } else if let Some(location) = self.location {
            Content::Location {
                latitude: location.latitude,
                longitude: location.longitude,
                label: String::new(),
            }
        } else if let Some(sticker) = self.sticker {
            Content::Sticker {
                emoji: sticker.emoji.unwrap_or_default(),
            }
        } else {
            Content::Unsupported
        };
        Incoming {
            route: None,
            contact: chat,
            name,
            id,
            at,
            content,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_message_and_its_sender() {
        let body = br#"{"update_id": 1, "message": {"message_id": 7, "date": 1700000000,
            "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": false,
            "first_name": "Carla", "last_name": "Diaz"}, "text": "Hello"}}"#;
        let events = events(body).unwrap();
        let [Event::Message(message)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(message.contact, "42");
        assert_eq!(message.name, "Carla Diaz");
        assert_eq!(message.id, "42:7");
        assert_eq!(message.at.unix_timestamp(), 1_700_000_000);
        assert!(matches!(&message.content, Content::Text(text) if text == "Hello"));
    }

    #[test]
    fn the_largest_photo_is_taken_and_an_edit_is_its_own_message() {
        let body = br#"{"update_id": 2, "edited_message": {"message_id": 8, "date": 1700000000,
            "edit_date": 1700000100, "chat": {"id": 42}, "from": {"first_name": "", "username": "carla"},
            "caption": "My receipt",
            "photo": [{"file_id": "small", "file_size": 10}, {"file_id": "big", "file_size": 900}]}}"#;
        let events = events(body).unwrap();
        let [Event::Message(message)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(message.id, "42:8:edit:1700000100");
        assert_eq!(message.name, "@carla");
        let Content::Media(media) = &message.content else {
            panic!("{:?}", message.content)
        };
        assert_eq!(media.reference, "big");
        assert_eq!(media.caption, "My receipt");
        assert_eq!(media.filename, "photo-8.jpg");
    }

    #[test]
    fn updates_of_other_kinds_bring_nothing() {
        assert!(
            events(br#"{"update_id": 3, "channel_post": {}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(events(b"not json").is_err());
    }
}
