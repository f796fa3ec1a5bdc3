//! The team at /app/config/agents: invitations end to end over SMTP, the role rules with
//! forged forms, deletion, and other workspaces' ids.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{Client, PASSWORD, ReceivedMail, TestApp, Workspace};

const NEW_PASSWORD: &str = "my own fresh passphrase";

async fn invite(client: &Client, name: &str, email: &str, role: &str) -> crate::harness::Page {
    client
        .post(
            "/app/config/agents/new",
            &[
                ("name", name),
                ("email", email),
                ("role", role),
                ("gender", "unspecified"),
            ],
        )
        .await
}

/// The `Label: value` line of an invitation's text.
fn credential(mail: &ReceivedMail, label: &str) -> String {
    mail.text
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no {label} line in {}", mail.text))
        .trim()
        .to_owned()
}

async fn agent_id(app: &TestApp, workspace: &Workspace, email: &str) -> Uuid {
    sqlx::query_scalar(
        "select id from agents where account_id = $1 and lower(email) = lower($2)
         and deleted_at is null",
    )
    .bind(workspace.account_id)
    .bind(email)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn role_of(app: &TestApp, id: Uuid) -> String {
    sqlx::query_scalar("select role from agents where id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn set_plan(app: &TestApp, workspace: &Workspace, plan: &str) {
    sqlx::query("update accounts set plan = $2 where id = $1")
        .bind(workspace.account_id)
        .bind(plan)
        .execute(&app.db)
        .await
        .unwrap();
}

#[sqlx::test]
async fn an_invited_agent_logs_in_with_the_emailed_password_and_must_choose_their_own(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;

    invite(&admin, "Nora New", "Nora@Example.com", "agent")
        .await
        .assert_redirects_to("/app/config/agents");
    let list = admin.get("/app/config/agents").await;
    assert!(list.body.contains("The invitation is on its way."));
    assert!(list.body.contains("Nora New"));
    assert!(list.body.contains("Invited"));

    let mail = app.mail.wait_for("Nora@Example.com").await;
    assert!(mail.subject.contains("acme Inc"), "{}", mail.subject);
    assert_eq!(credential(&mail, "Workspace"), "acme");
    assert_eq!(credential(&mail, "Email"), "Nora@Example.com");
    let temporary = credential(&mail, "Password");
    assert!(temporary.len() >= 16);
    let link = format!("{}/login?workspace=acme", app.config.base_url);
    assert!(mail.text.contains(&link), "{}", mail.text);
    assert!(mail.html.contains(&temporary) && mail.html.contains(&link));
    let stored: String = sqlx::query_scalar("select password_hash from agents where email = $1")
        .bind("Nora@Example.com")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(&temporary));

    // The login page the link opens has the workspace filled in.
    let nora = app.client();
    let login = nora.get(&link.replace(&app.config.base_url, "")).await;
    assert!(login.body.contains("value=\"acme\""));
    nora.log_in("acme", "nora@example.com", &temporary)
        .await
        .assert_redirects_to("/app");
    nora.get("/app").await.assert_redirects_to("/app/password");
    nora.get("/app/config/agents")
        .await
        .assert_redirects_to("/app/password");
    let forced = nora.get("/app/password").await;
    assert_eq!(forced.status, StatusCode::OK);
    assert!(forced.body.contains("Choose your own password to start"));

    nora.post(
        "/app/password",
        &[("current_password", &temporary), ("password", NEW_PASSWORD)],
    )
    .await
    .assert_redirects_to("/app");
    assert_eq!(nora.get("/app").await.status, StatusCode::OK);
    app.assert_password_changed("acme", "nora@example.com", NEW_PASSWORD, &temporary)
        .await;
    let list = admin.get("/app/config/agents").await;
    assert!(!list.body.contains("Invited"), "Nora is active now");
}

#[sqlx::test]
async fn an_invitation_expires_after_seven_days_and_a_new_one_replaces_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    invite(&admin, "Late Larry", "larry@example.com", "agent").await;
    let first = credential(&app.mail.wait_for("larry@example.com").await, "Password");
    let larry = agent_id(&app, &acme, "larry@example.com").await;

    sqlx::query(
        "update agents set temporary_password_expires_at = now() - interval '1 minute'
         where id = $1",
    )
    .bind(larry)
    .execute(&app.db)
    .await
    .unwrap();
    let expired = app
        .client()
        .log_in("acme", "larry@example.com", &first)
        .await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.body.contains("This invitation has expired"));
    let list = admin.get("/app/config/agents").await;
    assert!(list.body.contains("Invitation expired"));

    admin
        .post(&format!("/app/config/agents/{larry}/invitation"), &[])
        .await
        .assert_redirects_to(&format!("/app/config/agents/{larry}/edit"));
    let mails = app.mail.wait_for_count("larry@example.com", 2).await;
    let second = credential(&mails[1], "Password");
    assert_ne!(first, second);
    let refused = app
        .client()
        .log_in("acme", "larry@example.com", &first)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let larry_client = app.client();
    larry_client
        .log_in("acme", "larry@example.com", &second)
        .await
        .assert_redirects_to("/app");
    larry_client
        .get("/app")
        .await
        .assert_redirects_to("/app/password");

    // An agent who chose their password has no invitation to send again.
    let active = acme.person(Role::Agent).id;
    let page = admin
        .post(&format!("/app/config/agents/{active}/invitation"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("outbox").await, 2);
}

