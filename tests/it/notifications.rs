//! Notifications: the settings page, emails to the agents concerned by a new ticket, an
//! assignment and a customer's reply (over real SMTP), Slack webhooks through the outbox
//! with retries, and the live panel's server-sent events across two `serve` processes.
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, extract::State, http::StatusCode as AxumStatus, routing::post};
use frontdesk::{
    agents::{
        Gender,
        db::{NewAgent, insert_agent},
    },
    auth::Role,
    clock::Clock,
    i18n::Locale,
};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{self, Client, PASSWORD, SseStream, TestApp, Workspace};

const SETTINGS: &str = "/app/profile/notifications";

/// An agent who never logs in (no usable password), in `language`.
pub(crate) async fn colleague(
    app: &TestApp,
    workspace: &Workspace,
    email: &str,
    language: Locale,
) -> Uuid {
    let mut tx = app.db.begin().await.unwrap();
    let agent = NewAgent {
        email,
        name: "Colleague",
        alias: None,
        gender: Gender::Unspecified,
        role: Role::Agent,
        password_hash: "not a hash",
        language: Some(language),
        temporary_password_expires_at: None,
        created_at: app.clock.now(),
    };
    let id = insert_agent(&mut tx, workspace.account_id, &agent)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Rows of the outbox to `address`.
async fn mail_to(app: &TestApp, address: &str) -> i64 {
    app.count(&format!("outbox where to_address = '{address}'"))
        .await
}

async fn new_ticket(client: &Client, subject: &str, department: Uuid) {
    let department = department.to_string();
    let page = client
        .post(
            "/app/tickets/new",
            &[
                ("name", "Dora"),
                ("email", "dora@example.com"),
                ("subject", subject),
                ("type", "other"),
                ("department", &department),
                ("body", "We are looking into it."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn contact(client: &Client, slug: &str, subject: &str) {
    let page = client
        .contact(slug, "carla@example.com", subject, "Please help.")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn assign(client: &Client, number: i64, assignee: Uuid) {
    let assignee = assignee.to_string();
    client
        .post(
            &format!("/app/tickets/{number}/properties"),
            &[("assignee", &assignee)],
        )
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
}

/// Whether the checkbox `name` is ticked on `html`.
fn checked(html: &str, name: &str) -> bool {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).unwrap();
    document
        .select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no {name} on the page"))
        .value()
        .attr("checked")
        .is_some()
}

#[sqlx::test]
async fn settings_are_saved_and_shown_again(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    // Everything is on until the agent chooses.
    let page = agent.get(SETTINGS).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["email_new_ticket", "email_customer_reply", "sound_new_chat"] {
        assert!(checked(&page.body, name), "{name}");
    }

    let hook = "https://hooks.slack.com/services/T000/B000/secret";
    agent
        .post(
            SETTINGS,
            &[
                ("email_assigned", "on"),
                ("slack_webhook_url", hook),
                ("sound_new_ticket", "on"),
                ("sound_new_message", "on"),
            ],
        )
        .await
        .assert_redirects_to(SETTINGS);
    let page = agent.get(SETTINGS).await;
    assert!(page.body.contains("Notification settings saved."));
    assert_eq!(
        harness::input_value(&page.body, "slack_webhook_url").as_deref(),
        Some(hook)
    );
    for (name, on) in [
        ("email_new_ticket", false),
        ("email_assigned", true),
        ("email_customer_reply", false),
        ("sound_new_call", false),
        ("sound_new_chat", false),
        ("sound_new_message", true),
        ("sound_new_system_message", false),
        ("sound_new_ticket", true),
        ("sound_sla_breached", false),
    ] {
        assert_eq!(checked(&page.body, name), on, "{name}");
    }
    let stored: (bool, bool, Option<String>) = sqlx::query_as(
        "select email_new_ticket, email_assigned, slack_webhook_url from agent_preferences
         where account_id = $1 and agent_id = $2",
    )
    .bind(acme.account_id)
    .bind(acme.person(Role::Agent).id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, (false, true, Some(hook.to_owned())));

    // Emptied, the webhook is gone.
    agent
        .post(SETTINGS, &[("slack_webhook_url", "  ")])
        .await
        .assert_redirects_to(SETTINGS);
    assert_eq!(
        app.count("agent_preferences where slack_webhook_url is null")
            .await,
        1
    );
}

#[sqlx::test]
async fn an_invalid_webhook_address_is_refused_with_the_input_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    for bad in [
        "http://hooks.slack.com/services/plain-http",
        "not a web address",
        "ftp://127.0.0.1/hook",
    ] {
        let page = agent
            .post(
                SETTINGS,
                &[("slack_webhook_url", bad), ("email_assigned", "on")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(page.body.contains("Enter an https:// address"), "{bad}");
        assert_eq!(
            harness::input_value(&page.body, "slack_webhook_url").as_deref(),
            Some(bad)
        );
        // The other choices come back as they were sent.
        assert!(checked(&page.body, "email_assigned"));
        assert!(!checked(&page.body, "email_new_ticket"));
    }
    assert_eq!(app.count("agent_preferences").await, 0);
}

#[sqlx::test]
async fn agents_get_emails_for_new_tickets_assignments_and_customer_replies(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = acme.person(Role::Agent);
    let colleague = colleague(&app, &acme, "colleague@acme.test", Locale::ZhCn).await;
    let billing = self::colleague(&app, &acme, "billing@acme.test", Locale::En).await;
    let support = app
        .department(&acme, "Support", &[agent.id, colleague])
        .await;
    app.department(&acme, "Billing", &[billing]).await;
    let link = format!("{}/app/tickets/1", app.config.base_url);

    // A new ticket of Support: its other agent is told, in their language.
    let agent_client = app.logged_in(&acme, Role::Agent).await;
    new_ticket(&agent_client, "Printer on fire", support).await;
    let mail = app.mail.wait_for("colleague@acme.test").await;
    assert_eq!(mail.subject, "[#1] 新工单：Printer on fire");
    assert!(mail.text.contains("Support"), "{}", mail.text);
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(mail.html.contains(&link));
    assert_eq!(mail.auto_submitted, "auto-replied");
    // Not the agent who opened it, not another department, not the admin.
    assert_eq!(mail_to(&app, &agent.email).await, 0);
    assert_eq!(mail_to(&app, "billing@acme.test").await, 0);
    assert_eq!(mail_to(&app, &acme.person(Role::Admin).email).await, 0);

    // The admin gives it to the colleague: they are told; the admin is not.
    let admin = app.logged_in(&acme, Role::Admin).await;
    assign(&admin, 1, colleague).await;
    let mails = app.mail.wait_for_count("colleague@acme.test", 2).await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject == "[#1] 已分配给您：Printer on fire"),
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    // Taking a ticket oneself tells nobody.
    let admin_id = acme.person(Role::Admin).id.to_string();
    admin
        .post("/app/tickets/1/properties", &[("assignee", &admin_id)])
        .await;
    assign(&admin, 1, colleague).await;
    assert_eq!(mail_to(&app, &acme.person(Role::Admin).email).await, 0);
    assert_eq!(mail_to(&app, "colleague@acme.test").await, 3);

    // The customer answers by email: the assignee is told.
    let reply = "From: Dora <dora@example.com>\r\nSubject: Re: [#1] Printer on fire\r\n\
                 Message-ID: <answer-1@example.com>\r\n\r\nIt is still burning.\r\n";
    let delivered = acme.deliver(&app, reply).await;
    assert_eq!(delivered.body, "ticket #1");
    let mails = app.mail.wait_for_count("colleague@acme.test", 4).await;
    let told = mails
        .iter()
        .find(|m| m.subject == "[#1] 客户回复：Printer on fire")
        .expect("a customer reply notice");
    assert!(told.text.contains("Dora"), "{}", told.text);
    assert_eq!(mail_to(&app, &agent.email).await, 0);

    // With that switch off, the customer's answer on their page tells nobody.
    sqlx::query(
        "insert into agent_preferences (account_id, agent_id, email_customer_reply)
         values ($1, $2, false)",
    )
    .bind(acme.account_id)
    .bind(colleague)
    .execute(&app.db)
    .await
    .unwrap();
    let token: String = sqlx::query_scalar("select customer_token from tickets where number = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.client()
        .post(
            &format!("/help/acme/tickets/{token}"),
            &[("message", "Now it is out.")],
        )
        .await
        .assert_redirects_to(&format!("/help/acme/tickets/{token}"));
    assert_eq!(
        app.count("messages where body_text = 'Now it is out.'")
            .await,
        1
    );
    assert_eq!(mail_to(&app, "colleague@acme.test").await, 4);
}

/// A webhook receiver on loopback that answers 500 to its first call and 200 after.
#[derive(Clone, Default)]
struct Hook {
    bodies: Arc<Mutex<Vec<String>>>,
    calls: Arc<AtomicUsize>,
}

impl Hook {
    async fn start(&self) -> String {
        async fn receive(State(hook): State<Hook>, body: String) -> AxumStatus {
            hook.bodies.lock().unwrap().push(body);
            if hook.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                AxumStatus::INTERNAL_SERVER_ERROR
            } else {
                AxumStatus::OK
            }
        }
        let router = Router::new()
            .route("/hook", post(receive))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{address}/hook")
    }

    async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let bodies = self.bodies.lock().unwrap().clone();
            if bodies.len() >= count {
                return bodies;
            }
            assert!(
                Instant::now() < deadline,
                "fewer than {count} webhook calls"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[sqlx::test]
async fn a_slack_webhook_is_posted_and_retried_after_a_failure(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let hook = Hook::default();
    let url = hook.start().await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post(
            SETTINGS,
            &[("email_assigned", "on"), ("slack_webhook_url", &url)],
        )
        .await
        .assert_redirects_to(SETTINGS);

    contact(&app.client(), "acme", "Where is <my> parcel & co").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    assign(&admin, 1, acme.person(Role::Agent).id).await;

    // The first post fails with 500; the outbox posts it again.
    let bodies = hook.wait_for(2).await;
    assert_eq!(bodies[0], bodies[1]);
    let message: Value = serde_json::from_str(&bodies[1]).unwrap();
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("#1"), "{text}");
    assert!(text.contains("&lt;my&gt; parcel &amp; co"), "{text}");
    let link = format!("<{}/app/tickets/1|", app.config.base_url);
    assert!(text.contains(&link), "{text}");
    // The same notice came by email too.
    let mail = app.mail.wait_for(&acme.person(Role::Agent).email).await;
    assert!(
        mail.subject.starts_with("[#1] Assigned to you"),
        "{}",
        mail.subject
    );

    // Marked sent after the second attempt; the secret address and payload are not kept.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let row: (bool, i32, Option<String>, Option<Value>, Option<String>) = sqlx::query_as(
            "select sent_at is not null, attempts, url, payload, last_error from outbox
             where kind = 'webhook'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        if row.0 {
            assert_eq!((row.1, row.2, row.3, row.4), (2, None, None, None));
            break;
        }
        assert!(Instant::now() < deadline, "posted but never marked sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.drain_outbox().await;
    assert_eq!(
        hook.bodies.lock().unwrap().len(),
        2,
        "sent once it succeeded"
    );
}

/// The body of `/app/events`, read as it streams.
/// An agent's live panel stream.
struct EventStream(SseStream);

impl EventStream {
    async fn open(base_url: &str, cookie: &str) -> Self {
        let url = format!("{base_url}/app/events");
        Self(SseStream::open(&url, &[("cookie", cookie)]).await)
    }

    /// The next event's data, waiting up to ten seconds.
    async fn next(&mut self) -> Value {
        self.0.next().await.data
    }
}

#[sqlx::test]
async fn agents_on_a_ticket_see_who_else_is_there_from_any_serve_process(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let billing = app.department(&acme, "Billing", &[]).await;
    // The admin works on a second process on the same database.
    let (_, second) = harness::serve_with(app.db.clone(), Clock::System, |_| {}).await;
    let admin = Client::new(&second);
    let admin_id = acme.person(Role::Admin).id.to_string();
    admin
        .log_in("acme", &acme.person(Role::Admin).email, PASSWORD)
        .await
        .assert_redirects_to("/app");
    new_ticket(&admin, "Billing's own", billing).await;
    contact(&Client::new(&second), "acme", "For everyone").await;

    let panel = app.logged_in(&acme, Role::Agent).await;
    let page = panel.get("/app/tickets/2").await;
    assert!(page.body.contains(r#"data-url="/app/tickets/2/presence""#));
    assert!(
        page.body
            .contains(r#"<script src="/static/presence.js" defer"#)
    );
    let mut events = EventStream::open(&app.base_url, &panel.session_cookie().unwrap()).await;
    assert_eq!(events.next().await["kind"], "hello");

    // On Billing's ticket, which the agent may not see, then typing on ticket 2.
    for (number, state) in [(1, "viewing"), (2, "typing")] {
        let said = admin
            .post(
                &format!("/app/tickets/{number}/presence"),
                &[("state", state)],
            )
            .await;
        assert_eq!(said.status, StatusCode::NO_CONTENT);
    }
    let typing = events.next().await;
    assert_eq!(typing["kind"], "presence");
    assert_eq!(typing["number"], 2);
    assert_eq!(typing["presence"]["agent_id"], admin_id.as_str());
    assert_eq!(typing["presence"]["state"], "typing");
    assert!(!typing["presence"]["name"].as_str().unwrap().is_empty());
    assert!(typing.get("counts").is_none(), "{typing}");

    // The agent's own page is not echoed back to them; the admin leaving is told.
    let own = panel
        .post("/app/tickets/2/presence", &[("state", "viewing")])
        .await;
    assert_eq!(own.status, StatusCode::NO_CONTENT);
    admin
        .post("/app/tickets/2/presence", &[("state", "left")])
        .await;
    let left = events.next().await;
    assert_eq!(left["presence"]["agent_id"], admin_id.as_str());
    assert_eq!(left["presence"]["state"], "left");

    // A ticket the agent may not see is 404; a state that is none of the three, 400.
    let hidden = panel
        .post("/app/tickets/1/presence", &[("state", "viewing")])
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let odd = panel
        .post("/app/tickets/2/presence", &[("state", "dancing")])
        .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn the_live_panel_hears_of_tickets_it_may_see_from_any_serve_process(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    app.workspace("globex").await;
    let agent = acme.person(Role::Agent);
    let support = app.department(&acme, "Support", &[agent.id]).await;
    let billing = app.department(&acme, "Billing", &[]).await;

    let panel = app.logged_in(&acme, Role::Agent).await;
    let home = panel.get("/app").await;
    assert!(home.body.contains(r#"data-count="new""#));
    assert!(
        home.body
            .contains(r#"<script src="/static/panel.js" defer"#)
    );
    let script = panel.get("/static/panel.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.body.contains("return '/app/events';"));

    let mut events = EventStream::open(&app.base_url, &panel.session_cookie().unwrap()).await;
    let hello = events.next().await;
    assert_eq!(hello["kind"], "hello");
    assert_eq!(hello["counts"]["new"], "0");
    assert!(
        hello["sounds"]
            .as_array()
            .unwrap()
            .contains(&Value::from("new_ticket"))
    );

    // A second process on the same database: its changes reach this one's streams.
    let (_, second) = harness::serve_with(app.db.clone(), Clock::System, |_| {}).await;
    let admin = Client::new(&second);
    admin
        .log_in("acme", &acme.person(Role::Admin).email, PASSWORD)
        .await
        .assert_redirects_to("/app");
    new_ticket(&admin, "For billing", billing).await;
    contact(&Client::new(&second), "globex", "Another workspace").await;
    new_ticket(&admin, "For support", support).await;
    contact(&Client::new(&second), "acme", "For everyone").await;

    // Neither Billing's ticket nor globex's: first Support's, then the one of no department.
    let support_ticket = events.next().await;
    assert_eq!(support_ticket["kind"], "new_ticket");
    assert_eq!(support_ticket["number"], 2);
    assert_eq!(support_ticket["sound"], "new_ticket");
    let open_ticket = events.next().await;
    assert_eq!(open_ticket["number"], 3);
    // Unassigned and without a department: it joins the agent's queue.
    assert_eq!(open_ticket["counts"]["new"], "1");

    // A sound switched off is not asked for.
    sqlx::query(
        "insert into agent_preferences (account_id, agent_id, sound_new_system_message)
         values ($1, $2, false)",
    )
    .bind(acme.account_id)
    .bind(agent.id)
    .execute(&app.db)
    .await
    .unwrap();
    assign(&admin, 3, agent.id).await;
    let assigned = events.next().await;
    assert_eq!(assigned["kind"], "assigned");
    assert_eq!(assigned["sound"], Value::Null);
}

#[sqlx::test]
async fn the_event_stream_needs_a_login(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().get("/app/events").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login?next=%2Fapp%2Fevents"));
}

#[sqlx::test]
async fn a_customer_ticket_without_a_department_is_told_to_every_agent_who_wants_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    // The admin does not want new-ticket emails.
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            SETTINGS,
            &[("email_assigned", "on"), ("email_customer_reply", "on")],
        )
        .await
        .assert_redirects_to(SETTINGS);
    app.client()
        .post(
            "/help/acme/contact",
            &[
                ("name", "Carla Customer"),
                ("email", "carla@example.com"),
                ("subject", "Where is my parcel"),
                ("type", "other"),
                ("message", "It has been a week."),
            ],
        )
        .await;
    for role in [Role::Owner, Role::Agent] {
        let mail = app.mail.wait_for(&acme.person(role).email).await;
        assert!(mail.subject.contains("Where is my parcel"), "{role:?}");
    }
    assert_eq!(mail_to(&app, &acme.person(Role::Admin).email).await, 0);
}

#[sqlx::test]
async fn open_panels_get_fresh_counts_after_the_listener_lost_its_connection(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let panel = app.logged_in(&acme, Role::Agent).await;
    let mut events = EventStream::open(&app.base_url, &panel.session_cookie().unwrap()).await;
    assert_eq!(events.next().await["kind"], "hello");
    // What a restarted or failed-over server does to the listening connection.
    let ended: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'listen%'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(ended, vec![true], "one listening connection");
    // Whatever was announced while nobody listened is lost: the page gets fresh counts.
    assert_eq!(events.next().await["kind"], "refresh");
    // And the events of the new connection come through as before.
    contact(&app.client(), "acme", "After the reconnection").await;
    let announced = events.next().await;
    assert_eq!(announced["kind"], "new_ticket");
    assert_eq!(announced["counts"]["new"], "1");
}

#[sqlx::test]
async fn the_queue_a_ticket_leaves_hears_of_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = acme.person(Role::Agent);
    let billing = app.department(&acme, "Billing", &[agent.id]).await;
    let support = app.department(&acme, "Support", &[]).await;
    let panel = app.logged_in(&acme, Role::Agent).await;
    let mut events = EventStream::open(&app.base_url, &panel.session_cookie().unwrap()).await;
    assert_eq!(events.next().await["kind"], "hello");

    contact(&app.client(), "acme", "Wrong desk").await;
    assert_eq!(events.next().await["counts"]["new"], "1");
    let admin = app.logged_in(&acme, Role::Admin).await;
    for department in [billing, support] {
        admin
            .post(
                "/app/tickets/1/properties",
                &[("department", &department.to_string())],
            )
            .await
            .assert_redirects_to("/app/tickets/1");
    }
    // In Billing the agent still sees it; once in Support, no more: the count goes down
    // without a reload, and without a sound.
    let mut last = events.next().await;
    while last["counts"]["new"] != "0" {
        assert_eq!(last["kind"], "updated", "{last}");
        last = events.next().await;
    }
    assert_eq!(last["kind"], "updated");
    assert_eq!(last["sound"], Value::Null);
}
