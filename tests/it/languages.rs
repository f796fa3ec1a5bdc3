//! Every page in Simplified Chinese: each role's panel pages and the public pages, over a
//! workspace whose data was written in Chinese through the real routes, so that a word in
//! Latin letters on a page can only be ours (an untranslated message, a missing key, text
//! built in Rust or by a script). The Chinese catalog itself is read for English too.
use frontdesk::{
    auth::{Permission, Role},
    billing::close_periods,
    i18n::Locale,
};
use reqwest::{
    StatusCode,
    header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue},
};
use scraper::{Html, Node};
use sqlx::PgPool;
use time::macros::datetime;
use uuid::Uuid;

use crate::{
    harness::{Client, Page, TestApp, Workspace},
    permissions::gated_pages,
};

const SLUG: &str = "huaxia";

/// Words in Latin letters that a Chinese page may show; anything else is a leak.
const ALLOWED: &[&str] = &[
    // The brand.
    "Frontdesk",
    // Formats, standards and products that Chinese text names in Latin letters too.
    "CSV",
    "URL",
    "Markdown",
    "Slack",
    "Webhook",
    "SMTP",
    "PNG",
    "JPEG",
    "WebP",
    "PDF",
    "KB",
    "MB",
    "UTC",
    "IP",
    "MIME",
    "RFC",
    "POST",
    "HTTP",
    "curl",
    "Content",
    "Type",
    "Reply",
    "To",
    "Mailgun",
    "Postmark",
    "SendGrid",
    "Amazon",
    "SES",
    "slug",
    "YYYY",
    "MM",
    "DD",
    // A host and a command line in the inbound email and webhook instructions, the value
    // of `format=csv`.
    "localhost",
    "data",
    "binary",
    "csv",
    // The harness's company name, before the seeding renamed it: the audit log shows it.
    "Inc",
    // The language menu names each language in itself.
    "English",
    // Invoice numbers (`INV-0001`), a VAT id's example (`DE123456789`).
    "INV",
    "DE",
    // The seeded workspace's address, shown where the workspace is named by it.
    SLUG,
];

/// The visitor's side in Chinese. Public pages follow the browser's `Accept-Language`
/// today; when the workspace's own language decides them, this is the one place to change.
fn chinese_visitor(app: &TestApp, _workspace: &Workspace) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN"));
    Client::with_headers(&app.base_url, headers)
}

