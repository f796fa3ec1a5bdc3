//! Social channels: an admin connects a Telegram bot, a WhatsApp number and a Facebook
//! page against a local stand-in of the providers' APIs (`FakeProviders`), which records
//! what it is sent and answers as the providers document. The providers' webhooks are
//! posted as they send them: Telegram's `Update` objects with the secret token header,
//! Meta's payloads signed with the app's secret.
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{Method, StatusCode as AxumStatus, Uri},
    response::{IntoResponse, Response},
};
use frontdesk::auth::Role;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    attachments::png,
    harness::{Client, TestApp, Workspace},
};

const BOT_ID: &str = "7001234567";
fn bot_token() -> String {
    format!("{BOT_ID}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
}
const PHONE_NUMBER_ID: &str = "1061234567";
const PAGE_ID: &str = "2089876543";
const META_TOKEN: &str = "EAAGm0PX4ZCpsBAMetaTokenForTests";
const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";
const CUSTOMER_CHAT: i64 = 424242;

/// A request the fake APIs were sent.
#[derive(Clone, Debug)]
struct ApiCall {
    method: String,
    path: String,
    query: String,
    authorization: String,
    body: Vec<u8>,
}

impl ApiCall {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Default)]
struct Recorded {
    base: String,
    calls: Vec<ApiCall>,
    /// Statuses answered to sends before one goes through.
    failures: VecDeque<u16>,
    /// Every token is refused from now on.
    revoked: bool,
    next_id: u64,
}

/// Telegram's Bot API and Meta's Graph API, as far as Frontdesk uses them.
#[derive(Clone, Default)]
struct FakeProviders(Arc<Mutex<Recorded>>);

impl FakeProviders {
    async fn start() -> (Self, String) {
        let fake = Self::default();
        let router = Router::new().fallback(answer).with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        fake.0.lock().unwrap().base = base.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        (fake, base)
    }

    fn calls(&self) -> Vec<ApiCall> {
        self.0.lock().unwrap().calls.clone()
    }

    /// The calls whose path ends with `suffix`.
    fn calls_to(&self, suffix: &str) -> Vec<ApiCall> {
        self.calls()
            .into_iter()
            .filter(|call| call.path.ends_with(suffix))
            .collect()
    }

    fn fail_next(&self, statuses: &[u16]) {
        self.0.lock().unwrap().failures.extend(statuses);
    }

    fn revoke(&self) {
        self.0.lock().unwrap().revoked = true;
    }
}

fn telegram_error(status: u16, description: &str) -> Response {
    let body = json!({"ok": false, "error_code": status, "description": description});
    (AxumStatus::from_u16(status).unwrap(), Json(body)).into_response()
}

fn graph_error(status: u16, code: i64, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "OAuthException", "code": code}});
    (AxumStatus::from_u16(status).unwrap(), Json(body)).into_response()
}

async fn answer(
    State(fake): State<FakeProviders>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let mut recorded = fake.0.lock().unwrap();
    recorded.calls.push(ApiCall {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        authorization: headers
            .get("authorization")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        body: body.to_vec(),
    });
    let is_send = path.ends_with("/sendMessage")
        || path.ends_with("/sendPhoto")
        || path.ends_with("/sendDocument")
        || path.ends_with("/messages");
    if path.starts_with("/file/") || path.starts_with("/media-files/") {
        return png(2, 2).into_response();
    }
    if let Some(rest) = path.strip_prefix("/bot") {
        if recorded.revoked {
            return telegram_error(401, "Unauthorized");
        }
        let method = rest.rsplit('/').next().unwrap();
        if is_send && let Some(status) = recorded.failures.pop_front() {
            return telegram_error(status, "Too Many Requests: retry after 1");
        }
        recorded.next_id += 1;
        let id = recorded.next_id;
        let result = match method {
            "getMe" => {
                json!({"id": BOT_ID.parse::<i64>().unwrap(), "is_bot": true, "username": "acme_help_bot"})
            }
            "getFile" if String::from_utf8_lossy(&body).contains("too-big") => {
                return telegram_error(400, "Bad Request: file is too big");
            }
            "getFile" => json!({"file_id": "x", "file_path": "photos/file_1.png"}),
            "sendMessage" | "sendPhoto" | "sendDocument" => json!({"message_id": 1000 + id}),
            _ => json!(true),
        };
        return Json(json!({"ok": true, "result": result})).into_response();
    }
    let Some(rest) = path.strip_prefix("/v21.0/") else {
        return AxumStatus::NOT_FOUND.into_response();
    };
    if recorded.revoked {
        return graph_error(
            401,
            190,
            "Error validating access token: The session has been invalidated.",
        );
    }
    if is_send && let Some(status) = recorded.failures.pop_front() {
        return graph_error(status, 2, "Service temporarily unavailable");
    }
    recorded.next_id += 1;
    let id = recorded.next_id;
    let body = if rest.ends_with("/subscribed_apps") {
        json!({"success": true})
    } else if rest == "me/messages" {
        json!({"recipient_id": "PSID", "message_id": format!("m_{id}")})
    } else if rest.ends_with("/messages") {
        json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.{id}")}]})
    } else if rest.ends_with("/media") {
        json!({"id": format!("upload-{id}")})
    } else if query.contains("display_phone_number") {
        json!({"display_phone_number": "+1 555-0100", "verified_name": "Acme Support", "id": rest})
    } else if query.contains("first_name") {
        json!({"first_name": "Maria", "last_name": "Rossi", "id": rest})
    } else if query.contains("fields=name") {
        json!({"name": "Acme on Facebook", "id": rest})
    } else {
        // A media id: where its bytes are.
        json!({"url": format!("{}/media-files/{rest}", recorded.base), "mime_type": "image/png"})
    };
    Json(body).into_response()
}

