//! Service levels: admins set business hours and holidays and order SLA policies; the
//! ticket page shows each clock of the policy that applies, counted in business hours,
//! due, overdue, met or missed, and paused while the ticket waits on the customer.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use time::macros::datetime;
use uuid::Uuid;

use crate::harness::{Client, SseStream, TestApp, input_value};

/// The workspace's policies by name, in their order.
async fn policy_names(app: &TestApp, account_id: Uuid) -> Vec<String> {
    sqlx::query_scalar("select name from sla_policies where account_id = $1 order by position")
        .bind(account_id)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

async fn policy_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select id from sla_policies where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn create_policy(admin: &Client, fields: &[(&str, &str)]) {
    admin
        .post("/app/config/sla/new", fields)
        .await
        .assert_redirects_to("/app/config/sla");
}

#[sqlx::test]
async fn an_admin_sets_business_hours_and_holidays_and_reads_them_back(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let saved = admin
        .post(
            "/app/config/hours",
            &[
                ("mon_ranges", "09:00-12:00, 13:00-17:00"),
                ("fri_ranges", " 22:00 - 02:00 "),
                ("holidays", "2027-12-25\n2027-12-24\n2027-12-25"),
            ],
        )
        .await;
    saved.assert_redirects_to("/app/config/hours");
    let rows: Vec<(i16, i16, i16)> = sqlx::query_as(
        "select weekday, starts_at, ends_at from business_hours order by weekday, position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rows, [(0, 540, 720), (0, 780, 1020), (4, 1320, 120)]);
    assert_eq!(app.count("holidays").await, 2);
    let page = admin.get("/app/config/hours").await;
    assert!(page.body.contains("Business hours saved."));
    assert_eq!(
        input_value(&page.body, "mon_ranges").as_deref(),
        Some("09:00-12:00, 13:00-17:00")
    );
    assert_eq!(
        input_value(&page.body, "fri_ranges").as_deref(),
        Some("22:00-02:00")
    );
    assert!(page.body.contains("2027-12-24\n2027-12-25"));
    let audit = admin.get("/app/config/audit").await;
    assert!(audit.body.contains("Changed the business hours"));

    // Closing every day again: no hours, the desk counts around the clock.
    admin
        .post("/app/config/hours", &[])
        .await
        .assert_redirects_to("/app/config/hours");
    assert_eq!(app.count("business_hours").await, 0);
    assert_eq!(app.count("holidays").await, 0);
}

#[sqlx::test]
async fn hours_that_do_not_parse_come_back_with_what_was_typed(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post("/app/config/hours", &[("mon_ranges", "09:00-17:00")])
        .await
        .assert_redirects_to("/app/config/hours");
    for (field, value, message) in [
        ("tue_ranges", "9 to 5", "Write ranges as 09:00-17:00"),
        ("wed_ranges", "25:00-26:00", "Write ranges as 09:00-17:00"),
        (
            "thu_ranges",
            &["09:00-10:00"; 7].join(","),
            "At most 6 ranges a day.",
        ),
        ("holidays", "Christmas", "Write each holiday as a date"),
    ] {
        let page = admin
            .post(
                "/app/config/hours",
                &[("mon_ranges", "08:00-16:00"), (field, value)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(page.body.contains(message), "{field}: {}", page.body);
        assert_eq!(
            input_value(&page.body, "mon_ranges").as_deref(),
            Some("08:00-16:00")
        );
    }
    // Nothing half-saved: Monday keeps its hours.
    let rows: Vec<(i16, i16)> = sqlx::query_as("select starts_at, ends_at from business_hours")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, [(540, 1020)]);
}

#[sqlx::test]
async fn an_admin_creates_orders_edits_and_deletes_policies(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let support = app.department(&acme, "Support", &[]).await;
    let support = support.to_string();
    create_policy(
        &admin,
        &[
            ("name", "Urgent support"),
            ("priority", "urgent"),
            ("department", &support),
            ("first_response", "30"),
            ("resolution", "240"),
            ("business_hours", "on"),
        ],
    )
    .await;
    create_policy(&admin, &[("name", "Standard"), ("first_response", "480")]).await;
    assert_eq!(
        policy_names(&app, acme.account_id).await,
        ["Urgent support", "Standard"]
    );
    let list = admin.get("/app/config/sla").await;
    assert_eq!(
        list.texts("table.list tbody td.grow a"),
        ["Urgent support", "Standard"]
    );
    assert!(list.body.contains("Urgent · Support"), "{}", list.body);
    assert!(list.body.contains("Every ticket"));
    assert!(
        list.body
            .contains("First response: 30 min, Resolution: 4 h 0 min")
    );

    let standard = policy_id(&app, "Standard").await;
    admin
        .post(
            &format!("/app/config/sla/{standard}/move"),
            &[("direction", "up")],
        )
        .await
        .assert_redirects_to("/app/config/sla");
    assert_eq!(
        policy_names(&app, acme.account_id).await,
        ["Standard", "Urgent support"]
    );
    // At the top already: nothing moves.
    admin
        .post(
            &format!("/app/config/sla/{standard}/move"),
            &[("direction", "up")],
        )
        .await
        .assert_redirects_to("/app/config/sla");
    assert_eq!(
        policy_names(&app, acme.account_id).await,
        ["Standard", "Urgent support"]
    );
    let bad = admin
        .post(
            &format!("/app/config/sla/{standard}/move"),
            &[("direction", "sideways")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let form = admin.get(&format!("/app/config/sla/{standard}/edit")).await;
    assert_eq!(
        input_value(&form.body, "first_response").as_deref(),
        Some("480")
    );
    admin
        .post(
            &format!("/app/config/sla/{standard}/edit"),
            &[
                ("name", "Standard"),
                ("next_response", "120"),
                ("channel", "email"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/sla");
    let stored: (Option<i32>, Option<i32>, Option<String>) = sqlx::query_as(
        "select first_response, next_response, channel from sla_policies where id = $1",
    )
    .bind(standard)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stored, (None, Some(120), Some("email".to_owned())));

    admin
        .post(&format!("/app/config/sla/{standard}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/sla");
    assert_eq!(
        policy_names(&app, acme.account_id).await,
        ["Urgent support"]
    );
    let audit = admin.get("/app/config/audit").await;
    for entry in [
        "Created an SLA policy",
        "Changed an SLA policy",
        "Deleted an SLA policy",
    ] {
        assert!(audit.body.contains(entry), "{entry}");
    }
}

#[sqlx::test]
async fn policies_that_do_not_parse_are_refused_with_the_input_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let theirs = app.department(&globex, "Theirs", &[]).await.to_string();
    for (fields, message) in [
        (
            &[("name", "None"), ("first_response", "")][..],
            "Set at least one target.",
        ),
        (
            &[("name", "Zero"), ("first_response", "0")],
            "Enter whole minutes",
        ),
        (
            &[("name", "Decimal"), ("resolution", "1.5")],
            "Enter whole minutes",
        ),
        (&[("name", ""), ("resolution", "60")], "required"),
        (
            &[
                ("name", "Elsewhere"),
                ("department", &theirs),
                ("resolution", "60"),
            ],
            "",
        ),
        (
            &[
                ("name", "Odd"),
                ("priority", "whenever"),
                ("resolution", "60"),
            ],
            "",
        ),
    ] {
        let page = admin.post("/app/config/sla/new", fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(page.body.contains(message), "{fields:?}");
        assert_eq!(
            input_value(&page.body, "name").as_deref(),
            Some(fields[0].1),
            "the input is kept"
        );
    }
    assert_eq!(app.count("sla_policies").await, 0);

    // Another workspace's policy is not found, whatever is done to it.
    let globex_admin = app.logged_in(&globex, Role::Admin).await;
    create_policy(&globex_admin, &[("name", "Theirs"), ("resolution", "60")]).await;
    let id = policy_id(&app, "Theirs").await;
    assert_eq!(
        admin
            .status_of_get(&format!("/app/config/sla/{id}/edit"))
            .await,
        StatusCode::NOT_FOUND
    );
    for (path, fields) in [
        (
            format!("/app/config/sla/{id}/edit"),
            &[("name", "Mine"), ("resolution", "5")][..],
        ),
        (
            format!("/app/config/sla/{id}/move"),
            &[("direction", "down")],
        ),
        (format!("/app/config/sla/{id}/delete"), &[]),
    ] {
        assert_eq!(
            admin.post(&path, fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(policy_names(&app, globex.account_id).await, ["Theirs"]);
}

/// The clocks a ticket page shows: `(target, text)` per clock.
async fn clocks(agent: &Client, number: i64) -> Vec<String> {
    let page = agent.get(&format!("/app/tickets/{number}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.texts(".sla dd")
}

/// A customer writes on Monday at 16:30 to a desk open 09:00-17:00 on weekdays: the first
/// response (60 minutes of business hours) falls due on Tuesday at 09:30, is overdue at
/// 10:00, and a reply then misses it; waiting on the customer pauses the resolution clock.
#[sqlx::test]
async fn the_ticket_page_shows_clocks_counted_in_business_hours(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-03-01 16:30 UTC)).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let weekdays = "09:00-17:00";
    admin
        .post(
            "/app/config/hours",
            &[
                ("mon_ranges", weekdays),
                ("tue_ranges", weekdays),
                ("wed_ranges", weekdays),
                ("thu_ranges", weekdays),
                ("fri_ranges", weekdays),
            ],
        )
        .await
        .assert_redirects_to("/app/config/hours");
    // A policy for urgent tickets only does not apply to a normal one.
    create_policy(
        &admin,
        &[
            ("name", "Urgent"),
            ("priority", "urgent"),
            ("first_response", "5"),
        ],
    )
    .await;
    create_policy(
        &admin,
        &[
            ("name", "Office"),
            ("first_response", "60"),
            ("resolution", "480"),
            ("business_hours", "on"),
        ],
    )
    .await;
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Please")
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get("/app/tickets/1").await;
    assert!(
        page.body.contains("Office · business hours"),
        "{}",
        page.body
    );
    assert_eq!(
        clocks(&agent, 1).await,
        [
            "due in 17 h 0 min (Mar 2, 2027, 09:30)",
            "due in 1 d 0 h (Mar 2, 2027, 16:30)"
        ]
    );

    app.clock.set(datetime!(2027-03-02 10:00 UTC));
    assert_eq!(
        clocks(&agent, 1).await[0],
        "overdue by 30 min",
        "the first response ran out at 09:30"
    );
    agent
        .post("/app/tickets/1/reply", &[("body", "Sorry for the wait.")])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.clock.set(datetime!(2027-03-04 10:00 UTC));
    let shown = clocks(&agent, 1).await;
    assert_eq!(shown[0], "missed (Mar 2, 2027, 10:00)");
    // Half an hour on Monday, an hour on Tuesday; paused since the reply.
    assert_eq!(
        shown[1],
        "paused, 6 h 30 min left paused for 2 d 0 h in all"
    );

    // The customer writes again: the clock runs on from where it stood.
    let token: String = sqlx::query_scalar("select customer_token from tickets where number = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.client()
        .post(
            &format!("/help/acme/tickets/{token}"),
            &[("message", "Any news?")],
        )
        .await;
    let shown = clocks(&agent, 1).await;
    assert_eq!(
        shown[1],
        "due in 6 h 30 min (Mar 4, 2027, 16:30) paused for 2 d 0 h in all"
    );
}

#[sqlx::test]
async fn a_ticket_without_a_policy_shows_no_clocks(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Please")
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get("/app/tickets/1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts(".sla").is_empty());
}

/// `(number, due time, target)` of the workspace's tickets as stored.
async fn stored_due(app: &TestApp) -> Vec<(i64, Option<time::OffsetDateTime>, Option<String>)> {
    sqlx::query_as("select number, sla_due_at, sla_target from tickets order by number")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

/// Each ticket stores its next due time in the transaction of each change, and the queue
/// and the list show it, filter by it and sort by it.
#[sqlx::test]
async fn due_times_are_stored_with_each_change_and_the_lists_use_them(db: PgPool) {
    let start = datetime!(2027-03-01 10:00 UTC);
    let app = TestApp::spawn_at(db, start).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let customer = app.client();
    customer
        .contact("acme", "carla@example.com", "Before any policy", "Hello")
        .await;
    assert_eq!(stored_due(&app).await, [(1, None, None)]);

    // A new policy dates the tickets already there, in its own transaction.
    create_policy(
        &admin,
        &[
            ("name", "Fast"),
            ("first_response", "60"),
            ("resolution", "240"),
        ],
    )
    .await;
    assert_eq!(
        stored_due(&app).await,
        [(
            1,
            Some(datetime!(2027-03-01 11:00 UTC)),
            Some("first_response".to_owned())
        )]
    );
    app.clock.set(datetime!(2027-03-01 10:30 UTC));
    customer
        .contact("acme", "dora@example.com", "Second", "Hi")
        .await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    let list = agent.get("/app/tickets").await;
    let rows = list.rows("table.list tbody tr");
    assert!(
        rows[0]
            .join(" ")
            .contains("First response due in 1 h 0 min"),
        "{rows:?}"
    );
    assert!(
        rows[1].join(" ").contains("First response due in 30 min"),
        "{rows:?}"
    );
    // Due first: the older ticket leads.
    let due_first = agent.get("/app/tickets?sort=due").await;
    assert_eq!(
        due_first.texts("table.list tbody td.grow > a"),
        ["Before any policy", "Second"]
    );
    assert_eq!(
        agent
            .get("/app?sort=due")
            .await
            .texts("table.list tbody td.grow > a"),
        ["Before any policy", "Second"]
    );

    // An hour later the first is overdue and the second due within the hour.
    app.clock.set(datetime!(2027-03-01 11:10 UTC));
    let overdue = agent.get("/app/tickets?sla=breached").await;
    assert_eq!(
        overdue.texts("table.list tbody td.grow > a"),
        ["Before any policy"]
    );
    assert!(overdue.body.contains("First response overdue by 10 min"));
    let soon = agent.get("/app?sla=due_soon").await;
    assert_eq!(soon.texts("table.list tbody td.grow > a"), ["Second"]);

    // A reply answers the first; waiting on the customer, no clock runs.
    agent
        .post("/app/tickets/1/reply", &[("body", "Here you are.")])
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(stored_due(&app).await[0], (1, None, None));
    // Resolving the second stops its clocks too.
    let page = agent.get("/app/tickets/2").await;
    let seen = input_value(&page.body, "seen").unwrap_or_default();
    agent
        .post(
            "/app/tickets/2/properties",
            &[("status", "resolved"), ("seen", &seen)],
        )
        .await
        .assert_redirects_to("/app/tickets/2");
    assert_eq!(stored_due(&app).await[1], (2, None, None));

    // The customer of the first writes again: its resolution clock runs on (70 of its 240
    // minutes were spent before the reply).
    let token: String = sqlx::query_scalar("select customer_token from tickets where number = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.clock.set(datetime!(2027-03-02 09:00 UTC));
    customer
        .post(
            &format!("/help/acme/tickets/{token}"),
            &[("message", "Thanks, but…")],
        )
        .await;
    assert_eq!(
        stored_due(&app).await[0],
        (
            1,
            Some(datetime!(2027-03-02 11:50 UTC)),
            Some("resolution".to_owned())
        )
    );

    // Deleting the policy clears every due time.
    let id = policy_id(&app, "Fast").await;
    admin
        .post(&format!("/app/config/sla/{id}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/sla");
    assert!(
        stored_due(&app)
            .await
            .iter()
            .all(|(_, due, _)| due.is_none())
    );
}

/// A missed target is announced once, through the outbox, to the ticket's agents and the
/// admins, except to whoever switched those emails off.
#[sqlx::test]
async fn a_missed_target_is_announced_once(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-03-01 10:00 UTC)).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    create_policy(&admin, &[("name", "Fast"), ("first_response", "60")]).await;
    // The owner does not want these emails.
    let owner = app.logged_in(&acme, Role::Owner).await;
    owner
        .post(
            "/app/profile/notifications",
            &[("email_new_ticket", "on"), ("email_assigned", "on")],
        )
        .await
        .assert_redirects_to("/app/profile/notifications");
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Please")
        .await;
    app.drain_outbox().await;
    let before = app.mail.all().len();

    let notify = || frontdesk::sla::notify_breaches(&app.db, &app.config);
    assert_eq!(notify().await.unwrap(), 0, "not due yet");
    app.clock.set(datetime!(2027-03-01 11:01 UTC));
    assert_eq!(notify().await.unwrap(), 1);
    assert_eq!(notify().await.unwrap(), 0, "announced once");
    app.drain_outbox().await;
    let announced: Vec<_> = app.mail.all()[before..]
        .iter()
        .filter(|mail| mail.subject.starts_with("SLA missed"))
        .map(|mail| (mail.to.clone(), mail.subject.clone()))
        .collect();
    let mut recipients: Vec<&str> = announced.iter().map(|(to, _)| to.as_str()).collect();
    recipients.sort_unstable();
    let mut expected = vec![
        acme.person(Role::Admin).email.as_str(),
        acme.person(Role::Agent).email.as_str(),
    ];
    expected.sort_unstable();
    assert_eq!(recipients, expected, "{announced:?}");
    assert_eq!(announced[0].1, "SLA missed: #1 Refund");
    let text = app
        .mail
        .all()
        .into_iter()
        .find(|mail| mail.subject.starts_with("SLA missed"))
        .unwrap()
        .text;
    assert!(text.contains("missed its First response target"), "{text}");
}

/// The figures of the SLA columns of table `id`, for the row that starts with `label`:
/// first responses and resolutions within their targets, and targets missed.
fn sla_cells(page: &crate::harness::Page, id: &str, label: &str) -> [String; 3] {
    let headers = page.texts(&format!("#{id} thead th"));
    let rows = page.rows(&format!("#{id} tbody tr, #{id} tfoot tr"));
    let row = rows
        .iter()
        .find(|row| row[0].starts_with(label))
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"));
    [
        "First responses within the SLA",
        "Resolutions within the SLA",
        "SLA targets missed",
    ]
    .map(|header| {
        let column = headers.iter().position(|h| h == header).unwrap();
        row[column].clone()
    })
}

#[sqlx::test]
async fn reports_count_targets_met_and_missed_for_whoever_answered(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-03-01 10:00 UTC)).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    create_policy(
        &admin,
        &[
            ("name", "Fast"),
            ("first_response", "60"),
            ("resolution", "240"),
        ],
    )
    .await;
    for subject in ["One", "Two"] {
        app.client()
            .contact("acme", "carla@example.com", subject, "Please")
            .await;
    }
    let notify = || frontdesk::sla::notify_breaches(&app.db, &app.config);
    // Ticket 1: answered in 30 minutes (met), then open again, its resolution clock
    // running from 30 minutes spent.
    app.clock.set(datetime!(2027-03-01 10:30 UTC));
    admin
        .post("/app/tickets/1/reply", &[("body", "On it.")])
        .await
        .assert_redirects_to("/app/tickets/1");
    app.clock.set(datetime!(2027-03-01 10:31 UTC));
    admin
        .post("/app/tickets/1/properties", &[("status", "open")])
        .await
        .assert_redirects_to("/app/tickets/1");
    // Ticket 2 misses its first response while nobody has it; the agent answers late.
    app.clock.set(datetime!(2027-03-01 11:01 UTC));
    assert_eq!(notify().await.unwrap(), 1);
    app.clock.set(datetime!(2027-03-01 11:30 UTC));
    agent
        .post("/app/tickets/2/reply", &[("body", "Sorry.")])
        .await
        .assert_redirects_to("/app/tickets/2");
    // Ticket 1 misses its resolution (due 14:01) with the admin, who resolves it at 15:00.
    app.clock.set(datetime!(2027-03-01 14:05 UTC));
    assert_eq!(notify().await.unwrap(), 1);
    app.clock.set(datetime!(2027-03-01 15:00 UTC));
    admin
        .post("/app/tickets/1/properties", &[("status", "resolved")])
        .await
        .assert_redirects_to("/app/tickets/1");
    assert_eq!(app.count("sla_results").await, 3);
    assert_eq!(app.count("sla_breaches").await, 2);

    let range = "period=day&from=2027-03-01&to=2027-03-01";
    let team = admin.get(&format!("/app/reports?{range}")).await;
    assert_eq!(team.status, StatusCode::OK, "{}", team.body);
    assert_eq!(sla_cells(&team, "buckets", "Total"), ["50%", "0%", "2"]);
    assert_eq!(
        sla_cells(&team, "agents", "admin of acme"),
        ["100%", "0%", "1"]
    );
    assert_eq!(
        sla_cells(&team, "agents", "agent of acme"),
        ["0%", "–", "0"]
    );
    let own = agent.get(&format!("/app/reports/me?{range}")).await;
    assert_eq!(sla_cells(&own, "buckets", "Total"), ["0%", "–", "0"]);
    let csv = admin.get(&format!("/app/reports?{range}&format=csv")).await;
    let header = csv.body.lines().next().unwrap();
    assert!(
        header.contains(
            "First responses within the SLA,Resolutions within the SLA,SLA targets missed"
        ),
        "{header}"
    );
}

#[sqlx::test]
async fn a_missed_target_rings_in_the_panels_of_whom_it_concerns(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-03-01 10:00 UTC)).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    create_policy(&admin, &[("name", "Fast"), ("resolution", "60")]).await;
    // The owner keeps every sound but this one.
    owner
        .post(
            "/app/profile/notifications",
            &[("sound_new_ticket", "on"), ("sound_new_message", "on")],
        )
        .await
        .assert_redirects_to("/app/profile/notifications");
    app.client()
        .contact("acme", "carla@example.com", "Refund", "Please")
        .await;
    let admin_id = acme.person(Role::Admin).id.to_string();
    admin
        .post("/app/tickets/1/properties", &[("assignee", &admin_id)])
        .await
        .assert_redirects_to("/app/tickets/1");

    let mut streams = Vec::new();
    for client in [&admin, &agent, &owner] {
        let url = format!("{}/app/events", app.base_url);
        let cookie = client.session_cookie().unwrap();
        let mut stream = SseStream::open(&url, &[("cookie", &cookie)]).await;
        let hello = stream.next().await;
        assert_eq!(hello.data["kind"], "hello");
        streams.push((stream, hello.data["sounds"].clone()));
    }
    assert!(
        streams[0]
            .1
            .as_array()
            .unwrap()
            .contains(&"sla_breached".into()),
        "{}",
        streams[0].1
    );
    app.clock.set(datetime!(2027-03-01 11:01 UTC));
    assert_eq!(
        frontdesk::sla::notify_breaches(&app.db, &app.config)
            .await
            .unwrap(),
        1
    );
    // The assignee is rung; the agent who only sees the ticket is not; the owner (an
    // admin too) switched this sound off.
    let mut heard = Vec::new();
    for (stream, _) in &mut streams {
        let event = stream.next().await;
        assert_eq!(event.data["kind"], "sla_breached");
        heard.push(event.data["sound"].clone());
    }
    assert_eq!(
        heard,
        [
            serde_json::json!("sla_breached"),
            serde_json::Value::Null,
            serde_json::Value::Null
        ]
    );
}
