//! Who reads which language: the workspace's default (customers, and agents who have not
//! chosen), an agent's own choice, the login pages' browser language and switch; emails
//! over SMTP in their reader's language; dates in the workspace's time zone.
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use time::macros::datetime;

use crate::harness::{Client, Page, TestApp, Workspace};

/// The workspace's default language and time zone, set by its admin on the settings page.
async fn set_defaults(app: &TestApp, workspace: &Workspace, language: &str, time_zone: &str) {
    let admin = app.logged_in(workspace, Role::Admin).await;
    let company = workspace.company(app).await;
    admin
        .post(
            "/app/config/settings",
            &[
                ("company", company.as_str()),
                ("language", language),
                ("time_zone", time_zone),
            ],
        )
        .await
        .assert_redirects_to("/app/config/settings");
}

/// Moves every message of the workspace to the moment `at`, for times known in advance.
async fn all_written_at(app: &TestApp, workspace: &Workspace, at: time::OffsetDateTime) {
    sqlx::query("update messages set created_at = $2 where account_id = $1")
        .bind(workspace.account_id)
        .bind(at)
        .execute(&app.db)
        .await
        .unwrap();
}

/// The language the page declares on its `<html>`.
fn page_language(page: &Page) -> &str {
    let start = page.body.find("<html lang=\"").expect("an html element") + 12;
    let end = start + page.body[start..].find('"').unwrap();
    &page.body[start..end]
}

/// The agent's own language, chosen in their profile (empty: the workspace's default).
async fn choose_language(agent: &Client, language: &str) {
    agent
        .post(
            "/app/profile",
            &[
                ("name", "Someone"),
                ("gender", "unspecified"),
                ("theme", "system"),
                ("language", language),
                ("device", "web_phone"),
            ],
        )
        .await
        .assert_redirects_to("/app/profile");
}