/// The app, with both providers' APIs at the fake.
async fn app_with_providers(db: PgPool, at: Option<OffsetDateTime>) -> (TestApp, FakeProviders) {
    let (fake, base) = FakeProviders::start().await;
    let app = TestApp::spawn_configured(db, at, |config| {
        config.telegram_api_base = base.clone();
        config.meta_graph_api_base = base;
    })
    .await;
    (app, fake)
}

/// Waits until the inbox has stored every delivery it was given: a webhook is answered
/// before its events are stored.
async fn settled(db: &PgPool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let waiting: i64 =
            sqlx::query_scalar("select count(*) from social_inbox where attempts = 0")
                .fetch_one(db)
                .await
                .unwrap();
        if waiting == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{waiting} deliveries still in the inbox"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// How Telegram calls a connected bot's webhook.
struct TelegramBot {
    url: String,
    secret: String,
    db: PgPool,
    http: reqwest::Client,
    next_update: std::sync::atomic::AtomicI64,
}

impl TelegramBot {
    /// Connects the bot to `workspace` (as its admin), routed to `department`.
    async fn connect(
        app: &TestApp,
        fake: &FakeProviders,
        admin: &Client,
        department: Option<Uuid>,
    ) -> Self {
        let department = department.map(|id| id.to_string()).unwrap_or_default();
        let token = bot_token();
        let connected = admin
            .post(
                "/app/config/channels/telegram/new",
                &[("bot_token", &token), ("department", &department)],
            )
            .await;
        connected.assert_redirects_to("/app/config/channels");
        let set = fake.calls_to("/setWebhook").pop().expect("setWebhook");
        let body = set.json();
        Self {
            url: body["url"]
                .as_str()
                .unwrap()
                .replace(&app.config.base_url, &app.base_url),
            secret: body["secret_token"].as_str().unwrap().to_owned(),
            db: app.db.clone(),
            http: reqwest::Client::new(),
            next_update: std::sync::atomic::AtomicI64::new(1),
        }
    }

    async fn post_with(&self, secret: Option<&str>, update: &Value) -> StatusCode {
        let mut request = self.http.post(&self.url).json(update);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        let status = request.send().await.unwrap().status();
        settled(&self.db).await;
        status
    }

    /// Posts `message` (a Message object's own fields) as an update from the customer.
    async fn send(&self, message_id: i64, date: i64, fields: Value) -> StatusCode {
        let update_id = self
            .next_update
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut message = json!({
            "message_id": message_id,
            "date": date,
            "chat": {"id": CUSTOMER_CHAT, "type": "private", "first_name": "Carla"},
            "from": {"id": CUSTOMER_CHAT, "is_bot": false, "first_name": "Carla", "last_name": "Diaz"},
        });
        for (key, value) in fields.as_object().unwrap() {
            message[key] = value.clone();
        }
        self.post_with(
            Some(&self.secret),
            &json!({"update_id": update_id, "message": message}),
        )
        .await
    }
}

/// Replies on ticket `number` as the page's form does, with the newest message it showed.
async fn reply(
    agent: &Client,
    number: i64,
    body: &str,
    files: &[(&str, &[u8])],
) -> crate::harness::Page {
    let page = agent.get(&format!("/app/tickets/{number}")).await;
    let last_seen = crate::harness::input_value(&page.body, "last_seen").unwrap_or_default();
    agent
        .post_files(
            &format!("/app/tickets/{number}/reply"),
            &[("body", body), ("last_seen", &last_seen)],
            files,
        )
        .await
}

fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

async fn ticket_rows(app: &TestApp, workspace: &Workspace) -> Vec<(i64, String, String, String)> {
    sqlx::query_as(
        "select number, channel, status, customer_name from tickets where account_id = $1
         order by number",
    )
    .bind(workspace.account_id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The customer's messages of ticket `number`, in thread order.
async fn thread(app: &TestApp, workspace: &Workspace, number: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "select m.kind, m.body_text from messages m
         join tickets t on t.account_id = m.account_id and t.id = m.ticket_id
         where m.account_id = $1 and t.number = $2 and m.kind in ('customer', 'reply')
         order by m.created_at, m.id",
    )
    .bind(workspace.account_id)
    .bind(number)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[sqlx::test]
async fn an_admin_connects_a_telegram_bot_and_its_token_is_sealed(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let department = app.department(&acme, "Support", &[]).await;

    // A token the provider refuses comes back with the field's message, never the token.
    fake.revoke();
    let refused = admin
        .post(
            "/app/config/channels/telegram/new",
            &[
                ("bot_token", &bot_token()),
                ("department", &department.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("The provider refused this token"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"));
    assert_eq!(app.count("social_channels").await, 0);
    fake.0.lock().unwrap().revoked = false;

    let bot = TelegramBot::connect(&app, &fake, &admin, Some(department)).await;
    // getMe with the token in the address, then the webhook at our address with a secret.
    assert_eq!(
        fake.calls_to("/getMe").last().unwrap().path,
        format!("/bot{}/getMe", bot_token())
    );
    assert!(
        bot.url
            .starts_with(&format!("{}/channels/telegram/", app.base_url))
    );
    assert!(bot.secret.len() >= 32);
    let page = admin.get("/app/config/channels").await;
    assert!(page.body.contains("@acme_help_bot"), "{}", page.body);
    assert!(page.body.contains("Support"));
    assert!(page.texts(".social-connected").len() == 1);
    assert!(!page.body.contains("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"));
    // At rest the token is sealed and the webhook secret kept only as a digest.
    let (sealed, digest): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("select access_token, secret_digest from social_channels")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        !sealed
            .windows(10)
            .any(|w| w == &bot_token().as_bytes()[11..21])
    );
    assert_ne!(digest, bot.secret.as_bytes());
    let audit: i64 = app
        .count("audit_log where action = 'channel_connected'")
        .await;
    assert_eq!(audit, 1);

    // An agent cannot see or change channels.
    let agent = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(
        agent.status_of_get("/app/config/channels").await,
        StatusCode::FORBIDDEN
    );
    let id: Uuid = sqlx::query_scalar("select id from social_channels")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let delete = format!("/app/config/channels/{id}/delete");
    assert_eq!(agent.post(&delete, &[]).await.status, StatusCode::FORBIDDEN);

    // Its department deleted, the channel routes to none.
    admin
        .post(&format!("/app/config/departments/{department}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/departments");
    let page = admin.get("/app/config/channels").await;
    assert!(page.body.contains("No department"), "{}", page.body);

    // A delivery the inbox cannot store is tried again, and its admins see why.
    sqlx::query(
        "insert into social_inbox (account_id, id, channel_id, body, attempts, next_attempt_at,
                                   last_error)
         select account_id, gen_random_uuid(), id, '\\x00', 3, now() + interval '1 hour',
                'database: a value too long'
         from social_channels",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let page = admin.get("/app/config/channels").await;
    assert_eq!(
        page.texts(".social-channel .flash-error"),
        [
            "One message from this channel could not be stored yet; it is tried again. The last attempt said: database: a value too long"
        ]
    );
}

#[sqlx::test]
async fn telegram_messages_become_one_ticket_per_open_conversation(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let department = app.department(&acme, "Support", &[]).await;
    let bot = TelegramBot::connect(&app, &fake, &admin, Some(department)).await;
    let now = now_unix();

    // Checked before anything is read: a wrong or missing secret is 403 and adds nothing.
    let update = json!({"update_id": 1, "message": {"message_id": 1, "date": now,
        "chat": {"id": CUSTOMER_CHAT}, "text": "Forged"}});
    assert_eq!(
        bot.post_with(Some("wrong"), &update).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(bot.post_with(None, &update).await, StatusCode::FORBIDDEN);
    let unknown = bot.url.replace("/telegram/", "/telegram/x");
    let status = bot
        .http
        .post(unknown)
        .header("X-Telegram-Bot-Api-Secret-Token", &bot.secret)
        .json(&update)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("tickets").await, 0);

    assert_eq!(
        bot.send(
            10,
            now - 60,
            json!({"text": "My order never came\nNumber 778"})
        )
        .await,
        StatusCode::OK
    );
    // The same message again (Telegram retries) adds nothing.
    assert_eq!(
        bot.send(
            10,
            now - 60,
            json!({"text": "My order never came\nNumber 778"})
        )
        .await,
        StatusCode::OK
    );
    // A later message that arrives before an earlier one still lands in time order.
    bot.send(12, now - 10, json!({"text": "Hello?"})).await;
    bot.send(
        11,
        now - 30,
        json!({"location": {"latitude": 52.52, "longitude": 13.405}}),
    )
    .await;
    let tickets = ticket_rows(&app, &acme).await;
    assert_eq!(
        tickets,
        [(1, "telegram".into(), "new".into(), "Carla Diaz".into())]
    );
    let messages = thread(&app, &acme, 1).await;
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(messages[0].1, "My order never came\nNumber 778");
    assert!(messages[1].1.starts_with("[Location]"), "{messages:?}");
    assert!(messages[1].1.contains("mlat=52.52"), "{messages:?}");
    assert_eq!(messages[2].1, "Hello?");
    let (subject, ticket_department): (String, Option<Uuid>) =
        sqlx::query_as("select subject, department_id from tickets where number = 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(subject, "My order never came");
    assert_eq!(ticket_department, Some(department));

    // The agent sees it in the list, filtered by channel, and on the ticket page.
    let agent = app.logged_in(&acme, Role::Admin).await;
    let list = agent.get("/app/tickets?channel=telegram").await;
    assert!(list.body.contains("My order never came"), "{}", list.body);
    let others = agent.get("/app/tickets?channel=whatsapp").await;
    assert!(!others.body.contains("My order never came"));
    let page = agent.get("/app/tickets/1").await;
    assert!(
        page.body
            .contains("The reply goes to the customer on @acme_help_bot"),
        "{}",
        page.body
    );

    // Resolved, the conversation's next message opens a new ticket.
    let resolved = agent
        .post(
            "/app/tickets/1/properties",
            &[
                ("status", "resolved"),
                ("priority", "normal"),
                ("type", "other"),
                ("department", &department.to_string()),
                ("assignee", ""),
            ],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
    bot.send(13, now, json!({"sticker": {"file_id": "s", "emoji": "😀"}}))
        .await;
    let tickets = ticket_rows(&app, &acme).await;
    assert_eq!(tickets.len(), 2, "{tickets:?}");
    assert_eq!(thread(&app, &acme, 2).await[0].1, "[Sticker 😀]");
    // JSON may carry a NUL character, which PostgreSQL text cannot: it is left out.
    bot.send(14, now, json!({"text": "Hello\u{0}there"})).await;
    assert_eq!(thread(&app, &acme, 2).await[1].1, "Hellothere");
    // Reports count the channel.
    let report = agent.get("/app/reports").await;
    assert!(report.body.contains("Telegram"), "{}", report.body);
    let _ = fake;
}

#[sqlx::test]
async fn a_reply_goes_out_once_through_rate_limits_and_errors(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let bot = TelegramBot::connect(&app, &fake, &admin, None).await;
    bot.send(1, now_unix(), json!({"text": "Where is my parcel?"}))
        .await;

    // The provider answers 429, then 500, then takes it: sent once.
    fake.fail_next(&[429, 500]);
    let agent = app.logged_in(&acme, Role::Agent).await;
    let replied = reply(&agent, 1, "It left our warehouse today.", &[]).await;
    replied.assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let sends = fake.calls_to("/sendMessage");
    assert_eq!(sends.len(), 3, "{sends:?}");
    let body = sends[2].json();
    assert_eq!(body["chat_id"], json!(CUSTOMER_CHAT.to_string()));
    assert_eq!(body["text"], json!("It left our warehouse today."));
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts(".delivery .badge"), ["Sent"]);
    assert_eq!(app.ticket_status(1).await, "answered");

    // A reply with a file: the text, then the file as a photo.
    let picture = png(3, 3);
    let replied = reply(&agent, 1, "Here is the label.", &[("label.png", &picture)]).await;
    replied.assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let photos = fake.calls_to("/sendPhoto");
    assert_eq!(photos.len(), 1);
    assert!(
        photos[0]
            .body
            .windows(picture.len())
            .any(|w| w == picture.as_slice())
    );
    assert!(photos[0].body_text().contains("name=\"chat_id\""));
    assert_eq!(fake.calls_to("/sendMessage").len(), 4);
    let sent: i64 = app
        .count("social_deliveries where state = 'sent' and parts_sent = 2")
        .await;
    assert_eq!(sent, 1);
}

#[sqlx::test]
async fn a_customers_photo_is_fetched_after_the_answer_into_the_thread(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let bot = TelegramBot::connect(&app, &fake, &admin, None).await;
    let status = bot
        .send(
            1,
            now_unix(),
            json!({"caption": "The dent", "photo": [
            {"file_id": "small-one", "file_size": 100, "width": 90, "height": 90},
            {"file_id": "big-one", "file_size": 9000, "width": 800, "height": 800}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.drain_outbox().await;
    let get_file = fake.calls_to("/getFile");
    assert_eq!(get_file[0].json()["file_id"], json!("big-one"));
    assert_eq!(fake.calls_to("/photos/file_1.png").len(), 1);
    let files: Vec<(String, String)> =
        sqlx::query_as("select filename, content_type from attachments where account_id = $1")
            .bind(acme.account_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(files, [("photo-1.jpg".to_owned(), "image/png".to_owned())]);
    assert_eq!(thread(&app, &acme, 1).await[0].1, "[Photo]\nThe dent");
    let page = app
        .logged_in(&acme, Role::Agent)
        .await
        .get("/app/tickets/1")
        .await;
    assert!(page.body.contains("photo-1.jpg"), "{}", page.body);

    // A file the provider will not hand over is named in the thread.
    let status = bot
        .send(
            2,
            now_unix(),
            json!({"document": {"file_id": "too-big", "file_name": "scan.tiff", "mime_type": "image/tiff"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.drain_outbox().await;
    let page = app
        .logged_in(&acme, Role::Agent)
        .await
        .get("/app/tickets/1")
        .await;
    assert!(
        page.body.contains("file scan.tiff could not be fetched"),
        "{}",
        page.body
    );
}

#[sqlx::test]
async fn a_messenger_file_is_fetched_only_from_a_public_https_address(db: PgPool) {
    // As in production: no webhook or file address on loopback or a private network.
    let (fake, base) = FakeProviders::start().await;
    let app = TestApp::spawn_configured(db, None, |config| {
        config.meta_graph_api_base = base.clone();
        config.allow_private_webhooks = false;
    })
    .await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let meta = MetaApp::connect(
        &app,
        &admin,
        "messenger",
        &[
            ("page_id", PAGE_ID),
            ("page_access_token", META_TOKEN),
            ("app_secret", APP_SECRET),
        ],
    )
    .await;
    // Whoever holds the app's secret can name any address in a payload.
    let now_ms = OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let inside = format!("{base}/media-files/internal-service");
    let payload = json!({"object": "page", "entry": [{"id": PAGE_ID, "time": now_ms, "messaging": [{
        "sender": {"id": "PSID-9"}, "recipient": {"id": PAGE_ID}, "timestamp": now_ms,
        "message": {"mid": "m_file", "attachments": [{"type": "file", "payload": {"url": inside}}]}}]}]});
    assert_eq!(meta.post(&payload, APP_SECRET).await, StatusCode::OK);
    app.drain_outbox().await;
    assert!(fake.calls_to("/internal-service").is_empty());
    assert_eq!(app.count("attachments").await, 0);
    let page = admin.get("/app/tickets/1").await;
    assert!(
        page.body
            .contains("file internal-service could not be fetched"),
        "{}",
        page.body
    );
}

#[sqlx::test]
async fn a_revoked_token_breaks_the_channel_and_tells_the_admins(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let bot = TelegramBot::connect(&app, &fake, &admin, None).await;
    bot.send(1, now_unix(), json!({"text": "Hi"})).await;
    fake.revoke();
    let agent = app.logged_in(&acme, Role::Agent).await;
    reply(&agent, 1, "Hello Carla", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    // Tried once: a refused token is not tried again.
    assert_eq!(fake.calls_to("/sendMessage").len(), 1);
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts(".delivery .badge"), ["Not sent"]);
    assert!(
        page.body.contains("Telegram: Unauthorized"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("this conversation&#x27;s channel is broken")
            || page.body.contains("channel is broken"),
        "{}",
        page.body
    );
    // Admins and owners hear about it, once; agents do not.
    app.drain_outbox().await;
    let told = |role: Role| {
        app.mail
            .all()
            .into_iter()
            .filter(|mail| {
                mail.to == acme.person(role).email && mail.subject.contains("stopped working")
            })
            .map(|mail| (mail.subject, mail.text))
            .collect::<Vec<_>>()
    };
    for role in [Role::Admin, Role::Owner] {
        let mails = told(role);
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert!(mails[0].0.contains("@acme_help_bot"), "{mails:?}");
        assert!(mails[0].1.contains("/app/config/channels"), "{mails:?}");
    }
    assert!(told(Role::Agent).is_empty());
    let channels = admin.get("/app/config/channels").await;
    assert_eq!(channels.texts(".social-broken"), ["Broken"]);
    // While broken, a reply is refused with the reason and kept.
    let refused = reply(&agent, 1, "Second try", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Second try"));

    // Connected again with a good token, the failed reply can be sent again, once.
    fake.0.lock().unwrap().revoked = false;
    TelegramBot::connect(&app, &fake, &admin, None).await;
    let message_id: Uuid = sqlx::query_scalar("select message_id from social_deliveries")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let path = format!("/app/tickets/1/messages/{message_id}/resend");
    agent
        .post(&path, &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    agent
        .post(&path, &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    assert_eq!(fake.calls_to("/sendMessage").len(), 2);
    assert_eq!(
        agent.get("/app/tickets/1").await.texts(".delivery .badge"),
        ["Sent"]
    );
    // Another workspace's agent cannot resend it.
    let other = app.workspace("globex").await;
    let stranger = app.logged_in(&other, Role::Owner).await;
    assert_eq!(
        stranger.post(&path, &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

fn signed(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// How Meta calls a connected number's or page's webhook.
struct MetaApp {
    url: String,
    verify_token: String,
    db: PgPool,
    http: reqwest::Client,
}

impl MetaApp {
    async fn connect(app: &TestApp, admin: &Client, kind: &str, fields: &[(&str, &str)]) -> Self {
        let connected = admin
            .post(&format!("/app/config/channels/{kind}/new"), fields)
            .await;
        connected.assert_redirects_to("/app/config/channels");
        let (token, verify_token): (String, String) = sqlx::query_as(
            "select channel_token, verify_token from social_channels where kind = $1",
        )
        .bind(kind)
        .fetch_one(&app.db)
        .await
        .unwrap();
        let page = admin.get("/app/config/channels").await;
        assert!(page.body.contains(&format!("/channels/meta/{token}")));
        assert!(page.body.contains(&verify_token));
        Self {
            url: format!("{}/channels/meta/{token}", app.base_url),
            verify_token,
            db: app.db.clone(),
            http: reqwest::Client::new(),
        }
    }

    async fn post(&self, payload: &Value, secret: &str) -> StatusCode {
        let body = serde_json::to_vec(payload).unwrap();
        let status = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("X-Hub-Signature-256", signed(&body, secret))
            .body(body)
            .send()
            .await
            .unwrap()
            .status();
        settled(&self.db).await;
        status
    }
}

fn whatsapp(value: Value) -> Value {
    let mut payload = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA-1", "changes": [{
    "field": "messages",
    "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550100", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Wei Zhang"}, "wa_id": "8613800138000"}],
    }}]}]});
    // Meta sends `messages` or `statuses`, whichever the notification is about.
    for key in ["messages", "statuses"] {
        if let Some(list) = value.get(key) {
            payload["entry"][0]["changes"][0]["value"][key] = list.clone();
        }
    }
    payload
}

#[sqlx::test]
async fn whatsapp_conversations_keep_to_the_24_hour_window(db: PgPool) {
    let start = OffsetDateTime::now_utc();
    let (app, fake) = app_with_providers(db, Some(start)).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let meta = MetaApp::connect(
        &app,
        &admin,
        "whatsapp",
        &[
            ("phone_number_id", PHONE_NUMBER_ID),
            ("access_token", META_TOKEN),
            ("app_secret", APP_SECRET),
        ],
    )
    .await;
    let checked = fake.calls_to(&format!("/v21.0/{PHONE_NUMBER_ID}"));
    assert_eq!(checked[0].authorization, format!("Bearer {META_TOKEN}"));
    assert!(
        admin
            .get("/app/config/channels")
            .await
            .body
            .contains("Acme Support (+1 555-0100)")
    );

    // Meta's verification of the callback address.
    let verify = |token: &str| {
        format!(
            "{}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444",
            meta.url
        )
    };
    let answer = meta
        .http
        .get(verify(&meta.verify_token))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.text().await.unwrap(), "1158201444");
    let wrong = meta.http.get(verify("guess")).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);

    let message = whatsapp(json!({"messages": [{
        "from": "8613800138000", "id": "wamid.IN1",
        "timestamp": (start.unix_timestamp() - 60).to_string(),
        "type": "text", "text": {"body": "我想退款"}}]}));
    // A payload signed with another secret is refused and changes nothing.
    assert_eq!(
        meta.post(&message, "ffffffffffffffffffffffffffffffff")
            .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("tickets").await, 0);
    assert_eq!(meta.post(&message, APP_SECRET).await, StatusCode::OK);
    assert_eq!(meta.post(&message, APP_SECRET).await, StatusCode::OK);
    assert_eq!(
        ticket_rows(&app, &acme).await,
        [(1, "whatsapp".into(), "new".into(), "Wei Zhang".into())]
    );

    let agent = app.logged_in(&acme, Role::Agent).await;
    reply(&agent, 1, "我们会处理", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let sent = fake.calls_to(&format!("/v21.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(sent.len(), 1);
    let body = sent[0].json();
    assert_eq!(body["to"], json!("8613800138000"));
    assert_eq!(body["text"]["body"], json!("我们会处理"));
    let wamid = sqlx::query_scalar::<_, String>("select external_id from social_deliveries")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Reports come out of order: read before delivered; the state only moves forward.
    for state in ["read", "delivered", "sent"] {
        let report = whatsapp(json!({"statuses": [{"id": wamid, "status": state,
            "timestamp": start.unix_timestamp().to_string(), "recipient_id": "8613800138000"}]}));
        assert_eq!(meta.post(&report, APP_SECRET).await, StatusCode::OK);
    }
    assert_eq!(
        agent.get("/app/tickets/1").await.texts(".delivery .badge"),
        ["Read"]
    );

    // A day and more after the customer's last message, the reply form says so and
    // refuses.
    app.clock.set(start + time::Duration::hours(25));
    let page = agent.get("/app/tickets/1").await;
    assert!(page.body.contains("within 24 hours"), "{}", page.body);
    let refused = reply(&agent, 1, "Are you there?", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Are you there?"));
    assert_eq!(
        fake.calls_to(&format!("/v21.0/{PHONE_NUMBER_ID}/messages"))
            .len(),
        1
    );
    // The customer writes again, with a document: the window opens again.
    let document = whatsapp(json!({"messages": [{
        "from": "8613800138000", "id": "wamid.IN2",
        "timestamp": (start.unix_timestamp() + 25 * 3600).to_string(),
        "type": "document", "document": {"id": "media-77", "filename": "invoice.pdf",
        "mime_type": "application/pdf", "caption": "发票"}}]}));
    assert_eq!(meta.post(&document, APP_SECRET).await, StatusCode::OK);
    app.drain_outbox().await;
    assert_eq!(fake.calls_to("/media-files/media-77").len(), 1);
    let filename: String = sqlx::query_scalar("select filename from attachments")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(filename, "invoice.pdf");
    reply(&agent, 1, "收到", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let messages = format!("/v21.0/{PHONE_NUMBER_ID}/messages");
    assert_eq!(fake.calls_to(&messages).len(), 2);

    // WhatsApp takes it, then reports it failed: the reason shows, and "Send again" sends
    // it whole once more.
    let (message_id, wamid): (Uuid, String) = sqlx::query_as(
        "select d.message_id, d.external_id from social_deliveries d
         join messages m on m.account_id = d.account_id and m.id = d.message_id
         where m.body_text = '收到'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let failed = whatsapp(json!({"statuses": [{"id": wamid, "status": "failed",
        "timestamp": start.unix_timestamp().to_string(), "recipient_id": "8613800138000",
        "errors": [{"code": 131026, "title": "Message undeliverable",
                    "error_data": {"details": "Message undeliverable"}}]}]}));
    assert_eq!(meta.post(&failed, APP_SECRET).await, StatusCode::OK);
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts(".delivery .badge"), ["Read", "Not sent"]);
    assert!(page.body.contains("WhatsApp: Message undeliverable"));
    agent
        .post(&format!("/app/tickets/1/messages/{message_id}/resend"), &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let sent = fake.calls_to(&messages);
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].json()["text"]["body"], json!("收到"));
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts(".delivery .badge"), ["Read", "Sent"]);
}

#[sqlx::test]
async fn messenger_pages_subscribe_answer_and_report_reads(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let meta = MetaApp::connect(
        &app,
        &admin,
        "messenger",
        &[
            ("page_id", PAGE_ID),
            ("page_access_token", META_TOKEN),
            ("app_secret", APP_SECRET),
        ],
    )
    .await;
    let subscribed = fake.calls_to(&format!("/v21.0/{PAGE_ID}/subscribed_apps"));
    assert_eq!(subscribed.len(), 1);
    assert!(subscribed[0].query.contains("messages"));
    let now_ms = OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let entry = |messaging: Value| json!({"object": "page", "entry": [{"id": PAGE_ID, "time": now_ms, "messaging": [messaging]}]});
    let message = entry(
        json!({"sender": {"id": "PSID-9"}, "recipient": {"id": PAGE_ID},
        "timestamp": now_ms - 5000, "message": {"mid": "m_in1", "text": "Is the shop open on Sunday?"}}),
    );
    assert_eq!(meta.post(&message, APP_SECRET).await, StatusCode::OK);
    // The page's own messages come back as echoes: never a customer's.
    let echo = entry(
        json!({"sender": {"id": PAGE_ID}, "recipient": {"id": "PSID-9"},
        "timestamp": now_ms, "message": {"mid": "m_echo", "text": "Auto", "is_echo": true}}),
    );
    assert_eq!(meta.post(&echo, APP_SECRET).await, StatusCode::OK);
    // Messenger names nobody: the customer's name comes from their user profile.
    app.drain_outbox().await;
    let profile = fake.calls_to("/v21.0/PSID-9");
    assert_eq!(profile.len(), 1);
    assert_eq!(profile[0].authorization, format!("Bearer {META_TOKEN}"));
    assert_eq!(
        ticket_rows(&app, &acme).await,
        [(1, "messenger".into(), "new".into(), "Maria Rossi".into())]
    );
    let author: String =
        sqlx::query_scalar("select author_name from messages where kind = 'customer'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(author, "Maria Rossi");
    assert_eq!(thread(&app, &acme, 1).await.len(), 1);

    let agent = app.logged_in(&acme, Role::Agent).await;
    reply(&agent, 1, "Yes, from ten to four.", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    let sent = fake.calls_to("/v21.0/me/messages");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json()["recipient"]["id"], json!("PSID-9"));
    assert_eq!(
        sent[0].json()["message"]["text"],
        json!("Yes, from ten to four.")
    );
    // The customer reacts to the answer, and reads it.
    let mid: String = sqlx::query_scalar("select external_id from social_deliveries")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let reaction = entry(
        json!({"sender": {"id": "PSID-9"}, "recipient": {"id": PAGE_ID},
        "timestamp": now_ms + 1000, "reaction": {"mid": mid, "action": "react", "reaction": "love", "emoji": "❤"}}),
    );
    assert_eq!(meta.post(&reaction, APP_SECRET).await, StatusCode::OK);
    // Meta's watermark: its time of the newest message read, just after ours reached it.
    let seen_ms = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let read = entry(
        json!({"sender": {"id": "PSID-9"}, "recipient": {"id": PAGE_ID},
        "timestamp": seen_ms, "read": {"watermark": seen_ms}}),
    );
    assert_eq!(meta.post(&read, APP_SECRET).await, StatusCode::OK);
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts(".delivery .badge"), ["Read"]);
    assert!(
        page.body
            .contains("The customer reacted ❤ “Yes, from ten to four.”"),
        "{}",
        page.body
    );
    assert_eq!(app.ticket_status(1).await, "answered");

    // Disconnected: the page's subscription is removed, the webhook is gone, the ticket
    // stays, and replies say why they cannot go.
    let id: Uuid = sqlx::query_scalar("select id from social_channels")
        .fetch_one(&app.db)
        .await
        .unwrap();
    // Not from another workspace.
    let other = app.workspace("globex").await;
    let stranger = app.logged_in(&other, Role::Owner).await;
    let path = format!("/app/config/channels/{id}/delete");
    assert_eq!(
        stranger.post(&path, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    admin
        .post(&path, &[])
        .await
        .assert_redirects_to("/app/config/channels");
    let unsubscribed = fake.calls_to(&format!("/v21.0/{PAGE_ID}/subscribed_apps"));
    assert_eq!(unsubscribed.last().unwrap().method, "DELETE");
    assert_eq!(meta.post(&message, APP_SECRET).await, StatusCode::NOT_FOUND);
    let (token, secret): (Option<Vec<u8>>, Option<Vec<u8>>) =
        sqlx::query_as("select access_token, app_secret from social_channels")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((token, secret), (None, None));
    let page = agent.get("/app/tickets/1").await;
    assert!(
        page.body.contains("channel is disconnected"),
        "{}",
        page.body
    );

    // Connected again, the page keeps its address and its conversations.
    let again = MetaApp::connect(
        &app,
        &admin,
        "messenger",
        &[
            ("page_id", PAGE_ID),
            ("page_access_token", META_TOKEN),
            ("app_secret", APP_SECRET),
        ],
    )
    .await;
    assert_eq!(again.url, meta.url);
    assert_eq!(app.count("social_channels").await, 1);
    reply(&agent, 1, "We are back.", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.drain_outbox().await;
    assert_eq!(fake.calls_to("/v21.0/me/messages").len(), 2);
}

#[sqlx::test]
async fn a_rules_canned_answer_goes_out_on_the_channel(db: PgPool) {
    let (app, fake) = app_with_providers(db, None).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let canned = admin
        .post(
            "/app/canned/new",
            &[
                ("title", "Thanks"),
                ("body", "Thanks {{customer.first_name}}, we are on it."),
                ("shared", "on"),
            ],
        )
        .await;
    assert_eq!(canned.status, StatusCode::SEE_OTHER);
    let canned: Uuid = sqlx::query_scalar("select id from canned_answers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let rule = admin
        .post(
            "/app/config/rules/new",
            &[
                ("name", "Auto answer"),
                ("enabled", "on"),
                ("event", "ticket_created"),
                ("action_type", "reply_canned"),
                ("action_value", &canned.to_string()),
            ],
        )
        .await;
    assert_eq!(rule.status, StatusCode::SEE_OTHER, "{}", rule.body);
    let bot = TelegramBot::connect(&app, &fake, &admin, None).await;
    bot.send(1, now_unix(), json!({"text": "Hello"})).await;
    app.drain_outbox().await;
    let sends = fake.calls_to("/sendMessage");
    assert_eq!(sends.len(), 1);
    assert_eq!(
        sends[0].json()["text"],
        json!("Thanks Carla, we are on it.")
    );
    // Signed by the workspace, never emailed.
    let (author, agent): (String, Option<Uuid>) =
        sqlx::query_as("select author_name, author_agent_id from messages where kind = 'reply'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((author.as_str(), agent), ("acme Inc", None));
    assert_eq!(
        app.count("outbox where kind = 'email' and subject like '%Thanks%'")
            .await,
        0
    );
}
