//! Tickets from the customer's side and the agent's: the contact form and its
//! acknowledgement, replies over SMTP that thread back through the inbound address, the
//! queue and the list, visibility by department, notes, properties and postponement.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{Page, TestApp, Workspace, input_value};

async fn status_of(app: &TestApp, workspace: &Workspace, number: i64) -> String {
    sqlx::query_scalar("select status from tickets where account_id = $1 and number = $2")
        .bind(workspace.account_id)
        .bind(number)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The subjects a ticket table lists, in order.
fn subjects(page: &Page) -> Vec<String> {
    page.texts("table.tickets tbody td:nth-child(2) > a")
}

/// A ticket made straight in the database, numbered like the app does.
async fn ticket(
    app: &TestApp,
    workspace: &Workspace,
    subject: &str,
    department: Option<Uuid>,
) -> i64 {
    use frontdesk::tickets::{Channel, IssueType, Status, db};
    let mut tx = app.db.begin().await.unwrap();
    let created = db::insert_ticket(
        &mut tx,
        workspace.account_id,
        &db::NewTicket {
            subject,
            customer_name: "Dora",
            customer_email: "dora@example.com",
            channel: Channel::Email,
            status: Status::New,
            issue_type: IssueType::Other,
            department_id: department,
            assignee_id: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created.number
}

#[sqlx::test]
async fn a_customer_and_an_agent_talk_by_form_and_email_and_it_all_lands_in_one_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;

    // The customer writes in by the contact form and gets an acknowledgement.
    let customer = app.client();
    let form = customer.get("/help/acme/contact").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("acme Inc"));
    let sent = customer
        .contact(
            "acme",
            "carla@example.com",
            "My refund",
            "Where is my money?",
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let private_page = sent.location().to_owned();
    assert!(private_page.starts_with("/help/acme/tickets/"));
    let ack = app.mail.wait_for("carla@example.com").await;
    assert!(ack.subject.contains("[#1]"), "{}", ack.subject);
    assert!(
        ack.text
            .contains(&format!("{}{private_page}", app.config.base_url))
    );
    let page = customer.get(&private_page).await;
    assert!(page.body.contains("Where is my money?"));
    assert!(page.body.contains("Thank you! We received your message"));

    // The agent finds it in the queue and answers; the reply arrives by email.
    let agent = app.logged_in(&acme, Role::Agent).await;
    let queue = agent.get("/app").await;
    assert!(queue.body.contains("My refund"));
    let ticket_page = agent.get("/app/tickets/1").await;
    assert_eq!(ticket_page.status, StatusCode::OK);
    let last_seen = crate::harness::input_value(&ticket_page.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/1/reply",
            &[("body", "It is on its way."), ("last_seen", &last_seen)],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(status_of(&app, &acme, 1).await, "answered");
    let replies = app.mail.wait_for_count("carla@example.com", 2).await;
    let reply = &replies[1];
    assert!(reply.subject.contains("[#1]"));
    assert!(reply.text.contains("It is on its way."));
    assert!(
        reply.text.contains(&private_page),
        "the reply links the private page"
    );
    assert!(
        customer
            .get(&private_page)
            .await
            .body
            .contains("It is on its way.")
    );

    // Resolved, then the customer answers by email: the answer threads back and reopens.
    let resolve = [
        ("status", "resolved"),
        ("priority", "normal"),
        ("type", "refund"),
        ("department", ""),
        ("assignee", "me"),
    ];
    agent
        .post("/app/tickets/1/properties", &resolve)
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(status_of(&app, &acme, 1).await, "resolved");
    let answer = format!(
        "From: Carla <carla@example.com>\r\nTo: support@acme.test\r\nSubject: Re: whatever\r\n\
         Message-ID: <answer-1@example.com>\r\nIn-Reply-To: {}\r\n\r\nThanks, got it!\r\n",
        reply.message_id
    );
    let delivered = acme.deliver(&app, answer.clone()).await;
    assert_eq!(delivered.status, StatusCode::OK, "{}", delivered.body);
    assert_eq!(delivered.body, "ticket #1");
    assert_eq!(status_of(&app, &acme, 1).await, "open");
    assert!(
        agent
            .get("/app/tickets/1")
            .await
            .body
            .contains("Thanks, got it!")
    );

    // The same mail again adds nothing; an unrelated one opens ticket #2 with its own ack.
    let again = acme.deliver(&app, answer).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.count("messages where body_text like 'Thanks, got it!%'")
            .await,
        1
    );
    let unrelated = "From: Ned <ned@example.com>\r\nSubject: Another question\r\n\
                     Message-ID: <ned-1@example.com>\r\n\r\nHello?\r\n";
    assert_eq!(acme.deliver(&app, unrelated).await.body, "ticket #2");
    let ned = app.mail.wait_for("ned@example.com").await;
    assert!(ned.subject.contains("[#2]"));
    assert_eq!(ned.in_reply_to, ["<ned-1@example.com>"]);
    assert_eq!(app.count("tickets").await, 2);
}

#[sqlx::test]
async fn the_contact_form_keeps_the_input_of_a_form_with_mistakes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let customer = app.client();
    let page = customer
        .post(
            "/help/acme/contact",
            &[
                ("name", "Carla"),
                ("email", "not-an-email"),
                ("subject", ""),
                ("type", "lottery"),
                ("message", "Kept text"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Kept text"));
    assert!(page.body.contains("Enter a valid email address"));
    assert!(page.body.contains("Choose one of the options offered."));
    assert_eq!(app.count("tickets").await, 0);
    assert_eq!(
        customer.get("/help/nobody/contact").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        customer.get("/help/acme/tickets/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn notes_stay_internal(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    let sent = customer
        .contact("acme", "carla@example.com", "Hello", "Question")
        .await;
    let private_page = sent.location().to_owned();
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post("/app/tickets/1/note", &[("body", "SECRET internal remark")])
        .await
        .assert_redirects_to("/app/tickets/1");
    assert!(
        agent
            .get("/app/tickets/1")
            .await
            .body
            .contains("SECRET internal remark")
    );
    agent
        .post("/app/tickets/1/reply", &[("body", "Public answer")])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.mail.wait_for_count("carla@example.com", 2).await;
    assert!(!customer.get(&private_page).await.body.contains("SECRET"));
    for mail in app.mail.all() {
        assert!(!mail.text.contains("SECRET") && !mail.html.contains("SECRET"));
    }
    assert_eq!(app.count("outbox where text_body like '%SECRET%'").await, 0);
}

#[sqlx::test]
async fn agents_see_tickets_of_their_departments_and_those_without_one(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let admin_id = acme.person(Role::Admin).id;
    let billing = app.department(&acme, "Billing", &[admin_id]).await;
    let theirs = ticket(&app, &acme, "Billing only", Some(billing)).await;
    let everyones = ticket(&app, &acme, "For everyone", None).await;
    let foreign = ticket(&app, &globex, "Globex secret", None).await;

    let agent = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(
        agent.get(&format!("/app/tickets/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    let forged = agent
        .post(
            &format!("/app/tickets/{theirs}/note"),
            &[("body", "sneaky")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert_eq!(
        agent.get(&format!("/app/tickets/{everyones}")).await.status,
        StatusCode::OK
    );
    let list = agent.get("/app/tickets").await;
    assert!(list.body.contains("For everyone") && !list.body.contains("Billing only"));
    let queue = agent.get("/app").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(subjects(&queue), ["For everyone"]);

    let admin = app.logged_in(&acme, Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/app/tickets/{theirs}")).await.status,
        StatusCode::OK
    );
    // Another workspace's numbers do not exist here, whoever asks.
    assert_eq!(foreign, 1);
    let page = admin.get(&format!("/app/tickets/{}", foreign + 100)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let list = admin.get("/app/tickets").await;
    assert_eq!(list.status, StatusCode::OK);
    let mut listed = subjects(&list);
    listed.sort();
    assert_eq!(listed, ["Billing only", "For everyone"]);
    let first = admin.get("/app/tickets/1").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.texts("main h1"), ["#1 Billing only"]);
    for path in [
        "/app/tickets/abc",
        "/app/tickets/-1",
        "/app/tickets/99999999999999999999",
    ] {
        assert_eq!(
            admin.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(app.count("messages where body_text = 'sneaky'").await, 0);
}

#[sqlx::test]
async fn html_in_subjects_names_and_bodies_is_shown_as_text(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    let (name, subject, message) = (
        "<img src=x onerror=alert(1)>",
        "<script>alert('s')</script>",
        "<b onclick=alert(2)>bold</b>",
    );
    let sent = customer
        .post(
            "/help/acme/contact",
            &[
                ("name", name),
                ("email", "x@example.com"),
                ("subject", subject),
                ("type", "bug"),
                ("message", message),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let admin = app.logged_in(&acme, Role::Admin).await;
    for path in ["/app", "/app/tickets", "/app/tickets/1"] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path}");
        assert!(!page.body.contains("<img src=x"), "{path}");
        assert!(!page.body.contains("<b onclick"), "{path}");
        // Escaped, the markup is the text a reader sees; parsed, it would be elements.
        if path == "/app/tickets/1" {
            assert_eq!(page.texts("main h1"), [format!("#1 {subject}")]);
            assert_eq!(page.texts(".message .body"), [message]);
        } else {
            assert_eq!(subjects(&page), [subject], "{path}");
            let customers = page.texts("table.tickets tbody td:nth-child(3)");
            assert!(
                customers.len() == 1 && customers[0].starts_with(name),
                "{path}: {customers:?}"
            );
        }
    }
    let ack = app.mail.wait_for("x@example.com").await;
    assert!(!ack.html.contains("<img src=x"));
}

#[sqlx::test]
async fn search_finds_words_of_subjects_and_messages_and_takes_any_input(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    customer
        .contact(
            "acme",
            "a@example.com",
            "Printer jammed",
            "Paper everywhere",
        )
        .await;
    customer
        .contact(
            "acme",
            "b@example.com",
            "Invoice question",
            "Wrong amounts charged",
        )
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let found = agent.get("/app/tickets?q=printers").await;
    assert!(found.body.contains("Printer jammed") && !found.body.contains("Invoice question"));
    let found = agent.get("/app/tickets?q=charged").await;
    assert!(found.body.contains("Invoice question") && !found.body.contains("Printer jammed"));
    for odd in [
        "\"",
        "'",
        "&|!",
        "((",
        ":*",
        "\\",
        "a & !b | (c",
        "-",
        "OR",
        "<>",
        "%",
        "😀",
        "张伟",
        &"x".repeat(5000),
    ] {
        let query: String = form_urlencoded::byte_serialize(odd.as_bytes()).collect();
        let page = agent.get(&format!("/app/tickets?q={query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
    }
    let page = agent
        .get("/app/tickets?status=bogus&type=nope&department=zz&assignee=x&after=garbage")
        .await;
    assert_eq!(page.status, StatusCode::OK);
}

#[sqlx::test]
async fn lists_page_by_cursor_without_repeating_or_skipping(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for n in 0..120 {
        ticket(&app, &acme, &format!("Ticket number {n}"), None).await;
    }
    // Many share one activity time: the id breaks the tie.
    sqlx::query("update tickets set last_activity_at = date_trunc('second', now())")
        .execute(&app.db)
        .await
        .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    let mut seen = std::collections::BTreeSet::new();
    let mut path = "/app/tickets".to_owned();
    for _ in 0..5 {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let document = scraper::Html::parse_document(&page.body);
        let links = scraper::Selector::parse("table.tickets td:first-child a").unwrap();
        for link in document.select(&links) {
            assert!(seen.insert(link.text().collect::<String>()), "listed twice");
        }
        let next = scraper::Selector::parse("a[rel=next]").unwrap();
        match document.select(&next).next() {
            Some(link) => path = link.value().attr("href").unwrap().replace("&amp;", "&"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
}

#[sqlx::test]
async fn the_queue_counts_by_status(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for n in 0..3 {
        ticket(&app, &acme, &format!("Queued {n}"), None).await;
    }
    sqlx::query("update tickets set status = 'open' where number = 3")
        .execute(&app.db)
        .await
        .unwrap();
    let agent = app.logged_in(&acme, Role::Agent).await;
    let queue = agent.get("/app").await;
    assert!(
        queue
            .body
            .contains(r#"<strong data-count="new">2</strong> New"#),
        "{}",
        queue.body
    );
    assert!(
        queue
            .body
            .contains(r#"<strong data-count="open">1</strong> Open"#)
    );
}

#[sqlx::test]
async fn a_second_answer_is_sent_only_after_a_warning(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    app.client()
        .contact("acme", "c@example.com", "Two agents", "Anyone?")
        .await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let seen_by_owner =
        crate::harness::input_value(&owner.get("/app/tickets/1").await.body, "last_seen").unwrap();
    let seen_by_admin =
        crate::harness::input_value(&admin.get("/app/tickets/1").await.body, "last_seen").unwrap();
    admin
        .post(
            "/app/tickets/1/reply",
            &[("body", "First!"), ("last_seen", &seen_by_admin)],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    let warned = owner
        .post(
            "/app/tickets/1/reply",
            &[("body", "Second"), ("last_seen", &seen_by_owner)],
        )
        .await;
    assert_eq!(warned.status, StatusCode::CONFLICT);
    assert!(warned.body.contains("replied while you were writing"));
    assert!(warned.body.contains("Second"), "the draft is kept");
    assert_eq!(app.count("messages where kind = 'reply'").await, 1);
    // The warning page knows the newer reply: sending from it goes through.
    let seen_now = crate::harness::input_value(&warned.body, "last_seen").unwrap();
    owner
        .post(
            "/app/tickets/1/reply",
            &[("body", "Second"), ("last_seen", &seen_now)],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(app.count("messages where kind = 'reply'").await, 2);
}

#[sqlx::test]
async fn properties_change_with_events_and_postponed_tickets_wake_up(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let support = app
        .department(&acme, "Support", &[acme.person(Role::Agent).id])
        .await;
    let number = ticket(&app, &acme, "Later", None).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let path = format!("/app/tickets/{number}/properties");
    let support = support.to_string();
    let agent_id = acme.person(Role::Agent).id.to_string();
    let mut form = vec![
        ("status", "postponed"),
        ("postponed_until", "2000-01-01"),
        ("priority", "urgent"),
        ("type", "bug"),
        ("department", support.as_str()),
        ("assignee", agent_id.as_str()),
    ];
    let past = admin.post(&path, &form).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains("Choose a day after today."));
    form[1] = ("postponed_until", "2999-12-31");
    admin
        .post(&path, &form)
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
    let page = admin.get(&format!("/app/tickets/{number}")).await;
    for event in [
        "Postponed until Dec 31, 2999",
        "Priority: Urgent",
        "Department: Support",
        "Assigned to agent of acme",
    ] {
        assert!(page.body.contains(event), "{event}");
    }
    // The admin is not in Support, but may assign to themselves; a stranger id is refused.
    let stranger = Uuid::now_v7().to_string();
    form[5] = ("assignee", stranger.as_str());
    assert_eq!(
        admin.post(&path, &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The date passes (as if the server had been down): the next run opens it again.
    sqlx::query("update tickets set postponed_until = now() - interval '1 hour' where number = $1")
        .bind(number)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        frontdesk::tickets::wake_postponed(&app.db, &app.config)
            .await
            .unwrap(),
        1
    );
    assert_eq!(status_of(&app, &acme, number).await, "open");
    assert_eq!(
        frontdesk::tickets::wake_postponed(&app.db, &app.config)
            .await
            .unwrap(),
        0
    );

    // Spam leaves the default list.
    form[0] = ("status", "spam");
    form[5] = ("assignee", "");
    admin.post(&path, &form).await;
    assert!(!admin.get("/app/tickets").await.body.contains("Later"));
    assert!(
        admin
            .get("/app/tickets?status=spam")
            .await
            .body
            .contains("Later")
    );
}

#[sqlx::test]
async fn an_agent_starts_a_ticket_that_is_emailed_to_the_customer(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(agent.get("/app/tickets/new").await.status, StatusCode::OK);
    let page = agent
        .post(
            "/app/tickets/new",
            &[
                ("name", "Olga"),
                ("email", "olga@example.com"),
                ("subject", "Your order"),
                ("type", "other"),
                ("department", ""),
                ("body", "Your order shipped."),
            ],
        )
        .await;
    page.assert_redirects_to("/app/tickets/1");
    let mail = app.mail.wait_for("olga@example.com").await;
    assert!(mail.subject.contains("[#1] Your order"));
    assert!(mail.text.contains("Your order shipped."));
    assert_eq!(status_of(&app, &acme, 1).await, "answered");
    let bad = agent
        .post(
            "/app/tickets/new",
            &[("email", "olga@example.com"), ("subject", ""), ("body", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("tickets").await, 1);
}

#[sqlx::test]
async fn the_free_plan_lists_only_the_last_seven_days(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let old = ticket(&app, &acme, "Old news", None).await;
    ticket(&app, &acme, "Fresh news", None).await;
    sqlx::query("update tickets set created_at = now() - interval '8 days' where number = $1")
        .bind(old)
        .execute(&app.db)
        .await
        .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    let list = admin.get("/app/tickets").await;
    assert!(list.body.contains("Fresh news") && !list.body.contains("Old news"));
    assert!(
        list.body
            .contains("On the free plan, lists show the tickets of the last 7 days")
    );
    let page = admin.get(&format!("/app/tickets/{old}")).await;
    assert_eq!(page.status, StatusCode::OK, "still reachable by its number");
    sqlx::query("update accounts set plan = 'small'")
        .execute(&app.db)
        .await
        .unwrap();
    let list = admin.get("/app/tickets").await;
    assert!(list.body.contains("Old news"));
    assert!(!list.body.contains("On the free plan"));
}

#[sqlx::test]
async fn settings_show_the_inbound_address(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin.get("/app/config/settings").await;
    let address = format!("{}{}", app.config.base_url, acme.inbound_path(&app).await);
    assert!(page.body.contains(&address), "{}", page.body);
    let unknown = app
        .client()
        .post_body(
            "/inbound/email/nope",
            "message/rfc822",
            b"From: a@b.c\r\n\r\nx".to_vec(),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("tickets").await, 0);
}

#[sqlx::test]
async fn acknowledgements_are_marked_automatic_and_answers_go_to_the_support_address(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            "/app/config/settings",
            &[
                ("company", "Acme Inc"),
                ("support_address", "help@acme.test"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/settings");
    let bad = admin
        .post(
            "/app/config/settings",
            &[
                ("company", "Acme Inc"),
                ("support_address", "not an address"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("not an address"), "input kept");

    app.client()
        .contact("acme", "carla@example.com", "Hi", "Hello")
        .await;
    let ack = app.mail.wait_for("carla@example.com").await;
    assert_eq!(ack.reply_to, "help@acme.test");
    assert_eq!(ack.auto_submitted, "auto-replied");
    admin
        .post("/app/tickets/1/reply", &[("body", "Hello back")])
        .await
        .assert_redirects_to("/app/tickets/1");
    let reply = &app.mail.wait_for_count("carla@example.com", 2).await[1];
    assert_eq!(reply.reply_to, "help@acme.test");
    assert_eq!(
        reply.auto_submitted, "",
        "a person's reply is not automatic"
    );
    assert!(
        reply.in_reply_to.contains(&ack.message_id),
        "the first reply threads with the acknowledgement"
    );
}

#[sqlx::test]
async fn double_clicks_send_one_reply_and_open_one_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let customer = app.client();
    // The page is open, as it is when its button is clicked twice.
    customer.get("/help/acme/contact").await;
    // Neither may open its ticket before both have come as far as that.
    let (first, second) = app
        .race("lock table tickets in share mode", async {
            tokio::join!(
                customer.contact("acme", "d@example.com", "Twice", "Clicked twice"),
                customer.contact("acme", "d@example.com", "Twice", "Clicked twice"),
            )
        })
        .await;
    assert_eq!(
        first.location(),
        second.location(),
        "both lead to the one ticket"
    );
    assert_eq!(app.count("tickets").await, 1);
    // Someone else typing the same words is not led to that ticket's private page.
    let stranger = app
        .client()
        .contact("acme", "d@example.com", "Twice", "Clicked twice")
        .await;
    assert_ne!(stranger.location(), first.location());
    assert_eq!(app.count("tickets").await, 2);
    let page = first.location().to_owned();
    for _ in 0..2 {
        customer.post(&page, &[("message", "More detail")]).await;
    }
    assert_eq!(
        app.count("messages where body_text = 'More detail'").await,
        1
    );

    let agent = app.logged_in(&acme, Role::Agent).await;
    let seen =
        crate::harness::input_value(&agent.get("/app/tickets/1").await.body, "last_seen").unwrap();
    let reply = [("body", "Once"), ("last_seen", seen.as_str())];
    // Neither may write its reply before both have come as far as that.
    let (one, two) = app
        .race("lock table messages in share mode", async {
            tokio::join!(
                agent.post("/app/tickets/1/reply", &reply),
                agent.post("/app/tickets/1/reply", &reply),
            )
        })
        .await;
    let mut statuses = [one.status, two.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(app.count("messages where kind = 'reply'").await, 1);
}

#[sqlx::test]
async fn assigning_to_oneself_leaves_the_other_properties_alone(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let number = ticket(&app, &acme, "Mine now", None).await;
    sqlx::query("update tickets set priority = 'high', issue_type = 'bug' where number = $1")
        .bind(number)
        .execute(&app.db)
        .await
        .unwrap();
    let agent = app.logged_in(&acme, Role::Agent).await;
    agent
        .post(
            &format!("/app/tickets/{number}/properties"),
            &[("assignee", "me")],
        )
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
    let (priority, issue_type, assignee): (String, String, Option<Uuid>) =
        sqlx::query_as("select priority, issue_type, assignee_id from tickets where number = $1")
            .bind(number)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((priority.as_str(), issue_type.as_str()), ("high", "bug"));
    assert_eq!(assignee, Some(acme.person(Role::Agent).id));
}

/// The properties form as a page submits it: what the page showed, with `changes`.
fn properties_form<'a>(seen: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("status", "new"),
        ("priority", "normal"),
        ("type", "other"),
        ("department", ""),
        ("assignee", ""),
        ("postponed_until", ""),
        ("seen", seen),
    ];
    for (name, value) in changes {
        form.iter_mut().find(|(field, _)| field == name).unwrap().1 = value;
    }
    form
}

#[sqlx::test]
async fn a_save_from_a_stale_page_keeps_what_another_agent_set_and_refuses_a_clash(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let number = ticket(&app, &acme, "Two at once", None).await;
    let path = format!("/app/tickets/{number}");
    let agent = app.logged_in(&acme, Role::Agent).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let seen_by_agent = input_value(&agent.get(&path).await.body, "seen").unwrap();
    let seen_by_admin = input_value(&admin.get(&path).await.body, "seen").unwrap();
    assert_eq!(seen_by_agent, seen_by_admin);
    let properties = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (String, String, String, Option<Uuid>)>(
                "select status, priority, issue_type, assignee_id from tickets where number = $1",
            )
            .bind(number)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let agent_id = acme.person(Role::Agent).id;

    // The agent takes the ticket and raises its priority.
    agent
        .post(
            &format!("{path}/properties"),
            &properties_form(&seen_by_agent, &[("assignee", "me"), ("priority", "high")]),
        )
        .await
        .assert_redirects_to(&path);
    // The admin, on the page opened before, changes only the type: the agent's changes stay.
    admin
        .post(
            &format!("{path}/properties"),
            &properties_form(&seen_by_admin, &[("type", "bug")]),
        )
        .await
        .assert_redirects_to(&path);
    assert_eq!(
        properties(&app).await,
        ("new".into(), "high".into(), "bug".into(), Some(agent_id))
    );

    // The admin lowers the priority the agent raised, still from the old page: refused,
    // with the current values shown and nothing saved.
    let clash = admin
        .post(
            &format!("{path}/properties"),
            &properties_form(&seen_by_admin, &[("priority", "low"), ("status", "open")]),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(clash.body.contains("another agent changed this ticket"));
    assert_eq!(
        clash.texts("select#priority option[selected]"),
        vec!["High".to_owned()]
    );
    assert_eq!(
        properties(&app).await,
        ("new".into(), "high".into(), "bug".into(), Some(agent_id))
    );
    // From the page as it is now, the same change saves.
    let seen_now = input_value(&clash.body, "seen").unwrap();
    admin
        .post(
            &format!("{path}/properties"),
            &[("priority", "low"), ("seen", seen_now.as_str())],
        )
        .await
        .assert_redirects_to(&path);
    assert_eq!(properties(&app).await.1, "low");
}

#[sqlx::test]
async fn a_stale_page_of_a_postponement_that_has_passed_still_saves(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let number = ticket(&app, &acme, "Later", None).await;
    sqlx::query(
        "update tickets set status = 'postponed', postponed_until = now() - interval '1 hour'
         where number = $1",
    )
    .bind(number)
    .execute(&app.db)
    .await
    .unwrap();
    let path = format!("/app/tickets/{number}");
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get(&path).await;
    let seen = input_value(&page.body, "seen").unwrap();
    let day = input_value(&page.body, "postponed_until").unwrap();
    assert!(!day.is_empty());
    // Its day has come: the ticket wakes up while the page stays open.
    sqlx::query("update tickets set status = 'open', postponed_until = null where number = $1")
        .bind(number)
        .execute(&app.db)
        .await
        .unwrap();
    let form = properties_form(
        &seen,
        &[
            ("status", "postponed"),
            ("postponed_until", &day),
            ("priority", "high"),
        ],
    );
    agent
        .post(&format!("{path}/properties"), &form)
        .await
        .assert_redirects_to(&path);
    let (status, priority): (String, String) =
        sqlx::query_as("select status, priority from tickets where number = $1")
            .bind(number)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), priority.as_str()), ("open", "high"));
}

#[sqlx::test]
async fn a_message_without_a_message_id_delivered_twice_opens_one_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = "From: x@example.com\r\nSubject: No id\r\n\r\nHello\r\n";
    assert_eq!(acme.deliver(&app, raw).await.body, "ticket #1");
    assert_eq!(
        acme.deliver(&app, raw).await.body,
        "duplicate: nothing added"
    );
    assert_eq!(app.count("tickets").await, 1);
}

#[sqlx::test]
async fn the_list_names_departments_and_assignees_even_those_the_directory_lists_no_more(
    db: PgPool,
) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = acme.person(Role::Agent).id;
    let support = app.department(&acme, "Support", &[agent]).await;
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Where is it?")
        .await;
    sqlx::query("update tickets set department_id = $1, assignee_id = $2, status = 'resolved'")
        .bind(support)
        .bind(agent)
        .execute(&app.db)
        .await
        .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    let names = |page: &Page| page.rows("table.tickets tbody tr")[0][5..7].to_vec();
    let page = admin.get("/app/tickets?status=resolved").await;
    assert_eq!(names(&page), ["Support", "agent of acme"]);
    // Deleted, the agent leaves the directory (and the filters); their closed ticket keeps
    // their name.
    sqlx::query("update agents set deleted_at = now() where id = $1")
        .bind(agent)
        .execute(&app.db)
        .await
        .unwrap();
    let page = admin.get("/app/tickets?status=resolved").await;
    assert_eq!(names(&page), ["Support", "agent of acme"]);
}
