//! Rules: admins write them at /app/config/rules; they route, tag and answer new tickets and
//! replies, run in order (a rule may stop the chain) without ever starting themselves again,
//! act on tickets left alone for some hours (also after a restart), hand tickets out in turn,
//! and a rule that fails is skipped and audited without losing the customer's message.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use time::{Duration, macros::datetime};
use uuid::Uuid;

use crate::harness::{Client, TestApp, Workspace, input_value};

async fn create_rule(admin: &Client, fields: &[(&str, &str)]) {
    let page = admin.post("/app/config/rules/new", fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.assert_redirects_to("/app/config/rules");
}

async fn newest_ticket(app: &TestApp, workspace: &Workspace) -> (Uuid, i64) {
    sqlx::query_as(
        "select id, number from tickets where account_id = $1 order by number desc limit 1",
    )
    .bind(workspace.account_id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// Priority, department and assignee of ticket `id`.
async fn routing(app: &TestApp, id: Uuid) -> (String, Option<Uuid>, Option<Uuid>) {
    sqlx::query_as("select priority, department_id, assignee_id from tickets where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn tags_of(app: &TestApp, id: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "select g.name from ticket_tags tt join tags g on g.id = tt.tag_id
         where tt.ticket_id = $1 order by g.name",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[sqlx::test]
async fn mail_from_a_big_client_goes_to_vip_with_high_priority(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let vip = app.department(&acme, "VIP", &[]).await;
    create_rule(
        &admin,
        &[
            ("name", "Big client"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("condition_field", "customer_email"),
            ("condition_op", "contains"),
            ("condition_value", "@BigClient.com"),
            ("condition_field", ""),
            ("condition_op", "is"),
            ("condition_value", ""),
            ("action_type", "set_department"),
            ("action_value", "vip"),
            ("action_type", "set_priority"),
            ("action_value", "High"),
        ],
    )
    .await;
    let list = admin.get("/app/config/rules").await;
    assert_eq!(list.texts("table.list tbody td.grow a"), ["Big client"]);
    assert_eq!(
        list.rows("table.list tbody tr")[0][1..4],
        [
            "A ticket is created".to_owned(),
            "Customer's email contains @BigClient.com".to_owned(),
            "Set the department: VIP · Set the priority: High".to_owned()
        ]
    );

    app.client()
        .contact(&acme.slug, "ann@bigclient.com", "Order", "Where is it?")
        .await;
    let (big, number) = newest_ticket(&app, &acme).await;
    assert_eq!(
        routing(&app, big).await,
        ("high".to_owned(), Some(vip), None)
    );
    let page = admin.get(&format!("/app/tickets/{number}")).await;
    let events = page.texts("p.event");
    assert!(
        events
            .iter()
            .any(|event| event.ends_with("Rule \"Big client\": Department: VIP")),
        "{events:?}"
    );

    app.client()
        .contact(&acme.slug, "bob@smallshop.com", "Order", "Where is it?")
        .await;
    let (small, _) = newest_ticket(&app, &acme).await;
    assert_eq!(
        routing(&app, small).await,
        ("normal".to_owned(), None, None)
    );

    // The form reads back what was saved, by name.
    let rule: Uuid = sqlx::query_scalar("select id from rules")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let form = admin.get(&format!("/app/config/rules/{rule}/edit")).await;
    assert_eq!(
        input_value(&form.body, "name").as_deref(),
        Some("Big client")
    );
    assert!(form.body.contains("value=\"VIP\""));
    assert!(form.body.contains("value=\"High\""));
    let audit = admin.get("/app/config/audit").await;
    assert!(audit.body.contains("Created a rule"));
}

#[sqlx::test]
async fn a_rule_that_cannot_be_read_comes_back_with_what_was_typed(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin
        .post(
            "/app/config/rules/new",
            &[
                ("name", "Broken"),
                ("event", "hours_since_update"),
                ("hours", "0"),
                ("condition_field", "priority"),
                ("condition_op", "contains"),
                ("condition_value", "hi"),
                ("action_type", "set_department"),
                ("action_value", "Nowhere"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Whole hours from 1 to 8760."));
    assert!(page.body.contains("This comparison only fits text"));
    assert!(page.body.contains("Nothing of that name"));
    assert!(page.body.contains("value=\"Nowhere\""));
    assert_eq!(input_value(&page.body, "name").as_deref(), Some("Broken"));
    let empty = admin
        .post(
            "/app/config/rules/new",
            &[("name", "Nothing"), ("event", "ticket_created")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Add at least one action."));
    assert_eq!(app.count("rules").await, 0);
}

#[sqlx::test]
async fn rules_run_in_order_stop_the_chain_and_never_start_themselves_again(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    create_rule(
        &admin,
        &[
            ("name", "Refunds"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("condition_field", "body"),
            ("condition_op", "contains"),
            ("condition_value", "refund"),
            ("action_type", "add_tag"),
            ("action_value", "Refund"),
            ("action_type", "set_type"),
            ("action_value", "refund"),
            ("action_type", "add_note"),
            ("action_value", "Check the order first."),
            ("stop", "on"),
        ],
    )
    .await;
    create_rule(
        &admin,
        &[
            ("name", "Everything else"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("action_type", "add_tag"),
            ("action_value", "other"),
        ],
    )
    .await;
    // Resolving reopens, and an open ticket is tagged: neither starts the other again.
    create_rule(
        &admin,
        &[
            ("name", "Never resolve"),
            ("enabled", "on"),
            ("event", "status_changed"),
            ("condition_field", "status"),
            ("condition_op", "is"),
            ("condition_value", "resolved"),
            ("action_type", "set_status"),
            ("action_value", "open"),
        ],
    )
    .await;
    create_rule(
        &admin,
        &[
            ("name", "Reopened"),
            ("enabled", "on"),
            ("event", "status_changed"),
            ("condition_field", "status"),
            ("condition_op", "is"),
            ("condition_value", "open"),
            ("action_type", "add_tag"),
            ("action_value", "bounced"),
        ],
    )
    .await;

    app.client()
        .contact(
            &acme.slug,
            "ann@example.com",
            "Money",
            "I want a REFUND now",
        )
        .await;
    let (refund, number) = newest_ticket(&app, &acme).await;
    assert_eq!(tags_of(&app, refund).await, ["refund"]);
    let (issue_type, note): (String, String) = sqlx::query_as(
        "select t.issue_type, m.author_name || ': ' || m.body_text from tickets t
         join messages m on m.ticket_id = t.id and m.kind = 'note' where t.id = $1",
    )
    .bind(refund)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (issue_type.as_str(), note.as_str()),
        ("refund", "Refunds: Check the order first.")
    );

    app.client()
        .contact(&acme.slug, "bob@example.com", "Hello", "Just saying hi")
        .await;
    let (other, _) = newest_ticket(&app, &acme).await;
    assert_eq!(tags_of(&app, other).await, ["other"]);

    // An agent resolves: the first rule opens it again, the next sees it open, and that is all.
    let agent = app.logged_in(&acme, Role::Admin).await;
    let page = agent.get(&format!("/app/tickets/{number}")).await;
    let saved = agent
        .post(
            &format!("/app/tickets/{number}/properties"),
            &[
                ("status", "resolved"),
                ("priority", "normal"),
                ("type", "refund"),
                ("department", ""),
                ("assignee", ""),
                ("seen", &input_value(&page.body, "seen").unwrap_or_default()),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(app.ticket_status(number).await, "open");
    assert_eq!(tags_of(&app, refund).await, ["bounced", "refund"]);
    let status_events: Vec<(String, String)> = sqlx::query_as(
        "select event_value, author_name from messages
         where ticket_id = $1 and event = 'status' order by created_at, id",
    )
    .bind(refund)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        status_events,
        [
            ("resolved".to_owned(), String::new()),
            ("open".to_owned(), "Never resolve".to_owned())
        ]
    );
}

#[sqlx::test]
async fn a_failing_rule_is_skipped_and_audited_and_the_message_is_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            "/app/canned/new",
            &[
                ("title", "Thanks"),
                ("body", "Thanks {{customer.first_name}}, we are on it."),
                ("shared", "on"),
            ],
        )
        .await;
    create_rule(
        &admin,
        &[
            ("name", "Auto answer"),
            ("enabled", "on"),
            ("event", "customer_replied"),
            ("action_type", "add_tag"),
            ("action_value", "answered-by-rule"),
            ("action_type", "reply_canned"),
            ("action_value", "thanks"),
        ],
    )
    .await;
    create_rule(
        &admin,
        &[
            ("name", "Watch replies"),
            ("enabled", "on"),
            ("event", "customer_replied"),
            ("action_type", "set_priority"),
            ("action_value", "urgent"),
        ],
    )
    .await;
    app.client()
        .contact(&acme.slug, "carla@example.com", "Help", "First message")
        .await;
    let (ticket, _) = newest_ticket(&app, &acme).await;
    let token: String = sqlx::query_scalar("select customer_token from tickets where id = $1")
        .bind(ticket)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let customer = app.client();
    let path = format!("/help/{}/tickets/{token}", acme.slug);
    customer.get(&path).await;
    let sent = customer.post(&path, &[("message", "Any news?")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    // The rule answered by email as the workspace, and the answer is no agent's response.
    app.drain_outbox().await;
    // After the acknowledgement of the ticket, the rule's answer.
    let mails = app.mail.wait_for_count("carla@example.com", 2).await;
    let mail = &mails[1];
    assert!(
        mail.text.contains("Thanks Carla, we are on it."),
        "{}",
        mail.text
    );
    assert_eq!(tags_of(&app, ticket).await, ["answered-by-rule"]);

    // The canned answer is deleted: the rule fails whole (no tag either), the next runs.
    let canned: Uuid = sqlx::query_scalar("select id from canned_answers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("delete from canned_answers where id = $1")
        .bind(canned)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("delete from ticket_tags")
        .execute(&app.db)
        .await
        .unwrap();
    let sent = customer.post(&path, &[("message", "Hello again?")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let customer_messages: i64 = sqlx::query_scalar(
        "select count(*) from messages where ticket_id = $1 and kind = 'customer'",
    )
    .bind(ticket)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(customer_messages, 3);
    assert_eq!(tags_of(&app, ticket).await, Vec::<String>::new());
    assert_eq!(routing(&app, ticket).await.0, "urgent");
    let (subject, detail): (String, String) =
        sqlx::query_as("select subject, detail from audit_log where action = 'rule_failed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(subject, "Auto answer");
    assert!(detail.ends_with("; reply_canned; canned_gone"), "{detail}");
    let audit = admin.get("/app/config/audit").await;
    assert!(audit.body.contains("the canned answer no longer exists"));
}

#[sqlx::test]
async fn a_time_rule_resolves_quiet_tickets_once_even_after_a_restart(db: PgPool) {
    let start = datetime!(2030-03-04 09:00 UTC);
    let app = TestApp::spawn_at(db.clone(), start).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    app.client()
        .contact(&acme.slug, "ann@example.com", "Old", "Quiet one")
        .await;
    let (quiet, _) = newest_ticket(&app, &acme).await;
    sqlx::query("update tickets set status = 'answered' where id = $1")
        .bind(quiet)
        .execute(&app.db)
        .await
        .unwrap();
    create_rule(
        &admin,
        &[
            ("name", "Close quiet"),
            ("enabled", "on"),
            ("event", "hours_since_update"),
            ("hours", "168"),
            ("condition_field", "status"),
            ("condition_op", "is"),
            ("condition_value", "answered"),
            ("action_type", "set_status"),
            ("action_value", "resolved"),
            ("action_type", "add_note"),
            ("action_value", "Closed after a week without an answer."),
        ],
    )
    .await;
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        0
    );
    // Six days later another answered ticket comes in; a day after, only the first is due.
    app.clock.set(start + Duration::days(6));
    app.client()
        .contact(&acme.slug, "bob@example.com", "New", "Fresh one")
        .await;
    let (fresh, _) = newest_ticket(&app, &acme).await;
    sqlx::query("update tickets set status = 'answered' where id = $1")
        .bind(fresh)
        .execute(&app.db)
        .await
        .unwrap();
    app.clock
        .set(start + Duration::days(7) + Duration::minutes(1));
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.ticket_status(1).await, "resolved");
    assert_eq!(app.ticket_status(2).await, "answered");
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        0
    );

    // The process stops; when another starts two weeks on, it catches up once.
    drop(app);
    let app = TestApp::spawn_at(db, start + Duration::days(21)).await;
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.ticket_status(2).await, "resolved");
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        0
    );
    let notes: i64 = sqlx::query_scalar("select count(*) from messages where kind = 'note'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(notes, 2);
}

#[sqlx::test]
async fn round_robin_hands_tickets_to_online_agents_in_turn_across_processes(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let second = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let members = [
        acme.person(Role::Agent).id,
        acme.person(Role::Admin).id,
        acme.person(Role::Owner).id,
    ];
    let sales = app.department(&acme, "Sales", &members).await;
    sqlx::query("update departments set round_robin = true where id = $1")
        .bind(sales)
        .execute(&app.db)
        .await
        .unwrap();
    // The owner is away: skipped.
    sqlx::query(
        "update agents set availability = case when role = 'owner' then 'away' else 'online' end",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    create_rule(
        &admin,
        &[
            ("name", "Sales"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("condition_field", "subject"),
            ("condition_op", "starts_with"),
            ("condition_value", "quote"),
            ("action_type", "set_department"),
            ("action_value", "Sales"),
        ],
    )
    .await;
    let (one, two) = (app.client(), second.client());
    for round in 0..4 {
        let (subject_a, subject_b) = (format!("Quote {round}a"), format!("Quote {round}b"));
        let (a, b) = tokio::join!(
            one.contact(&acme.slug, "a@example.com", &subject_a, "Price?"),
            two.contact(&acme.slug, "b@example.com", &subject_b, "Price?"),
        );
        assert_eq!(
            (a.status, b.status),
            (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
        );
    }
    let assignees: Vec<Option<Uuid>> = sqlx::query_scalar(
        "select t.assignee_id from tickets t
         join messages m on m.ticket_id = t.id and m.event = 'assigned'
         order by m.created_at, m.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(assignees.len(), 8);
    assert!(
        assignees
            .iter()
            .all(|a| a.is_some() && *a != Some(acme.person(Role::Owner).id))
    );
    // In turn: each online agent got half. (The events' times cannot tell the order of
    // two transactions that ran at once: each event keeps its transaction's start.)
    for agent in [acme.person(Role::Agent).id, acme.person(Role::Admin).id] {
        let given = assignees.iter().filter(|a| **a == Some(agent)).count();
        assert_eq!(given, 4, "{assignees:?}");
    }

    // A cap of one open ticket each: nobody is free, the next stays with the department.
    sqlx::query("update departments set max_open = 1 where id = $1")
        .bind(sales)
        .execute(&app.db)
        .await
        .unwrap();
    one.contact(&acme.slug, "c@example.com", "Quote 9", "Price?")
        .await;
    let (last, _) = newest_ticket(&app, &acme).await;
    assert_eq!(
        routing(&app, last).await,
        ("normal".to_owned(), Some(sales), None)
    );
}

#[sqlx::test]
async fn departments_choose_round_robin_and_a_cap_on_their_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let sales = app.department(&acme, "Sales", &[]).await;
    let path = format!("/app/config/departments/{sales}/edit");
    let bad = admin
        .post(
            &path,
            &[("name", "Sales"), ("round_robin", "on"), ("max_open", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("A whole number from 1 to 10000"));
    admin
        .post(
            &path,
            &[("name", "Sales"), ("round_robin", "on"), ("max_open", "5")],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    let stored: (bool, Option<i32>) =
        sqlx::query_as("select round_robin, max_open from departments where id = $1")
            .bind(sales)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, (true, Some(5)));
    let page = admin.get(&path).await;
    assert_eq!(input_value(&page.body, "max_open").as_deref(), Some("5"));
}

#[sqlx::test]
async fn two_processes_running_time_rules_act_on_each_ticket_once(db: PgPool) {
    let start = datetime!(2030-03-04 09:00 UTC);
    let app = TestApp::spawn_at(db.clone(), start).await;
    let second = TestApp::spawn_at(db, start).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    // (The contact form takes 20 messages from one address before it throttles.)
    for n in 0..18 {
        app.client()
            .contact(
                &acme.slug,
                "ann@example.com",
                &format!("Quiet {n}"),
                "Hello",
            )
            .await;
    }
    // Every other ticket is waiting on the customer: only those meet the rule.
    sqlx::query("update tickets set status = 'answered' where number % 2 = 0")
        .execute(&app.db)
        .await
        .unwrap();
    create_rule(
        &admin,
        &[
            ("name", "Nudge"),
            ("enabled", "on"),
            ("event", "hours_since_update"),
            ("hours", "24"),
            ("condition_field", "status"),
            ("condition_op", "is"),
            ("condition_value", "answered"),
            ("action_type", "add_note"),
            ("action_value", "Still waiting."),
        ],
    )
    .await;
    for clock in [&app.clock, &second.clock] {
        clock.set(start + Duration::days(2));
    }
    let (one, two) = tokio::join!(
        frontdesk::rules::run_time_rules(&app.db, &app.config),
        frontdesk::rules::run_time_rules(&second.db, &second.config),
    );
    assert_eq!(one.unwrap() + two.unwrap(), 9);
    let notes: Vec<(i64, i64)> = sqlx::query_as(
        "select t.number, count(m.id) from tickets t
         left join messages m on m.ticket_id = t.id and m.kind = 'note'
         group by t.number order by t.number",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for (number, count) in notes {
        assert_eq!(count, i64::from(number % 2 == 0), "ticket {number}");
    }
    assert_eq!(
        frontdesk::rules::run_time_rules(&app.db, &app.config)
            .await
            .unwrap(),
        0
    );
}

#[sqlx::test]
async fn rules_assign_in_turn_take_tags_off_and_notify_agents(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent_id = acme.person(Role::Agent).id;
    let sales = app.department(&acme, "Sales", &[agent_id]).await;
    sqlx::query("update agents set availability = 'online' where id = $1")
        .bind(agent_id)
        .execute(&app.db)
        .await
        .unwrap();
    // Sales does not hand out tickets by itself: the rule asks for a turn.
    create_rule(
        &admin,
        &[
            ("name", "Quotes"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("condition_field", "subject"),
            ("condition_op", "contains"),
            ("condition_value", "quote"),
            ("action_type", "set_department"),
            ("action_value", "Sales"),
            ("action_type", "assign_round_robin"),
            ("action_value", ""),
            ("action_type", "add_tag"),
            ("action_value", "lead"),
        ],
    )
    .await;
    create_rule(
        &admin,
        &[
            ("name", "Lead answered"),
            ("enabled", "on"),
            ("event", "customer_replied"),
            ("condition_field", "tag"),
            ("condition_op", "is"),
            ("condition_value", "lead"),
            ("action_type", "remove_tag"),
            ("action_value", "lead"),
            ("action_type", "set_assignee"),
            ("action_value", "admin of acme"),
            ("action_type", "notify_agent"),
            ("action_value", "owner of acme"),
        ],
    )
    .await;
    app.client()
        .contact(&acme.slug, "ann@example.com", "A quote please", "Price?")
        .await;
    let (ticket, number) = newest_ticket(&app, &acme).await;
    assert_eq!(
        routing(&app, ticket).await,
        ("normal".to_owned(), Some(sales), Some(agent_id))
    );
    assert_eq!(tags_of(&app, ticket).await, ["lead"]);

    let token: String = sqlx::query_scalar("select customer_token from tickets where id = $1")
        .bind(ticket)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let path = format!("/help/{}/tickets/{token}", acme.slug);
    let customer = app.client();
    customer.get(&path).await;
    customer.post(&path, &[("message", "Any news?")]).await;
    assert_eq!(tags_of(&app, ticket).await, Vec::<String>::new());
    // The admin sees every department, so the rule may give them the ticket.
    assert_eq!(
        routing(&app, ticket).await.2,
        Some(acme.person(Role::Admin).id)
    );
    app.drain_outbox().await;
    let owner_mail = app.mail.wait_for(&acme.person(Role::Owner).email).await;
    assert!(
        owner_mail.text.contains(&format!(
            "The rule \"Lead answered\" asks you to look at ticket #{number}"
        )),
        "{}",
        owner_mail.text
    );
    let page = admin.get(&format!("/app/tickets/{number}")).await;
    let events = page.texts("p.event");
    for line in [
        "Rule \"Lead answered\": Notified owner of acme",
        "Rule \"Lead answered\": Tag removed: lead",
        "Rule \"Quotes\": Assigned to agent of acme",
    ] {
        assert!(
            events.iter().any(|event| event.ends_with(line)),
            "{line}: {events:?}"
        );
    }
}
