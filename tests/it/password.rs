//! `/app/password`: an agent changes their own password.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{PASSWORD, TestApp};

const NEW_PASSWORD: &str = "a fresh passphrase of mine";

#[sqlx::test]
async fn changing_the_password_ends_the_other_sessions_only(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let here = app.logged_in(&acme, Role::Agent).await;
    let elsewhere = app.logged_in(&acme, Role::Agent).await;

    assert!(
        here.get("/app/password")
            .await
            .body
            .contains("Change your password")
    );
    let page = here
        .post(
            "/app/password",
            &[("current_password", PASSWORD), ("password", NEW_PASSWORD)],
        )
        .await;
    page.assert_redirects_to("/app");
    let home = here.get("/app").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Your password was changed."));
    assert_eq!(elsewhere.get("/app").await.status, StatusCode::SEE_OTHER);

    app.assert_password_changed("acme", "agent@acme.test", NEW_PASSWORD, PASSWORD)
        .await;
}

#[sqlx::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Admin).await;
    let cases = [
        (
            "not my password",
            NEW_PASSWORD,
            "current_password",
            "This is not your current password.",
        ),
        (PASSWORD, "short", "password", "Use at least 10 characters."),
        (
            PASSWORD,
            "admin@acme.test",
            "password",
            "cannot be your email address",
        ),
        (PASSWORD, "password1234", "password", "too common"),
        (
            PASSWORD,
            PASSWORD,
            "password",
            "other than your current one",
        ),
    ];
    for (current, new, field, message) in cases {
        let page = client
            .post(
                "/app/password",
                &[("current_password", current), ("password", new)],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(page.body.contains(message), "{message}");
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{message}"
        );
        assert!(
            !page.body.contains(current),
            "{message}: a password was echoed"
        );
    }
    app.client()
        .log_in("acme", "admin@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn guessing_the_current_password_is_throttled_like_logins(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Agent).await;
    for _ in 0..10 {
        let page = client
            .post(
                "/app/password",
                &[
                    ("current_password", "a guess, wrong"),
                    ("password", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = client
        .post(
            "/app/password",
            &[("current_password", PASSWORD), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test]
async fn the_right_current_password_with_a_weak_new_one_is_no_failed_guess(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Agent).await;
    for _ in 0..12 {
        let page = client
            .post(
                "/app/password",
                &[("current_password", PASSWORD), ("password", "short")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    client
        .post(
            "/app/password",
            &[("current_password", PASSWORD), ("password", NEW_PASSWORD)],
        )
        .await
        .assert_redirects_to("/app");
}