/// The text a reader sees or hears on `html`: text outside `script` and `style` (the
/// `<title>` included), and the attributes shown or read out. Left out as data, not
/// words: `<code>` (secrets, addresses, the chat snippet) and a choice shown as the very
/// value it submits (time zone names such as `Asia/Shanghai` or `Cuba`).
fn visible_text(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut parts = Vec::new();
    for node in document.tree.nodes() {
        match node.value() {
            Node::Text(text) => {
                let data = node.ancestors().any(|ancestor| {
                    ancestor.value().as_element().is_some_and(|e| {
                        matches!(e.name(), "script" | "style" | "code")
                            || (e.name() == "option" && e.attr("value") == Some(text.trim()))
                    })
                });
                if !data {
                    parts.push(text.to_string());
                }
            }
            Node::Element(element) => {
                for name in ["placeholder", "title", "alt", "aria-label"] {
                    parts.extend(element.attr(name).map(str::to_owned));
                }
                // A submit input shows its value; a `<button>`'s value is never shown.
                let shows_value = element.name() == "input"
                    && matches!(element.attr("type"), Some("submit" | "button" | "reset"));
                if shows_value {
                    parts.extend(element.attr("value").map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    parts
}

/// The words of `text` in Latin letters that are not allowed. Tokens with `@` or `/` are
/// addresses, paths and time zone names (`Asia/Shanghai`): data, not words.
fn english_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|token| !token.contains(['@', '/']))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| word.len() > 1 && !ALLOWED.contains(word))
        .map(str::to_owned)
        .collect()
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// What is wrong with `page` as a Chinese page, each problem named after `what`.
fn problems(what: &str, page: &Page) -> Vec<String> {
    let mut found = Vec::new();
    if page.body.contains("Unknown localization key") {
        found.push(format!("{what}: a key no catalog has"));
    }
    let text = visible_text(&page.body).join(" ");
    if !has_chinese(&text) {
        found.push(format!("{what}: no Chinese"));
    }
    let mut words = english_words(&text);
    words.sort();
    words.dedup();
    if !words.is_empty() {
        found.push(format!("{what}: {}", words.join(" ")));
    }
    found
}

/// Asserts that `page` has `status` and reads as a Chinese page; collects what does not.
fn check(found: &mut Vec<String>, what: &str, page: &Page, status: StatusCode) {
    if page.status == status {
        found.extend(problems(what, page));
    } else {
        found.push(format!("{what}: {} instead of {status}", page.status));
    }
}

/// A workspace whose people work in Chinese and whose data is Chinese, made through the
/// routes people use: departments, tickets from the contact form and from an agent, a reply,
/// a note and changed properties, a chat, knowledge-base articles, an invited agent, billing
/// details and an issued invoice.
struct Seeded {
    workspace: Workspace,
    people: Vec<(Role, Client)>,
    visitor: Client,
    department: Uuid,
    category: Uuid,
    article: Uuid,
    invited: Uuid,
    invoice: Uuid,
    ticket_token: String,
    chat_path: String,
}

impl Seeded {
    fn person(&self, role: Role) -> &Client {
        &self.people.iter().find(|(r, _)| *r == role).unwrap().1
    }
}

async fn posted(client: &Client, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = client.post(path, fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    page
}

async fn seed(app: &TestApp) -> Seeded {
    let workspace = app.workspace(SLUG).await;
    let names = [
        (Role::Owner, "王丽"),
        (Role::Admin, "李强"),
        (Role::Agent, "张伟"),
    ];
    let mut people = Vec::new();
    for (role, name) in names {
        let client = app.logged_in(&workspace, role).await;
        let fields = [
            ("name", name),
            ("signature", "祝好"),
            ("theme", "light"),
            ("language", "zh-CN"),
            ("device", "web_phone"),
        ];
        posted(&client, "/app/profile", &fields).await;
        people.push((role, client));
    }
    let owner = &people[0].1;
    let admin = &people[1].1;
    let agent = &people[2].1;
    posted(
        owner,
        "/app/config/settings",
        &[
            ("company", "华夏贸易有限公司"),
            ("time_zone", "Asia/Shanghai"),
        ],
    )
    .await;
    posted(owner, "/app/billing/plan", &[("plan", "small")]).await;
    posted(
        owner,
        "/app/billing/details",
        &[
            ("company", "华夏贸易有限公司"),
            ("address", "上海市浦东新区世纪大道 100 号"),
            ("country", "中国"),
            ("billing_email", "caiwu@huaxia.test"),
        ],
    )
    .await;
    let agent_id = workspace.person(Role::Agent).id.to_string();
    for (name, description) in [("售后服务", "退换货与维修"), ("财务部", "发票与付款")]
    {
        posted(
            admin,
            "/app/config/departments",
            &[
                ("name", name),
                ("description", description),
                ("agents", &agent_id),
            ],
        )
        .await;
    }
    let department: Uuid =
        sqlx::query_scalar("select id from departments where account_id = $1 and name = $2")
            .bind(workspace.account_id)
            .bind("售后服务")
            .fetch_one(&app.db)
            .await
            .unwrap();
    posted(
        admin,
        "/app/config/agents/new",
        &[
            ("name", "赵敏"),
            ("email", "zhaomin@huaxia.test"),
            ("role", "agent"),
            ("gender", "female"),
            ("departments", &department.to_string()),
        ],
    )
    .await;
    let invited: Uuid =
        sqlx::query_scalar("select id from agents where account_id = $1 and name = '赵敏'")
            .bind(workspace.account_id)
            .fetch_one(&app.db)
            .await
            .unwrap();

    // Ticket 1 from the contact form, answered, noted and re-filed by the agent.
    let visitor = chinese_visitor(app, &workspace);
    visitor.get(&format!("/help/{SLUG}/contact")).await;
    posted(
        &visitor,
        &format!("/help/{SLUG}/contact"),
        &[
            ("name", "陈小姐"),
            ("email", "chen@example.cn"),
            ("subject", "茶壶破损，申请退款"),
            ("type", "refund"),
            ("message", "我上周买的茶壶收到时已经碎了，请帮我退款。"),
        ],
    )
    .await;
    posted(
        agent,
        "/app/tickets/1/reply",
        &[("body", "您好，我们已为您办理退款，三个工作日内到账。")],
    )
    .await;
    posted(
        agent,
        "/app/tickets/1/note",
        &[("body", "需要主管确认退款金额。")],
    )
    .await;
    posted(
        agent,
        "/app/tickets/1/properties",
        &[
            ("status", "open"),
            ("priority", "high"),
            ("type", "refund"),
            ("department", &department.to_string()),
            ("assignee", &agent_id),
            ("postponed_until", ""),
        ],
    )
    .await;
    // Ticket 2 started by the agent.
    posted(
        agent,
        "/app/tickets/new",
        &[
            ("name", "周先生"),
            ("email", "zhou@example.cn"),
            ("subject", "您的订单已发货"),
            ("type", "other"),
            ("department", ""),
            ("body", "您的订单已经从上海仓库发出。"),
        ],
    )
    .await;
    // Ticket 3 is a chat, accepted and answered.
    visitor.get(&format!("/help/{SLUG}/chat")).await;
    let chat_path = posted(
        &visitor,
        &format!("/help/{SLUG}/chat"),
        &[("name", "刘先生"), ("message", "你好，我的订单到哪里了？")],
    )
    .await
    .location()
    .to_owned();
    posted(agent, "/app/chats/3/accept", &[]).await;
    posted(
        agent,
        "/app/tickets/3/reply",
        &[("body", "您好，正在为您查询。")],
    )
    .await;

    posted(
        agent,
        "/app/kb/categories",
        &[
            ("name", "退款与退货"),
            ("description", "关于退款的常见问题"),
        ],
    )
    .await;
    let category: Uuid = sqlx::query_scalar("select id from kb_categories where account_id = $1")
        .bind(workspace.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let article_fields = |body: &'static str| {
        vec![
            ("title", "如何申请退款".to_owned()),
            ("slug", "refunds".to_owned()),
            ("category", category.to_string()),
            ("body", body.to_owned()),
            ("status", "published".to_owned()),
        ]
    };
    let fields = article_fields("在联系表单中选择**退款**，写明订单号即可。");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    posted(agent, "/app/kb/articles/new", &fields).await;
    let article: Uuid = sqlx::query_scalar("select id from kb_articles where account_id = $1")
        .bind(workspace.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let fields = article_fields("在联系表单中选择**退款**，写明订单号，我们会在三天内处理。");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    posted(agent, &format!("/app/kb/articles/{article}/edit"), &fields).await;

    // A month on, the period closes with an invoice.
    close_periods(&app.db, &app.config, datetime!(2027-02-06 09:00 UTC))
        .await
        .unwrap();
    let invoice: Uuid = sqlx::query_scalar("select id from invoices where account_id = $1")
        .bind(workspace.account_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let ticket_token: String = sqlx::query_scalar(
        "select customer_token from tickets where account_id = $1 and number = 1",
    )
    .bind(workspace.account_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    Seeded {
        workspace,
        people,
        visitor,
        department,
        category,
        article,
        invited,
        invoice,
        ticket_token,
        chat_path,
    }
}

/// The panel pages that need the seeded data, with the permission each needs.
fn data_pages(seeded: &Seeded) -> Vec<(String, Permission)> {
    let Seeded {
        department,
        category,
        article,
        invited,
        invoice,
        ..
    } = seeded;
    let agent = seeded.workspace.person(Role::Agent).id;
    let ticket_pages = [
        "/app/tickets/1".to_owned(),
        "/app/tickets/2".to_owned(),
        "/app/tickets/3".to_owned(),
        format!("/app/tickets?status=open&type=refund&department={department}&assignee={agent}"),
        "/app/tickets?q=%E9%80%80%E6%AC%BE".to_owned(),
    ];
    let kb_pages = [
        format!("/app/kb/articles/{article}/edit"),
        format!("/app/kb/articles/{article}/history"),
        format!("/app/kb/articles/{article}/delete"),
        format!("/app/kb/categories/{category}"),
        format!("/app/kb/categories/{category}/delete"),
        "/app/kb?q=%E9%80%80%E6%AC%BE".to_owned(),
    ];
    let configuration = [
        format!("/app/config/agents/{invited}/edit"),
        format!("/app/config/agents/{invited}/delete"),
        format!("/app/config/departments/{department}"),
        format!("/app/config/departments/{department}/delete"),
    ];
    let reports = [
        "/app/reports?period=day&from=2027-01-01&to=2027-01-31".to_owned(),
        format!("/app/reports?period=hour&department={department}"),
        format!("/app/reports/agents/{agent}?period=month"),
    ];
    let billing = [
        format!("/app/billing/invoices/{invoice}"),
        "/app/billing?plan=medium".to_owned(),
    ];
    let with = |paths: &[String], permission| {
        paths
            .iter()
            .map(move |path| (path.clone(), permission))
            .collect::<Vec<_>>()
    };
    [
        with(&ticket_pages, Permission::Tickets),
        with(&kb_pages, Permission::KnowledgeBase),
        with(&configuration, Permission::Configuration),
        with(&reports, Permission::AllReports),
        with(&billing, Permission::Billing),
        with(
            &["/app/reports/me?period=week".to_owned()],
            Permission::OwnProfile,
        ),
    ]
    .concat()
}

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
    assert!(found.is_empty(), "{}", found.join("\n"));

    // The same page in English is found out.
    let english = app.client().get("/login").await;
    assert!(!problems("/login", &english).is_empty());

    // The chat button on the company's site speaks the visitor's language too.
    let widget = visitor.get(&format!("/widget/{SLUG}.js")).await;
    let label = serde_json::to_string(&Locale::ZhCn.t("chat-widget-button")).unwrap();
    assert!(
        widget
            .body
            .contains(&format!("button.textContent = {label};")),
        "{}",
        widget.body
    );
    assert!(widget.header("vary").contains("accept-language"));
}

/// Every message of the Chinese catalog is Chinese (or allowed Latin words), except the
/// invitation's credential labels `Workspace:`, `Email:` and `Password:`, the same in every
/// language (DESIGN.md), and the Chinese sentence that explains them.
#[test]
fn the_chinese_catalog_has_no_english_words() {
    let catalog = include_str!("../../locales/zh-CN/main.ftl");
    let contract_keys = [
        "invitation-email-body",
        "invitation-email-workspace",
        "invitation-email-address",
        "invitation-email-password",
    ];
    let contract_words = ["Workspace", "Email", "Password"];
    let mut found = Vec::new();
    for line in catalog.lines().filter(|line| !line.starts_with('#')) {
        // Continuation lines belong to the message above; variables are the code's names.
        let (key, text) = line.split_once(" = ").unwrap_or(("", line));
        let text: String = text
            .split('{')
            .map(|part| part.split_once('}').map_or(part, |(_, after)| after))
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

#[test]
fn english_words_skip_addresses_and_allowed_names_and_find_the_rest() {
    assert_eq!(
        english_words("下载 CSV · chen@example.cn https://x.test/a 工单 Subject: #12 x"),
        ["Subject"]
    );
    let text = visible_text(
        r#"<html><head><title>队列 Queue</title><script>var a = "Hidden";</script></head>
        <body><p>你好 World</p><input type="submit" value="Save"><input name="q" value="kept">
        <button value="yes">是</button><code>otpauth secret</code><img alt="Photo">
        <select><option value="Cuba">Cuba</option><option value="x">Other</option></select>
        </body></html>"#,
    );
    assert_eq!(
        english_words(&text.join(" ")),
        ["Queue", "World", "Save", "Photo", "Other"]
    );
}
