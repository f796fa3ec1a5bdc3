//! The Chinese workspace the languages tests read, made through the routes people use.
use frontdesk::{
    auth::{Permission, Role},
    billing::close_periods,
};
use reqwest::{
    StatusCode,
    header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue},
};
use time::macros::datetime;
use uuid::Uuid;

use crate::harness::{Client, Page, TestApp, Workspace};

pub const SLUG: &str = "huaxia";

/// A visitor whose browser asks for Chinese: the login pages follow it; the workspace's
/// public pages are Chinese because the seeded workspace's default language is.
pub fn chinese_visitor(app: &TestApp, _workspace: &Workspace) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN"));
    Client::with_headers(&app.base_url, headers)
}

/// A workspace whose people work in Chinese and whose data is Chinese, made through the
/// routes people use: departments, tickets from the contact form and from an agent, a reply,
/// a note and changed properties, a chat, knowledge-base articles, an invited agent, billing
/// details and an issued invoice.
pub struct Seeded {
    pub workspace: Workspace,
    pub people: Vec<(Role, Client)>,
    pub visitor: Client,
    pub department: Uuid,
    pub category: Uuid,
    pub article: Uuid,
    pub invited: Uuid,
    pub invoice: Uuid,
    pub ticket_token: String,
    pub chat_path: String,
}

impl Seeded {
    pub fn person(&self, role: Role) -> &Client {
        &self.people.iter().find(|(r, _)| *r == role).unwrap().1
    }
}

async fn posted(client: &Client, path: &str, fields: &[(&str, &str)]) -> Page {
    let page = client.post(path, fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    page
}

pub async fn seed(app: &TestApp) -> Seeded {
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
            ("language", "zh-CN"),
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

    let visitor = chinese_visitor(app, &workspace);
    let chat_path = seed_tickets(&visitor, agent, department, &agent_id).await;
    let (category, article) = seed_knowledge_base(app, &workspace, agent).await;

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

/// Tickets 1 (contact form; a reply, a note, new properties), 2 (started by the agent) and
/// 3 (a chat, accepted and answered); the chat's page for its visitor.
async fn seed_tickets(
    visitor: &Client,
    agent: &Client,
    department: Uuid,
    agent_id: &str,
) -> String {
    // Ticket 1 from the contact form, answered, noted and re-filed by the agent.
    visitor.get(&format!("/help/{SLUG}/contact")).await;
    posted(
        visitor,
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
            ("assignee", agent_id),
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
        visitor,
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

    chat_path
}

/// A category with an article in it, edited once (two revisions).
async fn seed_knowledge_base(app: &TestApp, workspace: &Workspace, agent: &Client) -> (Uuid, Uuid) {
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

    (category, article)
}

/// The panel pages that need the seeded data, with the permission each needs.
pub fn data_pages(seeded: &Seeded) -> Vec<(String, Permission)> {
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
