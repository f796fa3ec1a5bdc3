//! Two `serve` processes on one database, as behind a load balancer: what one process
//! keeps (the workspaces' names) follows a change made through the other within a second,
//! and what decides who may do what (login, role, deletion) holds on the very next request,
//! whichever process answers it.
use std::time::{Duration, Instant};

use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp, serve};

/// Waits up to a second for `check` to pass on the page at `path`.
async fn within_a_second(client: &Client, path: &str, check: impl Fn(&[String]) -> bool) {
    let started = Instant::now();
    loop {
        let options = client
            .get(path)
            .await
            .texts("select[name=department] option, select[name=assignee] option");
        if check(&options) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path} still shows {options:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[sqlx::test]
async fn names_changed_through_one_process_show_on_the_other_within_a_second(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let acme = app.workspace("acme").await;
    let department = app.department(&acme, "Support", &[]).await;
    let (_, other) = serve(db.clone(), |_| {}).await;
    let here = app.logged_in(&acme, Role::Admin).await;
    let there = Client::new(&other);
    there
        .log_in(
            "acme",
            &acme.person(Role::Admin).email,
            crate::harness::PASSWORD,
        )
        .await
        .assert_redirects_to("/app");
    // The other process keeps the names now.
    within_a_second(&there, "/app/tickets", |options| {
        options.iter().any(|o| o == "Support")
    })
    .await;

    here.post(
        &format!("/app/config/departments/{department}"),
        &[("name", "Returns desk"), ("chat", "on")],
    )
    .await
    .assert_redirects_to("/app/config/departments");
    within_a_second(&there, "/app/tickets", |options| {
        options.iter().any(|o| o == "Returns desk") && !options.iter().any(|o| o == "Support")
    })
    .await;

    // The names are kept, not read again: a change that nobody announces is not seen...
    sqlx::query("alter table departments disable trigger departments_directory")
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("update departments set name = 'Unannounced' where id = $1")
        .bind(department)
        .execute(&db)
        .await
        .unwrap();
    let options = there
        .get("/app/tickets")
        .await
        .texts("select[name=department] option");
    assert!(options.iter().any(|o| o == "Returns desk"), "{options:?}");
    sqlx::query("alter table departments enable trigger departments_directory")
        .execute(&db)
        .await
        .unwrap();

    // ...and one made by hand in the database, announced by its trigger, is.
    sqlx::query("update agents set name = 'Zoe Renamed' where id = $1")
        .bind(acme.person(Role::Agent).id)
        .execute(&db)
        .await
        .unwrap();
    within_a_second(&there, "/app/tickets", |options| {
        options.iter().any(|o| o == "Zoe Renamed")
    })
    .await;
}

#[sqlx::test]
async fn a_role_change_a_deletion_and_a_logout_hold_on_the_other_process_at_once(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let acme = app.workspace("acme").await;
    let (_, other) = serve(db.clone(), |_| {}).await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let admin_cookie = admin.session_cookie().unwrap();
    let there = Client::new(&other);
    let settings = there
        .get_with_cookie("/app/config/settings", &admin_cookie)
        .await;
    assert_eq!(settings.status, StatusCode::OK);

    let admin_id = acme.person(Role::Admin).id;
    owner
        .post(
            &format!("/app/config/agents/{admin_id}/edit"),
            &[("name", "admin of acme"), ("role", "agent")],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    let settings = there
        .get_with_cookie("/app/config/settings", &admin_cookie)
        .await;
    assert_eq!(settings.status, StatusCode::FORBIDDEN);
    assert_eq!(
        there.get_with_cookie("/app", &admin_cookie).await.status,
        StatusCode::OK
    );

    admin
        .post("/logout", &[])
        .await
        .assert_redirects_to("/login");
    let page = there.get_with_cookie("/app", &admin_cookie).await;
    assert!(page.location().starts_with("/login"), "{}", page.status);

    let agent = app.logged_in(&acme, Role::Agent).await;
    let agent_cookie = agent.session_cookie().unwrap();
    assert_eq!(
        there.get_with_cookie("/app", &agent_cookie).await.status,
        StatusCode::OK
    );
    let agent_id = acme.person(Role::Agent).id;
    owner
        .post(&format!("/app/config/agents/{agent_id}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/agents");
    let page = there.get_with_cookie("/app", &agent_cookie).await;
    assert!(page.location().starts_with("/login"), "{}", page.status);
}
