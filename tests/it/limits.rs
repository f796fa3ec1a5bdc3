//! The limits that keep the public pages and inbound mail from flooding a workspace, each
//! driven through the real routes one past its number: customer messages (the contact form
//! and the ticket page together, 20 per client address in 15 minutes), helpful votes (30
//! per client address), a chat's visitor messages (300 per chat) and acknowledgements (5
//! per address an hour, so that two help desks do not answer each other without end).
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    harness::{Client, Page, TestApp, Workspace},
    inbound_sender::mailed_customers,
};

/// A refusal for being over a limit: 429 and the page that says to wait.
fn assert_refused(page: &Page) {
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(
        page.body.contains("Too many attempts. Wait 15 minutes"),
        "{}",
        page.body
    );
}

#[sqlx::test]
async fn one_client_sends_at_most_twenty_customer_messages_in_fifteen_minutes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let customer = app.client();
    customer.get("/help/acme/contact").await;
    let mut ticket_path = String::new();
    for n in 1..=19 {
        let email = format!("customer{n}@example.com");
        let page = customer
            .contact("acme", &email, &format!("Question {n}"), "Hello")
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "#{n}: {}", page.body);
        ticket_path = page.location().to_owned();
    }
    // The twentieth is an answer on a ticket's own page: both count alike.
    customer.get(&ticket_path).await;
    let answer = customer
        .post(&ticket_path, &[("message", "One more thing")])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);

    let contact = customer
        .contact("acme", "customer20@example.com", "Question 20", "Hello")
        .await;
    assert_refused(&contact);
    let answer = customer
        .post(&ticket_path, &[("message", "Still there?")])
        .await;
    assert_refused(&answer);
    assert_eq!(app.count("tickets").await, 19);
    assert_eq!(app.count("tickets where subject = 'Question 20'").await, 0);
    assert_eq!(app.count("messages where kind = 'customer'").await, 20);
    assert_eq!(
        app.count("messages where body_text = 'Still there?'").await,
        0
    );
}

#[sqlx::test]
async fn one_client_casts_at_most_thirty_votes_in_fifteen_minutes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let written = agent
        .post(
            "/app/kb/articles/new",
            &[
                ("title", "Opening hours"),
                ("body", "Nine to five."),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let article = "/help/acme/articles/opening-hours";
    let vote = format!("{article}/vote");
    // Every visitor a session of their own, all from one address.
    let visitor = || async {
        let visitor = app.client();
        assert_eq!(visitor.get(article).await.status, StatusCode::OK);
        visitor
    };
    for n in 1..=30 {
        let page = visitor().await.post(&vote, &[("helpful", "yes")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "#{n}: {}", page.body);
    }
    let refused = visitor().await.post(&vote, &[("helpful", "no")]).await;
    assert_refused(&refused);
    assert_eq!(app.count("kb_votes").await, 30);
    assert_eq!(app.count("kb_votes where not helpful").await, 0);
}

/// Starts a chat in `acme` and returns the visitor's page.
async fn start_chat(visitor: &Client) -> String {
    visitor.get("/help/acme/chat").await;
    let page = visitor
        .post("/help/acme/chat", &[("message", "Hello")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().to_owned()
}

#[sqlx::test]
async fn a_chat_takes_at_most_three_hundred_visitor_messages_in_fifteen_minutes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let visitor = app.client();
    let chat = start_chat(&visitor).await;
    let opening_lines = app.count("chat_lines").await;
    for n in 1..=300 {
        let page = visitor
            .post(&chat, &[("message", &format!("Line {n}"))])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "#{n}: {}", page.body);
    }
    let refused = visitor.post(&chat, &[("message", "Line 301")]).await;
    assert_refused(&refused);
    assert_eq!(app.count("chat_lines").await, opening_lines + 300);
    assert_eq!(app.count("messages where body_text = 'Line 301'").await, 0);

    // The limit is the chat's: the same visitor's next chat goes on.
    let next = start_chat(&visitor).await;
    let page = visitor.post(&next, &[("message", "Line 301")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(app.count("messages where body_text = 'Line 301'").await, 1);
}

/// Acknowledgements queued for `address`, whatever its case.
async fn acknowledgements_to(app: &TestApp, address: &str) -> i64 {
    app.count(&format!(
        "outbox where lower(to_address) = lower('{address}')"
    ))
    .await
}

/// Another help desk's automatic answer, as such systems send it: its own ticket number in
/// the subject, no `Auto-Submitted`, and nothing that threads it into ours.
fn peer_answer(from: &str, round: usize) -> Vec<u8> {
    format!(
        "From: Peer Support <{from}>\r\nSubject: [Peer {}] We received your request\r\n\
         Message-ID: <peer-{round}@peer.example>\r\n\r\nThank you, we will answer soon.\r\n",
        10_000 + round
    )
    .into_bytes()
}

async fn deliver(app: &TestApp, workspace: &Workspace, raw: Vec<u8>) {
    let page = workspace.deliver(app, raw).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

#[sqlx::test]
async fn acknowledgements_stop_at_five_an_hour_when_another_help_desk_answers_each(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let peer = "desk@peer.example";
    // The peer writes once; then it answers every acknowledgement it receives, and we
    // acknowledge every answer as a new ticket, until we stop.
    deliver(&app, &acme, peer_answer(peer, 0)).await;
    let mut rounds = 0;
    while acknowledgements_to(&app, peer).await > rounds && rounds < 20 {
        rounds += 1;
        let received = app.mail.wait_for_count(peer, rounds as usize).await;
        assert_eq!(received.len(), rounds as usize);
        deliver(&app, &acme, peer_answer(peer, rounds as usize)).await;
    }
    assert_eq!(rounds, 5, "acknowledgements before the loop ended");
    assert_eq!(app.count("tickets").await, 6);
    assert_eq!(
        app.count("tickets where acknowledgement_message_id is not null")
            .await,
        5
    );

    // The same address in other letters counts as the same; another customer is answered.
    deliver(&app, &acme, peer_answer("Desk@Peer.Example", 99)).await;
    assert_eq!(app.count("tickets").await, 7);
    assert_eq!(acknowledgements_to(&app, peer).await, 5);
    deliver(
        &app,
        &acme,
        b"From: ada@example.com\r\nSubject: A question\r\nMessage-ID: <ada@example.com>\r\n\r\nHi\r\n"
            .to_vec(),
    )
    .await;
    app.mail.wait_for("ada@example.com").await;

    // Nothing more reaches the peer later.
    let mut mailed = mailed_customers(&app).await;
    mailed.sort_unstable();
    assert_eq!(mailed, ["ada@example.com", peer, peer, peer, peer, peer]);
}