async fn stored_language(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar("select language from agents where email = $1")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_workspace_default_reaches_agents_without_a_choice_and_customers(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    set_defaults(&app, &acme, "zh-CN", "Asia/Shanghai").await;

    // The agent never chose: the panel is in Chinese.
    let agent = app.logged_in(&acme, Role::Agent).await;
    let queue = agent.get("/app").await;
    assert_eq!(page_language(&queue), "zh-CN");
    assert!(queue.body.contains("队列"), "{}", queue.body);

    // Their profile offers the default first, selected, and each language by name.
    let profile = agent.get("/app/profile").await;
    assert!(
        profile
            .body
            .contains("<option value=\"\" selected>工作区默认（简体中文）</option>")
    );
    assert!(
        profile
            .body
            .contains("<option value=\"en\">English</option>")
    );

    // Choosing English is theirs alone; the owner still reads the default.
    choose_language(&agent, "en").await;
    assert_eq!(
        stored_language(&app, "agent@acme.test").await.as_deref(),
        Some("en")
    );
    assert_eq!(page_language(&agent.get("/app").await), "en");
    // Their error pages follow at once, without logging in again.
    let missing = agent.get("/app/tickets/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(page_language(&missing), "en");
    let owner = app.logged_in(&acme, Role::Owner).await;
    assert_eq!(page_language(&owner.get("/app").await), "zh-CN");

    // Back to the default: stored as no choice, so it follows the next change of default.
    choose_language(&agent, "").await;
    assert_eq!(stored_language(&app, "agent@acme.test").await, None);
    assert_eq!(page_language(&agent.get("/app").await), "zh-CN");

    // Customers read the workspace's language whatever their browser says.
    let customer = Client::new(&app.base_url);
    let english_browser = [("accept-language", "en-US,en;q=0.9")];
    for path in ["/help/acme", "/help/acme/contact", "/help/acme/chat"] {
        let page = customer.get_with_headers(path, &english_browser).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page_language(&page), "zh-CN", "{path}");
        // No switch there: the company chose the language.
        assert!(!page.body.contains("action=\"/language\""), "{path}");
    }
}

#[sqlx::test]
async fn customers_get_their_mail_in_the_workspace_language(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    set_defaults(&app, &acme, "zh-CN", "Asia/Shanghai").await;

    let customer = Client::new(&app.base_url);
    customer
        .contact(
            "acme",
            "carla@example.com",
            "退款没有到账",
            "我上周申请的退款还没有收到。",
        )
        .await;
    let acknowledgement = app.mail.wait_for("carla@example.com").await;
    assert!(
        acknowledgement.subject.contains("退款没有到账"),
        "{}",
        acknowledgement.subject
    );
    assert!(
        acknowledgement.text.contains("感谢您联系 acme Inc"),
        "{}",
        acknowledgement.text
    );
    assert!(acknowledgement.html.contains("感谢您联系 acme Inc"));

    // The customer's own page is in Chinese too, its times on Shanghai's clocks.
    let link_start = acknowledgement.text.find("/help/acme/tickets/").unwrap();
    let path = acknowledgement.text[link_start..]
        .split_whitespace()
        .next()
        .unwrap();
    // The message written at a known moment: 17:30 UTC is 01:30 the next day in Shanghai.
    all_written_at(&app, &acme, datetime!(2026-11-30 17:30 UTC)).await;
    let page = customer.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page_language(&page), "zh-CN");
    assert_eq!(
        page.texts(".message header time"),
        ["2026年12月1日 01:30"],
        "a Chinese date on Shanghai's clocks"
    );

    // An agent who reads English answers: the customer still reads Chinese around it.
    let agent = app.logged_in(&acme, Role::Owner).await;
    let number: i64 = sqlx::query_scalar("select number from tickets where account_id = $1")
        .bind(acme.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    agent
        .post(
            &format!("/app/tickets/{number}/reply"),
            &[("body", "The refund left today.")],
        )
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
    let mails = app.mail.wait_for_count("carla@example.com", 2).await;
    let reply = &mails[1];
    assert!(reply.text.contains("The refund left today."));
    assert!(
        reply.text.contains("在此跟进并回复您的工单"),
        "{}",
        reply.text
    );
}

#[sqlx::test]
async fn an_invitation_is_in_the_workspace_language_and_agents_mail_in_their_own(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    set_defaults(&app, &acme, "zh-CN", "UTC").await;
    // The inviting admin reads English; the newcomer will read the workspace's language.
    let admin = app.logged_in(&acme, Role::Admin).await;
    choose_language(&admin, "en").await;
    admin
        .post(
            "/app/config/agents/new",
            &[
                ("name", "王芳"),
                ("email", "fang@acme.test"),
                ("role", "agent"),
                ("gender", "female"),
            ],
        )
        .await
        .assert_redirects_to("/app/config/agents");
    let invitation = app.mail.wait_for("fang@acme.test").await;
    assert!(
        invitation.subject.contains("您受邀加入"),
        "{}",
        invitation.subject
    );
    assert!(
        invitation.text.contains("王芳，您好"),
        "{}",
        invitation.text
    );
    // The contract's lines stay as they are in every language.
    assert!(
        invitation.text.contains("Workspace: acme"),
        "{}",
        invitation.text
    );
    assert!(invitation.text.contains("Email: fang@acme.test"));
    assert!(invitation.text.contains("Password: "));
    assert_eq!(stored_language(&app, "fang@acme.test").await, None);

    // A password reset is in the agent's own language: English for the admin.
    let visitor = Client::new(&app.base_url);
    for email in ["admin@acme.test", "agent@acme.test"] {
        visitor
            .post(
                "/password/forgot",
                &[("workspace", "acme"), ("email", email)],
            )
            .await
            .assert_redirects_to("/login");
    }
    let english = app.mail.wait_for("admin@acme.test").await;
    assert!(english.subject.contains("Reset"), "{}", english.subject);
    let chinese = app.mail.wait_for("agent@acme.test").await;
    assert_eq!(chinese.subject, "重置您的 Frontdesk 密码");
}

#[sqlx::test]
async fn login_pages_follow_the_browser_until_the_visitor_switches(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let visitor = Client::new(&app.base_url);
    let chinese_browser = [("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")];
    for path in ["/login", "/signup", "/password/forgot"] {
        let page = visitor.get_with_headers(path, &chinese_browser).await;
        assert_eq!(page_language(&page), "zh-CN", "{path}");
        // The switch names each language in itself and marks the page's.
        assert!(page.body.contains("action=\"/language\""), "{path}");
        assert!(page.body.contains(
            "value=\"zh-CN\" class=\"link\" lang=\"zh-CN\" aria-current=\"true\" disabled>简体中文"
        ));
        assert!(
            page.body
                .contains(&format!("name=\"next\" value=\"{path}\""))
        );
    }
    assert_eq!(page_language(&visitor.get("/login").await), "en");

    // Switching leads back to the page, which stays in the chosen language whatever the
    // browser says, for the rest of the session.
    visitor
        .post(
            "/language",
            &[("language", "zh-CN"), ("next", "/login?workspace=acme")],
        )
        .await
        .assert_redirects_to("/login?workspace=acme");
    let english_browser = [("accept-language", "en")];
    let page = visitor.get_with_headers("/login", &english_browser).await;
    assert_eq!(page_language(&page), "zh-CN");
    assert!(page.body.contains("登录"));

    // Only our own pages as the way back; an unknown language is a bad request; no token,
    // no change.
    visitor
        .post(
            "/language",
            &[("language", "en"), ("next", "//evil.example/login")],
        )
        .await
        .assert_redirects_to("/login");
    let bad = visitor
        .post("/language", &[("language", "fr"), ("next", "/login")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let forged = visitor
        .post_raw("/language", &[("language", "zh-CN"), ("next", "/login")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        page_language(&visitor.get_with_headers("/login", &chinese_browser).await),
        "en"
    );

    // A workspace made from the Chinese signup page speaks Chinese by default.
    let signup = Client::new(&app.base_url);
    signup.get_with_headers("/signup", &chinese_browser).await;
    signup
        .post("/language", &[("language", "zh-CN"), ("next", "/signup")])
        .await
        .assert_redirects_to("/signup");
    signup
        .post(
            "/signup",
            &[
                ("company", "示例公司"),
                ("workspace", "shili"),
                ("name", "李雷"),
                ("email", "li@shili.test"),
                ("password", "a long enough passphrase"),
            ],
        )
        .await
        .assert_redirects_to("/app");
    let language: String = sqlx::query_scalar("select language from accounts where slug = 'shili'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(language, "zh-CN");
    assert_eq!(stored_language(&app, "li@shili.test").await, None);
    assert_eq!(page_language(&signup.get("/app").await), "zh-CN");
}

#[sqlx::test]
async fn dates_are_written_on_the_workspace_clocks_in_the_readers_language(db: PgPool) {
    // Postponements must be after today: the app's today, whatever day the test runs.
    let app = TestApp::spawn_at(db, datetime!(2026-11-30 18:00 UTC)).await;
    let acme = app.workspace("acme").await;
    set_defaults(&app, &acme, "zh-CN", "Asia/Shanghai").await;
    Client::new(&app.base_url)
        .contact("acme", "carla@example.com", "Late parcel", "Where is it?")
        .await;
    // The ticket's last activity at a known moment.
    sqlx::query("update tickets set last_activity_at = $2 where account_id = $1")
        .bind(acme.account_id)
        .bind(datetime!(2026-11-30 17:30 UTC))
        .execute(&app.db)
        .await
        .unwrap();

    // 17:30 UTC is 01:30 the next day in Shanghai.
    let agent = app.logged_in(&acme, Role::Agent).await;
    let list = agent.get("/app/tickets").await;
    assert!(list.body.contains("2026年12月1日 01:30"), "{}", list.body);
    let owner = app.logged_in(&acme, Role::Owner).await;
    choose_language(&owner, "en").await;
    let list = owner.get("/app/tickets").await;
    assert!(list.body.contains("Dec 1, 2026, 01:30"), "{}", list.body);

    // A postponement's day is the workspace's: it ends at Shanghai's midnight.
    let number: i64 = sqlx::query_scalar("select number from tickets where account_id = $1")
        .bind(acme.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    owner
        .post(
            &format!("/app/tickets/{number}/properties"),
            &[
                ("status", "postponed"),
                ("priority", "normal"),
                ("type", "other"),
                ("department", ""),
                ("assignee", ""),
                ("postponed_until", "2026-12-03"),
            ],
        )
        .await
        .assert_redirects_to(&format!("/app/tickets/{number}"));
    let until: time::OffsetDateTime =
        sqlx::query_scalar("select postponed_until from tickets where account_id = $1")
            .bind(acme.account_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(until, datetime!(2026-12-02 16:00 UTC));
    let page = owner.get(&format!("/app/tickets/{number}")).await;
    assert!(
        page.body.contains("value=\"2026-12-03\""),
        "the form shows the day chosen"
    );
    assert!(page.body.contains("Dec 3, 2026"), "{}", page.body);
}

#[sqlx::test]
async fn the_default_language_is_one_we_speak(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let admin = app.logged_in(&acme, Role::Admin).await;
    let page = admin
        .post(
            "/app/config/settings",
            &[("company", "Acme Renamed"), ("language", "fr")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Acme Renamed"), "the input is kept");
    assert_eq!(acme.company(&app).await, "acme Inc", "nothing saved");
    // The settings page offers both, the current one selected; a change is audited.
    let settings = admin.get("/app/config/settings").await;
    assert!(
        settings
            .body
            .contains("<option value=\"en\" selected>English</option>")
    );
    set_defaults(&app, &acme, "zh-CN", "UTC").await;
    let detail: String = sqlx::query_scalar(
        "select detail from audit_log where account_id = $1 order by created_at desc limit 1",
    )
    .bind(acme.account_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(detail.contains("English → 简体中文"), "{detail}");
}

#[sqlx::test]
async fn a_chat_and_its_transcript_are_in_the_workspace_language(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    set_defaults(&app, &acme, "zh-CN", "Asia/Shanghai").await;
    let visitor = app.client();
    visitor.get("/help/acme/chat").await;
    let start = visitor
        .post(
            "/help/acme/chat",
            &[
                ("name", "小明"),
                ("email", "xiaoming@example.com"),
                ("message", "我的包裹在哪里？"),
            ],
        )
        .await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let chat = visitor.get(start.location()).await;
    assert_eq!(page_language(&chat), "zh-CN");
    assert!(chat.body.contains("我的包裹在哪里？"));

    // The agent reads English; the visitor's transcript is in Chinese, on Shanghai's clocks:
    // the visitor's line written at 17:30 UTC is 01:30 the next day there.
    all_written_at(&app, &acme, datetime!(2026-11-30 17:30 UTC)).await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    choose_language(&agent, "en").await;
    agent.post("/app/chats/1/accept", &[]).await;
    agent
        .post("/app/tickets/1/reply", &[("body", "It left today.")])
        .await;
    agent
        .post("/app/chats/1/end", &[])
        .await
        .assert_redirects_to("/app/tickets/1");
    let transcript = app.mail.wait_for("xiaoming@example.com").await;
    assert!(
        transcript.text.contains("以下是您与我们的聊天记录"),
        "{}",
        transcript.text
    );
    assert!(
        transcript.text.contains("[2026年12月1日 01:30] 小明:"),
        "a Chinese date on Shanghai's clocks: {}",
        transcript.text
    );
    assert!(transcript.text.contains("我的包裹在哪里？"));
    assert!(transcript.text.contains("It left today."));
}
