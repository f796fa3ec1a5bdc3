//! Bulk actions from the ticket lists: only tickets the agent may see change, each with
//! its event; the message counts what was skipped; one transaction; bad requests.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp};

/// Three tickets of `acme` by the contact form; the third in Billing, which the agent is
/// not in.
async fn three_tickets(app: &TestApp, acme: &crate::harness::Workspace) {
    let customer = app.client();
    for (email, subject) in [
        ("a@example.com", "First"),
        ("b@example.com", "Second"),
        ("c@example.com", "Third"),
    ] {
        customer.contact("acme", email, subject, "Hello").await;
    }
    let billing = app.department(acme, "Billing", &[]).await;
    sqlx::query("update tickets set department_id = $1 where number = 3")
        .bind(billing)
        .execute(&app.db)
        .await
        .unwrap();
}

async fn bulk(agent: &Client, fields: &[(&str, &str)]) -> crate::harness::Page {
    agent.post("/app/tickets/bulk", fields).await
}

#[sqlx::test]
async fn an_action_changes_the_visible_tickets_and_says_what_it_skipped(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    three_tickets(&app, &acme).await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    // The list offers a box per row, and "select all" ticks them all without JavaScript.
    let list = agent.get("/app/tickets").await;
    assert_eq!(list.texts("input[name=tickets]").len(), 2);
    let all = agent.get("/app/tickets?status=new&select=all").await;
    assert!(
        all.body
            .contains("name=\"tickets\" value=\"1\" aria-label=\"#1\" checked")
    );

    let done = bulk(
        &agent,
        &[
            ("tickets", "1"),
            ("tickets", "2"),
            ("tickets", "3"),
            ("tickets", "999"),
            ("tickets", "2"),
            ("action", "status"),
            ("status", "resolved"),
            ("back", "/app/tickets?status=new"),
        ],
    )
    .await;
    done.assert_redirects_to("/app/tickets?status=new");
    let page = agent.get("/app/tickets").await;
    assert!(
        page.body.contains("2 tickets updated, 2 skipped."),
        "{}",
        page.body
    );
    assert_eq!(app.ticket_status(1).await, "resolved");
    assert_eq!(app.ticket_status(2).await, "resolved");
    assert_eq!(app.ticket_status(3).await, "new", "not the agent's to see");
    assert_eq!(
        app.count("messages where event = 'status' and event_value = 'resolved'")
            .await,
        2,
        "each ticket's event, as a change on its page writes it"
    );

    // The contract's own fields work too, and a tag is added once.
    for _ in 0..2 {
        bulk(
            &agent,
            &[
                ("tickets", "1"),
                ("tickets", "2"),
                ("action", "tag"),
                ("value", "Refund"),
            ],
        )
        .await
        .assert_redirects_to("/app/tickets");
    }
    assert_eq!(app.count("ticket_tags").await, 2);
    assert_eq!(app.count("messages where event = 'tagged'").await, 2);

    // An assignee outside a ticket's department is skipped for that ticket.
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent_id = acme.person(Role::Agent).id.to_string();
    bulk(
        &admin,
        &[
            ("tickets", "1"),
            ("tickets", "3"),
            ("action", "assign"),
            ("assign", &agent_id),
        ],
    )
    .await
    .assert_redirects_to("/app/tickets");
    assert!(
        admin
            .get("/app/tickets")
            .await
            .body
            .contains("1 ticket updated, 1 skipped.")
    );
    assert_eq!(app.count("tickets where assignee_id is not null").await, 1);

    // Spam, and a list the bar goes back to that is not ours.
    bulk(
        &agent,
        &[
            ("tickets", "2"),
            ("action", "spam"),
            ("back", "https://evil.example/"),
        ],
    )
    .await
    .assert_redirects_to("/app/tickets");
    assert_eq!(app.ticket_status(2).await, "spam");
}

