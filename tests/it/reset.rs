//! The password-reset flow end to end, with the email read from a real SMTP server.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{PASSWORD, TestApp};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Asks for a reset of `email` in acme, as the forgot-password form does.
async fn ask_for_reset(app: &TestApp, email: &str) {
    let client = app.client();
    let form = client.get("/password/forgot").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"email\""));
    client
        .post(
            "/password/forgot",
            &[("workspace", "acme"), ("email", email)],
        )
        .await
        .assert_redirects_to("/login");
}

/// Asks for a reset of `email` in acme and returns the link from the email.
async fn reset_link(app: &TestApp, email: &str) -> String {
    ask_for_reset(app, email).await;
    let mail = app.mail.wait_for(email).await;
    let prefix = format!("{}/password/reset/", app.base_url);
    let start = mail.text.find(&prefix).expect("a reset link in the text");
    mail.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[sqlx::test]
async fn a_forgotten_password_is_reset_by_the_emailed_link(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let elsewhere = app.logged_in(&acme, Role::Agent).await;

    let link = reset_link(&app, "agent@acme.test").await;
    let mail = app.mail.wait_for("agent@acme.test").await;
    assert_eq!(mail.subject, "Reset your Frontdesk password");
    assert!(mail.text.contains("Hello agent of acme,"));
    assert!(mail.html.contains(&link));

    let client = app.client();
    let path = link.trim_start_matches(&app.base_url);
    let form = client.get(path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Choose a new password"));

    let page = client.post(path, &[("password", NEW_PASSWORD)]).await;
    page.assert_redirects_to("/login?workspace=acme");
    assert!(
        client
            .get("/login?workspace=acme")
            .await
            .body
            .contains("Your password was changed.")
    );

    app.assert_password_changed("acme", "agent@acme.test", NEW_PASSWORD, PASSWORD)
        .await;

    // The reset ended the sessions that were open before it.
    assert_eq!(elsewhere.get("/app").await.status, StatusCode::SEE_OTHER);

    // The link works once.
    let again = app.client().get(path).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.body.contains("This link is no longer valid."));
    let again = app
        .client()
        .post(path, &[("password", "yet another passphrase")])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn the_answer_is_the_same_for_an_unknown_address_and_no_mail_goes_out(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    let page = client
        .post(
            "/password/forgot",
            &[("workspace", "acme"), ("email", "nobody@acme.test")],
        )
        .await;
    page.assert_redirects_to("/login");
    ask_for_reset(&app, "owner@acme.test").await;
    assert!(
        client
            .get("/login")
            .await
            .body
            .contains("If that address belongs to an account")
    );

    app.mail.wait_for("owner@acme.test").await;
    let outbox: Vec<String> = sqlx::query_scalar("select to_address from outbox")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(outbox, vec!["owner@acme.test".to_owned()]);
}

#[sqlx::test]
async fn an_expired_or_unknown_link_is_a_404_page(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let link = reset_link(&app, "admin@acme.test").await;
    sqlx::query("update password_resets set expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    let path = link.trim_start_matches(&app.base_url);
    for path in [path, "/password/reset/not-a-real-token"] {
        let page = app.client().get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("This link is no longer valid."));
    }
}

#[sqlx::test]
async fn a_weak_new_password_is_refused_and_the_link_still_works(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let link = reset_link(&app, "admin@acme.test").await;
    let path = link.trim_start_matches(&app.base_url);
    let client = app.client();
    for (password, message) in [
        ("short", "Use at least 10 characters."),
        ("admin@acme.test", "cannot be your email address"),
        ("1234567890", "too common"),
    ] {
        let page = client.post(path, &[("password", password)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains(message), "{message}");
    }
    client
        .post(path, &[("password", NEW_PASSWORD)])
        .await
        .assert_redirects_to("/login?workspace=acme");
}

#[sqlx::test]
async fn reset_emails_to_one_address_are_capped_per_hour(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    for _ in 0..5 {
        ask_for_reset(&app, "agent@acme.test").await;
    }
    let queued = app.count("outbox").await;
    assert_eq!(queued, 3);
}

#[sqlx::test]
async fn a_reset_uses_up_every_other_open_link_of_the_agent(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let first = reset_link(&app, "admin@acme.test").await;
    ask_for_reset(&app, "admin@acme.test").await;
    let open = app.count("password_resets where used_at is null").await;
    assert_eq!(open, 2);

    let path = first.trim_start_matches(&app.base_url);
    app.client()
        .post(path, &[("password", NEW_PASSWORD)])
        .await
        .assert_redirects_to("/login?workspace=acme");
    let open = app.count("password_resets where used_at is null").await;
    assert_eq!(open, 0);
}
