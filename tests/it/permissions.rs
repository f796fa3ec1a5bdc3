//! Every gated route for each role, logged out, and from another workspace.
use frontdesk::auth::{Permission, Role};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, TestApp};

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
}

/// A form as name-value pairs.
type Fields = &'static [(&'static str, &'static str)];

/// The `/app` routes that exist, with the permission each needs and a valid form.
const GATED_ROUTES: &[(Method, &str, Permission, Fields)] = &[
    (Method::Get, "/app", Permission::Tickets, &[]),
    (Method::Get, "/app/password", Permission::OwnProfile, &[]),
    (Method::Get, "/app/profile/2fa", Permission::OwnProfile, &[]),
    // The QR code of the secret that the page above offered.
    (
        Method::Get,
        "/app/profile/2fa/qr",
        Permission::OwnProfile,
        &[],
    ),
    (Method::Get, "/app/tickets", Permission::Tickets, &[]),
    (Method::Get, "/app/chats", Permission::Tickets, &[]),
    (
        Method::Get,
        "/app/config/chat",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Post,
        "/app/availability",
        Permission::Tickets,
        &[("availability", "online")],
    ),
    (Method::Get, "/app/reports/me", Permission::OwnProfile, &[]),
    (
        Method::Get,
        "/app/reports/me?period=week&format=csv",
        Permission::OwnProfile,
        &[],
    ),
    (Method::Get, "/app/reports", Permission::AllReports, &[]),
    (
        Method::Get,
        "/app/reports?period=month&format=csv",
        Permission::AllReports,
        &[],
    ),
    (Method::Get, "/app/tickets/new", Permission::Tickets, &[]),
    (Method::Get, "/app/kb", Permission::KnowledgeBase, &[]),
    (
        Method::Get,
        "/app/kb/articles/new",
        Permission::KnowledgeBase,
        &[],
    ),
    // Each role's article gets its own slug, made from the same title.
    (
        Method::Post,
        "/app/kb/articles/new",
        Permission::KnowledgeBase,
        &[
            ("title", "Returns"),
            ("body", "Send it back."),
            ("status", "draft"),
        ],
    ),
    (
        Method::Get,
        "/app/kb/categories",
        Permission::KnowledgeBase,
        &[],
    ),
    (
        Method::Get,
        "/app/profile/notifications",
        Permission::OwnProfile,
        &[],
    ),
    (
        Method::Post,
        "/app/profile/notifications",
        Permission::OwnProfile,
        &[("email_assigned", "on"), ("slack_webhook_url", "")],
    ),
    (
        Method::Post,
        "/app/password",
        Permission::OwnProfile,
        &[
            ("current_password", crate::harness::PASSWORD),
            ("password", "a fresh passphrase of mine"),
        ],
    ),
    (
        Method::Get,
        "/app/config/agents",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Get,
        "/app/config/agents/new",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Get,
        "/app/config/departments",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Get,
        "/app/config/audit",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Get,
        "/app/config/settings",
        Permission::Configuration,
        &[],
    ),
    (
        Method::Post,
        "/app/config/settings",
        Permission::Configuration,
        &[("company", "Renamed Ltd")],
    ),
    (Method::Get, "/app/profile", Permission::OwnProfile, &[]),
    (
        Method::Post,
        "/app/profile",
        Permission::OwnProfile,
        &[
            ("name", "Renamed Person"),
            ("theme", "light"),
            ("language", "en"),
            ("device", "mobile_app"),
        ],
    ),
    (
        Method::Get,
        "/app/profile/password",
        Permission::OwnProfile,
        &[],
    ),
    (
        Method::Post,
        "/app/profile/photo/delete",
        Permission::OwnProfile,
        &[],
    ),
    (Method::Get, "/app/billing", Permission::Billing, &[]),
    (
        Method::Post,
        "/app/billing/plan",
        Permission::Billing,
        &[("plan", "small")],
    ),
    (
        Method::Get,
        "/app/billing/invoices",
        Permission::Billing,
        &[],
    ),
    (
        Method::Get,
        "/app/billing/details",
        Permission::Billing,
        &[],
    ),
    (
        Method::Post,
        "/app/billing/details",
        Permission::Billing,
        &[("company", "Renamed Ltd"), ("country", "Germany")],
    ),
];

/// The pages among the gated routes (each GET), with the permission each needs.
pub fn gated_pages() -> impl Iterator<Item = (&'static str, Permission)> {
    GATED_ROUTES
        .iter()
        .filter(|(method, ..)| matches!(method, Method::Get))
        .map(|(_, path, permission, _)| (*path, *permission))
}

async fn call(
    client: &Client,
    method: Method,
    path: &str,
    form: &[(&str, &str)],
) -> crate::harness::Page {
    match method {
        Method::Get => client.get(path).await,
        Method::Post => client.post(path, form).await,
    }
}

