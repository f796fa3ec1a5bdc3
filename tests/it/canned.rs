//! Canned answers at /app/canned: own and shared ones, who may change which, placeholders
//! filled on a ticket (escaped in the page, plain in the emailed reply), the use count,
//! one department's answers, and another workspace's ids.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{Client, TestApp, input_value};

async fn canned_id(app: &TestApp, title: &str) -> Uuid {
    sqlx::query_scalar("select id from canned_answers where title = $1")
        .bind(title)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The reply's text as the ticket page at `path` starts it, line breaks and all.
async fn reply_draft(agent: &Client, path: &str) -> String {
    let page = agent.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let document = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("form.reply-form textarea[name=body]").unwrap();
    document.select(&selector).flat_map(|e| e.text()).collect()
}

#[sqlx::test]
async fn an_agent_keeps_own_answers_and_only_admins_write_shared_ones(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let admin = app.logged_in(&acme, Role::Admin).await;

    agent
        .post(
            "/app/canned/new",
            &[
                ("title", "Greeting"),
                ("body", "Hello {{customer.first_name}},"),
            ],
        )
        .await
        .assert_redirects_to("/app/canned");
    let list = agent.get("/app/canned").await;
    assert!(list.body.contains("Canned answer created."));
    assert_eq!(list.texts("table.list td.key").len(), 1);
    assert!(list.body.contains("Greeting"));
    // Another agent's own answers are theirs alone, admins included.
    assert!(!admin.get("/app/canned").await.body.contains("Greeting"));
    let own = canned_id(&app, "Greeting").await;
    assert_eq!(
        admin
            .status_of_get(&format!("/app/canned/{own}/edit"))
            .await,
        StatusCode::NOT_FOUND
    );

    // Sharing is for admins: the agent's form has no such box, and a forged one is 403.
    assert!(
        !agent
            .get("/app/canned/new")
            .await
            .body
            .contains("name=\"shared\"")
    );
    let forged = agent
        .post(
            "/app/canned/new",
            &[("title", "Mine for all"), ("body", "x"), ("shared", "on")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("canned_answers").await, 1);

    admin
        .post(
            "/app/canned/new",
            &[
                ("title", "Refund policy"),
                ("body", "30 days."),
                ("shared", "on"),
            ],
        )
        .await
        .assert_redirects_to("/app/canned");
    let shared = canned_id(&app, "Refund policy").await;
    let list = agent.get("/app/canned").await;
    assert!(list.body.contains("Refund policy"));
    assert!(
        !list.body.contains(&format!("/app/canned/{shared}/edit")),
        "no edit link for the agent"
    );
    for path in [
        format!("/app/canned/{shared}/edit"),
        format!("/app/canned/{shared}/delete"),
    ] {
        assert_eq!(agent.status_of_get(&path).await, StatusCode::FORBIDDEN);
        let refused = agent
            .post(&path, &[("title", "Mine now"), ("body", "Changed")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    let (title, owner): (String, Option<Uuid>) =
        sqlx::query_as("select title, owner_id from canned_answers where id = $1")
            .bind(shared)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((title.as_str(), owner), ("Refund policy", None));

    // The agent changes and deletes their own; the admin the shared one.
    agent
        .post(
            &format!("/app/canned/{own}/edit"),
            &[("title", "Greeting"), ("body", "Hi {{ customer.name }}!")],
        )
        .await
        .assert_redirects_to("/app/canned");
    admin
        .post(&format!("/app/canned/{shared}/delete"), &[])
        .await
        .assert_redirects_to("/app/canned");
    agent
        .post(&format!("/app/canned/{own}/delete"), &[])
        .await
        .assert_redirects_to("/app/canned");
    assert_eq!(app.count("canned_answers").await, 0);
}

#[sqlx::test]
async fn bad_input_is_refused_with_what_was_typed(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let unknown = admin
        .post(
            "/app/canned/new",
            &[("title", "Typo"), ("body", "Dear {{customer.nmae}}")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Unknown placeholder."));
    assert!(unknown.body.contains("Dear {{customer.nmae}}"));
    assert_eq!(input_value(&unknown.body, "title").as_deref(), Some("Typo"));

    let long_body = "x".repeat(10_001);
    let long_title = "t".repeat(101);
    for fields in [
        [("title", ""), ("body", "Text")],
        [("title", "Long"), ("body", long_body.as_str())],
        [("title", long_title.as_str()), ("body", "Text")],
    ] {
        let refused = admin.post("/app/canned/new", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A department is for shared answers only, and must be the workspace's.
    let support = app.department(&acme, "Support", &[]).await.to_string();
    let other = app.workspace("other").await;
    let foreign = app.department(&other, "Theirs", &[]).await.to_string();
    for (shared, department) in [
        ("", support.as_str()),
        ("on", foreign.as_str()),
        ("on", "not-an-id"),
    ] {
        let mut fields = vec![("title", "T"), ("body", "B"), ("department", department)];
        if !shared.is_empty() {
            fields.push(("shared", shared));
        }
        let refused = admin.post("/app/canned/new", &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{department}"
        );
    }
    assert_eq!(app.count("canned_answers").await, 0);
}

#[sqlx::test]
async fn a_ticket_offers_answers_filled_in_and_counts_their_use(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let customer = app.client();
    customer
        .contact("acme", "carla@example.com", "Refund", "Where is it?")
        .await;
    agent
        .post(
            "/app/canned/new",
            &[
                ("title", "Greeting"),
                (
                    "body",
                    "<b>Hi</b> {{customer.first_name}}, about #{{ticket.number}}:\n\
                     {{agent.alias}} of {{workspace.name}}",
                ),
            ],
        )
        .await
        .assert_redirects_to("/app/canned");
    admin
        .post(
            "/app/canned/new",
            &[("title", "Closing"), ("body", "Bye."), ("shared", "on")],
        )
        .await
        .assert_redirects_to("/app/canned");
    let greeting = canned_id(&app, "Greeting").await;

    // Offered in the reply form, filled in; the HTML in it is text.
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(
        page.texts("form.canned-picker option"),
        ["Closing", "Greeting"],
        "unused ones by title"
    );
    assert!(
        page.body
            .contains("data-text=\"&#60;b&#62;Hi&#60;/b&#62; Carla, about #1:")
            || page
                .body
                .contains("data-text=\"&lt;b&gt;Hi&lt;/b&gt; Carla, about #1:"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<b>Hi</b>"));

    // Without JavaScript, choosing one starts the reply with it.
    let draft = reply_draft(&agent, &format!("/app/tickets/1?canned={greeting}")).await;
    assert_eq!(
        draft,
        "<b>Hi</b> Carla, about #1:\nagent of acme of acme Inc"
    );
    let page = agent
        .get(&format!("/app/tickets/1?canned={greeting}"))
        .await;
    let last_seen = input_value(&page.body, "last_seen").unwrap();
    assert_eq!(
        input_value(&page.body, "canned").as_deref(),
        Some(greeting.to_string().as_str())
    );
    agent
        .post(
            "/app/tickets/1/reply",
            &[
                ("body", &draft),
                ("last_seen", &last_seen),
                ("canned", &greeting.to_string()),
            ],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    let reply = &app.mail.wait_for_count("carla@example.com", 2).await[1];
    assert!(
        reply
            .text
            .replace("\r\n", "\n")
            .contains("<b>Hi</b> Carla, about #1:\nagent of acme of acme Inc"),
        "plain text in the email: {}",
        reply.text
    );
    assert!(!reply.text.contains("{{"));
    let uses: i32 = sqlx::query_scalar("select uses from canned_answers where id = $1")
        .bind(greeting)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(uses, 1);
    // The most used first, in the list and on the ticket.
    assert_eq!(
        agent
            .get("/app/tickets/1")
            .await
            .texts("form.canned-picker option"),
        ["Greeting", "Closing"]
    );
    let list = agent.get("/app/canned").await;
    assert_eq!(list.rows("table.list tbody tr")[0][2], "1");
}

#[sqlx::test]
async fn missing_values_are_empty_and_other_workspaces_answers_are_not_offered(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let other = app.workspace("other").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let stranger = app.logged_in(&other, Role::Admin).await;
    // A ticket by email from an address without a name.
    acme.deliver(
        &app,
        "From: carla@example.com\r\nTo: support@acme.test\r\nSubject: Help\r\n\
         Message-ID: <m1@example.com>\r\n\r\nHello\r\n",
    )
    .await;
    agent
        .post(
            "/app/canned/new",
            &[("title", "Hi"), ("body", "Dear {{customer.name}}, hello.")],
        )
        .await
        .assert_redirects_to("/app/canned");
    stranger
        .post(
            "/app/canned/new",
            &[("title", "Theirs"), ("body", "Secret"), ("shared", "on")],
        )
        .await
        .assert_redirects_to("/app/canned");
    let hi = canned_id(&app, "Hi").await;
    let theirs = canned_id(&app, "Theirs").await;
    assert_eq!(
        reply_draft(&agent, &format!("/app/tickets/1?canned={hi}")).await,
        "Dear , hello."
    );
    let page = agent.get(&format!("/app/tickets/1?canned={theirs}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Secret"));
    assert!(!page.body.contains("Theirs"));
    for path in [
        format!("/app/canned/{theirs}/edit"),
        format!("/app/canned/{theirs}/delete"),
    ] {
        assert_eq!(agent.status_of_get(&path).await, StatusCode::NOT_FOUND);
        let admin = app.logged_in(&acme, Role::Admin).await;
        let refused = admin.post(&path, &[("title", "Mine"), ("body", "x")]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.count("canned_answers where title = 'Theirs'").await, 1);
    // A forged use of another workspace's answer counts nothing.
    let last_seen = input_value(&page.body, "last_seen").unwrap();
    agent
        .post(
            "/app/tickets/1/reply",
            &[
                ("body", "Answer"),
                ("last_seen", &last_seen),
                ("canned", &theirs.to_string()),
                ("canned", "not-an-id"),
            ],
        )
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(app.count("canned_answers where uses > 0").await, 0);
}

#[sqlx::test]
async fn a_departments_answer_is_offered_on_its_tickets_only(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let billing = app.department(&acme, "Billing", &[]).await;
    let customer = app.client();
    customer.contact("acme", "a@example.com", "One", "1").await;
    customer.contact("acme", "b@example.com", "Two", "2").await;
    sqlx::query("update tickets set department_id = $1 where number = 2")
        .bind(billing)
        .execute(&app.db)
        .await
        .unwrap();
    admin
        .post(
            "/app/canned/new",
            &[
                ("title", "Invoice copy"),
                ("body", "Attached."),
                ("shared", "on"),
                ("department", &billing.to_string()),
            ],
        )
        .await
        .assert_redirects_to("/app/canned");
    let picker = |page: crate::harness::Page| page.texts("form.canned-picker option");
    assert!(picker(admin.get("/app/tickets/1").await).is_empty());
    assert_eq!(picker(admin.get("/app/tickets/2").await), ["Invoice copy"]);
    assert!(
        admin
            .get("/app/canned")
            .await
            .body
            .contains("Billing tickets")
    );
    // Deleting the department makes the answer everyone's.
    admin
        .post(&format!("/app/config/departments/{billing}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/departments");
    assert_eq!(picker(admin.get("/app/tickets/1").await), ["Invoice copy"]);
}
