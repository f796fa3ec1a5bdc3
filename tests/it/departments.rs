//! Departments at /app/config/departments: the free plan's limit, members, renaming and
//! deleting, and other workspaces' ids.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::TestApp;

async fn department(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select id from departments where name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_free_plan_allows_one_department_and_says_so(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let empty = owner.get("/app/config/departments").await;
    assert!(empty.body.contains("The Free plan allows one department."));
    assert!(empty.body.contains("action=\"/app/config/departments\""));

    owner
        .post(
            "/app/config/departments",
            &[("name", "Support"), ("description", "How-to questions")],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    let page = owner.get("/app/config/departments").await;
    assert!(page.body.contains("Department created."));
    assert!(page.body.contains("The Free plan allows one department."));
    assert_eq!(
        page.texts(".notice a[href=\"/app/billing\"]"),
        ["Change the plan"],
        "owners get the link beside the limit"
    );
    assert!(
        !page.body.contains("action=\"/app/config/departments\""),
        "no form at the limit"
    );
    let page = admin.get("/app/config/departments").await;
    assert!(!page.body.contains("href=\"/app/billing\""));
    assert!(
        page.body
            .contains("An owner of the workspace can change the plan.")
    );

    let refused = admin
        .post("/app/config/departments", &[("name", "Billing")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("The free plan allows one department.")
    );
    assert_eq!(app.count("departments").await, 1);

    sqlx::query("update accounts set plan = 'small'")
        .execute(&app.db)
        .await
        .unwrap();
    admin
        .post("/app/config/departments", &[("name", "Billing")])
        .await
        .assert_redirects_to("/app/config/departments");
    let taken = admin
        .post("/app/config/departments", &[("name", "billing")])
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .body
            .contains("A department with this name exists already.")
    );
    assert_eq!(app.count("departments").await, 2);
}

#[sqlx::test]
async fn admins_choose_a_departments_agents_rename_and_delete_it(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let agent_id = acme.person(Role::Agent).id.to_string();
    admin
        .post(
            "/app/config/departments",
            &[("name", "Support"), ("agents", &agent_id)],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    let support = department(&app, "Support").await;
    assert_eq!(app.count("department_agents").await, 1);
    let list = admin.get("/app/config/departments").await;
    assert!(list.body.contains("agent of acme"));

    let admin_id = acme.person(Role::Admin).id.to_string();
    let edit = format!("/app/config/departments/{support}");
    let page = admin.get(&edit).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("value=\"{agent_id}\" checked")));
    admin
        .post(
            &edit,
            &[
                ("name", "Customer support"),
                ("description", "All questions"),
                ("agents", &agent_id),
                ("agents", &admin_id),
            ],
        )
        .await
        .assert_redirects_to("/app/config/departments");
    assert_eq!(app.count("department_agents").await, 2);
    assert_eq!(
        app.count("departments where name = 'Customer support' and description = 'All questions'")
            .await,
        1
    );
    // The agents list shows the departments.
    let team = admin.get("/app/config/agents").await;
    assert!(team.body.contains("Customer support"));

    let delete = format!("/app/config/departments/{support}/delete");
    let confirm = admin.get(&delete).await;
    assert!(
        confirm
            .body
            .contains("Its tickets stay, without a department")
    );
    assert!(confirm.body.contains("Its 2 agents stay"));
    assert_eq!(app.count("departments").await, 1, "GET changes nothing");
    admin
        .post(&delete, &[])
        .await
        .assert_redirects_to("/app/config/departments");
    assert_eq!(app.count("departments").await, 0);
    assert_eq!(app.count("department_agents").await, 0);
    assert_eq!(app.count("agents where deleted_at is null").await, 3);

    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'department%' order by id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "department_created",
            "department_updated",
            "department_deleted"
        ]
    );
}

#[sqlx::test]
async fn bad_department_forms_come_back_with_the_input_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let long = "d".repeat(501);
    let page = admin
        .post(
            "/app/config/departments",
            &[("name", ""), ("description", &long)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("This field is required."));
    assert!(page.body.contains("This is too long."));
    assert!(page.body.contains(&long), "input kept");

    // Another workspace's agent is not a choice here.
    let theirs = globex.person(Role::Agent).id.to_string();
    let page = admin
        .post(
            "/app/config/departments",
            &[("name", "Mixed"), ("agents", &theirs)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = admin
        .post(
            "/app/config/departments",
            &[("name", "Mixed"), ("agents", "not-an-id")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("departments").await, 0);
}

#[sqlx::test]
async fn another_workspaces_departments_are_not_found(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let theirs = app.logged_in(&globex, Role::Owner).await;
    theirs
        .post("/app/config/departments", &[("name", "Theirs")])
        .await
        .assert_redirects_to("/app/config/departments");
    let id = department(&app, "Theirs").await;

    let owner = app.logged_in(&acme, Role::Owner).await;
    for path in [
        format!("/app/config/departments/{id}"),
        format!("/app/config/departments/{id}/delete"),
    ] {
        assert_eq!(owner.get(&path).await.status, StatusCode::NOT_FOUND);
        let page = owner.post(&path, &[("name", "Hijacked")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
    assert!(
        !owner
            .get("/app/config/departments")
            .await
            .body
            .contains("Theirs")
    );
    assert_eq!(app.count("departments where name = 'Theirs'").await, 1);

    // Agents may not manage departments at all.
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent
        .post("/app/config/departments", &[("name", "Mine")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("departments").await, 1);
}