#[sqlx::test]
async fn each_role_opens_exactly_the_routes_its_permissions_allow(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for role in Role::ALL {
        let client = app.logged_in(&acme, role).await;
        for (method, path, permission, form) in GATED_ROUTES {
            let page = call(&client, *method, path, form).await;
            let expected = match (role.can(*permission), method) {
                (false, _) => StatusCode::FORBIDDEN,
                (true, Method::Get) => StatusCode::OK,
                (true, Method::Post) => StatusCode::SEE_OTHER,
            };
            assert_eq!(page.status, expected, "{role:?} {path}");
            if expected == StatusCode::FORBIDDEN {
                assert!(page.body.contains("You do not have permission to do this."));
            }
        }
    }
}

#[sqlx::test]
async fn a_logged_out_visitor_is_sent_to_login_from_every_gated_route(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for (method, path, _, form) in GATED_ROUTES {
        let page = call(&app.client(), *method, path, form).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/login?next=%2Fapp"), "{path}");
    }
}

#[sqlx::test]
async fn an_agent_is_refused_settings_and_nothing_changes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent
        .post("/app/config/settings", &[("company", "Agent Co")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(acme.company(&app).await, "acme Inc", "unchanged");
}

#[sqlx::test]
async fn the_navigation_shows_each_role_only_what_it_may_open(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for role in Role::ALL {
        let home = app.logged_in(&acme, role).await.get("/app").await;
        let shows_settings = home.body.contains("href=\"/app/config/settings\"");
        assert_eq!(
            shows_settings,
            role.can(Permission::Configuration),
            "{role:?}"
        );
        let shows_billing = home.body.contains("href=\"/app/billing\"");
        assert_eq!(shows_billing, role.can(Permission::Billing), "{role:?}");
    }
}

#[sqlx::test]
async fn an_admin_changes_only_their_own_workspace(db: PgPool) {
    let app = TestApp::spawn(db).await;
    app.workspace("acme").await;
    let beta = app.workspace("beta").await;
    let beta_admin = app.logged_in(&beta, Role::Admin).await;

    beta_admin
        .post("/app/config/settings", &[("company", "Beta Renamed")])
        .await
        .assert_redirects_to("/app/config/settings");
    let page = beta_admin.get("/app/config/settings").await;
    assert!(page.body.contains("Settings saved."));
    assert!(page.body.contains("value=\"Beta Renamed\""));

    let companies: Vec<(String, String)> =
        sqlx::query_as("select slug, company from accounts order by slug")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        companies,
        vec![
            ("acme".into(), "acme Inc".into()),
            ("beta".into(), "Beta Renamed".into())
        ]
    );
    // And sees nothing of the other workspace on its pages.
    let home = beta_admin.get("/app").await;
    assert!(!home.body.contains("acme"));
}

#[sqlx::test]
async fn settings_with_a_mistake_come_back_with_the_input(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let long = "x".repeat(121);
    let page = owner
        .post("/app/config/settings", &[("company", &long)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This is too long."));
    assert!(page.body.contains(&long));
}

#[sqlx::test]
async fn an_agent_is_refused_every_configuration_form_and_nothing_changes(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    admin
        .post("/app/config/departments", &[("name", "Support")])
        .await
        .assert_redirects_to("/app/config/departments");
    let department: uuid::Uuid = sqlx::query_scalar("select id from departments")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let admin_id = acme.person(Role::Admin).id;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let form = [
        ("name", "Taken Over"),
        ("email", "new@example.com"),
        ("role", "owner"),
        ("description", "x"),
    ];
    for path in [
        "/app/config/agents/new".to_owned(),
        format!("/app/config/agents/{admin_id}/edit"),
        format!("/app/config/agents/{admin_id}/delete"),
        format!("/app/config/agents/{admin_id}/invitation"),
        format!("/app/config/agents/{admin_id}/2fa/reset"),
        "/app/config/departments".to_owned(),
        format!("/app/config/departments/{department}"),
        format!("/app/config/departments/{department}/delete"),
    ] {
        if !path.ends_with("/invitation") && !path.ends_with("/reset") {
            assert_eq!(
                agent.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
        let page = agent.post(&path, &form).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.count("agents").await, 3);
    assert_eq!(
        app.count("agents where name = 'Taken Over' or deleted_at is not null or role = 'owner' and email <> 'owner@acme.test'").await,
        0
    );
    assert_eq!(app.count("departments where name = 'Support'").await, 1);
    assert_eq!(app.count("outbox").await, 0);
}

/// The ticket routes that need a ticket to exist, which the table above cannot name:
/// logged out, each leads to the login page before anything is looked up or changed.
#[sqlx::test]
async fn a_logged_out_visitor_is_sent_to_login_from_every_ticket_route(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let client = app.client();
    let id = uuid::Uuid::now_v7();
    for path in [
        "/app/tickets/1".to_owned(),
        format!("/app/tickets/1/attachments/{id}"),
    ] {
        let page = client.get(&path).await;
        assert!(page.location().starts_with("/login?next=%2Fapp"), "{path}");
    }
    for path in [
        "/app/tickets/new",
        "/app/tickets/1/reply",
        "/app/tickets/1/note",
        "/app/tickets/1/properties",
    ] {
        let page = client
            .post(path, &[("body", "x"), ("status", "spam")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/login?next=%2Fapp"), "{path}");
    }
    assert_eq!(app.count("messages").await, 0);
}
