//! Billing as owners use it: the overview, plan changes with their preview, invoices
//! closed by the scheduler's function and by the command, billing details. The app's clock
//! is fixed, so nothing here depends on today's date.
use frontdesk::{auth::Role, billing::close_periods};
use reqwest::StatusCode;
use sqlx::PgPool;
use time::{OffsetDateTime, macros::datetime};
use uuid::Uuid;

use crate::harness::{TestApp, Workspace};

async fn set_plan(app: &TestApp, workspace: &Workspace, plan: &str) {
    sqlx::query("update accounts set plan = $2 where id = $1")
        .bind(workspace.account_id)
        .bind(plan)
        .execute(&app.db)
        .await
        .unwrap();
}

async fn close(app: &TestApp, now: OffsetDateTime) -> Vec<String> {
    close_periods(&app.db, &app.config, now)
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// (number, period start, total) of the workspace's invoices, oldest first.
async fn invoices(app: &TestApp, workspace: &Workspace) -> Vec<(i32, String, i64)> {
    sqlx::query_as(
        "select number, period_start::text, total_cents from invoices
         where account_id = $1 order by number",
    )
    .bind(workspace.account_id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn invoice_id(app: &TestApp, workspace: &Workspace, number: i32) -> Uuid {
    sqlx::query_scalar("select id from invoices where account_id = $1 and number = $2")
        .bind(workspace.account_id)
        .bind(number)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn plan_of(app: &TestApp, workspace: &Workspace) -> String {
    sqlx::query_scalar("select plan from accounts where id = $1")
        .bind(workspace.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_owner_sees_plan_seats_period_lines_and_every_plan_priced(db: PgPool) {
    // Created on March 15th at 10:00: the first period runs to April 14th, 31 days.
    let app = TestApp::spawn_at(db, datetime!(2027-03-15 10:00 UTC)).await;
    let acme = app.workspace("acme").await;
    set_plan(&app, &acme, "small").await;
    app.clock.set(datetime!(2027-03-20 12:00 UTC));

    let page = app
        .logged_in(&acme, Role::Owner)
        .await
        .get("/app/billing")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("3 agents x $15.00 = $45.00 a month"),
        "{body}"
    );
    assert!(body.contains("Mar 15, 2027 to Apr 14, 2027"));
    assert!(body.contains("<dd>Apr 15, 2027</dd>"), "next invoice");
    // The workspace was created with its three seats: they are the period's start.
    assert!(body.contains("Small plan: 3 agents x $15.00"), "{body}");
    assert!(!body.contains("Seat added"));
    assert!(body.contains("Accrued this period: $45.00"));
    for monthly in ["$0.00 a month", "$87.00 a month", "$147.00 a month"] {
        assert!(body.contains(monthly), "{monthly}");
    }
    assert!(body.contains("href=\"/app/billing?plan=medium#change\""));
}

#[sqlx::test]
async fn a_plan_change_shows_its_cost_then_holds_at_once_is_audited_and_mailed(db: PgPool) {
    // April 2027: a 30-day period. Three seats on small, changed on the 16th: 15 days left.
    let app = TestApp::spawn_at(db, datetime!(2027-04-01 09:00 UTC)).await;
    let acme = app.workspace("acme").await;
    set_plan(&app, &acme, "small").await;
    app.clock.set(datetime!(2027-04-16 12:00 UTC));
    let owner = app.logged_in(&acme, Role::Owner).await;

    let preview = owner.get("/app/billing?plan=medium").await;
    assert!(
        preview.body.contains(
            "You will be charged $21.00 for the 15 days left in this period, then $87.00 a month."
        ),
        "{}",
        preview.body
    );
    assert_eq!(
        plan_of(&app, &acme).await,
        "small",
        "a preview changes nothing"
    );
    let downgrade = owner.get("/app/billing?plan=free").await;
    assert!(downgrade.body.contains(
        "You will be credited $22.50 for the 15 days left in this period, then $0.00 a month."
    ));

    owner
        .post("/app/billing/plan", &[("plan", "medium")])
        .await
        .assert_redirects_to("/app/billing");
    assert_eq!(plan_of(&app, &acme).await, "medium");
    // A second click on the same confirmation changes nothing more.
    owner
        .post("/app/billing/plan", &[("plan", "medium")])
        .await
        .assert_redirects_to("/app/billing");
    let page = owner.get("/app/billing").await;
    assert!(page.body.contains("The workspace is already on that plan."));
    assert!(page.body.contains(
        "Plan changed from Small to Medium on Apr 16, 2027: 3 agents x $14.00 difference for 15 of 30 days"
    ));
    assert!(page.body.contains("$21.00"));
    assert_eq!(app.count("plan_changes").await, 1);
    assert_eq!(
        app.count("audit_log where action = 'plan_changed' and detail = 'small → medium'")
            .await,
        1
    );
    let audit = owner.get("/app/config/audit").await;
    assert!(audit.body.contains("Changed the plan"));
    assert!(audit.body.contains("Small → Medium"));

    let mail = app.mail.wait_for("owner@acme.test").await;
    assert_eq!(mail.subject, "acme Inc: the plan is now Medium");
    assert!(
        mail.text
            .contains("owner of acme changed the plan of acme Inc from Small to Medium.")
    );
    assert!(
        mail.text
            .contains("$21.00 is charged for the 15 days left in this period")
    );
    assert!(
        mail.text
            .contains("from May 1, 2027 the workspace pays $87.00 a month")
    );
    assert!(mail.text.contains(&format!("{}/app/billing", app.base_url)));
}

#[sqlx::test]
async fn every_owner_is_told_of_a_plan_change(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-04-01 09:00 UTC)).await;
    let acme = app.workspace("acme").await;
    sqlx::query("update agents set role = 'owner' where email = 'admin@acme.test'")
        .execute(&app.db)
        .await
        .unwrap();
    let owner = app.logged_in(&acme, Role::Owner).await;
    owner
        .post("/app/billing/plan", &[("plan", "large")])
        .await
        .assert_redirects_to("/app/billing");
    for address in ["owner@acme.test", "admin@acme.test"] {
        let mail = app.mail.wait_for(address).await;
        assert_eq!(mail.subject, "acme Inc: the plan is now Large");
    }
    app.drain_outbox().await;
    assert!(app.mail.all().iter().all(|m| m.to != "agent@acme.test"));
}

#[sqlx::test]
async fn moving_to_free_is_refused_while_the_workspace_has_more_departments(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-04-01 09:00 UTC)).await;
    let acme = app.workspace("acme").await;
    set_plan(&app, &acme, "small").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    for name in ["Support", "Sales"] {
        owner
            .post("/app/config/departments", &[("name", name)])
            .await
            .assert_redirects_to("/app/config/departments");
    }

    let preview = owner.get("/app/billing?plan=free").await;
    let refusal = "The free plan allows 1 department and this workspace has 2: Sales, Support. \
                   Delete departments until one is left, then switch.";
    assert!(preview.body.contains(refusal), "{}", preview.body);
    assert!(!preview.body.contains("You will be"));

    let page = owner.post("/app/billing/plan", &[("plan", "free")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains(refusal));
    assert_eq!(plan_of(&app, &acme).await, "small");
    assert_eq!(app.count("plan_changes").await, 0);

    let page = owner.post("/app/billing/plan", &[("plan", "gold")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(plan_of(&app, &acme).await, "small");
}

/// A workspace created on January 31st 2027 at 08:00 on the small plan: its periods start
/// on Jan 31, Feb 28, Mar 31 and Apr 30.
async fn january_workspace(app: &TestApp) -> Workspace {
    let acme = app.workspace("acme").await;
    set_plan(app, &acme, "small").await;
    acme
}

#[sqlx::test]
async fn periods_are_invoiced_with_prorated_seats_and_a_restart_catches_up(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = january_workspace(&app).await;
    // A seat added on February 10th: 18 of the first period's 28 days (a login of January
    // 31st would have ended by then).
    app.clock.set(datetime!(2027-02-10 09:00 UTC));
    let owner = app.logged_in(&acme, Role::Owner).await;
    let form = owner.get("/app/config/agents/new").await;
    assert!(
        form.body
            .contains("This billing period it adds $9.64 for the 18 days left."),
        "{}",
        form.body
    );
    owner
        .post(
            "/app/config/agents/new",
            &[
                ("name", "Nina New"),
                ("email", "nina@acme.test"),
                ("role", "agent"),
                ("gender", "unspecified"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    // Nothing has ended yet.
    assert!(
        close(&app, datetime!(2027-02-27 23:59 UTC))
            .await
            .is_empty()
    );

    // The scheduler did not run for two periods: one run issues both, in order.
    let closed = close(&app, datetime!(2027-04-01 06:00 UTC)).await;
    assert_eq!(
        closed,
        vec![
            "acme: period 2027-01-31 to 2027-02-27 closed, invoice INV-0001 for $54.64 issued",
            "acme: period 2027-02-28 to 2027-03-30 closed, invoice INV-0002 for $60.00 issued",
        ]
    );
    // 3 seats x $15.00 from the first day, and $15.00 x 18/28 = $9.64 for Nina.
    assert_eq!(
        invoices(&app, &acme).await,
        vec![
            (1, "2027-01-31".into(), 5464),
            (2, "2027-02-28".into(), 6000)
        ]
    );
    assert!(
        close(&app, datetime!(2027-04-01 07:00 UTC))
            .await
            .is_empty()
    );

    let page = owner.get("/app/billing/invoices").await;
    assert!(page.body.contains("INV-0001"));
    assert!(page.body.contains("Jan 31, 2027 to Feb 27, 2027"));
    assert!(page.body.contains("$54.64"));
    let first = invoice_id(&app, &acme, 1).await;
    let page = owner.get(&format!("/app/billing/invoices/{first}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Invoice INV-0001"));
    assert!(page.body.contains(
        "Seat added on Feb 10, 2027 (nina@acme.test): $15.00 on the Small plan for 18 of 28 days"
    ));
    assert!(page.body.contains("$9.64"));
    assert!(page.body.contains("Subtotal"));
    assert_eq!(
        page.texts("article.invoice > address.party"),
        ["Bill to acme Inc"],
        "the company when no details are set"
    );

    let mails = app.mail.wait_for_count("owner@acme.test", 2).await;
    let subjects: Vec<_> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert!(subjects.contains(&"acme Inc: invoice INV-0001 for $54.64"));
    assert!(subjects.contains(&"acme Inc: invoice INV-0002 for $60.00"));
    let mail = mails
        .iter()
        .find(|m| m.subject.contains("INV-0001"))
        .unwrap();
    assert!(
        mail.text
            .contains(&format!("{}/app/billing/invoices/{first}", app.base_url))
    );
}

#[sqlx::test]
async fn a_deleted_seat_counts_until_its_period_ends(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = january_workspace(&app).await;
    app.clock.set(datetime!(2027-03-10 12:00 UTC));
    let owner = app.logged_in(&acme, Role::Owner).await;
    let agent_id = acme.person(Role::Agent).id;
    owner
        .post(&format!("/app/config/agents/{agent_id}/delete"), &[])
        .await
        .assert_redirects_to("/app/config/agents");
    close(&app, datetime!(2027-05-01 00:00 UTC)).await;
    let totals: Vec<i64> = invoices(&app, &acme).await.iter().map(|i| i.2).collect();
    // Three seats until the period that starts on March 31st, two from then on.
    assert_eq!(totals, vec![4500, 4500, 3000]);
}

#[sqlx::test]
async fn two_closers_at_once_issue_one_invoice_per_period(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = january_workspace(&app).await;
    let now = datetime!(2027-03-31 00:00 UTC);
    // Both have read which periods are open before either may close one.
    let (a, b) = app
        .race("lock table billing_periods in share mode", async {
            tokio::join!(
                close_periods(&app.db, &app.config, now),
                close_periods(&app.db, &app.config, now)
            )
        })
        .await;
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 2);
    assert_eq!(
        invoices(&app, &acme).await,
        vec![
            (1, "2027-01-31".into(), 4500),
            (2, "2027-02-28".into(), 4500)
        ]
    );
    assert_eq!(app.count("billing_periods").await, 2);
}

#[sqlx::test]
async fn a_free_period_is_closed_without_an_invoice(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = app.workspace("acme").await;
    let closed = close(&app, datetime!(2027-03-01 00:00 UTC)).await;
    assert_eq!(
        closed,
        vec!["acme: period 2027-01-31 to 2027-02-27 closed, nothing to invoice"]
    );
    assert!(invoices(&app, &acme).await.is_empty());
    assert_eq!(app.count("billing_periods").await, 1);
}

#[sqlx::test]
async fn issued_invoices_keep_the_billing_details_they_were_issued_with(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = january_workspace(&app).await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let details = |company: &'static str, email: &'static str| {
        [
            ("company", company),
            ("address", "Hauptstr. 1\n10115 Berlin"),
            ("country", "Germany"),
            ("vat_id", "de 123 456 789"),
            ("billing_email", email),
        ]
    };
    owner
        .post(
            "/app/billing/details",
            &details("Acme GmbH", "books@acme.test"),
        )
        .await
        .assert_redirects_to("/app/billing/details");
    let page = owner.get("/app/billing/details").await;
    assert!(page.body.contains("Billing details saved."));
    assert!(page.body.contains("value=\"DE123456789\""));
    close(&app, datetime!(2027-02-28 00:00 UTC)).await;

    owner
        .post("/app/billing/details", &details("Acme AG", "ap@acme.test"))
        .await
        .assert_redirects_to("/app/billing/details");
    close(&app, datetime!(2027-03-31 00:00 UTC)).await;

    let first = owner
        .get(&format!(
            "/app/billing/invoices/{}",
            invoice_id(&app, &acme, 1).await
        ))
        .await;
    assert!(first.body.contains("Acme GmbH"));
    assert!(first.body.contains("Hauptstr. 1<br>10115 Berlin"));
    assert!(first.body.contains("VAT id: DE123456789"));
    assert!(!first.body.contains("Acme AG"));
    let second = owner
        .get(&format!(
            "/app/billing/invoices/{}",
            invoice_id(&app, &acme, 2).await
        ))
        .await;
    assert!(second.body.contains("Acme AG"));
    assert!(second.body.contains("ap@acme.test"));
    // The billing address gets the invoice of its time, besides the owner.
    let mail = app.mail.wait_for("books@acme.test").await;
    assert!(mail.subject.contains("INV-0001"));
    let mail = app.mail.wait_for("ap@acme.test").await;
    assert!(mail.subject.contains("INV-0002"));
    assert_eq!(
        app.count("audit_log where action = 'billing_details_changed'")
            .await,
        2
    );
}

#[sqlx::test]
async fn billing_details_with_mistakes_come_back_with_the_input_and_save_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let owner = app.logged_in(&acme, Role::Owner).await;
    let long_address = "x".repeat(501);
    let page = owner
        .post(
            "/app/billing/details",
            &[
                ("company", ""),
                ("address", &long_address),
                ("country", "Germany"),
                ("vat_id", "123456789"),
                ("billing_email", "not an email"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("This field is required."),
        "{}",
        page.body
    );
    assert!(page.body.contains("This is too long."));
    assert!(
        page.body
            .contains("Enter a VAT id with its two-letter country prefix")
    );
    assert!(page.body.contains("value=\"not an email\""));
    assert!(page.body.contains("value=\"123456789\""));
    let saved: String = sqlx::query_scalar("select billing_country from accounts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(saved, "");
}

#[sqlx::test]
async fn invoices_are_the_owners_alone_and_another_workspaces_are_not_found(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-31 08:00 UTC)).await;
    let acme = january_workspace(&app).await;
    let beta = app.workspace("beta").await;
    close(&app, datetime!(2027-02-28 00:00 UTC)).await;
    let path = format!("/app/billing/invoices/{}", invoice_id(&app, &acme, 1).await);

    let anonymous = app.client().get(&path).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login?next="));
    for role in [Role::Agent, Role::Admin] {
        let page = app.logged_in(&acme, role).await.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?}");
        assert!(!page.body.contains("INV-0001"));
    }
    let owner = app.logged_in(&acme, Role::Owner).await;
    assert_eq!(owner.get(&path).await.status, StatusCode::OK);

    let other_owner = app.logged_in(&beta, Role::Owner).await;
    let page = other_owner.get(&path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("INV-0001"));
    let listed = other_owner.get("/app/billing/invoices").await;
    assert!(!listed.body.contains("INV-0001"));
    for path in [
        "/app/billing/invoices/not-an-id",
        &format!("/app/billing/invoices/{}", Uuid::now_v7()),
    ] {
        assert_eq!(
            owner.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[sqlx::test]
async fn the_close_periods_command_issues_what_is_due_and_says_so(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2025-01-31 08:00 UTC)).await;
    january_workspace(&app).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["billing", "close-periods", "--now", "2025-03-01T00:00:00Z"])
        .env("DATABASE_URL", crate::harness::database_url(&app.db))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(
            "acme: period 2025-01-31 to 2025-02-27 closed, invoice INV-0001 for $45.00 issued"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("1 period(s) closed, 1 invoice(s) issued."));
    assert_eq!(app.count("invoices").await, 1);

    for (now, complaint) in [
        ("yesterday", "RFC 3339"),
        ("2999-01-01T00:00:00Z", "may not be in the future"),
    ] {
        let refused = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args(["billing", "close-periods", "--now", now])
            .env("DATABASE_URL", crate::harness::database_url(&app.db))
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{now}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains(complaint),
            "{now}"
        );
    }
    assert_eq!(app.count("invoices").await, 1);
}
