//! Live chat: visitors start chats and follow them as server-sent events, agents accept
//! them (exactly one of two at once), answer with the ticket's reply form and end them;
//! an unanswered chat becomes an email ticket; the transcript is mailed.
use std::time::Duration;

use frontdesk::{auth::Role, clock::Clock};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::harness::{self, Client, SseEvent, SseStream, TestApp};

/// Starts a chat in `slug` and returns the visitor's page path.
pub(crate) async fn start_chat(visitor: &Client, slug: &str, fields: &[(&str, &str)]) -> String {
    visitor.get(&format!("/help/{slug}/chat")).await;
    let page = visitor.post(&format!("/help/{slug}/chat"), fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().to_owned();
    assert!(
        location.starts_with(&format!("/help/{slug}/chat/")),
        "{location}"
    );
    location
}

/// A chat's event stream: the visitor's or an agent's.
struct ChatStream(SseStream);

impl ChatStream {
    async fn open(url: &str, headers: &[(&str, &str)]) -> Self {
        Self(SseStream::open(url, headers).await)
    }

    async fn next(&mut self) -> SseEvent {
        self.0.next().await
    }

    /// The next `line` event (state events skipped).
    async fn next_line(&mut self) -> SseEvent {
        loop {
            let event = self.next().await;
            if event.name == "line" {
                return event;
            }
        }
    }
}

#[sqlx::test]
async fn a_visitor_starts_a_chat_and_an_agent_accepts_and_answers_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    let chat = start_chat(
        &visitor,
        "acme",
        &[
            ("name", "Vera Visitor"),
            ("email", ""),
            ("message", "Hello, <b>anyone</b> there?"),
        ],
    )
    .await;
    let page = visitor.get(&chat).await;
    assert_eq!(page.status, StatusCode::OK);
    // Plain text, escaped.
    assert!(page.body.contains("anyone"));
    assert!(!page.body.contains("<b>anyone"), "{}", page.body);
    assert!(page.body.contains("Waiting for an agent"));
    assert_eq!(
        app.count("tickets where channel = 'chat' and status = 'new'")
            .await,
        1
    );

    let agent = app.logged_in(&acme, Role::Agent).await;
    let list = agent.get("/app/chats").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Vera Visitor"));
    assert!(list.body.contains(r#"action="/app/chats/1/accept""#));
    agent
        .post("/app/chats/1/accept", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    let ticket = agent.get("/app/tickets/1").await;
    assert!(
        ticket
            .body
            .contains(r#"data-chat-events="/app/chats/1/events""#)
    );
    assert!(ticket.body.contains(r#"action="/app/chats/1/end""#));

    // A reply on the ticket's form reaches the visitor, with no email address needed.
    agent
        .post("/app/tickets/1/reply", &[("body", "Yes, how can I help?")])
        .await
        .assert_redirects_to("/app/tickets/1");
    let page = visitor.get(&chat).await;
    assert!(page.body.contains("Yes, how can I help?"));
    assert!(page.body.contains("You are chatting with agent of acme."));
    visitor
        .post(&chat, &[("message", "My order is late.")])
        .await
        .assert_redirects_to(&chat);
    assert!(
        agent
            .get("/app/tickets/1")
            .await
            .body
            .contains("My order is late.")
    );
    assert_eq!(app.count("chat_lines").await, 3);

    agent
        .post("/app/chats/1/end", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    let page = visitor.get(&chat).await;
    assert!(page.body.contains("Ended"));
    let refused = visitor.post(&chat, &[("message", "Hello?")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("chat_lines").await, 3);
}

#[sqlx::test]
async fn two_agents_accepting_at_once_give_the_chat_to_exactly_one(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    start_chat(&app.client(), "acme", &[("message", "Help!")]).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    agent.csrf_token().await;
    admin.csrf_token().await;
    // Both have read the chat as waiting before either may take it.
    let (first, second) = app
        .race("select 1 from chats for update", async {
            tokio::join!(
                agent.post("/app/chats/1/accept", &[]),
                admin.post("/app/chats/1/accept", &[]),
            )
        })
        .await;
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let loser = if first.status == StatusCode::CONFLICT {
        &first
    } else {
        &second
    };
    let winner_name = if first.status == StatusCode::SEE_OTHER {
        "agent of acme"
    } else {
        "admin of acme"
    };
    assert!(
        loser
            .body
            .contains(&format!("already taken by {winner_name}")),
        "{}",
        loser.body
    );
    assert_eq!(app.count("chats where state = 'active'").await, 1);
    assert_eq!(
        app.count("messages where kind = 'event' and event = 'accepted'")
            .await,
        1
    );
}

#[sqlx::test]
async fn a_line_posted_through_one_serve_process_reaches_a_visitor_on_another(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    let chat = start_chat(&visitor, "acme", &[("message", "First")]).await;
    let events_url = app.client().url(&format!("{chat}/events"));
    let mut stream = ChatStream::open(&events_url, &[]).await;
    let first = stream.next_line().await;
    assert_eq!(first.id.as_deref(), Some("1"));
    assert_eq!(first.data["body"], "First");
    assert_eq!(first.data["author"], "");

    // The agent works through a second process on the same database.
    let (_, second) = harness::serve_with(app.db.clone(), Clock::System, |_| {}).await;
    let agent = Client::new(&second);
    agent
        .log_in("acme", &acme.person(Role::Agent).email, harness::PASSWORD)
        .await
        .assert_redirects_to("/app");
    agent.post("/app/chats/1/accept", &[]).await;
    agent
        .post("/app/tickets/1/reply", &[("body", "Hi from process two")])
        .await
        .assert_redirects_to("/app/tickets/1");
    let reply = stream.next_line().await;
    assert_eq!(reply.id.as_deref(), Some("2"));
    assert_eq!(reply.data["body"], "Hi from process two");
    assert_eq!(reply.data["author"], "agent of acme");
    drop(stream);

    // While the visitor is away two more lines come; reconnecting after line 2 brings
    // exactly those, in order, nothing twice.
    visitor.post(&chat, &[("message", "Third")]).await;
    // The reply form says what the agent had seen: a reply of their own came before.
    let page = agent.get("/app/tickets/1").await;
    let seen = harness::input_value(&page.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/1/reply",
            &[("body", "Fourth"), ("last_seen", seen.as_str())],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    let mut resumed = ChatStream::open(&events_url, &[("last-event-id", "2")]).await;
    let third = resumed.next_line().await;
    assert_eq!(third.id.as_deref(), Some("3"));
    assert_eq!(third.data["body"], "Third");
    let fourth = resumed.next_line().await;
    assert_eq!(fourth.id.as_deref(), Some("4"));
    assert_eq!(fourth.data["body"], "Fourth");

    // The agent's page follows the same lines.
    let cookie = agent.session_cookie().unwrap();
    let agent_url = format!("{second}/app/chats/1/events?after=3");
    let mut agent_stream = ChatStream::open(&agent_url, &[("cookie", &cookie)]).await;
    assert_eq!(agent_stream.next_line().await.data["body"], "Fourth");
}

#[sqlx::test]
async fn an_unanswered_chat_becomes_an_email_ticket(db: PgPool) {
    let start = OffsetDateTime::now_utc();
    let app = TestApp::spawn_at(db, start).await;
    app.workspace("acme").await;
    let visitor = app.client();
    let chat = start_chat(&visitor, "acme", &[("message", "Anyone?")]).await;
    let page = visitor.get(&chat).await;
    assert!(!page.body.contains("/leave"));
    // The page's script reloads it when the wait is over.
    assert!(page.body.contains(r#"data-wait-left="120""#));
    // Before the wait has passed the offer is refused.
    let early = visitor
        .post(&format!("{chat}/leave"), &[("email", "vera@example.com")])
        .await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("chats where state = 'waiting'").await, 1);

    app.clock.set(start + time::Duration::minutes(2));
    let page = visitor.get(&chat).await;
    assert!(page.body.contains("Nobody is free right now"));
    let bad = visitor
        .post(&format!("{chat}/leave"), &[("email", "not an address")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    visitor
        .post(&format!("{chat}/leave"), &[("email", "vera@example.com")])
        .await
        .assert_redirects_to(&chat);
    assert_eq!(app.count("chats where state = 'missed'").await, 1);
    assert_eq!(
        app.count("tickets where channel = 'email' and customer_email = 'vera@example.com'")
            .await,
        1
    );
    assert_eq!(
        app.count("messages where kind = 'event' and event = 'missed'")
            .await,
        1
    );
    assert!(visitor.get(&chat).await.body.contains("Left as a message"));
}

#[sqlx::test]
async fn the_transcript_is_mailed_when_the_chat_ends_and_an_answer_threads_back(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    start_chat(
        &visitor,
        "acme",
        &[
            ("name", "Vera"),
            ("email", "vera@example.com"),
            ("message", "Where is my parcel?"),
        ],
    )
    .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent.post("/app/chats/1/accept", &[]).await;
    agent
        .post("/app/tickets/1/reply", &[("body", "On its way.")])
        .await;
    agent
        .post("/app/chats/1/end", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    let mail = app.mail.wait_for("vera@example.com").await;
    assert!(mail.subject.starts_with("[#1]"), "{}", mail.subject);
    assert!(mail.text.contains("Where is my parcel?"), "{}", mail.text);
    assert!(mail.text.contains("On its way."));
    // Only the transcript went out: the reply during the chat was not emailed.
    app.drain_outbox().await;
    assert_eq!(app.mail.all().len(), 1);

    let answer = format!(
        "From: Vera <vera@example.com>\r\nTo: support@acme.test\r\nSubject: Re: {}\r\n\
         Message-ID: <answer-1@example.com>\r\nIn-Reply-To: {}\r\n\r\nThanks, one more thing.\r\n",
        mail.subject, mail.message_id
    );
    let delivered = acme.deliver(&app, answer).await;
    assert!(delivered.status.is_success(), "{}", delivered.body);
    assert_eq!(app.count("tickets").await, 1);
    assert!(
        agent
            .get("/app/tickets/1")
            .await
            .body
            .contains("Thanks, one more thing.")
    );
}

#[sqlx::test]
async fn another_workspaces_agent_can_neither_see_nor_accept_a_chat(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    start_chat(&app.client(), "acme", &[("message", "Hello")]).await;
    let outsider = app.logged_in(&globex, Role::Owner).await;
    let chats = outsider.get("/app/chats").await;
    assert_eq!(chats.status, StatusCode::OK);
    assert!(chats.body.contains("No chats are waiting or in progress."));
    assert!(!chats.body.contains("Hello"));
    let accept = outsider.post("/app/chats/1/accept", &[]).await;
    assert_eq!(accept.status, StatusCode::NOT_FOUND);
    let end = outsider.post("/app/chats/1/end", &[]).await;
    assert_eq!(end.status, StatusCode::NOT_FOUND);
    let events = outsider.get("/app/chats/1/events").await;
    assert_eq!(events.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("chats where state = 'waiting'").await, 1);
    // A made-up token is no chat.
    let guess = app.client().get("/help/acme/chat/not-a-token").await;
    assert_eq!(guess.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn chat_messages_have_a_maximum_length(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let visitor = app.client();
    visitor.get("/help/acme/chat").await;
    let long = "x".repeat(2_001);
    let page = visitor
        .post("/help/acme/chat", &[("message", long.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("chats").await, 0);
}

#[sqlx::test]
async fn a_visitor_and_an_agent_chat_both_ways_in_two_browsers(db: PgPool) {
    use fantoccini::Locator;

    use crate::browser::{Driver, click, fill, log_in};

    let Some(mut driver) = Driver::start() else {
        return;
    };
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let visitor = driver.browser().await;
    visitor
        .goto(&format!("{}/help/acme/chat", app.base_url))
        .await
        .unwrap();
    fill(&visitor, "name", "Vera").await;
    fill(&visitor, "message", "Hello from the browser").await;
    click(&visitor, Locator::Css("form button[type=submit]")).await;
    visitor
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-chat-form]"))
        .await
        .unwrap();

    let agent = driver.browser().await;
    log_in(&app, &agent, "acme", "agent@acme.test").await;
    agent
        .goto(&format!("{}/app/chats", app.base_url))
        .await
        .unwrap();
    click(
        &agent,
        Locator::Css("form[action=\"/app/chats/1/accept\"] button"),
    )
    .await;
    agent
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form[action=\"/app/chats/1/end\"]"))
        .await
        .unwrap();

    // The agent answers with the ticket's reply form; the visitor's page shows it live.
    fill(&agent, "body", "Hello Vera, agent here").await;
    click(
        &agent,
        Locator::Css("form[action=\"/app/tickets/1/reply\"] button.primary"),
    )
    .await;
    visitor
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//article[contains(., 'Hello Vera, agent here')]",
        ))
        .await
        .unwrap();

    // The visitor writes back without leaving the page; the agent's page shows it live.
    agent
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-chat-lines]"))
        .await
        .unwrap();
    fill(&visitor, "message", "Thanks, that helps").await;
    click(
        &visitor,
        Locator::Css("[data-chat-form] button[type=submit]"),
    )
    .await;
    agent
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//*[@data-chat-lines]//article[contains(., 'Thanks, that helps')]",
        ))
        .await
        .unwrap();
    // Sent by script: the visitor's page did not reload, and the field is empty again.
    let message = visitor
        .find(Locator::Css("[data-chat-form] textarea"))
        .await
        .unwrap();
    assert_eq!(message.prop("value").await.unwrap().as_deref(), Some(""));
}

#[sqlx::test]
async fn the_widget_opens_the_chat_that_only_listed_origins_may_frame(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    let script = visitor.get("/widget/acme.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("frontdesk-chat-button"));
    assert_eq!(
        visitor.get("/widget/nobody.js").await.status,
        StatusCode::NOT_FOUND
    );
    let start = visitor.get("/help/acme/chat").await;
    assert!(
        start
            .header("content-security-policy")
            .ends_with("frame-ancestors 'none'")
    );

    let admin = app.logged_in(&acme, Role::Admin).await;
    let settings = admin.get("/app/config/settings").await;
    let snippet = format!("{}/widget/acme.js", app.base_url);
    assert!(settings.body.contains(&snippet), "{}", settings.body);
    assert!(settings.body.contains(r#"href="/app/config/chat""#));
    let wrong = admin
        .post(
            "/app/config/chat",
            &[
                ("chat_wait_minutes", "3"),
                ("chat_origins", "https://shop.example.com/path"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("https://shop.example.com/path"));
    admin
        .post(
            "/app/config/chat",
            &[
                ("chat_wait_minutes", "3"),
                (
                    "chat_origins",
                    "https://shop.example.com\nhttp://localhost:8080",
                ),
            ],
        )
        .await
        .assert_redirects_to("/app/config/chat");
    let chat = start_chat(&visitor, "acme", &[("message", "From the shop")]).await;
    for path in ["/help/acme/chat", chat.as_str()] {
        let page = visitor.get(path).await;
        assert!(
            page.header("content-security-policy")
                .ends_with("frame-ancestors https://shop.example.com http://localhost:8080"),
            "{path}"
        );
    }
    // Every other page still refuses frames.
    for path in ["/help/acme/contact", "/login", "/app/chats"] {
        let page = admin.get(path).await;
        assert!(
            page.header("content-security-policy")
                .ends_with("frame-ancestors 'none'"),
            "{path}"
        );
    }
    assert_eq!(app.count("accounts where chat_wait_seconds = 180").await, 1);
}

#[sqlx::test]
async fn starting_chats_is_limited_per_client_address(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let visitor = app.client();
    for _ in 0..10 {
        start_chat(&visitor, "acme", &[("message", "Hello")]).await;
    }
    let refused = visitor
        .post("/help/acme/chat", &[("message", "Hello")])
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("chats").await, 10);
}

#[sqlx::test]
async fn a_new_chat_rings_the_online_agents_who_may_see_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post("/app/availability", &[("availability", "online")])
        .await
        .assert_redirects_to("/app/chats");
    let cookie = agent.session_cookie().unwrap();
    let url = agent.url("/app/events");
    let mut panel = ChatStream::open(&url, &[("cookie", &cookie)]).await;
    assert_eq!(panel.next().await.data["kind"], "hello");
    start_chat(&app.client(), "acme", &[("message", "Ring ring")]).await;
    let rung = panel.next().await;
    assert_eq!(rung.data["kind"], "new_chat");
    assert_eq!(rung.data["number"], 1);
    assert_eq!(rung.data["sound"], "new_chat");

    agent
        .post("/app/availability", &[("availability", "away")])
        .await;
    start_chat(&app.client(), "acme", &[("message", "Again")]).await;
    let quiet = panel.next().await;
    assert_eq!(quiet.data["kind"], "new_chat");
    assert_eq!(quiet.data["sound"], Value::Null);
    assert!(
        agent
            .get("/app/chats")
            .await
            .body
            .contains(r#"value="away" aria-current="true""#)
    );
}

#[sqlx::test]
async fn reports_count_chats_received_accepted_and_missed(db: PgPool) {
    let start = OffsetDateTime::now_utc();
    let app = TestApp::spawn_at(db, start).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    start_chat(&visitor, "acme", &[("message", "One")]).await;
    let missed = start_chat(&visitor, "acme", &[("message", "Two")]).await;
    app.clock.set(start + time::Duration::seconds(90));
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent.post("/app/chats/1/accept", &[]).await;
    app.clock.set(start + time::Duration::minutes(3));
    visitor
        .post(&format!("{missed}/leave"), &[("email", "vera@example.com")])
        .await
        .assert_redirects_to(&missed);

    let owner = app.logged_in(&acme, Role::Owner).await;
    let csv = owner.get("/app/reports?period=day&format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<Vec<&str>> = csv.body.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| lines[0].iter().position(|h| *h == name).unwrap();
    let total = lines.iter().find(|l| l[0] == "Total").unwrap();
    assert_eq!(total[column("Chats received")], "2");
    assert_eq!(total[column("Chats accepted")], "1");
    assert_eq!(total[column("Chats missed")], "1");
    assert_eq!(total[column("Time to accept a chat (median)")], "90");
    let agent_row = lines
        .iter()
        .find(|l| l[0] == "Agent" && l[1] == "agent of acme")
        .unwrap();
    assert_eq!(agent_row[column("Chats accepted")], "1");

    // The page's department table has them too (the chats had no department).
    let page = owner.get("/app/reports?period=day").await;
    let document = scraper::Html::parse_document(&page.body);
    let cells = |selector: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        document
            .select(&selector)
            .map(|cell| cell.text().collect::<String>().trim().to_owned())
            .collect()
    };
    let headers = cells("#departments thead th");
    let row = cells("#departments tbody tr:last-child > *");
    assert_eq!(row[0], "No department");
    let shown = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(shown("Chats received"), "2");
    assert_eq!(shown("Chats accepted"), "1");
    assert_eq!(shown("Chats missed"), "1");

    let own = agent.get("/app/reports/me?period=day&format=csv").await;
    let lines: Vec<Vec<&str>> = own.body.lines().map(|l| l.split(',').collect()).collect();
    let column = lines[0]
        .iter()
        .position(|h| *h == "Chats accepted")
        .unwrap();
    let total = lines.iter().find(|l| l[0] == "Total").unwrap();
    assert_eq!(total[column], "1");
}

#[sqlx::test]
async fn the_agent_sees_where_the_visitor_came_from_and_their_earlier_tickets(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let visitor = app.client();
    visitor
        .contact("acme", "vera@example.com", "My earlier question", "Hello")
        .await;
    let start = visitor
        .get("/help/acme/chat?page=https%3A%2F%2Fshop.example.com%2Fcart")
        .await;
    assert!(
        start
            .body
            .contains(r#"value="https://shop.example.com/cart""#)
    );
    start_chat(
        &visitor,
        "acme",
        &[
            ("email", "vera@example.com"),
            ("page", "https://shop.example.com/cart"),
            ("message", "About my cart"),
        ],
    )
    .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    assert!(
        agent
            .get("/app/chats")
            .await
            .body
            .contains("https://shop.example.com/cart")
    );
    let page = agent.get("/app/tickets/2").await;
    assert!(page.body.contains("https://shop.example.com/cart"));
    assert!(
        page.body
            .contains(r#"<a href="/app/tickets/1">#1 My earlier question</a>"#)
    );
}

#[sqlx::test]
async fn a_chat_transferred_on_the_ticket_goes_on_with_the_new_agent(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let sales = app
        .department(&acme, "Sales", &[acme.person(Role::Admin).id])
        .await;
    let support = app
        .department(&acme, "Support", &[acme.person(Role::Agent).id])
        .await
        .to_string();
    let visitor = app.client();
    let chat = start_chat(
        &visitor,
        "acme",
        &[("department", &support), ("message", "Pricing?")],
    )
    .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent.post("/app/chats/1/accept", &[]).await;
    let sales_field = sales.to_string();
    let admin_field = acme.person(Role::Admin).id.to_string();
    agent
        .post(
            "/app/tickets/1/properties",
            &[
                ("department", sales_field.as_str()),
                ("assignee", admin_field.as_str()),
            ],
        )
        .await
        .assert_redirects_to("/app/tickets");
    // Out of the agent's departments: the chat is out of their sight.
    assert_eq!(
        agent.post("/app/chats/1/end", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let admin = app.logged_in(&acme, Role::Admin).await;
    assert!(admin.get("/app/chats").await.body.contains("Sales"));
    admin
        .post("/app/tickets/1/reply", &[("body", "Sales here")])
        .await
        .assert_redirects_to("/app/tickets/1");
    assert!(visitor.get(&chat).await.body.contains("Sales here"));
}

/// A visitor's chat post needs the session's CSRF token, unless it comes from our own page
/// without a session at all (framed on the company's site, where the browser keeps the
/// cookie back): then its `Origin` must be ours.
#[sqlx::test]
async fn chat_posts_need_the_session_token_or_our_own_origin(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let path = format!("/help/{}/chat", acme.slug);
    let fields = [("name", "Vera"), ("message", "Hello?")];
    let chats = || app.count("tickets where channel = 'chat'");

    let visitor = app.client();
    visitor.get(&path).await;
    let page = visitor.post_raw(&path, &fields).await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "a session without its token"
    );
    let page = visitor
        .post_raw(
            &path,
            &[
                ("csrf_token", "forged"),
                ("name", "Vera"),
                ("message", "Hi"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "a wrong token");
    let stranger = app.client();
    let page = stranger.post_raw(&path, &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "no session, no origin");
    let page = stranger
        .post_with_headers(&path, &fields, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "another site's form");
    assert_eq!(chats().await, 0);

    let framed = app.client();
    let page = framed
        .post_with_headers(&path, &fields, &[("origin", app.base_url.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(chats().await, 1);
}

/// Visitors choose among the departments that take chats; a department can stop taking
/// them on its edit page.
#[sqlx::test]
async fn visitors_choose_among_the_departments_that_take_chats(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let sales = app.department(&acme, "Sales", &[]).await;
    let support = app.department(&acme, "Support", &[]).await;
    let path = format!("/help/{}/chat", acme.slug);
    let department_of_chat = |number: i64| {
        let db = app.db.clone();
        let account_id = acme.account_id;
        async move {
            sqlx::query_scalar::<_, Option<uuid::Uuid>>(
                "select department_id from tickets where account_id = $1 and number = $2",
            )
            .bind(account_id)
            .bind(number)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };

    let visitor = app.client();
    let page = visitor.get(&path).await;
    assert!(page.body.contains("name=\"department\""));
    assert!(page.body.contains("Sales") && page.body.contains("Support"));
    let sales_id = sales.to_string();
    start_chat(
        &visitor,
        &acme.slug,
        &[("department", &sales_id), ("message", "About prices")],
    )
    .await;
    assert_eq!(department_of_chat(1).await, Some(sales));

    // Sales stops taking chats: Support is the only one left, chosen without asking.
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            &format!("/app/config/departments/{sales}"),
            &[("name", "Sales"), ("description", "")],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    let page = admin.get(&format!("/app/config/departments/{sales}")).await;
    assert!(!page.body.contains("name=\"chat\" value=\"on\" checked"));
    let visitor = app.client();
    let page = visitor.get(&path).await;
    assert!(!page.body.contains("name=\"department\""));
    let page = visitor
        .post(&path, &[("department", &sales_id), ("message", "Prices?")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    start_chat(&visitor, &acme.slug, &[("message", "Help")]).await;
    assert_eq!(department_of_chat(2).await, Some(support));
}
