//! Two-factor login: enrolment, the code step of a login, recovery codes, throttling,
//! turning it off, the admin's reset and the workspace setting that requires it. Codes
//! are computed here from the secret read off the enrolment page, at the app's clock.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use totp_rs::{Builder, Secret};
use uuid::Uuid;

use crate::harness::{Client, PASSWORD, Page, TestApp, Workspace};

/// The app with its clock fixed at the current time, so that tests can step it.
async fn spawn(db: PgPool) -> TestApp {
    TestApp::spawn_at(db, OffsetDateTime::now_utc()).await
}

/// The secret of the `otpauth://` URI on the enrolment page.
fn secret_on(page: &Page) -> Secret {
    let start = page
        .body
        .find("secret=")
        .expect("an otpauth URI with a secret")
        + 7;
    let base32: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase() || ('2'..='7').contains(c))
        .collect();
    Secret::try_from_base32(base32).unwrap()
}

/// The authenticator app's code for `secret` at `at`.
fn code_at(secret: &Secret, at: OffsetDateTime) -> String {
    Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .unwrap()
        .generate(at.unix_timestamp() as u64)
        .to_string()
}

/// A six-digit code that is not `right`.
fn wrong_code(right: &str) -> &'static str {
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
}

fn recovery_codes_on(page: &Page) -> Vec<String> {
    let document = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse("code.recovery-code").unwrap();
    document
        .select(&selector)
        .map(|code| code.text().collect())
        .collect()
}

