//! Tags: agents set a ticket's tags (lower-cased, each once, bounded), the thread records
//! the change, the list filters by tag and channel, admins rename (merging into a tag of
//! the new name) and delete them, and other workspaces' ids are not found.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{Client, TestApp};

async fn tags_of(app: &TestApp, number: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select g.name from ticket_tags tt
         join tags g on g.account_id = tt.account_id and g.id = tt.tag_id
         join tickets t on t.account_id = tt.account_id and t.id = tt.ticket_id
         where t.number = $1 order by g.name",
    )
    .bind(number)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn tag_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select id from tags where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn set_tags(agent: &Client, number: i64, tags: &str) {
    agent
        .post(&format!("/app/tickets/{number}/tags"), &[("tags", tags)])
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
}

/// The subjects a ticket list shows.
async fn listed(agent: &Client, query: &str) -> Vec<String> {
    let page = agent.get(&format!("/app/tickets?{query}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.texts("table.list tbody td.grow > a")
}

#[sqlx::test]
async fn an_agent_tags_a_ticket_and_the_thread_says_so(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Please")
        .await;

    set_tags(&agent, 1, " VIP, Billing,, vip ,").await;
    assert_eq!(tags_of(&app, 1).await, ["billing", "vip"]);
    let page = agent.get("/app/tickets/1").await;
    assert!(page.body.contains("Tags saved."));
    assert_eq!(page.texts("p.tags a"), ["billing", "vip"]);
    assert!(page.body.contains("Tagged: vip, billing"), "{}", page.body);
    assert_eq!(
        crate::harness::input_value(&page.body, "tags").as_deref(),
        Some("billing, vip")
    );
    assert!(
        page.body.contains("<option value=\"billing\">"),
        "suggested"
    );

    set_tags(&agent, 1, "vip, Urgent").await;
    assert_eq!(tags_of(&app, 1).await, ["urgent", "vip"]);
    let page = agent.get("/app/tickets/1").await;
    assert!(page.body.contains("Tagged: urgent"));
    assert!(page.body.contains("Tag removed: billing"));
    // Saving the same set again records nothing.
    let events = app
        .count("messages where event in ('tagged', 'untagged')")
        .await;
    set_tags(&agent, 1, "URGENT,vip").await;
    assert_eq!(
        app.count("messages where event in ('tagged', 'untagged')")
            .await,
        events
    );

    // Too many, too long: refused with what was typed, nothing changed.
    let many: Vec<String> = (1..=21).map(|n| format!("t{n}")).collect();
    let many = many.join(", ");
    let long = "x".repeat(51);
    for (typed, message) in [
        (many.as_str(), "A ticket has at most 20 tags."),
        (long.as_str(), "A tag has at most 50 characters."),
    ] {
        let refused = agent.post("/app/tickets/1/tags", &[("tags", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains(message));
        assert_eq!(
            crate::harness::input_value(&refused.body, "tags").as_deref(),
            Some(typed)
        );
    }
    assert_eq!(tags_of(&app, 1).await, ["urgent", "vip"]);
    // An empty field takes every tag off; the workspace keeps them to suggest.
    set_tags(&agent, 1, "").await;
    assert!(tags_of(&app, 1).await.is_empty());
    let page = agent.get("/app/tickets/1").await;
    assert!(page.body.contains("<option value=\"urgent\">"));
}

#[sqlx::test]
async fn the_list_filters_by_tag_and_channel(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let customer = app.client();
    customer
        .contact("acme", "a@example.com", "First", "1")
        .await;
    customer
        .contact("acme", "b@example.com", "Second", "2")
        .await;
    acme.deliver(
        &app,
        "From: Ned <ned@example.com>\r\nTo: support@acme.test\r\nSubject: Third\r\n\
         Message-ID: <m3@example.com>\r\n\r\nBy mail\r\n",
    )
    .await;
    set_tags(&agent, 1, "vip").await;
    set_tags(&agent, 3, "vip, billing").await;
    assert_eq!(listed(&agent, "tag=VIP").await, ["Third", "First"]);
    assert_eq!(listed(&agent, "tag=billing").await, ["Third"]);
    assert!(listed(&agent, "tag=nothing").await.is_empty());
    assert_eq!(listed(&agent, "channel=email").await, ["Third"]);
    assert_eq!(listed(&agent, "channel=form&tag=vip").await, ["First"]);
    assert_eq!(listed(&agent, "channel=bogus").await.len(), 3);
    // Another workspace's tag of the same name finds none of its tickets.
    let other = app.workspace("other").await;
    let stranger = app.logged_in(&other, Role::Owner).await;
    assert!(listed(&stranger, "tag=vip").await.is_empty());
}

#[sqlx::test]
async fn admins_rename_merge_and_delete_tags(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let customer = app.client();
    customer
        .contact("acme", "a@example.com", "First", "1")
        .await;
    customer
        .contact("acme", "b@example.com", "Second", "2")
        .await;
    set_tags(&agent, 1, "vip, refund").await;
    set_tags(&agent, 2, "v.i.p., refund").await;

    let page = admin.get("/app/config/tags").await;
    assert_eq!(
        page.rows("table.list tbody tr")
            .iter()
            .map(|row| row[1].clone())
            .collect::<Vec<_>>(),
        ["2", "1", "1"],
        "refund, v.i.p., vip"
    );
    // Renaming to a name of its own.
    let refund = tag_id(&app, "refund").await;
    admin
        .post(
            &format!("/app/config/tags/{refund}"),
            &[("name", "Refunds")],
        )
        .await
        .assert_redirects_to("/app/config/tags");
    assert_eq!(tags_of(&app, 2).await, ["refunds", "v.i.p."]);
    // Renaming to another tag's name merges the two.
    let dotted = tag_id(&app, "v.i.p.").await;
    admin
        .post(&format!("/app/config/tags/{dotted}"), &[("name", "VIP")])
        .await
        .assert_redirects_to("/app/config/tags");
    assert!(
        admin
            .get("/app/config/tags")
            .await
            .body
            .contains("Tag merged into the one of that name.")
    );
    assert_eq!(tags_of(&app, 1).await, ["refunds", "vip"]);
    assert_eq!(tags_of(&app, 2).await, ["refunds", "vip"]);
    assert_eq!(app.count("tags").await, 2);
    // A bad name comes back with what was typed.
    let vip = tag_id(&app, "vip").await;
    let refused = admin
        .post(&format!("/app/config/tags/{vip}"), &[("name", "a, b")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("A tag cannot contain a comma."));
    assert!(refused.body.contains("value=\"a, b\""));
    // Deleting takes it off every ticket; the audit log has both changes.
    admin
        .post(&format!("/app/config/tags/{vip}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/tags");
    assert_eq!(tags_of(&app, 1).await, ["refunds"]);
    assert_eq!(app.count("ticket_tags").await, 2);
    assert_eq!(
        app.count("audit_log where action in ('tag_renamed', 'tag_deleted')")
            .await,
        3
    );

    // An agent is refused, and another workspace's admin finds nothing.
    let refused = agent
        .post(&format!("/app/config/tags/{refund}"), &[("name", "mine")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = app.workspace("other").await;
    let stranger = app.logged_in(&other, Role::Owner).await;
    for path in [
        format!("/app/config/tags/{refund}"),
        format!("/app/config/tags/{refund}/delete"),
    ] {
        let refused = stranger.post(&path, &[("name", "theirs")]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(tags_of(&app, 1).await, ["refunds"]);
}

#[sqlx::test]
async fn an_agent_outside_the_department_cannot_tag_its_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let billing = app.department(&acme, "Billing", &[]).await;
    app.client()
        .contact("acme", "a@example.com", "First", "1")
        .await;
    sqlx::query("update tickets set department_id = $1")
        .bind(billing)
        .execute(&app.db)
        .await
        .unwrap();
    let agent = app.logged_in(&acme, Role::Agent).await;
    let refused = agent.post("/app/tickets/1/tags", &[("tags", "mine")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("tags").await, 0);
}
