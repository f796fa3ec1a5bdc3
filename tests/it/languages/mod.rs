//! Every page in Simplified Chinese: each role's panel pages and the public pages, over a
//! workspace whose data was written in Chinese through the real routes, so that a word in
//! Latin letters on a page can only be ours (an untranslated message, a missing key, text
//! built in Rust or by a script). The Chinese catalog itself is read for English too.
mod seed;
mod words;

use frontdesk::{
    auth::{Permission, Role},
    i18n::Locale,
};
use reqwest::StatusCode;
use sqlx::PgPool;
use time::macros::datetime;

use crate::{
    harness::{Client, TestApp},
    permissions::gated_pages,
};
use seed::{SLUG, data_pages, seed};
use words::{check, english_words, has_chinese, problems};

#[sqlx::test]
async fn every_panel_page_is_chinese_for_every_role(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-05 09:00 UTC)).await;
    let seeded = seed(&app).await;
    let mut pages: Vec<(String, Permission)> = gated_pages()
        .map(|(path, permission)| (path.to_owned(), permission))
        .collect();
    pages.extend(data_pages(&seeded));
    let mut found = Vec::new();
    for (role, client) in &seeded.people {
        for (path, permission) in &pages {
            let page = client.get(path).await;
            if !page.header("content-type").starts_with("text/html") {
                continue;
            }
            let status = if role.can(*permission) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            check(&mut found, &format!("{role:?} {path}"), &page, status);
        }
        let missing = client.get("/app/tickets/999").await;
        check(
            &mut found,
            &format!("{role:?} 404"),
            &missing,
            StatusCode::NOT_FOUND,
        );
    }
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The pages showed the seeded data, not empty lists.
    let owner = seeded.person(Role::Owner);
    let agent = seeded.workspace.person(Role::Agent).id;
    let shown = [
        ("/app/tickets/1".to_owned(), "需要主管确认退款金额。"),
        ("/app/tickets/3".to_owned(), "您好，正在为您查询。"),
        ("/app/tickets".to_owned(), "您的订单已发货"),
        (format!("/app/reports/agents/{agent}?period=month"), "张伟"),
        ("/app/config/audit".to_owned(), "李强"),
        (
            format!("/app/billing/invoices/{}", seeded.invoice),
            "INV-0001",
        ),
        (
            format!("/app/kb/articles/{}/history", seeded.article),
            "三天内处理",
        ),
    ];
    for (path, text) in shown {
        assert!(owner.get(&path).await.body.contains(text), "{path}: {text}");
    }

    // A downloaded report is Chinese too: its headers, its section and row names.
    for path in [
        "/app/reports/me?period=week&format=csv",
        "/app/reports?period=month&format=csv",
    ] {
        let csv = owner.get(path).await;
        assert!(csv.header("content-type").starts_with("text/csv"), "{path}");
        assert!(has_chinese(&csv.body), "{path}: {}", csv.body);
        assert_eq!(english_words(&csv.body), Vec::<String>::new(), "{path}");
    }
}

/// Who sends it, where, and the fields.
type FormWithMistakes<'a> = (&'a Client, String, Vec<(&'a str, &'a str)>);

