//! Reports against a fixed scenario: tickets written, answered, postponed and resolved
//! through the real routes, each step then moved to a known moment around New York's change
//! to daylight-saving time (2026-03-08, 02:00 EST -> 03:00 EDT), so that every figure of
//! every period is known exactly.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use scraper::{ElementRef, Html, Selector};
use sqlx::PgPool;
use time::{OffsetDateTime, macros::datetime};
use uuid::Uuid;

use crate::harness::{Client, TestApp, Workspace};

/// Gives the rows the last step wrote (messages and tickets written in the last minutes;
/// every earlier step was moved to March) the moment `at`.
async fn happened_at(app: &TestApp, at: OffsetDateTime) {
    for table in ["messages", "tickets"] {
        sqlx::query(&format!(
            "update {table} set created_at = $1 where created_at > now() - interval '10 minutes'"
        ))
        .bind(at)
        .execute(&app.db)
        .await
        .unwrap();
    }
}

async fn customer_token(app: &TestApp, workspace: &Workspace, number: i64) -> String {
    sqlx::query_scalar("select customer_token from tickets where account_id = $1 and number = $2")
        .bind(workspace.account_id)
        .bind(number)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn set_properties(client: &Client, number: i64, fields: &[(&str, &str)]) {
    client
        .post(&format!("/app/tickets/{number}/properties"), fields)
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
}

async fn reply(client: &Client, number: i64, body: &str) {
    client
        .post(&format!("/app/tickets/{number}/reply"), &[("body", body)])
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
}

struct Scenario {
    workspace: Workspace,
    support: Uuid,
    /// Works ticket 1 in Support.
    agent: Client,
    /// Answers ticket 2, by email.
    admin: Client,
    owner: Client,
}

/// In New York time:
/// - Fri 03-06 09:00 EST: Carla writes in by the contact form (ticket 1, refund).
/// - 09:05 the agent moves it to Support; 10:30 replies (first response 1 h 30 min, and the
///   reply assigns it to them); 10:40 adds a note; 11:00 postpones it.
/// - Sun 03-08 11:00 EDT: Carla writes again, which reopens it: postponed for 47 hours.
/// - 12:00 the agent resolves it: 50 hours after it was opened, 3 of them not postponed.
/// - Sun 03-08 23:30 EDT (03:30 UTC on the 9th): Eve emails (ticket 2, no department).
/// - Mon 03-09 00:30 EDT: the admin replies (first response 1 hour).
///
/// Another workspace does the same things at the same moments.
async fn scenario(app: &TestApp, slug: &str) -> Scenario {
    let workspace = app.workspace(slug).await;
    let agent = app.logged_in(&workspace, Role::Agent).await;
    let admin = app.logged_in(&workspace, Role::Admin).await;
    let owner = app.logged_in(&workspace, Role::Owner).await;
    let support = app
        .department(&workspace, "Support", &[workspace.person(Role::Agent).id])
        .await;
    let support_id = support.to_string();
    owner
        .post(
            "/app/config/settings",
            &[
                ("company", "Acme"),
                ("support_address", ""),
                ("time_zone", "America/New_York"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/settings");

    let carla = app.client();
    let page = carla
        .contact(
            slug,
            "carla@example.com",
            "Refund please",
            "Where is my refund?",
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    happened_at(app, datetime!(2026-03-06 14:00 UTC)).await;
    set_properties(&agent, 1, &[("department", &support_id)]).await;
    happened_at(app, datetime!(2026-03-06 14:05 UTC)).await;
    reply(&agent, 1, "It is on its way.").await;
    happened_at(app, datetime!(2026-03-06 15:30 UTC)).await;
    agent
        .post("/app/tickets/1/note", &[("body", "Bank transfer pending.")])
        .await
        .assert_redirects_to("/app/tickets/1");
    happened_at(app, datetime!(2026-03-06 15:40 UTC)).await;
    set_properties(
        &agent,
        1,
        &[("status", "postponed"), ("postponed_until", "2999-01-01")],
    )
    .await;
    happened_at(app, datetime!(2026-03-06 16:00 UTC)).await;
    let token = customer_token(app, &workspace, 1).await;
    let page = carla
        .post(
            &format!("/help/{slug}/tickets/{token}"),
            &[("message", "Still nothing.")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    happened_at(app, datetime!(2026-03-08 15:00 UTC)).await;
    set_properties(&agent, 1, &[("status", "resolved")]).await;
    happened_at(app, datetime!(2026-03-08 16:00 UTC)).await;

    let raw = format!(
        "From: Eve <eve@example.com>\r\nTo: help@{slug}.test\r\nSubject: Export broken\r\n\
         Message-ID: <export-{slug}@example.com>\r\n\r\nThe export is broken.\r\n"
    );
    let page = workspace.deliver(app, raw).await;
    assert!(page.status.is_success(), "{}", page.body);
    happened_at(app, datetime!(2026-03-09 03:30 UTC)).await;
    reply(&admin, 2, "Fixed now.").await;
    happened_at(app, datetime!(2026-03-09 04:30 UTC)).await;
    Scenario {
        workspace,
        support,
        agent,
        admin,
        owner,
    }
}

/// Each row of table `id` (body, then footer): `read` of each cell that `cells` selects.
fn rows_of(html: &str, id: &str, cells: &str, read: fn(ElementRef) -> String) -> Vec<Vec<String>> {
    let document = Html::parse_document(html);
    let rows = Selector::parse(&format!("#{id} tbody tr, #{id} tfoot tr")).unwrap();
    let cells = Selector::parse(cells).unwrap();
    document
        .select(&rows)
        .map(|row| row.select(&cells).map(read).collect())
        .collect()
}

/// The rows of table `id`: each row's header cell, then its cells' text.
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    rows_of(html, id, "th, td", |cell| {
        cell.text().collect::<String>().trim().to_owned()
    })
}

/// The `data-seconds` of the cells of table `id`, row by row (empty where none).
fn seconds(html: &str, id: &str) -> Vec<Vec<String>> {
    rows_of(html, id, "td", |cell| {
        cell.value().attr("data-seconds").unwrap_or("").to_owned()
    })
}

fn row<'a>(rows: &'a [Vec<String>], label: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row[0].starts_with(label))
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
}

const DAYS: &str = "period=day&from=2026-03-06&to=2026-03-09";

#[sqlx::test]
async fn an_agents_days_count_their_own_work_in_the_workspaces_time_zone(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;

    let page = acme.agent.get(&format!("/app/reports/me?{DAYS}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg"));
    let rows = table(&page.body, "buckets");
    // Day, replies, notes, assigned, resolved, first response median and p90, resolution
    // median and p90, chats accepted and their time to accept, calls answered and their time
    // to answer, the shares within the SLA and the targets missed (no policy here): an
    // empty day shows zeros and dashes.
    assert_eq!(
        rows,
        [
            [
                "2026-03-06",
                "1",
                "1",
                "1",
                "0",
                "1 h 30 min",
                "1 h 30 min",
                "–",
                "–",
                "0",
                "–",
                "0",
                "–",
                "–",
                "–",
                "0",
            ],
            [
                "2026-03-07",
                "0",
                "0",
                "0",
                "0",
                "–",
                "–",
                "–",
                "–",
                "0",
                "–",
                "0",
                "–",
                "–",
                "–",
                "0",
            ],
            [
                "2026-03-08",
                "0",
                "0",
                "0",
                "1",
                "–",
                "–",
                "3 h 0 min",
                "3 h 0 min",
                "0",
                "–",
                "0",
                "–",
                "–",
                "–",
                "0",
            ],
            [
                "2026-03-09",
                "0",
                "0",
                "0",
                "0",
                "–",
                "–",
                "–",
                "–",
                "0",
                "–",
                "0",
                "–",
                "–",
                "–",
                "0",
            ],
            [
                "Total",
                "1",
                "1",
                "1",
                "1",
                "1 h 30 min",
                "1 h 30 min",
                "3 h 0 min",
                "3 h 0 min",
                "0",
                "–",
                "0",
                "–",
                "–",
                "–",
                "0",
            ],
        ]
    );
    assert_eq!(seconds(&page.body, "buckets")[0][4], "5400");
    assert_eq!(seconds(&page.body, "buckets")[2][6], "10800");

    // The admin's report has only the admin's reply, on the local Monday.
    let page = acme.admin.get(&format!("/app/reports/me?{DAYS}")).await;
    let rows = table(&page.body, "buckets");
    assert_eq!(row(&rows, "2026-03-06")[1..5], ["0", "0", "0", "0"]);
    assert_eq!(
        row(&rows, "2026-03-09")[1..7],
        ["1", "0", "1", "0", "1 h 0 min", "1 h 0 min"]
    );
}

#[sqlx::test]
async fn weeks_months_and_hours_cut_the_same_work(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;

    let page = acme
        .agent
        .get("/app/reports/me?period=week&from=2026-03-01&to=2026-03-15")
        .await;
    let rows = table(&page.body, "buckets");
    let weeks: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(weeks, ["2026-02-23", "2026-03-02", "2026-03-09", "Total"]);
    // Friday the 6th and Sunday the 8th are one week (from Monday the 2nd).
    assert_eq!(row(&rows, "2026-03-02")[1..5], ["1", "1", "1", "1"]);

    let page = acme
        .agent
        .get("/app/reports/me?period=month&from=2026-02-01&to=2026-04-30")
        .await;
    let rows = table(&page.body, "buckets");
    assert_eq!(row(&rows, "2026-02")[1..5], ["0", "0", "0", "0"]);
    assert_eq!(row(&rows, "2026-03")[1..5], ["1", "1", "1", "1"]);
    assert_eq!(row(&rows, "2026-04")[1..5], ["0", "0", "0", "0"]);

    // The day clocks go forward has 23 hours; the agent resolved at noon local time.
    let page = acme
        .agent
        .get("/app/reports/me?period=hour&from=2026-03-08&to=2026-03-08")
        .await;
    let rows = table(&page.body, "buckets");
    assert_eq!(rows.len(), 23 + 1);
    assert!(!rows.iter().any(|row| row[0] == "2026-03-08 02:00"));
    assert_eq!(row(&rows, "2026-03-08 12:00")[4], "1");
    assert_eq!(row(&rows, "2026-03-08 11:00")[4], "0");

    // The day they go back has 25, its repeated hour named with its offset.
    let page = acme
        .owner
        .get("/app/reports?period=hour&from=2026-11-01&to=2026-11-01")
        .await;
    let rows = table(&page.body, "buckets");
    assert_eq!(rows.len(), 25 + 1);
    row(&rows, "2026-11-01 01:00 (UTC-04:00)");
    row(&rows, "2026-11-01 01:00 (UTC-05:00)");
}

#[sqlx::test]
async fn the_team_report_shows_agents_departments_channels_types_and_hours(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;
    // The same work in another workspace changes nothing here.
    scenario(&app, "other").await;

    let page = acme.owner.get(&format!("/app/reports?{DAYS}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let rows = table(&page.body, "buckets");
    // Day, new tickets, customer messages, then the work columns.
    assert_eq!(row(&rows, "2026-03-06")[1..6], ["1", "1", "1", "1", "1"]);
    assert_eq!(row(&rows, "2026-03-07")[1..6], ["0", "0", "0", "0", "0"]);
    // Sunday the 8th, local: Carla's second message, Eve's email (03:30 UTC on the 9th).
    assert_eq!(
        row(&rows, "2026-03-08")[1..7],
        ["1", "2", "0", "0", "0", "1"]
    );
    assert_eq!(row(&rows, "2026-03-09")[1..6], ["0", "0", "1", "0", "1"]);
    assert_eq!(
        row(&rows, "Total")[1..11],
        [
            "2",
            "3",
            "2",
            "1",
            "2",
            "1",
            "1 h 15 min",
            "1 h 27 min",
            "3 h 0 min",
            "3 h 0 min"
        ]
    );

    let agents = table(&page.body, "agents");
    assert_eq!(agents.len(), 3, "owner, admin and agent: {agents:?}");
    assert_eq!(row(&agents, "agent of acme")[1..5], ["1", "1", "1", "1"]);
    assert_eq!(row(&agents, "admin of acme")[1..5], ["1", "0", "1", "0"]);
    assert_eq!(row(&agents, "owner of acme")[1..5], ["0", "0", "0", "0"]);
    let agent_id = acme.workspace.person(Role::Agent).id;
    assert!(
        page.body
            .contains(&format!("href=\"/app/reports/agents/{agent_id}\""))
    );

    let departments = table(&page.body, "departments");
    assert_eq!(row(&departments, "Support")[1..5], ["1", "1", "1", "1"]);
    assert_eq!(
        row(&departments, "No department")[1..5],
        ["1", "0", "1", "0"]
    );

    let channels = table(&page.body, "channels");
    assert_eq!(row(&channels, "Email")[1], "1");
    assert_eq!(row(&channels, "Contact form")[1], "1");
    let types = table(&page.body, "types");
    assert_eq!(row(&types, "Refund")[1], "1");
    assert_eq!(row(&types, "Other")[1], "1");

    // Customers wrote Friday 09:00, Sunday 11:00 and Sunday 23:00, local time.
    let hours = table(&page.body, "hours");
    assert_eq!(hours[4][0], "Fri");
    assert_eq!(hours[4][1 + 9], "1");
    assert_eq!(hours[6][1 + 11], "1");
    assert_eq!(hours[6][1 + 23], "1");
    let all: i64 = hours
        .iter()
        .flat_map(|day| day[1..].iter())
        .map(|count| count.parse::<i64>().unwrap())
        .sum();
    assert_eq!(all, 3);

    // One department: its own tickets' work only.
    let page = acme
        .owner
        .get(&format!("/app/reports?{DAYS}&department={}", acme.support))
        .await;
    let total = table(&page.body, "buckets");
    // Carla's first message came before the ticket moved to Support.
    assert_eq!(row(&total, "Total")[1..7], ["0", "1", "1", "1", "1", "1"]);
    assert_eq!(table(&page.body, "departments").len(), 1);
}

#[sqlx::test]
async fn the_csv_has_what_the_page_shows(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;

    for (client, path) in [
        (&acme.agent, "/app/reports/me"),
        (&acme.owner, "/app/reports"),
    ] {
        let page = client.get(&format!("{path}?{DAYS}")).await;
        let csv = client.get(&format!("{path}?{DAYS}&format=csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        assert!(csv.header("content-disposition").contains(".csv"));
        let lines: Vec<Vec<String>> = csv
            .body
            .lines()
            .map(|line| line.split(',').map(str::to_owned).collect())
            .collect();
        // The team's CSV starts with a section column, and has its total after the
        // agents' and departments' rows.
        let skip = usize::from(path == "/app/reports");
        let shown = table(&page.body, "buckets");
        let shown_seconds = seconds(&page.body, "buckets");
        let (total, buckets) = shown.split_last().unwrap();
        let total_line = lines
            .iter()
            .find(|line| line[0] == "Total")
            .expect("a total line");
        // (cells shown, their seconds, the CSV's figures of the same row)
        let mut compared = Vec::new();
        for (index, cells) in buckets.iter().enumerate() {
            let line = &lines[1 + index][skip..];
            assert_eq!(line[0], cells[0]);
            compared.push((cells, &shown_seconds[index], &line[1..]));
        }
        compared.push((
            total,
            shown_seconds.last().unwrap(),
            &total_line[1 + skip..],
        ));
        for (cells, seconds, figures) in compared {
            for (column, text) in cells[1..].iter().enumerate() {
                let expected = match (seconds[column].as_str(), text.as_str()) {
                    ("", "–") => "",
                    ("", count) => count,
                    (seconds, _) => seconds,
                };
                assert_eq!(
                    figures[column], expected,
                    "{path} {} column {column}",
                    cells[0]
                );
            }
        }
    }
}

#[sqlx::test]
async fn agents_see_only_their_own_work_and_never_the_team(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;
    let other = scenario(&app, "other").await;
    let admin_id = acme.workspace.person(Role::Admin).id;

    let page = acme.agent.get(&format!("/app/reports?{DAYS}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = acme
        .agent
        .get(&format!("/app/reports/agents/{admin_id}"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // An admin reads an agent's report; the other workspace's admin can't.
    let agent_id = acme.workspace.person(Role::Agent).id;
    let page = acme
        .admin
        .get(&format!("/app/reports/agents/{agent_id}?{DAYS}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Work of agent of acme"));
    assert_eq!(
        row(&table(&page.body, "buckets"), "Total")[1..5],
        ["1", "1", "1", "1"]
    );
    let page = other
        .admin
        .get(&format!("/app/reports/agents/{agent_id}?{DAYS}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = acme.admin.get("/app/reports/agents/not-an-id").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Owners read it too; a visitor who is not logged in is sent to log in.
    let path = format!("/app/reports/agents/{agent_id}?{DAYS}");
    assert_eq!(acme.owner.get(&path).await.status, StatusCode::OK);
    let page = app.client().get(&path).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login?next="));
}

#[sqlx::test]
async fn a_deleted_agent_keeps_a_marked_row_while_their_work_is_in_range(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = scenario(&app, "acme").await;
    let agent_id = acme.workspace.person(Role::Agent).id;
    acme.owner
        .post(&format!("/app/config/agents/{agent_id}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/agents");

    let page = acme.owner.get(&format!("/app/reports?{DAYS}")).await;
    let agents = table(&page.body, "agents");
    assert_eq!(row(&agents, "agent of acme")[0], "agent of acme deleted");
    // A range without their work has no row for them.
    let page = acme
        .owner
        .get("/app/reports?period=day&from=2026-04-01&to=2026-04-02")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let agents = table(&page.body, "agents");
    assert_eq!(row(&agents, "admin of acme")[0], "admin of acme");
    assert!(!agents.iter().any(|row| row[0].starts_with("agent of acme")));
}

#[sqlx::test]
async fn mistakes_in_the_query_are_named_and_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;

    for (query, message) in [
        ("period=minute", "Choose one of the options offered."),
        (
            "from=2026-03-10&to=2026-03-01",
            "The start of the range is after its end.",
        ),
        ("from=03/01/2026", "Enter a date as YYYY-MM-DD."),
        ("period=hour&from=2026-01-01&to=2026-06-30", "too many rows"),
        ("from=2020-01-01&to=2026-01-01", "three years at most"),
        ("format=pdf", "The only export format is csv."),
        (
            "department=00000000-0000-0000-0000-000000000000",
            "There is no such department.",
        ),
    ] {
        let page = owner.get(&format!("/app/reports?{query}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(page.body.contains(message), "{query}: {}", page.body);
        assert!(!page.body.contains("id=\"buckets\""), "{query}");
    }
    let page = owner.get("/app/reports/me?from=03/01/2026").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("value=\"03/01/2026\""));

    // An unknown time zone is refused and nothing changes.
    let page = owner
        .post(
            "/app/config/settings",
            &[("company", "Acme"), ("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Choose a time zone from the list."));
    let zone: String = sqlx::query_scalar("select time_zone from accounts where id = $1")
        .bind(acme.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(zone, "UTC");
}