#[sqlx::test]
async fn bad_requests_change_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    three_tickets(&app, &acme).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let none = bulk(&agent, &[("action", "status"), ("status", "open")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("Tick at least one ticket"));
    for fields in [
        [
            ("tickets", "1"),
            ("action", "status"),
            ("value", "postponed"),
        ],
        [("tickets", "1"), ("action", "status"), ("value", "merged")],
        [("tickets", "1"), ("action", "explode"), ("value", "")],
        [
            ("tickets", "1"),
            ("action", "priority"),
            ("value", "urgent!"),
        ],
        [
            ("tickets", "1"),
            ("action", "assign"),
            ("value", "not-an-id"),
        ],
        [
            ("tickets", "1"),
            ("action", "department"),
            ("value", "00000000-0000-0000-0000-000000000000"),
        ],
        [("tickets", "1"), ("action", "tag"), ("value", "a,b")],
    ] {
        let refused = bulk(&agent, &fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{fields:?}");
    }
    // Another workspace's agent is no assignee.
    let other = app.workspace("other").await;
    let stranger = other.person(Role::Agent).id.to_string();
    let refused = bulk(
        &agent,
        &[("tickets", "1"), ("action", "assign"), ("value", &stranger)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("messages where kind = 'event'").await, 0);
}

/// A failure on the third ticket undoes the first two: one transaction.
#[sqlx::test]
async fn a_failure_in_the_middle_changes_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    three_tickets(&app, &acme).await;
    sqlx::raw_sql(
        "create function refuse_third() returns trigger language plpgsql as $$
         begin
           if new.number = 3 and new.priority = 'high' then raise exception 'refused'; end if;
           return new;
         end $$;
         create trigger refuse_third before update on tickets
           for each row execute function refuse_third();",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    let failed = bulk(
        &admin,
        &[
            ("tickets", "1"),
            ("tickets", "2"),
            ("tickets", "3"),
            ("action", "priority"),
            ("value", "high"),
        ],
    )
    .await;
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.count("tickets where priority = 'high'").await, 0);
    assert_eq!(app.count("messages where kind = 'event'").await, 0);
}

#[sqlx::test]
async fn tickets_merge_into_the_oldest_or_the_one_named(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    three_tickets(&app, &acme).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    bulk(
        &admin,
        &[
            ("tickets", "3"),
            ("tickets", "2"),
            ("action", "merge"),
            ("value", ""),
        ],
    )
    .await
    .assert_redirects_to("/app/tickets");
    assert_eq!(app.ticket_status(3).await, "merged");
    assert_eq!(app.ticket_status(2).await, "new");
    bulk(
        &admin,
        &[("tickets", "2"), ("action", "merge"), ("value", "#1")],
    )
    .await
    .assert_redirects_to("/app/tickets");
    assert_eq!(app.ticket_status(2).await, "merged");
    let into: Vec<Option<i64>> = sqlx::query_scalar(
        "select m.number from tickets t left join tickets m on m.id = t.merged_into
         order by t.number",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(into, [None, Some(1), Some(1)], "#3 moved on to #1 with #2");
    assert_eq!(
        app.count("messages m join tickets t on t.id = m.ticket_id where t.number = 1 and m.kind = 'customer'")
            .await,
        3
    );
}

#[sqlx::test]
async fn a_department_change_skips_tickets_whose_assignee_is_not_in_it_and_merged_ones(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    three_tickets(&app, &acme).await;
    let agent = acme.person(Role::Agent).id;
    let support = app.department(&acme, "Support", &[]).await;
    // Ticket 1 is the agent's, who is not in Support; ticket 2 went into ticket 3.
    sqlx::query("update tickets set assignee_id = $1 where number = 1")
        .bind(agent)
        .execute(&app.db)
        .await
        .unwrap();
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post("/app/tickets/2/merge", &[("into", "3")])
        .await
        .assert_redirects_to("/app/tickets/3");
    let support_id = support.to_string();
    bulk(
        &admin,
        &[
            ("tickets", "1"),
            ("tickets", "2"),
            ("tickets", "3"),
            ("action", "department"),
            ("department", &support_id),
            ("back", "/app/tickets"),
        ],
    )
    .await
    .assert_redirects_to("/app/tickets");
    let page = admin.get("/app/tickets").await;
    assert!(
        page.body.contains("1 ticket updated, 2 skipped."),
        "{}",
        page.body
    );
    let departments: Vec<(i64, Option<uuid::Uuid>)> =
        sqlx::query_as("select number, department_id from tickets order by number")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(departments[0].1, None, "its assignee is not in Support");
    assert_ne!(departments[1].1, Some(support), "merged");
    assert_eq!(departments[2].1, Some(support));
    assert_eq!(app.ticket_status(2).await, "merged");
}
