//! Logging in and out, sessions, CSRF and login throttling.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, PASSWORD, TestApp};

#[sqlx::test]
async fn an_agent_logs_in_and_lands_on_the_panel(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.client();

    // The invitation email links the login page with the workspace filled in.
    let form = client.get("/login?workspace=acme").await;
    assert_eq!(
        crate::harness::input_value(&form.body, "workspace").as_deref(),
        Some("acme")
    );
    let page = client.log_in("acme", "agent@acme.test", PASSWORD).await;
    page.assert_redirects_to("/app");
    let home = client.get("/app").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("agent of acme"));

    let last_login: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select last_login_at from agents where account_id = $1 and id = $2")
            .bind(acme.account_id)
            .bind(acme.person(Role::Agent).id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(last_login.is_some());
}

#[sqlx::test]
async fn workspace_and_email_are_case_insensitive_but_the_password_is_not(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;

    let page = app
        .client()
        .log_in(" ACME ", "Agent@Acme.TEST", PASSWORD)
        .await;
    page.assert_redirects_to("/app");
    let page = app
        .client()
        .log_in("acme", "agent@acme.test", &PASSWORD.to_uppercase())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn every_wrong_login_gets_the_same_answer_and_keeps_the_input(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let attempts = [
        ("nosuch", "agent@acme.test", PASSWORD),
        ("acme", "nobody@acme.test", PASSWORD),
        ("acme", "agent@acme.test", "wrong password!"),
    ];
    for (workspace, email, password) in attempts {
        let client = app.client();
        let page = client.log_in(workspace, email, password).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body
                .contains("The workspace, email or password is wrong.")
        );
        assert!(page.body.contains(&format!("value=\"{email}\"")));
        assert!(!page.body.contains(password));
        // Still logged out.
        assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
    }
}

