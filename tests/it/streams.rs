//! Live streams end when they should: at once when their agent logs out, changes role or
//! is deleted; when their agent (or a chat's visitor) opens more than `MAX_STREAMS`,
//! whichever process holds them; and when their client has gone away.
use std::time::Duration;

use frontdesk::{auth::Role, clock::Clock, live::MAX_STREAMS};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{
    chat::start_chat,
    harness::{self, Client, SseStream, TestApp, Workspace},
};

/// How soon a stream must end once it is due to: well within the half minute after which
/// streams read their agent's login again anyway.
const PROMPTLY: Duration = Duration::from_secs(5);

/// An agent's open live panel stream, past its greeting.
async fn panel_stream(base_url: &str, client: &Client) -> SseStream {
    let url = format!("{base_url}/app/events");
    let cookie = client.session_cookie().unwrap();
    let mut stream = SseStream::open(&url, &[("cookie", &cookie)]).await;
    assert_eq!(stream.next().await.data["kind"], "hello");
    stream
}

/// The agent of acme, who has accepted chat 1, with their panel's and the chat's streams
/// open; and an admin.
struct Following {
    app: TestApp,
    acme: Workspace,
    agent: Client,
    admin: Client,
    /// The panel's stream and chat 1's.
    streams: [SseStream; 2],
}

impl Following {
    async fn start(db: PgPool) -> Self {
        let app = TestApp::spawn(db).await;
        let acme = app.workspace("acme").await;
        let agent = app.logged_in(&acme, Role::Agent).await;
        let admin = app.logged_in(&acme, Role::Admin).await;
        start_chat(&app.client(), "acme", &[("message", "Hello?")]).await;
        agent
            .post("/app/chats/1/accept", &[])
            .await
            .assert_redirects_to("/app/tickets/1");
        let panel = panel_stream(&app.base_url, &agent).await;
        let url = format!("{}/app/chats/1/events", app.base_url);
        let cookie = agent.session_cookie().unwrap();
        let mut chat = SseStream::open(&url, &[("cookie", &cookie)]).await;
        assert_eq!(chat.next().await.data["body"], "Hello?");
        Self {
            app,
            acme,
            agent,
            admin,
            streams: [panel, chat],
        }
    }

    /// Asserts that both streams end promptly.
    async fn assert_streams_end(self) -> (TestApp, Workspace, Client, Client) {
        for stream in self.streams {
            stream.ends_within(PROMPTLY).await;
        }
        (self.app, self.acme, self.agent, self.admin)
    }

    fn agent_id(&self) -> Uuid {
        self.acme.person(Role::Agent).id
    }
}

/// The open streams `holder` is counted for.
async fn open_streams(app: &TestApp, holder: Uuid) -> i64 {
    app.count(&format!("live_streams where holder_id = '{holder}'"))
        .await
}

/// Waits until the server holds `count` open streams of `holder`, for at most ten seconds.
pub async fn wait_for_open_streams(app: &TestApp, holder: Uuid, count: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let open = open_streams(app, holder).await;
        if open == count {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{open} open streams, not {count}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A new ticket through the contact form, which every agent's panel hears of.
async fn customer_writes_in(app: &TestApp, subject: &str) {
    let page = app
        .client()
        .contact("acme", "carla@example.com", subject, "Hello")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[sqlx::test]
async fn an_agents_streams_end_when_they_log_out_and_those_of_their_other_logins_go_on(db: PgPool) {
    let following = Following::start(db).await;
    let elsewhere = following.app.logged_in(&following.acme, Role::Agent).await;
    let mut other_browser = panel_stream(&following.app.base_url, &elsewhere).await;

    following
        .agent
        .post("/logout", &[])
        .await
        .assert_redirects_to("/login");
    let (app, ..) = following.assert_streams_end().await;

    customer_writes_in(&app, "Still there?").await;
    let event = other_browser.next().await.data;
    assert_eq!(
        (event["kind"].as_str(), event["number"].as_i64()),
        (Some("new_ticket"), Some(2))
    );
}

#[sqlx::test]
async fn an_agents_streams_end_when_their_role_changes(db: PgPool) {
    let following = Following::start(db).await;
    let mut admins_panel = panel_stream(&following.app.base_url, &following.admin).await;

    let edit = format!("/app/config/agents/{}/edit", following.agent_id());
    following
        .admin
        .post(&edit, &[("name", "agent of acme"), ("role", "admin")])
        .await
        .assert_redirects_to("/app/config/agents");
    let (app, _, agent, _) = following.assert_streams_end().await;

    // Their login goes on: a new stream sees what an admin sees.
    let mut new_panel = panel_stream(&app.base_url, &agent).await;
    customer_writes_in(&app, "For the new admin").await;
    assert_eq!(new_panel.next().await.data["kind"], "new_ticket");
    // Other agents' streams are not touched.
    assert_eq!(admins_panel.next().await.data["kind"], "new_ticket");
}

#[sqlx::test]
async fn a_deleted_agents_streams_end_at_once(db: PgPool) {
    let following = Following::start(db).await;
    let delete = format!("/app/config/agents/{}/delete", following.agent_id());
    following
        .admin
        .post(&delete, &[])
        .await
        .assert_redirects_to("/app/config/agents");
    following.assert_streams_end().await;
}

#[sqlx::test]
async fn an_agents_newest_streams_on_any_process_end_their_oldest_beyond_the_limit(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let agent_id = acme.person(Role::Agent).id;
    let mut streams = Vec::new();
    for _ in 0..MAX_STREAMS {
        streams.push(panel_stream(&app.base_url, &agent).await);
    }
    assert_eq!(open_streams(&app, agent_id).await, MAX_STREAMS);

    // One more, opened through a second process on the same database.
    let (_, second) = harness::serve_with(app.db.clone(), Clock::System, |_| {}).await;
    let mut newest = panel_stream(&second, &agent).await;
    let oldest = streams.remove(0);
    oldest.ends_within(PROMPTLY).await;
    assert_eq!(open_streams(&app, agent_id).await, MAX_STREAMS);

    // The others go on.
    customer_writes_in(&app, "Heard by ten streams").await;
    for stream in streams.iter_mut().chain([&mut newest]) {
        assert_eq!(stream.next().await.data["kind"], "new_ticket");
    }
}

#[sqlx::test]
async fn a_chats_visitor_keeps_a_bounded_number_of_streams(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let chat = start_chat(&app.client(), "acme", &[("message", "Hello?")]).await;
    let url = format!("{}{chat}/events", app.base_url);
    let chat_id: Uuid = sqlx::query_scalar("select id from chats")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut streams = Vec::new();
    for _ in 0..=MAX_STREAMS {
        streams.push(SseStream::open(&url, &[]).await);
    }
    streams.remove(0).ends_within(PROMPTLY).await;
    assert_eq!(open_streams(&app, chat_id).await, MAX_STREAMS);
}

#[sqlx::test]
async fn a_stream_whose_client_has_gone_ends_on_the_server(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let agent_id = acme.person(Role::Agent).id;
    let stream = panel_stream(&app.base_url, &agent).await;
    assert_eq!(open_streams(&app, agent_id).await, 1);

    drop(stream);
    wait_for_open_streams(&app, agent_id, 0).await;
}
