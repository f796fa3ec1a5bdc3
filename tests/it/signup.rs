//! `/signup`: a new workspace with its owner, and every refusal.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{PASSWORD, TestApp, input_value};

fn form<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("company", "Acme Corporation"),
        ("workspace", "acme"),
        ("name", "Ada Lovelace"),
        ("email", "ada@acme.test"),
        ("password", PASSWORD),
    ];
    for (name, value) in overrides {
        fields.retain(|(field, _)| field != name);
        fields.push((name, value));
    }
    fields
}

#[sqlx::test]
async fn signing_up_creates_a_free_workspace_and_logs_its_owner_in(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    assert_eq!(client.get("/signup").await.status, StatusCode::OK);

    let page = client.post("/signup", &form(&[])).await;
    page.assert_redirects_to("/app");

    let home = client.get("/app").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Welcome, Ada Lovelace"));
    assert!(home.body.contains("Your workspace is ready."));
    assert!(home.body.contains("Owner"), "the owner's role is shown");
    assert!(home.body.contains("href=\"/app/config/agents\""));

    let (plan, company): (String, String) =
        sqlx::query_as("select plan, company from accounts where slug = 'acme'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (plan.as_str(), company.as_str()),
        ("free", "Acme Corporation")
    );
    let (role, email, hash): (String, String, String) =
        sqlx::query_as("select role, email, password_hash from agents")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((role.as_str(), email.as_str()), ("owner", "ada@acme.test"));
    assert!(hash.starts_with("$argon2id$"));

    // The new owner can log in again later.
    app.client()
        .log_in("acme", "ada@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn a_signup_with_mistakes_comes_back_with_one_message_per_field(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("taken").await;
    let long_name = "n".repeat(121);
    let too_long_password = "p".repeat(129);
    // (form, the field in error, its message)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            form(&[("company", "  ")]),
            "company",
            "This field is required.",
        ),
        (
            form(&[("workspace", "a")]),
            "workspace",
            "Use 2 to 40 lowercase letters",
        ),
        (
            form(&[("workspace", "no spaces")]),
            "workspace",
            "Use 2 to 40 lowercase letters",
        ),
        (
            form(&[("workspace", "admin")]),
            "workspace",
            "This workspace address is reserved",
        ),
        (
            form(&[("workspace", "app")]),
            "workspace",
            "This workspace address is reserved",
        ),
        (
            form(&[("workspace", "taken")]),
            "workspace",
            "This workspace address is taken.",
        ),
        (form(&[("name", &long_name)]), "name", "This is too long."),
        (
            form(&[("email", "not-an-email")]),
            "email",
            "Enter a valid email address",
        ),
        (
            form(&[("password", "short1234")]),
            "password",
            "Use at least 10 characters.",
        ),
        (
            form(&[("password", &too_long_password)]),
            "password",
            "Use at most 128 characters.",
        ),
        (
            form(&[("password", "ada@acme.test")]),
            "password",
            "cannot be your email address",
        ),
        (
            form(&[("password", "qwertyuiop")]),
            "password",
            "This password is too common",
        ),
        (
            form(&[("password", "Password123")]),
            "password",
            "This password is too common",
        ),
    ];
    for (fields, field, message) in cases {
        let page = app.client().post("/signup", &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {message}"
        );
        assert!(page.body.contains(message), "{field}: {message}");
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert_eq!(
            page.body.matches("class=\"field-error\"").count(),
            1,
            "{field}"
        );
        // The input is kept, the password never.
        assert_eq!(
            input_value(&page.body, "name").as_deref(),
            fields.iter().find(|f| f.0 == "name").map(|f| f.1)
        );
        assert_eq!(input_value(&page.body, "password").as_deref(), Some(""));
    }
    assert_eq!(
        app.count("accounts").await,
        1,
        "only the pre-existing workspace"
    );
    assert_eq!(app.count("agents").await, 3);
}

#[sqlx::test]
async fn every_mistake_of_an_empty_form_is_reported_at_once(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().post("/signup", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(page.body.matches("class=\"field-error\"").count(), 5);
}

#[sqlx::test]
async fn a_double_submitted_signup_creates_one_workspace(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    // One browser tab, its form submitted twice.
    client.csrf_token().await;
    let fields = form(&[]);
    // Both have found the name free before either may create the workspace: the second
    // is refused as taken (422) by the database's unique name.
    let (first, second) = app
        .race("lock table accounts in share mode", async {
            tokio::join!(
                client.post("/signup", &fields),
                client.post("/signup", &fields)
            )
        })
        .await;
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    let refused = [&first, &second]
        .into_iter()
        .find(|page| page.status == StatusCode::UNPROCESSABLE_ENTITY)
        .unwrap();
    assert!(refused.body.contains("This workspace address is taken."));
    assert_eq!(app.count("accounts").await, 1);
    assert_eq!(app.count("agents").await, 1);
}

#[sqlx::test]
async fn user_text_is_escaped(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let script = "<script>alert(1)</script>";
    client
        .post("/signup", &form(&[("company", script), ("name", script)]))
        .await
        .assert_redirects_to("/app");
    let home = client.get("/app").await;
    assert!(!home.body.contains(script));
    assert!(home.body.contains("&#60;script&#62;") || home.body.contains("&lt;script&gt;"));
}

#[sqlx::test]
async fn the_session_id_changes_at_signup(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    client.get("/signup").await;
    let before = client.session_cookie().unwrap();
    client
        .post("/signup", &form(&[]))
        .await
        .assert_redirects_to("/app");
    assert_ne!(client.session_cookie().unwrap(), before);
    assert_eq!(
        client.get_with_cookie("/app", &before).await.status,
        StatusCode::SEE_OTHER
    );
}