/// Turns two-factor login on for `client` at the app's time; its secret and recovery codes.
async fn enrol(app: &TestApp, client: &Client) -> (Secret, Vec<String>) {
    let page = client.get("/app/profile/2fa").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secret = secret_on(&page);
    let done = client
        .post(
            "/app/profile/2fa",
            &[("code", &code_at(&secret, app.clock.now()))],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let codes = recovery_codes_on(&done);
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// A client past the password of `role`, at the code step.
async fn at_code_step(app: &TestApp, acme: &Workspace, role: Role) -> Client {
    let client = app.client();
    client
        .log_in(&acme.slug, &acme.person(role).email, PASSWORD)
        .await
        .assert_redirects_to("/login/2fa");
    client
}

async fn submit_code(client: &Client, code: &str) -> Page {
    let page = client.post("/login/2fa", &[("code", code)]).await;
    if page.status == StatusCode::SEE_OTHER {
        // Logged in: the session has a new CSRF token, which the next page carries.
        client.get("/app").await;
    }
    page
}

async fn two_factor_on(app: &TestApp, agent_id: Uuid) -> bool {
    app.count(&format!(
        "agents where id = '{agent_id}' and totp_secret is not null"
    ))
    .await
        == 1
}

#[sqlx::test]
async fn enrolment_takes_a_right_code_after_a_wrong_one_and_shows_recovery_codes_once(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent_id = acme.person(Role::Agent).id;
    let client = app.logged_in(&acme, Role::Agent).await;

    let page = client.get("/app/profile/2fa").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("otpauth://totp/Frontdesk:agent%40acme.test%20%28acme%29?secret="),
        "{}",
        page.body
    );
    assert!(page.body.contains("issuer=Frontdesk"));
    assert!(page.body.contains("src=\"/app/profile/2fa/qr\""));
    let secret = secret_on(&page);
    // Reloading keeps the secret that may have been scanned already.
    assert_eq!(secret_on(&client.get("/app/profile/2fa").await), secret);
    let qr = client.get("/app/profile/2fa/qr").await;
    assert_eq!(qr.status, StatusCode::OK);
    assert_eq!(qr.header("content-type"), "image/png");
    assert!(!qr.body.is_empty());

    let right = code_at(&secret, app.clock.now());
    let refused = client
        .post("/app/profile/2fa", &[("code", wrong_code(&right))])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("This code is not right."));
    assert_eq!(secret_on(&refused), secret, "the same secret is kept");
    assert!(!two_factor_on(&app, agent_id).await);

    let done = client.post("/app/profile/2fa", &[("code", &right)]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Two-factor login is on."));
    let codes = recovery_codes_on(&done);
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|code| code.len() >= 10));
    assert!(two_factor_on(&app, agent_id).await);
    let step: i64 = sqlx::query_scalar("select totp_last_step from agents where id = $1")
        .bind(agent_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(step, app.clock.now().unix_timestamp() / 30);
    assert_eq!(app.count("recovery_codes where used_at is null").await, 10);
    assert_eq!(
        app.count("audit_log where action = 'two_factor_enabled'")
            .await,
        1
    );

    // Afterwards the page says so, and shows neither the secret nor the codes again.
    let page = client.get("/app/profile/2fa").await;
    assert!(page.body.contains("Two-factor login is on:"));
    assert!(page.body.contains("10 recovery codes are left."));
    assert!(!page.body.contains("otpauth://"));
    assert!(!page.body.contains(&codes[0]));
    assert_eq!(
        client.get("/app/profile/2fa/qr").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn with_two_factor_on_a_password_alone_does_not_log_in_and_each_code_works_once(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let enrolled_at = app.clock.now();
    let (secret, _) = enrol(&app, &app.logged_in(&acme, Role::Agent).await).await;

    let client = at_code_step(&app, &acme, Role::Agent).await;
    let page = client.get("/app").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login?next="));
    let form = client.get("/login/2fa").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"code\""));
    let logins_before = app.count("logins").await;

    let next = code_at(&secret, enrolled_at + Duration::seconds(30));
    let wrong = submit_code(&client, wrong_code(&next)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("This code is not right."));
    // The code that confirmed enrolment counts as used.
    let used = submit_code(&client, &code_at(&secret, enrolled_at)).await;
    assert_eq!(used.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("logins").await, logins_before);

    submit_code(&client, &next)
        .await
        .assert_redirects_to("/app");
    let home = client.get("/app").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("agent of acme"));
    assert_eq!(app.count("logins").await, logins_before + 1);

    // The same code again, in a fresh login within its window: refused.
    let again = at_code_step(&app, &acme, Role::Agent).await;
    let replay = submit_code(&again, &next).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.get("/app").await.status, StatusCode::SEE_OTHER);

    // Minutes later, a code of two minutes ago is refused, the current one works.
    let later = enrolled_at + Duration::minutes(4);
    app.clock.set(later);
    let client = at_code_step(&app, &acme, Role::Agent).await;
    let expired = submit_code(&client, &code_at(&secret, later - Duration::minutes(2))).await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    submit_code(&client, &code_at(&secret, later))
        .await
        .assert_redirects_to("/app");
    assert_eq!(app.count("audit_log where action = 'login'").await, 3);
}