#[sqlx::test]
async fn forms_sent_back_with_mistakes_are_chinese(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-05 09:00 UTC)).await;
    let seeded = seed(&app).await;
    let agent = seeded.person(Role::Agent);
    let owner = seeded.person(Role::Owner);
    let article = seeded.article;
    let forms: [FormWithMistakes; 5] = [
        (
            agent,
            format!("/app/kb/articles/{article}/edit"),
            vec![("title", ""), ("body", ""), ("status", "published")],
        ),
        (
            agent,
            "/app/tickets/new".to_owned(),
            vec![("email", "不是邮箱"), ("subject", ""), ("body", "")],
        ),
        (
            agent,
            "/app/profile/password".to_owned(),
            vec![("current_password", "错误的密码"), ("password", "短")],
        ),
        (
            owner,
            "/app/config/agents/new".to_owned(),
            vec![("name", ""), ("email", "不是邮箱"), ("role", "agent")],
        ),
        (
            owner,
            "/app/billing/details".to_owned(),
            vec![
                ("company", ""),
                ("vat_id", "12"),
                ("billing_email", "不是邮箱"),
            ],
        ),
    ];
    let mut found = Vec::new();
    for (client, path, fields) in forms {
        let page = client.post(&path, &fields).await;
        check(&mut found, &path, &page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[sqlx::test]
async fn every_public_page_is_chinese(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-05 09:00 UTC)).await;
    let seeded = seed(&app).await;
    let visitor = &seeded.visitor;
    let help = format!("/help/{SLUG}");
    let pages = [
        help.clone(),
        format!("{help}/categories/{}", seeded.category),
        format!("{help}/articles/refunds"),
        format!("{help}?q=%E9%80%80%E6%AC%BE"),
        // A search that finds nothing.
        format!("{help}?q=%E7%81%AB%E7%AE%AD"),
        format!("{help}/contact"),
        format!("{help}/tickets/{}", seeded.ticket_token),
        format!("{help}/chat"),
        seeded.chat_path.clone(),
        "/login".to_owned(),
        "/signup".to_owned(),
        "/password/forgot".to_owned(),
    ];
    let mut found = Vec::new();
    for path in &pages {
        check(&mut found, path, &visitor.get(path).await, StatusCode::OK);
    }
    let contact = visitor
        .post(&format!("{help}/contact"), &[("email", "不是邮箱")])
        .await;
    check(
        &mut found,
        "contact form with mistakes",
        &contact,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let login = visitor
        .post(
            "/login",
            &[
                ("workspace", SLUG),
                ("email", "nobody@huaxia.test"),
                ("password", "错误"),
            ],
        )
        .await;
    check(
        &mut found,
        "login refused",
        &login,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let signup = visitor.post("/signup", &[("company", "新公司")]).await;
    check(
        &mut found,
        "signup with mistakes",
        &signup,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let missing = visitor.get("/help/nobody").await;
    check(&mut found, "404", &missing, StatusCode::NOT_FOUND);

    // The reset page of a link really emailed, and a link that is no longer valid.
    let owner = seeded.workspace.person(Role::Owner).email.clone();
    visitor
        .post(
            "/password/forgot",
            &[("workspace", SLUG), ("email", &owner)],
        )
        .await
        .assert_redirects_to("/login");
    // Other mail to the owner (the seeded invoice's) may still be on its way: wait for this.
    let mut link = None;
    for _ in 0..200 {
        link = app.mail.all().into_iter().find_map(|mail| {
            let start = mail
                .text
                .find("/password/reset/")
                .filter(|_| mail.to == owner)?;
            Some(mail.text[start..].split_whitespace().next()?.to_owned())
        });
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let link = link.expect("a reset link");
    check(
        &mut found,
        "password reset",
        &visitor.get(&link).await,
        StatusCode::OK,
    );
    let expired = visitor.get("/password/reset/no-longer-valid").await;
    check(
        &mut found,
        "reset link no longer valid",
        &expired,
        StatusCode::NOT_FOUND,
    );
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The same page in English is found out.
    let english = app.client().get("/login").await;
    assert!(!problems("/login", &english).is_empty());

    // The chat button on the company's site speaks the workspace's language too, whatever
    // the browser asks for.
    let widget = app.client().get(&format!("/widget/{SLUG}.js")).await;
    let label = serde_json::to_string(&Locale::ZhCn.t("chat-widget-button")).unwrap();
    assert!(
        widget
            .body
            .contains(&format!("button.textContent = {label};")),
        "{}",
        widget.body
    );
}

#[sqlx::test]
async fn emails_to_agents_who_read_chinese_are_chinese(db: PgPool) {
    let app = TestApp::spawn_at(db, datetime!(2027-01-05 09:00 UTC)).await;
    let seeded = seed(&app).await;
    // The admin, who reads Chinese, hands ticket 2 to the agent, who does too.
    let agent = seeded.workspace.person(Role::Agent);
    let fields = [("assignee", agent.id.to_string())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let admin = seeded.person(Role::Admin);
    let saved = admin.post("/app/tickets/2/properties", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let notice = app.mail.wait_for(&agent.email).await;
    // The invitation goes out in the inviter's language; its credential lines are the same
    // in every language (DESIGN.md).
    let invitation = app.mail.wait_for("zhaomin@huaxia.test").await;
    let credentials = [
        "Workspace: huaxia",
        "Email: zhaomin@huaxia.test",
        "Password: ",
    ];
    for label in credentials {
        assert!(
            invitation.text.lines().any(|line| line.starts_with(label)),
            "{label}: {}",
            invitation.text
        );
    }
    let invitation_text: String = invitation
        .text
        .lines()
        .filter(|line| !credentials.iter().any(|label| line.starts_with(label)))
        .collect::<Vec<_>>()
        .join("\n");
    // The invitation's Chinese text names the credential labels to explain them.
    let labels: &[&str] = &["Workspace", "Email", "Password"];
    for (what, text, allowed) in [
        ("notice subject", notice.subject.as_str(), &[][..]),
        ("notice", notice.text.as_str(), &[]),
        ("invitation subject", invitation.subject.as_str(), &[]),
        ("invitation", invitation_text.as_str(), labels),
    ] {
        assert!(has_chinese(text), "{what}: {text}");
        let words: Vec<String> = english_words(text)
            .into_iter()
            .filter(|word| !allowed.contains(&word.as_str()))
            .collect();
        assert!(words.is_empty(), "{what}: {words:?} in {text}");
    }
}

/// Every message of the Chinese catalog is Chinese (or allowed Latin words), except the
/// invitation's credential labels `Workspace:`, `Email:` and `Password:`, the same in every
/// language (DESIGN.md), and the Chinese sentence that explains them.
#[test]
fn the_chinese_catalog_has_no_english_words() {
    let catalog = include_str!("../../../locales/zh-CN/main.ftl");
    let contract_keys = [
        "invitation-email-body",
        "invitation-email-workspace",
        "invitation-email-address",
        "invitation-email-password",
    ];
    let contract_words = ["Workspace", "Email", "Password"];
    let mut found = Vec::new();
    for line in catalog.lines().filter(|line| !line.starts_with('#')) {
        // Continuation lines belong to the message above; variables and variant keys
        // (`[0]`, `*[other]`) are the code's names, and so is a selector (`{ $count ->`)
        // whose brace closes on a later line.
        let (key, text) = line.split_once(" = ").unwrap_or(("", line));
        let text = text.trim_start().trim_start_matches('*');
        let text = text
            .strip_prefix('[')
            .and_then(|variant| variant.split_once(']'))
            .map_or(text, |(_, after)| after);
        let mut parts = text.split('{');
        let text: String = parts
            .next()
            .into_iter()
            .chain(parts.filter_map(|part| part.split_once('}').map(|(_, after)| after)))
            .collect();
        let words: Vec<String> = english_words(&text)
            .into_iter()
            .filter(|word| {
                !(contract_keys.contains(&key) && contract_words.contains(&word.as_str()))
            })
            .collect();
        if !words.is_empty() {
            found.push(format!("{line}: {}", words.join(" ")));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
