//! The app's clock is the one "now" of every rule, in Rust and in SQL (`app_now()`): with
//! the clock fixed long before the day the test runs, postponements, the free plan's 7
//! days, invitations and the login's lifetime all count from the clock's time.
use reqwest::StatusCode;
use sqlx::PgPool;
use time::{Duration, macros::datetime};

use crate::harness::{Client, TestApp};
use frontdesk::auth::Role;

/// A day every run of the suite has left behind.
const LONG_AGO: time::OffsetDateTime = datetime!(2025-01-10 09:00 UTC);

async fn ticket_number(app: &TestApp, subject: &str) -> i64 {
    sqlx::query_scalar("select number from tickets where subject = $1")
        .bind(subject)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn postpone(owner: &Client, number: i64, day: &str) -> crate::harness::Page {
    owner
        .post(
            &format!("/app/tickets/{number}/properties"),
            &[
                ("status", "postponed"),
                ("priority", "normal"),
                ("type", "other"),
                ("department", ""),
                ("assignee", ""),
                ("postponed_until", day),
            ],
        )
        .await
}

#[sqlx::test]
async fn postponements_and_the_free_plans_window_count_from_the_apps_clock(db: PgPool) {
    let app = TestApp::spawn_at(db, LONG_AGO).await;
    let acme = app.workspace("acme").await;
    app.client()
        .contact("acme", "carla@example.com", "Parcel lost", "Where is it?")
        .await;
    let number = ticket_number(&app, "Parcel lost").await;
    let created: time::OffsetDateTime =
        sqlx::query_scalar("select created_at from tickets where number = $1")
            .bind(number)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(created, LONG_AGO, "rows are stamped by the app's clock");

    let owner = app.logged_in(&acme, Role::Owner).await;
    let list = owner.get("/app/tickets").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Parcel lost"), "{}", list.body);

    // Two days after the clock's today, though long before the day the test runs.
    postpone(&owner, number, "2025-01-12")
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
    let refused = postpone(&owner, number, "2025-01-10").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose a day after today."));

    // Six days on the ticket is listed; eight days on the free plan's lists hide it.
    app.clock.set(LONG_AGO + Duration::days(6));
    assert!(owner.get("/app/tickets").await.body.contains("Parcel lost"));
    app.clock.set(LONG_AGO + Duration::days(8));
    let owner = app.logged_in(&acme, Role::Owner).await;
    let list = owner.get("/app/tickets").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body
            .contains("On the free plan, lists show the tickets of the last 7 days")
    );
    assert!(!list.body.contains("Parcel lost"), "{}", list.body);
}

#[sqlx::test]
async fn invitations_and_logins_expire_by_the_apps_clock(db: PgPool) {
    let app = TestApp::spawn_at(db, LONG_AGO).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post(
            "/app/config/agents/new",
            &[
                ("name", "Late Larry"),
                ("email", "larry@example.com"),
                ("role", "agent"),
                ("gender", "unspecified"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    let invitation = app.mail.wait_for("larry@example.com").await;
    let password = invitation
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Password: "))
        .unwrap()
        .trim()
        .to_owned();

    // A login lasts seven days from its start, by the clock.
    app.clock
        .set(LONG_AGO + Duration::days(7) - Duration::minutes(1));
    assert_eq!(admin.get("/app").await.status, StatusCode::OK);
    app.clock
        .set(LONG_AGO + Duration::days(7) + Duration::minutes(1));
    admin
        .get("/app")
        .await
        .assert_redirects_to("/login?next=%2Fapp");

    // So does the invitation's password.
    let expired = app
        .client()
        .log_in("acme", "larry@example.com", &password)
        .await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.body.contains("This invitation has expired"));
}
