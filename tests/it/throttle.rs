//! Throttling per client: which address counts, signups and reset requests.
use frontdesk::config::IpNet;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, PASSWORD, TestApp, serve};

/// A login through the proxy, as the client `forwarded_for` claims to be.
async fn log_in_from(
    client: &Client,
    email: &str,
    password: &str,
    forwarded_for: &str,
) -> StatusCode {
    let token = client.csrf_token().await;
    client
        .post_with_headers(
            "/login",
            &[
                ("csrf_token", &token),
                ("workspace", "acme"),
                ("email", email),
                ("password", password),
            ],
            &[("x-forwarded-for", forwarded_for)],
        )
        .await
        .status
}

/// Fails 50 logins as the client `forwarded_for` claims to be.
async fn fail_fifty_logins(client: &Client, forwarded_for: &str) {
    for n in 0..50 {
        let email = format!("guess{n}@acme.test");
        let status = log_in_from(client, &email, "wrong password!", forwarded_for).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}");
    }
}

async fn log_in_as(client: &Client, forwarded_for: &str) -> StatusCode {
    log_in_from(client, "agent@acme.test", PASSWORD, forwarded_for).await
}

#[sqlx::test]
async fn behind_a_trusted_proxy_each_forwarded_client_counts_apart(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    app.workspace("acme").await;
    let (_, address) = serve(db, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse::<IpNet>().unwrap()];
    })
    .await;
    let client = Client::new(&address);
    fail_fifty_logins(&client, "198.51.100.1").await;
    assert_eq!(
        log_in_as(&client, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another customer behind the same proxy is not locked out.
    assert_eq!(
        log_in_as(&Client::new(&address), "198.51.100.2").await,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn without_a_trusted_proxy_forwarded_addresses_are_ignored(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    fail_fifty_logins(&client, "198.51.100.1").await;
    // Claiming to be someone else does not escape the limit.
    assert_eq!(
        log_in_as(&client, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test]
async fn a_successful_login_does_not_clear_the_clients_failures(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    for n in 0..49 {
        client
            .log_in("acme", &format!("guess{n}@acme.test"), "wrong password!")
            .await;
    }
    // An attacker's own account does not reset the address's count.
    client
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
    let page = client
        .log_in("acme", "guess99@acme.test", "wrong password!")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = client.log_in("acme", "agent@acme.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test]
async fn one_client_creates_at_most_five_workspaces_in_fifteen_minutes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for n in 0..6 {
        let client = app.client();
        let slug = format!("company-{n}");
        let email = format!("owner@{slug}.test");
        let page = client
            .post(
                "/signup",
                &[
                    ("company", "Company"),
                    ("workspace", &slug),
                    ("name", "Owner"),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        let expected = if n < 5 {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(page.status, expected, "signup {n}");
    }
    let workspaces = app.count("accounts").await;
    assert_eq!(workspaces, 5);
}

#[sqlx::test]
async fn one_client_asks_for_at_most_ten_reset_links_in_fifteen_minutes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    for n in 0..11 {
        let email = format!("someone{n}@acme.test");
        let page = client
            .post(
                "/password/forgot",
                &[("workspace", "acme"), ("email", &email)],
            )
            .await;
        let expected = if n < 10 {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(page.status, expected, "request {n}");
    }
}
