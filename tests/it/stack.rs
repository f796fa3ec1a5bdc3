//! The HTTP stack: headers, limits, error pages, static files, health and a database outage.
use std::time::{Duration, Instant};

use frontdesk::startup;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp, serve};

#[sqlx::test]
async fn every_page_carries_the_security_headers(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    for path in [
        "/login",
        "/signup",
        "/nowhere",
        "/static/app.css",
        "/healthz",
    ] {
        let page = client.get(path).await;
        assert_eq!(
            page.header("content-security-policy"),
            "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(page.header("referrer-policy"), "same-origin", "{path}");
        assert!(!page.header("x-request-id").is_empty(), "{path}");
        // BASE_URL is http here: no HSTS.
        assert_eq!(page.header("strict-transport-security"), "", "{path}");
    }
}

#[sqlx::test]
async fn unknown_pages_are_a_404_page_in_the_layout(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("This page does not exist"));
    assert!(page.body.contains("/static/app.css"));
}

#[sqlx::test]
async fn a_body_over_one_mebibyte_is_refused_with_413(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let token = client.csrf_token().await;
    let body = format!("csrf_token={token}&workspace={}", "a".repeat(1024 * 1024));
    let page = client
        .post_body(
            "/login",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("What you sent is too large."));
}

#[sqlx::test]
async fn static_files_are_served_with_cache_headers(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().get("/static/app.css").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/css"));
    assert_eq!(page.header("cache-control"), "public, max-age=3600");
    let page = app.client().get("/login").await;
    assert_eq!(page.header("cache-control"), "no-store");
}

#[sqlx::test]
async fn healthz_answers_when_the_database_does(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_answer_503_quickly_while_the_database_is_down() {
    // Nothing listens on port 1: every connection attempt is refused.
    let db = startup::pool_options()
        .acquire_timeout(Duration::from_secs(1))
        .connect_lazy("postgres://postgres@127.0.0.1:1/frontdesk")
        .unwrap();
    let (_, address) = serve(db, |_| {}).await;
    let client = Client::new(&address);

    // A returning visitor's cookie makes even the session lookup need the database.
    let cookie = "frontdesk=AAAAAAAAAAAAAAAAAAAAAA";
    for path in ["/healthz", "/login", "/app", "/app/config/settings"] {
        let started = Instant::now();
        let fresh = client.get(path).await;
        let returning = client.get_with_cookie(path, cookie).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path} took {:?}",
            started.elapsed()
        );
        assert_eq!(returning.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        if path != "/app" && path != "/app/config/settings" {
            assert_eq!(fresh.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        }
    }
    let page = client.get("/login").await;
    assert!(page.body.contains("briefly unavailable"));
}

#[sqlx::test]
async fn behind_https_the_cookie_is_secure_with_the_host_prefix_and_hsts_is_sent(db: PgPool) {
    let (_, address) = serve(db, |config| {
        config.base_url = "https://help.example.com".into();
    })
    .await;
    let page = Client::new(&address).get("/login").await;
    let cookie = page.header("set-cookie");
    assert!(cookie.starts_with("__Host-frontdesk="), "{cookie}");
    assert!(cookie.contains("Secure"));
    assert!(cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain="));
    assert!(
        page.header("strict-transport-security")
            .starts_with("max-age=")
    );
}

#[sqlx::test]
async fn a_request_id_sent_by_the_client_is_replaced(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app
        .client()
        .get_with_headers("/login", &[("x-request-id", "forged-id")])
        .await;
    let id = page.header("x-request-id");
    assert!(!id.is_empty() && id != "forged-id", "{id}");
}

#[sqlx::test]
async fn pages_are_not_compressed_but_static_files_are(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let gzip = [("accept-encoding", "gzip")];
    let page = app.client().get_with_headers("/login", &gzip).await;
    assert_eq!(
        page.header("content-encoding"),
        "",
        "HTML with a CSRF token"
    );
    let css = app
        .client()
        .get_with_headers("/static/app.css", &gzip)
        .await;
    assert_eq!(css.header("content-encoding"), "gzip");
}