#[sqlx::test]
async fn the_team_page_lists_everyone_with_filters_and_what_the_seats_cost(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;

    let free = owner.get("/app/config/agents").await;
    assert!(free.body.contains("3 agents: no charge on the free plan."));
    for person in &acme.people {
        assert!(free.body.contains(&person.email));
        assert!(
            free.body
                .contains(&format!("/app/config/agents/{}/edit", person.id))
        );
        assert!(
            free.body
                .contains(&format!("/app/config/agents/{}/delete", person.id))
        );
    }

    set_plan(&app, &acme, "small").await;
    let small = owner.get("/app/config/agents").await;
    assert!(
        small.body.contains("3 agents x $15.00 = $45.00 a month"),
        "{}",
        small.body
    );
    let new = owner.get("/app/config/agents/new").await;
    assert!(
        new.body
            .contains("This seat costs $15.00 a month: 4 agents x $15.00 = $60.00 a month")
    );

    let admins = owner.get("/app/config/agents?role=admin").await;
    assert!(admins.body.contains("admin@acme.test"));
    assert!(!admins.body.contains("agent@acme.test"));
    let search = owner.get("/app/config/agents?q=OWNER").await;
    assert!(search.body.contains("owner@acme.test"));
    assert!(!search.body.contains("admin@acme.test"));
    let nothing = owner.get("/app/config/agents?q=%25").await;
    assert!(nothing.body.contains("No agent matches these filters."));

    owner
        .post(
            "/app/config/departments",
            &[
                ("name", "Support"),
                ("agents", &acme.person(Role::Agent).id.to_string()),
            ],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    let support: Uuid = sqlx::query_scalar("select id from departments where name = 'Support'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let in_support = owner
        .get(&format!("/app/config/agents?department={support}"))
        .await;
    assert!(in_support.body.contains("agent@acme.test"));
    assert!(!in_support.body.contains("admin@acme.test"));
}

#[sqlx::test]
async fn forged_and_wrong_invitations_are_refused_and_create_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;

    let owner_by_admin = invite(&admin, "Sneaky", "sneaky@example.com", "owner").await;
    assert_eq!(owner_by_admin.status, StatusCode::FORBIDDEN);
    assert!(owner_by_admin.body.contains("Only an owner"));
    let by_agent = invite(&agent, "Sneaky", "sneaky@example.com", "agent").await;
    assert_eq!(by_agent.status, StatusCode::FORBIDDEN);

    let duplicate = invite(&admin, "Twin", "ADMIN@acme.test", "agent").await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(duplicate.body.contains("already has this email"));
    assert!(duplicate.body.contains("value=\"Twin\""), "input kept");

    let bad = invite(&admin, "", "not-an-email", "emperor").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("This field is required."));
    assert!(bad.body.contains("Enter a valid email address"));
    assert!(bad.body.contains("Choose one of the options offered."));

    let long_name = "x".repeat(121);
    let too_long = invite(&admin, &long_name, "long@example.com", "agent").await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another workspace's department is no choice of this one.
    let mut tx = app.db.begin().await.unwrap();
    let foreign = frontdesk::departments::db::insert(&mut tx, globex.account_id, "Theirs", "")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let foreign = foreign.to_string();
    let page = admin
        .post(
            "/app/config/agents/new",
            &[
                ("name", "Mixed"),
                ("email", "mixed@example.com"),
                ("role", "agent"),
                ("departments", &foreign),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(app.count("agents").await, 6);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(
        app.count("audit_log where action = 'agent_invited'").await,
        0
    );
}

#[sqlx::test]
async fn a_double_submitted_invitation_creates_one_agent(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let (first, second) = tokio::join!(
        invite(&admin, "Dora Double", "dora@example.com", "agent"),
        invite(&admin, "Dora Double", "dora@example.com", "agent"),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY]
    );
    assert_eq!(
        app.count("agents where email = 'dora@example.com'").await,
        1
    );
    assert_eq!(app.count("outbox").await, 1);
}

#[sqlx::test]
async fn roles_change_by_the_rules_and_hold_on_the_next_request(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let owner_id = acme.person(Role::Owner).id;
    let admin_id = acme.person(Role::Admin).id;
    let agent_id = acme.person(Role::Agent).id;
    let edit = |id: Uuid| format!("/app/config/agents/{id}/edit");
    let form = |name: &'static str, role: &'static str| vec![("name", name), ("role", role)];

    // Admins neither touch owners nor make them.
    assert_eq!(
        admin.get(&edit(owner_id)).await.status,
        StatusCode::FORBIDDEN
    );
    let page = admin.post(&edit(owner_id), &form("Renamed", "owner")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("agents where name = 'Renamed'").await, 0);
    let page = admin
        .post(&edit(agent_id), &form("agent of acme", "owner"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(role_of(&app, agent_id).await, "agent");
    assert_eq!(role_of(&app, owner_id).await, "owner");
    // Admins do not see "owner" among the roles they may give.
    let page = admin.get(&edit(agent_id)).await;
    assert!(!page.body.contains("value=\"owner\""));

    // Nobody changes their own role; their other fields they may.
    for (client, id, other) in [(&owner, owner_id, "admin"), (&admin, admin_id, "agent")] {
        let page = client.post(&edit(id), &form("Me", other)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.body.contains("Nobody changes their own role."));
    }
    let own = admin.get(&edit(admin_id)).await;
    assert!(!own.body.contains("<select id=\"role\""));
    admin
        .post(&edit(admin_id), &form("Adele Admin", "admin"))
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(role_of(&app, admin_id).await, "admin");

    // An admin promotes an agent to admin: it holds on the agent's next request.
    assert_eq!(
        agent.get("/app/config/agents").await.status,
        StatusCode::FORBIDDEN
    );
    admin
        .post(&edit(agent_id), &form("Agnes", "admin"))
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(agent.get("/app/config/agents").await.status, StatusCode::OK);

    // An owner makes someone owner, and may then step down.
    owner
        .post(&edit(admin_id), &form("Adele Admin", "owner"))
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(role_of(&app, admin_id).await, "owner");
    admin
        .post(&edit(owner_id), &form("Former Owner", "agent"))
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(role_of(&app, owner_id).await, "agent");
    assert_eq!(
        owner.get("/app/config/agents").await.status,
        StatusCode::FORBIDDEN
    );

    let audit: Vec<String> = sqlx::query_scalar(
        "select detail from audit_log where action = 'role_changed' order by id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit, ["agent → admin", "admin → owner", "owner → agent"]);
}

#[sqlx::test]
async fn the_last_owner_can_be_neither_demoted_nor_deleted(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let owner_id = acme.person(Role::Owner).id;
    let page = owner
        .post(
            &format!("/app/config/agents/{owner_id}/edit"),
            &[("name", "Owner"), ("role", "admin")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = owner
        .post(&format!("/app/config/agents/{owner_id}/delete"), &[])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("You cannot delete yourself."));
    assert_eq!(
        app.count("agents where role = 'owner' and deleted_at is null")
            .await,
        1
    );
}

/// Two owners demoting (or deleting) each other at the same moment: the rules see the team
/// as the first change left it, so exactly one change happens and one owner remains.
#[sqlx::test]
async fn two_owners_removing_each_other_at_once_leave_one_owner(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for (slug, action) in [("acme", "edit"), ("beta", "delete")] {
        let workspace = app.workspace(slug).await;
        let first = workspace.person(Role::Owner).id;
        let second = workspace.person(Role::Admin).id;
        sqlx::query("update agents set role = 'owner' where id = $1")
            .bind(second)
            .execute(&app.db)
            .await
            .unwrap();
        let first_client = app.logged_in(&workspace, Role::Owner).await;
        let second_client = app.logged_in(&workspace, Role::Admin).await;
        let demote = [("name", "Demoted"), ("role", "admin")];
        let against_second = format!("/app/config/agents/{second}/{action}");
        let against_first = format!("/app/config/agents/{first}/{action}");
        // Neither may change the team before both have come as far as that.
        let (one, other) = app
            .race("lock table agents in share mode", async {
                tokio::join!(
                    first_client.post(&against_second, &demote),
                    second_client.post(&against_first, &demote),
                )
            })
            .await;
        // The second is refused: 403, or sent to log in when it began after a deletion.
        let done = [&one, &other]
            .iter()
            .filter(|page| page.location() == "/app/config/agents")
            .count();
        assert_eq!(done, 1, "{action}");
        for page in [&one, &other] {
            let refused =
                page.status == StatusCode::FORBIDDEN || page.location().starts_with("/login");
            assert!(
                page.location() == "/app/config/agents" || refused,
                "{action}"
            );
        }
        let owners = app
            .count(&format!(
                "agents where account_id = '{}' and role = 'owner' and deleted_at is null",
                workspace.account_id
            ))
            .await;
        assert_eq!(owners, 1, "{action}");
    }
}

#[sqlx::test]
async fn an_owner_edits_and_deletes_another_owner(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let admin_id = acme.person(Role::Admin).id;
    owner
        .post(
            &format!("/app/config/agents/{admin_id}/edit"),
            &[("name", "Second Owner"), ("role", "owner")],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    owner
        .post(
            &format!("/app/config/agents/{admin_id}/edit"),
            &[
                ("name", "Renamed Owner"),
                ("role", "owner"),
                ("alias", "Ro"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(
        app.count("agents where name = 'Renamed Owner' and alias = 'Ro' and role = 'owner'")
            .await,
        1
    );
    owner
        .post(&format!("/app/config/agents/{admin_id}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/agents");
    assert_eq!(
        app.count("agents where role = 'owner' and deleted_at is null")
            .await,
        1
    );
}

#[sqlx::test]
async fn a_deleted_agent_is_logged_out_at_once_and_their_address_is_free_again(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let agent_person = acme.person(Role::Agent);
    let delete = format!("/app/config/agents/{}/delete", agent_person.id);

    let confirm = admin.get(&delete).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains(&agent_person.email));
    assert!(confirm.body.contains("logged out everywhere at once"));
    assert!(confirm.body.contains("their tickets and messages stay"));
    assert_eq!(
        app.count("agents where deleted_at is not null").await,
        0,
        "GET changes nothing"
    );

    admin
        .post(&delete, &[])
        .await
        .assert_redirects_to("/app/config/agents");
    assert!(
        admin
            .get("/app/config/agents")
            .await
            .body
            .contains("The agent was deleted.")
    );
    agent
        .get("/app")
        .await
        .assert_redirects_to("/login?next=%2Fapp");
    let again = app
        .client()
        .log_in("acme", &agent_person.email, PASSWORD)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count(&format!(
            "logins where agent_id = '{}' and ended_at is null",
            agent_person.id
        ))
        .await,
        0
    );
    // The row stays for the sake of their messages.
    assert_eq!(app.count("agents where deleted_at is not null").await, 1);
    assert_eq!(admin.post(&delete, &[]).await.status, StatusCode::NOT_FOUND);

    invite(&admin, "Back Again", &agent_person.email, "agent")
        .await
        .assert_redirects_to("/app/config/agents");
}

#[sqlx::test]
async fn deletion_follows_the_rules(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let delete = |role| format!("/app/config/agents/{}/delete", acme.person(role).id);

    for method_is_post in [false, true] {
        let page = if method_is_post {
            admin.post(&delete(Role::Owner), &[]).await
        } else {
            admin.get(&delete(Role::Owner)).await
        };
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let page = if method_is_post {
            admin.post(&delete(Role::Admin), &[]).await
        } else {
            admin.get(&delete(Role::Admin)).await
        };
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.body.contains("You cannot delete yourself."));
    }
    let page = agent.post(&delete(Role::Admin), &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("agents where deleted_at is not null").await, 0);
}

#[sqlx::test]
async fn another_workspaces_agents_are_not_found(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let theirs = globex.person(Role::Agent).id;

    for path in [
        format!("/app/config/agents/{theirs}/edit"),
        format!("/app/config/agents/{theirs}/delete"),
        "/app/config/agents/not-an-id/edit".to_owned(),
    ] {
        assert_eq!(
            owner.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    for path in [
        format!("/app/config/agents/{theirs}/edit"),
        format!("/app/config/agents/{theirs}/delete"),
        format!("/app/config/agents/{theirs}/invitation"),
    ] {
        let page = owner
            .post(&path, &[("name", "Hijacked"), ("role", "owner")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(role_of(&app, theirs).await, "agent");
    assert_eq!(
        app.count("agents where deleted_at is not null or name = 'Hijacked'")
            .await,
        0
    );
    assert_eq!(app.count("outbox").await, 0);
}

#[sqlx::test]
async fn names_with_html_are_shown_escaped(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    invite(
        &admin,
        "<script>alert(1)</script>",
        "xss@example.com",
        "agent",
    )
    .await
    .assert_redirects_to("/app/config/agents");
    let id = agent_id(&app, &acme, "xss@example.com").await;
    for path in [
        "/app/config/agents".to_owned(),
        format!("/app/config/agents/{id}/edit"),
        format!("/app/config/agents/{id}/delete"),
        "/app/config/departments".to_owned(),
    ] {
        let page = admin.get(&path).await;
        assert!(!page.body.contains("<script>alert(1)"), "{path}");
        let escaped = ["&lt;script&gt;alert(1)", "&#60;script&#62;alert(1)"];
        assert!(escaped.iter().any(|e| page.body.contains(e)), "{path}");
    }
    let mail = app.mail.wait_for("xss@example.com").await;
    assert!(!mail.html.contains("<script>alert(1)"));
}

#[sqlx::test]
async fn changes_and_logins_are_in_the_audit_log(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    invite(&admin, "Audited Ann", "ann@example.com", "agent").await;
    let ann = agent_id(&app, &acme, "ann@example.com").await;
    admin
        .post(
            &format!("/app/config/agents/{ann}/edit"),
            &[("name", "Ann Audited"), ("role", "admin")],
        )
        .await;
    admin
        .post(&format!("/app/config/agents/{ann}/delete"), &[])
        .await;

    let log = admin.get("/app/config/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    for text in [
        "Logged in",
        "Agent → Admin",
        "Invited an agent",
        "Edited an agent",
        "Changed a role",
        "Deleted an agent",
        "ann@example.com",
        "127.0.0.1",
    ] {
        assert!(log.body.contains(text), "{text}");
    }
    // Who did it is the row's own column, not the viewer's name in the header.
    let rows = log.rows("table.list tbody tr");
    let invited = rows
        .iter()
        .find(|row| row[2].starts_with("Invited an agent: ann@example.com"))
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(invited[1], "admin of acme");
    let agent = app.logged_in(&acme, Role::Agent).await;
    assert_eq!(
        agent.get("/app/config/audit").await.status,
        StatusCode::FORBIDDEN
    );
    // Another workspace's log is its own.
    let globex = app.workspace("globex").await;
    let theirs = app.logged_in(&globex, Role::Owner).await;
    let log = theirs.get("/app/config/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    let rows = log.rows("table.list tbody tr");
    assert!(
        rows.iter()
            .any(|row| row[1] == "owner of globex" && row[2] == "Logged in"),
        "{rows:?}"
    );
    assert!(!log.body.contains("ann@example.com"));
}