#[sqlx::test]
async fn the_code_step_keeps_next_and_needs_a_fresh_pending_login_and_a_csrf_token(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let started = app.clock.now();
    let (secret, _) = enrol(&app, &app.logged_in(&acme, Role::Agent).await).await;

    // Without a password first, the code step leads to the login page.
    let stranger = app.client();
    stranger
        .get("/login/2fa")
        .await
        .assert_redirects_to("/login");
    stranger
        .post("/login/2fa", &[("code", "123456")])
        .await
        .assert_redirects_to("/login");

    let client = app.client();
    let token = client.csrf_token().await;
    client
        .post(
            "/login",
            &[
                ("workspace", "acme"),
                ("email", "agent@acme.test"),
                ("password", PASSWORD),
                ("next", "/app/tickets"),
            ],
        )
        .await
        .assert_redirects_to("/login/2fa");
    let code = code_at(&secret, started + Duration::seconds(30));
    let forged = client.post_raw("/login/2fa", &[("code", &code)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let logged_in = client
        .post_raw("/login/2fa", &[("csrf_token", &token), ("code", &code)])
        .await;
    logged_in.assert_redirects_to("/app/tickets");

    // A pending login lasts five minutes.
    let client = at_code_step(&app, &acme, Role::Agent).await;
    let later = started + Duration::minutes(6);
    app.clock.set(later);
    client
        .post("/login/2fa", &[("code", &code_at(&secret, later))])
        .await
        .assert_redirects_to("/login");
    assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
}

#[sqlx::test]
async fn a_recovery_code_logs_in_once(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let (_, codes) = enrol(&app, &app.logged_in(&acme, Role::Agent).await).await;

    let client = at_code_step(&app, &acme, Role::Agent).await;
    // Typed loosely: capitals and spaces for the dashes.
    let typed = codes[3].to_uppercase().replace('-', " ");
    submit_code(&client, &typed)
        .await
        .assert_redirects_to("/app");
    assert_eq!(client.get("/app").await.status, StatusCode::OK);
    assert_eq!(
        app.count("recovery_codes where used_at is not null").await,
        1
    );
    let page = client.get("/app/profile/2fa").await;
    assert!(page.body.contains("9 recovery codes are left."));

    let again = at_code_step(&app, &acme, Role::Agent).await;
    let refused = submit_code(&again, &codes[3]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.get("/app").await.status, StatusCode::SEE_OTHER);
    // Another one of the codes still works.
    submit_code(&again, &codes[4])
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn ten_wrong_codes_lock_the_code_step_even_for_the_right_code(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let (secret, _) = enrol(&app, &app.logged_in(&acme, Role::Agent).await).await;
    let right = code_at(&secret, app.clock.now() + Duration::seconds(30));

    let client = at_code_step(&app, &acme, Role::Agent).await;
    for attempt in 0..10 {
        let page = submit_code(&client, wrong_code(&right)).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{attempt}");
    }
    let logins = app.count("logins").await;
    let locked = submit_code(&client, &right).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.header("retry-after"), "900");
    // A new password step does not lift the lock on the agent's codes.
    let fresh = at_code_step(&app, &acme, Role::Agent).await;
    assert_eq!(
        submit_code(&fresh, &right).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(app.count("logins").await, logins);
    assert_eq!(
        app.count("login_attempts where scope = 'two_factor'").await,
        10
    );
}

#[sqlx::test]
async fn turning_two_factor_off_takes_the_current_password(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent_id = acme.person(Role::Agent).id;
    let client = app.logged_in(&acme, Role::Agent).await;
    enrol(&app, &client).await;
    client.get("/app/profile/2fa").await;

    let refused = client
        .post(
            "/app/profile/2fa/disable",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("This is not your current password."));
    assert!(two_factor_on(&app, agent_id).await);
    assert_eq!(app.count("recovery_codes").await, 10);

    client
        .post("/app/profile/2fa/disable", &[("password", PASSWORD)])
        .await
        .assert_redirects_to("/app/profile/2fa");
    assert!(!two_factor_on(&app, agent_id).await);
    assert_eq!(app.count("recovery_codes").await, 0);
    assert_eq!(
        app.count("audit_log where action = 'two_factor_disabled'")
            .await,
        1
    );
    let page = client.get("/app/profile/2fa").await;
    assert!(page.body.contains("Two-factor login is off."));
    assert!(page.body.contains("otpauth://"));
    app.client()
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
}

#[sqlx::test]
async fn an_admin_resets_an_agents_two_factor_within_the_role_rules(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent_id = acme.person(Role::Agent).id;
    let owner_id = acme.person(Role::Owner).id;
    let agent = app.logged_in(&acme, Role::Agent).await;
    enrol(&app, &agent).await;
    enrol(&app, &app.logged_in(&acme, Role::Owner).await).await;

    // An agent may reset nobody's.
    agent.get("/app").await;
    let page = agent
        .post(&format!("/app/config/agents/{owner_id}/2fa/reset"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // An admin may not reset an owner's.
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin.get("/app").await;
    let page = admin
        .post(&format!("/app/config/agents/{owner_id}/2fa/reset"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(two_factor_on(&app, owner_id).await);

    let edit = admin
        .get(&format!("/app/config/agents/{agent_id}/edit"))
        .await;
    assert!(edit.body.contains("Two-factor login"));
    assert!(
        edit.body
            .contains(&format!("/app/config/agents/{agent_id}/2fa/reset"))
    );
    admin
        .post(&format!("/app/config/agents/{agent_id}/2fa/reset"), &[])
        .await
        .assert_redirects_to(&format!("/app/config/agents/{agent_id}/edit"));
    assert!(!two_factor_on(&app, agent_id).await);
    // Whoever held the agent's session (the lost phone) logs in again.
    let page = agent.get("/app").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login"));
    assert_eq!(
        app.count(&format!("recovery_codes where agent_id = '{agent_id}'"))
            .await,
        0
    );
    assert_eq!(
        app.count("audit_log where action = 'two_factor_reset' and subject = 'agent@acme.test'")
            .await,
        1
    );
    let edit = admin
        .get(&format!("/app/config/agents/{agent_id}/edit"))
        .await;
    assert!(
        edit.body
            .contains("Two-factor login is off for this agent.")
    );
    assert!(!edit.body.contains("/2fa/reset"));
    app.client()
        .log_in("acme", "agent@acme.test", PASSWORD)
        .await
        .assert_redirects_to("/app");
    // The owner's is still on.
    at_code_step(&app, &acme, Role::Owner).await;
}

#[sqlx::test]
async fn a_workspace_that_requires_two_factor_leads_agents_to_set_it_up_first(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    enrol(&app, &owner).await;
    owner.get("/app/config/settings").await;
    owner
        .post(
            "/app/config/settings",
            &[("company", "acme Inc"), ("require_2fa", "on")],
        )
        .await
        .assert_redirects_to("/app/config/settings");
    let settings = owner.get("/app/config/settings").await;
    assert!(
        settings
            .body
            .contains("name=\"require_2fa\" value=\"on\" checked")
    );
    let audit = owner.get("/app/config/audit").await;
    assert!(audit.body.contains("two-factor login required"));

    let agent = app.logged_in(&acme, Role::Agent).await;
    for path in ["/app", "/app/tickets", "/app/config/agents"] {
        agent
            .get(path)
            .await
            .assert_redirects_to("/app/profile/2fa");
    }
    let page = agent.get("/app/profile/2fa").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Your workspace requires two-factor login.")
    );
    assert_eq!(agent.get("/app/password").await.status, StatusCode::OK);

    enrol(&app, &agent).await;
    assert_eq!(agent.get("/app").await.status, StatusCode::OK);
    assert_eq!(agent.get("/app/tickets").await.status, StatusCode::OK);
    agent
        .post("/logout", &[])
        .await
        .assert_redirects_to("/login");
}

#[sqlx::test]
async fn a_password_reset_does_not_skip_two_factor(db: PgPool) {
    let app = spawn(db).await;
    let acme = app.workspace("acme").await;
    enrol(&app, &app.logged_in(&acme, Role::Agent).await).await;
    let client = app.client();
    client.get("/password/forgot").await;
    client
        .post(
            "/password/forgot",
            &[("workspace", "acme"), ("email", "agent@acme.test")],
        )
        .await
        .assert_redirects_to("/login");
    let mail = app.mail.wait_for("agent@acme.test").await;
    let prefix = format!("{}/password/reset/", app.base_url);
    let start = mail.text.find(&prefix).unwrap() + app.base_url.len();
    let path = mail.text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let new_password = "a brand new passphrase";
    client.get(&path).await;
    client
        .post(&path, &[("password", new_password)])
        .await
        .assert_redirects_to("/login?workspace=acme");
    assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
    client
        .log_in("acme", "agent@acme.test", new_password)
        .await
        .assert_redirects_to("/login/2fa");
    assert_eq!(client.get("/app").await.status, StatusCode::SEE_OTHER);
}