#[sqlx::test]
async fn the_session_id_changes_at_login(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    client.get("/login").await;
    let before = client.session_cookie().unwrap();

    client.log_in("acme", "agent@acme.test", PASSWORD).await;
    let after = client.session_cookie().unwrap();
    assert_ne!(before, after);
    // The pre-login id is worth nothing.
    let replay = client.get_with_cookie("/app", &before).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn the_session_cookie_is_http_only_and_lax_without_secure_over_http(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let page = app.client().get("/login").await;
    let cookie = page.header("set-cookie");
    assert!(cookie.starts_with("frontdesk="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"));
    // 128 bits or more of session id.
    let id = cookie
        .trim_start_matches("frontdesk=")
        .split(';')
        .next()
        .unwrap();
    assert!(id.len() >= 22, "{id}");
}

#[sqlx::test]
async fn logging_out_ends_the_session_on_the_server(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app
        .logged_in(&app.workspace("beta").await, Role::Owner)
        .await;
    let cookie = client.session_cookie().unwrap();

    let page = client.post("/logout", &[]).await;
    page.assert_redirects_to("/login");
    assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
    let replay = client.get_with_cookie("/app", &cookie).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert!(replay.location().starts_with("/login?next="));
}

#[sqlx::test]
async fn a_logged_out_visitor_is_sent_to_login_and_back_afterwards(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();

    let page = client.get("/app/config/settings?tab=general").await;
    page.assert_redirects_to("/login?next=%2Fapp%2Fconfig%2Fsettings%3Ftab%3Dgeneral");
    let login = client.get(page.location()).await;
    assert!(
        login
            .body
            .contains("value=\"/app/config/settings?tab=general\"")
    );

    let page = client
        .post(
            "/login",
            &[
                ("workspace", "acme"),
                ("email", "admin@acme.test"),
                ("password", PASSWORD),
                ("next", "/app/config/settings?tab=general"),
            ],
        )
        .await;
    page.assert_redirects_to("/app/config/settings?tab=general");
}

#[sqlx::test]
async fn next_never_leads_off_the_site(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let client = app.client();
        let page = client
            .post(
                "/login",
                &[
                    ("workspace", "acme"),
                    ("email", "agent@acme.test"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        page.assert_redirects_to("/app");
    }
}

#[sqlx::test]
async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let stranger = Client::new(&app.base_url);
    let foreign_token = stranger.csrf_token().await;

    for token in [None, Some("forged"), Some(foreign_token.as_str())] {
        let mut fields = vec![("company", "Hijacked")];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        let page = admin.post_raw("/app/config/settings", &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{token:?}");
        assert!(page.body.contains("This form has expired"));
    }
    assert_eq!(acme.company(&app).await, "acme Inc", "unchanged");

    // Logging in and out need the token too.
    let page = stranger
        .post_raw(
            "/login",
            &[
                ("workspace", "acme"),
                ("email", "agent@acme.test"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.post_raw("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get("/app").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn ten_failures_lock_the_account_out_for_the_right_password_too(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    for _ in 0..10 {
        let page = client
            .log_in("acme", "agent@acme.test", "wrong password!")
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = client.log_in("acme", "agent@acme.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("Too many attempts"));
    assert_eq!(page.header("retry-after"), "900");

    // Other people of the workspace are not locked out by it.
    app.client()
        .log_in("acme", "admin@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");

    // Once the window has passed, the right password works again.
    sqlx::query("update login_attempts set attempted_at = now() - interval '16 minutes'")
        .execute(&app.db)
        .await
        .unwrap();
    client
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn unknown_emails_are_throttled_the_same_way(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    for _ in 0..10 {
        let page = client
            .log_in("ghost", "nobody@ghost.test", "whatever it is")
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = client
        .log_in("ghost", "nobody@ghost.test", "whatever it is")
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

#[sqlx::test]
async fn fifty_failures_from_one_address_lock_that_address_out(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    for n in 0..50 {
        let page = client
            .log_in("acme", &format!("guess{n}@acme.test"), "wrong password!")
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {n}");
    }
    let page = client.log_in("acme", "agent@acme.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);

    // The refused attempt is not counted: it would prolong the lock.
    let counted = app.count("login_attempts where scope = 'ip'").await;
    assert_eq!(counted, 50);
}

#[sqlx::test]
async fn a_successful_login_clears_the_accounts_failures(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    for _ in 0..9 {
        client
            .log_in("acme", "agent@acme.test", "wrong password!")
            .await;
    }
    client
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
    let page = app
        .client()
        .log_in("acme", "agent@acme.test", "wrong password!")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.client()
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn login_pages_follow_the_browsers_language_until_login(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let page = client
        .get_with_headers("/login", &[("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")])
        .await;
    assert!(page.body.contains("<html lang=\"zh-CN\">"));
    assert!(page.body.contains("登录"));
    let page = client
        .get_with_headers("/signup", &[("accept-language", "zh-CN")])
        .await;
    assert!(page.body.contains("创建您的客服中心"));
    let page = client
        .get_with_headers("/nowhere", &[("accept-language", "zh")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("该页面不存在"));
    let page = client
        .get_with_headers("/login", &[("accept-language", "en-GB,en;q=0.9")])
        .await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("Log in"));
}

#[sqlx::test]
async fn a_session_unused_past_its_inactivity_timeout_is_logged_out(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(client.get("/app").await.status, StatusCode::OK);

    // A logged-in session's expiry is 8 hours ahead.
    let hours_left: f64 = sqlx::query_scalar(
        "select extract(epoch from max(expiry_date) - now())::float8 / 3600 from tower_sessions.session",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!((7.9..=8.0).contains(&hours_left), "{hours_left}");

    sqlx::query("update tower_sessions.session set expiry_date = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .unwrap();
    let page = client.get("/app").await;
    page.assert_redirects_to("/login?next=%2Fapp");
}

/// A page view leaves the session row alone until its expiry must move (once a minute at
/// most), and a request that writes the session anyway keeps the logged-in timeout.
#[sqlx::test]
async fn page_views_do_not_write_the_session_again_within_a_minute(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Admin).await;
    let row = || async {
        sqlx::query_as::<_, (Vec<u8>, time::OffsetDateTime)>(
            "select data, expiry_date from tower_sessions.session",
        )
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    assert_eq!(client.get("/app").await.status, StatusCode::OK);
    let first = row().await;
    for path in ["/app", "/app/tickets", "/app/config/settings", "/app"] {
        assert_eq!(client.get(path).await.status, StatusCode::OK, "{path}");
    }
    assert_eq!(row().await, first, "the session was written by a page view");

    // A form whose flash message is written to the session.
    client
        .post("/app/config/settings", &[("company", "Acme Renamed")])
        .await
        .assert_redirects_to("/app/config/settings");
    let (data, expiry) = row().await;
    assert_ne!(data, first.0);
    let hours_left = (expiry - time::OffsetDateTime::now_utc()).as_seconds_f64() / 3600.0;
    assert!((7.9..=8.0).contains(&hours_left), "{hours_left}");
}

#[sqlx::test]
async fn parallel_wrong_passwords_cannot_get_past_the_limit(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..25 {
        let client = app.client();
        client.csrf_token().await;
        attempts.spawn(async move {
            client
                .log_in("acme", "agent@acme.test", "wrong password!")
                .await
                .status
        });
    }
    let statuses = attempts.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 10, "{checked} passwords were checked");
    assert_eq!(checked + refused, 25);
    let page = app
        .client()
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
}

/// A session row as stored: id, data, expiry and the login it names.
type SessionRow = (
    String,
    Vec<u8>,
    time::OffsetDateTime,
    Option<uuid::Uuid>,
    Option<uuid::Uuid>,
);

async fn session_rows(db: &PgPool) -> Vec<SessionRow> {
    sqlx::query_as(
        "select id, data, expiry_date, login_account_id, login_id from tower_sessions.session",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

/// Writes `rows` back, as a request still in flight would; `with_login: false` leaves out
/// the login's columns, as a session saved by an earlier version of Frontdesk.
async fn restore_sessions(db: &PgPool, rows: Vec<SessionRow>, with_login: bool) {
    for (id, data, expiry, account_id, login_id) in rows {
        let (account_id, login_id) = if with_login {
            (account_id, login_id)
        } else {
            (None, None)
        };
        sqlx::query(
            "insert into tower_sessions.session values ($1, $2, $3, $4, $5)
             on conflict (id) do update set data = $2, expiry_date = $3,
                 login_account_id = $4, login_id = $5",
        )
        .bind(id)
        .bind(data)
        .bind(expiry)
        .bind(account_id)
        .bind(login_id)
        .execute(db)
        .await
        .unwrap();
    }
}

#[sqlx::test]
async fn a_session_saved_again_after_logout_stays_logged_out(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for with_login in [true, false] {
        let client = app.logged_in(&acme, Role::Admin).await;
        let cookie = client.session_cookie().unwrap();
        let saved = session_rows(&app.db).await;
        assert!(saved.iter().any(|row| row.4.is_some()), "{saved:?}");

        client
            .post("/logout", &[])
            .await
            .assert_redirects_to("/login");
        restore_sessions(&app.db, saved, with_login).await;
        let replay = client.get_with_cookie("/app", &cookie).await;
        assert_eq!(
            replay.status,
            StatusCode::SEE_OTHER,
            "with_login {with_login}"
        );
    }
}

#[sqlx::test]
async fn a_session_saved_before_it_named_its_login_still_loads_and_gains_the_columns(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Agent).await;
    let saved = session_rows(&app.db).await;
    restore_sessions(&app.db, saved, false).await;

    // 200, not 303 to the login page: the agent was found through the data's login.
    assert_eq!(client.get("/app/tickets").await.status, StatusCode::OK);
    // Its next renewal writes the login's columns beside the data: the renewal is due
    // once the last one is a minute old.
    let (id, data, ..) = session_rows(&app.db).await.remove(0);
    let mut record: tower_sessions::session::Record = rmp_serde::from_slice(&data).unwrap();
    let a_minute_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 61;
    record
        .data
        .insert("renewed".to_owned(), serde_json::json!(a_minute_ago));
    sqlx::query("update tower_sessions.session set data = $2 where id = $1")
        .bind(id)
        .bind(rmp_serde::to_vec(&record).unwrap())
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(client.get("/app/tickets").await.status, StatusCode::OK);
    let rows = session_rows(&app.db).await;
    assert!(
        rows.iter()
            .any(|row| row.3 == Some(acme.account_id) && row.4.is_some()),
        "{rows:?}"
    );
}

#[sqlx::test]
async fn a_login_ends_seven_days_after_it_began_however_active(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let client = app.logged_in(&acme, Role::Agent).await;
    sqlx::query("update logins set created_at = now() - interval '7 days' + interval '1 minute'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(client.get("/app").await.status, StatusCode::OK);
    sqlx::query("update logins set created_at = now() - interval '7 days' - interval '1 minute'")
        .execute(&app.db)
        .await
        .unwrap();
    client
        .get("/app")
        .await
        .assert_redirects_to("/login?next=%2Fapp");
}

#[sqlx::test]
async fn every_public_form_refuses_a_post_without_its_csrf_token(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let client = app.client();
    client.get("/login").await;
    let forms: [(&str, &[(&str, &str)]); 4] = [
        (
            "/signup",
            &[
                ("company", "X"),
                ("workspace", "x-co"),
                ("name", "X"),
                ("email", "x@x.test"),
                ("password", PASSWORD),
            ],
        ),
        (
            "/password/forgot",
            &[("workspace", "acme"), ("email", "agent@acme.test")],
        ),
        (
            "/password/reset/some-token",
            &[("password", "a brand new passphrase")],
        ),
        (
            "/login",
            &[
                ("workspace", "acme"),
                ("email", "agent@acme.test"),
                ("password", PASSWORD),
            ],
        ),
    ];
    for (path, fields) in forms {
        let page = client.post_raw(path, fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    for table in ["accounts", "outbox", "logins"] {
        let rows = app.count(table).await;
        let expected = i64::from(table == "accounts");
        assert_eq!(rows, expected, "{table}");
    }
}

#[sqlx::test]
async fn one_email_in_two_workspaces_is_two_separate_agents(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    app.workspace("beta").await;
    let hash = frontdesk::auth::password::hash("the beta password!")
        .await
        .unwrap();
    sqlx::query(
        "update agents set email = 'agent@acme.test', password_hash = $1
         where email = 'agent@beta.test'",
    )
    .bind(hash)
    .execute(&app.db)
    .await
    .unwrap();

    let client = app.client();
    client
        .log_in("beta", "agent@acme.test", "the beta password!")
        .await
        .assert_redirects_to("/app");
    assert!(client.get("/app").await.body.contains("beta Inc"));
    let wrong = app
        .client()
        .log_in("acme", "agent@acme.test", "the beta password!")
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}
