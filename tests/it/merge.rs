//! Merging a ticket into another (after a confirmation) and splitting a message off into a
//! ticket of its own: threads, numbers, the customer's link, mail answering the merged
//! ticket, the refusals, and another workspace's numbers.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{TestApp, Workspace};

/// The texts of ticket `number`'s customer messages, in thread order.
async fn customer_messages(app: &TestApp, number: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select btrim(m.body_text, E' \\r\\n') from messages m join tickets t on t.id = m.ticket_id
         where t.number = $1 and m.kind = 'customer' order by m.created_at, m.id",
    )
    .bind(number)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// An email from `from` answering ticket `number` by its subject.
async fn answer(app: &TestApp, acme: &Workspace, from: &str, number: i64, text: &str, id: &str) {
    let raw = format!(
        "From: {from}\r\nTo: support@acme.test\r\nSubject: Re: [#{number}] Something\r\n\
         Message-ID: <{id}@example.com>\r\n\r\n{text}\r\n"
    );
    assert_eq!(acme.deliver(app, raw).await.status, StatusCode::OK);
}

#[sqlx::test]
async fn a_ticket_merges_into_another_after_a_confirmation(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    customer
        .contact("acme", "carla@example.com", "Refund", "Where is my refund?")
        .await;
    let second = customer
        .contact(
            "acme",
            "carla@example.com",
            "Refund again",
            "Still nothing.",
        )
        .await;
    let second_link = second.location().to_owned();
    app.mail.wait_for_count("carla@example.com", 2).await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    // The ticket page links the merge; the form asks for a number, then confirms.
    assert!(
        agent
            .get("/app/tickets/2")
            .await
            .body
            .contains("/app/tickets/2/merge")
    );
    let asking = agent.get("/app/tickets/2/merge").await;
    assert_eq!(asking.status, StatusCode::OK);
    assert!(asking.body.contains("name=\"into\""));
    let confirm = agent.get("/app/tickets/2/merge?into=%231").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("#2 Refund again"));
    assert!(confirm.body.contains("#1 Refund"));
    assert!(confirm.body.contains("carla@example.com"));
    assert!(!confirm.body.contains("different addresses"));
    assert_eq!(
        app.ticket_status(2).await,
        "new",
        "nothing merged by looking"
    );

    agent
        .post("/app/tickets/2/merge", &[("into", "1"), ("notify", "on")])
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(app.ticket_status(2).await, "merged");
    assert_eq!(
        customer_messages(&app, 1).await,
        ["Where is my refund?", "Still nothing."],
        "in time order"
    );
    let page = agent.get("/app/tickets/1").await;
    assert!(page.body.contains("Ticket #2 merged into #1."));
    assert!(page.body.contains("Merged in: #2 Refund again"));
    // #2's number leads to #1 in the panel, and takes no more changes.
    let old = agent.get("/app/tickets/2").await;
    old.assert_redirects_to("/app/tickets/1");
    let refused = agent
        .post("/app/tickets/2/note", &[("body", "Too late")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The merged list hides it; the status filter finds it.
    let list = agent.get("/app/tickets").await;
    assert!(!list.body.contains("Refund again"));
    let merged = agent.get("/app/tickets?status=merged").await;
    assert!(merged.body.contains("Refund again"));

    // The customer was told, in a mail of #1 that their answer threads back to.
    let told = app.mail.wait_for_count("carla@example.com", 3).await;
    let told = &told[2];
    assert!(told.subject.contains("[#1]"), "{}", told.subject);
    assert!(
        told.text
            .contains("Your request #2 is now part of request #1")
    );
    // #2's link shows #1's thread; mail answering #2 lands in #1.
    let linked = customer.get(&second_link).await;
    assert_eq!(linked.status, StatusCode::OK);
    assert!(linked.body.contains("Where is my refund?"));
    assert!(linked.body.contains("Still nothing."));
    answer(&app, &acme, "carla@example.com", 2, "Any news?", "late-1").await;
    assert_eq!(customer_messages(&app, 1).await.len(), 3);
    assert_eq!(customer_messages(&app, 2).await.len(), 0);
}

#[sqlx::test]
async fn merges_that_cannot_be_are_refused(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let other = app.workspace("other").await;
    let customer = app.client();
    for subject in ["One", "Two", "Three"] {
        customer
            .contact("acme", "carla@example.com", subject, "Text")
            .await;
    }
    customer
        .contact("other", "ned@example.com", "Theirs", "Text")
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    for (into, message) in [
        ("2", "cannot be merged into itself"),
        ("x", "Enter the number of a ticket"),
        ("99", "no ticket of that number"),
    ] {
        let refused = agent.post("/app/tickets/2/merge", &[("into", into)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{into}");
        assert!(refused.body.contains(message), "{into}: {}", refused.body);
        let page = agent
            .get(&format!("/app/tickets/2/merge?into={into}"))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    agent
        .post("/app/tickets/3/merge", &[("into", "1")])
        .await
        .assert_redirects_to("/app/tickets/1");
    let into_merged = agent.post("/app/tickets/2/merge", &[("into", "3")]).await;
    assert_eq!(into_merged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(into_merged.body.contains("was merged itself"));
    let again = agent.post("/app/tickets/3/merge", &[("into", "2")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("merged already"));
    // Another workspace's ticket #1 is its own: acme's agent cannot reach it, either way.
    let stranger = app.logged_in(&other, Role::Owner).await;
    let theirs = stranger
        .post("/app/tickets/1/merge", &[("into", "2")])
        .await;
    assert_eq!(
        theirs.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "#2 is not theirs"
    );
    assert_eq!(
        app.count("tickets where status = 'merged'").await,
        1,
        "only #3"
    );
    let into_other: i64 = sqlx::query_scalar(
        "select count(*) from messages m join tickets t on t.id = m.ticket_id
         where t.account_id = $1",
    )
    .bind(other.account_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(into_other, 1);
}

#[sqlx::test]
async fn a_customer_message_splits_off_into_a_new_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    customer
        .contact("acme", "carla@example.com", "Refund", "Where is my refund?")
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get("/app/tickets/1").await;
    assert!(
        page.texts("form.split").is_empty(),
        "a lone message has nothing to split from"
    );
    answer(
        &app,
        &acme,
        "carla@example.com",
        1,
        "Also: my password?",
        "m2",
    )
    .await;
    answer(
        &app,
        &acme,
        "carla@example.com",
        1,
        "It says expired.",
        "m3",
    )
    .await;
    let id = |text: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, uuid::Uuid>(
                "select id from messages where btrim(body_text, E' \\r\\n') = $1",
            )
            .bind(text)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let second = id("Also: my password?").await;
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.texts("form.split").len(), 3);
    agent
        .post(
            &format!("/app/tickets/1/messages/{second}/split"),
            &[("with_later", "on")],
        )
        .await
        .assert_redirects_to("/app/tickets/2");
    assert_eq!(customer_messages(&app, 1).await, ["Where is my refund?"]);
    assert_eq!(
        customer_messages(&app, 2).await,
        ["Also: my password?", "It says expired."]
    );
    let new = agent.get("/app/tickets/2").await;
    assert!(new.body.contains("Split into the new ticket #2."));
    assert!(new.body.contains("Split from #1"));
    assert!(new.body.contains("carla@example.com"));
    assert!(
        agent
            .get("/app/tickets/1")
            .await
            .body
            .contains("Split into #2")
    );
    assert_eq!(app.ticket_status(2).await, "open");

    // The last message, an agent's reply, another ticket's message: refused.
    let first = id("Where is my refund?").await;
    let alone = agent
        .post(&format!("/app/tickets/1/messages/{first}/split"), &[])
        .await;
    assert_eq!(alone.status, StatusCode::UNPROCESSABLE_ENTITY);
    let last_seen =
        crate::harness::input_value(&agent.get("/app/tickets/2").await.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/2/reply",
            &[("body", "Reset it here."), ("last_seen", &last_seen)],
        )
        .await
        .assert_redirects_to("/app/tickets/2");
    let reply = id("Reset it here.").await;
    let not_customer = agent
        .post(&format!("/app/tickets/2/messages/{reply}/split"), &[])
        .await;
    assert_eq!(not_customer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let elsewhere = agent
        .post(&format!("/app/tickets/2/messages/{first}/split"), &[])
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("tickets").await, 2);
}
