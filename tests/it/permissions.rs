//! Every gated route for each role, logged out, and from another workspace.
use frontdesk::auth::{Permission, Role};
use reqwest::StatusCode;
use sqlx::PgPool;

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::harness::{Client, TestApp, Workspace, rust_files, source_dir};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Method {
    Get,
    Post,
}

/// A form as name-value pairs.
type Fields = &'static [(&'static str, &'static str)];

/// What a role that holds the permission gets.
#[derive(Clone, Copy)]
enum Answer {
    /// The page (GET), or the redirect after a form that was taken (POST).
    Done,
    /// A form that the handler refuses for what it says (422), or a request no form of
    /// ours sends (400): past the gate either way.
    Status(u16),
}

use Answer::{Done, Status};

/// Every `/app` route, as the router writes its path, with the permission it needs and a
/// form. Ids in the path come from `Fixture::fill`. Deletions come last, so that the pages
/// of what they delete are opened first. `every_app_route_of_the_router_is_in_the_table`
/// keeps it complete.
const GATED_ROUTES: &[(Method, &str, Permission, Fields, Answer)] = &[
    (Method::Get, "/app", Permission::Tickets, &[], Done),
    (Method::Get, "/app/events", Permission::Tickets, &[], Done),
    (
        Method::Post,
        "/app/availability",
        Permission::Tickets,
        &[("availability", "online")],
        Done,
    ),
    (Method::Get, "/app/tickets", Permission::Tickets, &[], Done),
    (
        Method::Get,
        "/app/tickets/new",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/new",
        Permission::Tickets,
        &[
            ("name", "Carla"),
            ("email", "carla@example.com"),
            ("subject", "Phoned in"),
            ("type", "other"),
            ("body", "She called."),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/tickets/{number}",
        Permission::Tickets,
        &[],
        Done,
    ),
    // The reply form's article search, without JavaScript: the ticket page again.
    (
        Method::Post,
        "/app/tickets/{number}/articles",
        Permission::Tickets,
        &[("kb_q", "Returns"), ("body", "")],
        Status(200),
    ),
    (
        Method::Get,
        "/app/attachments/{id}",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/{number}/note",
        Permission::Tickets,
        &[("body", "Checked the order.")],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/{number}/reply",
        Permission::Tickets,
        &[("body", "On its way.")],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/{number}/properties",
        Permission::Tickets,
        &[("priority", "high")],
        Done,
    ),
    (Method::Get, "/app/chats", Permission::Tickets, &[], Done),
    (Method::Get, "/app/calls", Permission::Tickets, &[], Done),
    (
        Method::Post,
        "/app/tickets/{number}/call",
        Permission::Tickets,
        &[],
        Status(422),
    ),
    (Method::Get, "/app/phone", Permission::Tickets, &[], Done),
    // The fixture's people ring on no web phone: no token, whoever asks.
    (
        Method::Post,
        "/app/phone/token",
        Permission::Tickets,
        &[],
        Status(422),
    ),
    (
        Method::Post,
        "/app/chats/{number}/accept",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/chats/{number}/events",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/chats/{number}/end",
        Permission::Tickets,
        &[],
        Done,
    ),
    (Method::Get, "/app/kb", Permission::KnowledgeBase, &[], Done),
    (
        Method::Get,
        "/app/kb/articles/new",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/articles/new",
        Permission::KnowledgeBase,
        &[
            ("title", "Exchanges"),
            ("body", "Send it back."),
            ("status", "draft"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/articles/{id}/edit",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/articles/{id}/edit",
        Permission::KnowledgeBase,
        &[
            ("title", "Returns"),
            ("slug", "returns"),
            ("body", "Send it back, please."),
            ("status", "published"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/articles/{id}/history",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/articles/{id}/revisions/{revision}/restore",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/categories",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/categories",
        Permission::KnowledgeBase,
        &[("name", "Shipping")],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/categories/{id}",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/categories/{id}",
        Permission::KnowledgeBase,
        &[("name", "Returns and refunds"), ("position", "1")],
        Done,
    ),
    (
        Method::Get,
        "/app/profile/notifications",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/profile/notifications",
        Permission::OwnProfile,
        &[("email_assigned", "on"), ("slack_webhook_url", "")],
        Done,
    ),
    (
        Method::Get,
        "/app/password",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/password",
        Permission::OwnProfile,
        &[
            ("current_password", crate::harness::PASSWORD),
            ("password", "a fresh passphrase of mine"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/profile/password",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/profile/password",
        Permission::OwnProfile,
        &[
            ("current_password", "not the password"),
            ("password", "another fresh passphrase"),
        ],
        Status(422),
    ),
    (
        Method::Get,
        "/app/profile/2fa",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    // The QR code of the secret that the page above offered.
    (
        Method::Get,
        "/app/profile/2fa/qr",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/profile/2fa",
        Permission::OwnProfile,
        &[("code", "000000")],
        Status(422),
    ),
    (
        Method::Post,
        "/app/profile/2fa/disable",
        Permission::OwnProfile,
        &[("password", "not the password")],
        Status(422),
    ),
    (
        Method::Get,
        "/app/profile",
        Permission::OwnProfile,
        &[],
        Done,
    ),
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
        Done,
    ),
    (
        Method::Post,
        "/app/profile/receive",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    // A form that is not an upload.
    (
        Method::Post,
        "/app/profile/photo",
        Permission::OwnProfile,
        &[],
        Status(400),
    ),
    (
        Method::Post,
        "/app/profile/photo/delete",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/photos/{id}",
        Permission::OwnProfile,
        &[],
        Status(404),
    ),
    (
        Method::Get,
        "/app/reports/me",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/reports/me?period=week&format=csv",
        Permission::OwnProfile,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/reports",
        Permission::AllReports,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/reports?period=month&format=csv",
        Permission::AllReports,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/reports/agents/{id}",
        Permission::AllReports,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/agents",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/agents/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/agents/new",
        Permission::Configuration,
        &[
            ("name", "Nia New"),
            ("email", "nia@example.com"),
            ("role", "agent"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/config/agents/{id}/edit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/agents/{id}/edit",
        Permission::Configuration,
        &[
            ("name", "Renamed Agent"),
            ("email", "renamed@example.com"),
            ("role", "agent"),
        ],
        Done,
    ),
    (
        Method::Post,
        "/app/config/agents/{id}/invitation",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/agents/{id}/2fa/reset",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/departments",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/departments",
        Permission::Configuration,
        &[("name", "Sales")],
        Status(422),
    ),
    (
        Method::Get,
        "/app/config/departments/{id}",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/departments/{id}",
        Permission::Configuration,
        &[("name", "Support desk"), ("chat", "on")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/departments/{id}/edit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/departments/{id}/edit",
        Permission::Configuration,
        &[
            ("name", "Support desk"),
            ("round_robin", "on"),
            ("max_open", "5"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/config/audit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/bulk",
        Permission::Tickets,
        &[("tickets", "1"), ("action", "priority"), ("value", "high")],
        Done,
    ),
    (
        Method::Get,
        "/app/tickets/{number}/merge",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/{number}/merge",
        Permission::Tickets,
        &[("into", "999999")],
        Status(422),
    ),
    // No message of that id: past the gate, the split finds none.
    (
        Method::Post,
        "/app/tickets/{number}/messages/{id}/split",
        Permission::Tickets,
        &[],
        Status(404),
    ),
    // The form's ticket came by the contact form: no channel to send on.
    (
        Method::Post,
        "/app/tickets/{number}/messages/{id}/resend",
        Permission::Tickets,
        &[],
        Status(422),
    ),
    (
        Method::Post,
        "/app/tickets/{number}/tags",
        Permission::Tickets,
        &[("tags", "vip, urgent")],
        Done,
    ),
    (
        Method::Post,
        "/app/tickets/{number}/presence",
        Permission::Tickets,
        &[("state", "viewing")],
        Status(204),
    ),
    (
        Method::Get,
        "/app/config/tags",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/tags/{id}",
        Permission::Configuration,
        &[("name", "important")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/hours",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/hours",
        Permission::Configuration,
        &[("mon_ranges", "09:00-17:00"), ("holidays", "2026-12-25")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/sla",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/sla/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/sla/new",
        Permission::Configuration,
        &[
            ("name", "Urgent"),
            ("priority", "urgent"),
            ("first_response", "30"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/config/sla/{id}/edit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/sla/{id}/edit",
        Permission::Configuration,
        &[("name", "Standard"), ("resolution", "480")],
        Done,
    ),
    (
        Method::Post,
        "/app/config/sla/{id}/move",
        Permission::Configuration,
        &[("direction", "down")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/calls",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/calls",
        Permission::Configuration,
        &[
            ("account_sid", "AC0123456789abcdef0123456789abcdef"),
            ("auth_token", ""),
            ("sip_domain", "acme.sip.example.com"),
            ("greeting", "Hello"),
            ("number", ""),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/config/channels",
        Permission::Configuration,
        &[],
        Done,
    ),
    // Each connect form, refused for a token of the wrong form before any provider is
    // asked.
    (
        Method::Get,
        "/app/config/channels/telegram/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/channels/telegram/new",
        Permission::Configuration,
        &[("bot_token", "not a token")],
        Status(422),
    ),
    (
        Method::Get,
        "/app/config/channels/whatsapp/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/channels/whatsapp/new",
        Permission::Configuration,
        &[
            ("phone_number_id", "x"),
            ("access_token", ""),
            ("app_secret", ""),
        ],
        Status(422),
    ),
    (
        Method::Get,
        "/app/config/channels/messenger/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/channels/messenger/new",
        Permission::Configuration,
        &[
            ("page_id", "x"),
            ("page_access_token", ""),
            ("app_secret", ""),
        ],
        Status(422),
    ),
    (
        Method::Get,
        "/app/config/rules",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/rules/new",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/rules/new",
        Permission::Configuration,
        &[
            ("name", "VIP"),
            ("enabled", "on"),
            ("event", "ticket_created"),
            ("condition_field", "customer_email"),
            ("condition_op", "contains"),
            ("condition_value", "@bigclient.com"),
            ("action_type", "set_priority"),
            ("action_value", "high"),
        ],
        Done,
    ),
    (
        Method::Get,
        "/app/config/rules/{id}/edit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/rules/{id}/edit",
        Permission::Configuration,
        &[
            ("name", "Refunds"),
            ("event", "customer_replied"),
            ("action_type", "add_tag"),
            ("action_value", "refund"),
        ],
        Done,
    ),
    (
        Method::Post,
        "/app/config/rules/{id}/move",
        Permission::Configuration,
        &[("direction", "down")],
        Done,
    ),
    (Method::Get, "/app/canned", Permission::Tickets, &[], Done),
    (
        Method::Get,
        "/app/canned/new",
        Permission::Tickets,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/canned/new",
        Permission::Tickets,
        &[
            ("title", "Thanks"),
            ("body", "Thank you, {{customer.first_name}}."),
        ],
        Done,
    ),
    // The fixture's answer is shared: agents use it, admins and owners change it.
    (
        Method::Get,
        "/app/canned/{id}/edit",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/canned/{id}/edit",
        Permission::Configuration,
        &[("title", "Greeting"), ("body", "Hello."), ("shared", "on")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/settings",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/settings",
        Permission::Configuration,
        &[("company", "Renamed Ltd")],
        Done,
    ),
    (
        Method::Get,
        "/app/config/chat",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/chat",
        Permission::Configuration,
        &[("chat_wait_minutes", "5"), ("chat_origins", "")],
        Done,
    ),
    (Method::Get, "/app/billing", Permission::Billing, &[], Done),
    (
        Method::Post,
        "/app/billing/plan",
        Permission::Billing,
        &[("plan", "small")],
        Done,
    ),
    (
        Method::Get,
        "/app/billing/invoices",
        Permission::Billing,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/billing/invoices/{id}",
        Permission::Billing,
        &[],
        Status(404),
    ),
    (
        Method::Get,
        "/app/billing/details",
        Permission::Billing,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/billing/details",
        Permission::Billing,
        &[("company", "Renamed Ltd"), ("country", "Germany")],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/articles/{id}/delete",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/articles/{id}/delete",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/kb/categories/{id}/delete",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/kb/categories/{id}/delete",
        Permission::KnowledgeBase,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/canned/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/canned/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/tags/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/sla/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/rules/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/calls/numbers/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/channels/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/departments/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/departments/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Get,
        "/app/config/agents/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
    (
        Method::Post,
        "/app/config/agents/{id}/delete",
        Permission::Configuration,
        &[],
        Done,
    ),
];

/// The pages among the gated routes (each GET that is an HTML page or a file and needs no
/// id), with the permission each needs.
pub fn gated_pages() -> impl Iterator<Item = (&'static str, Permission)> {
    GATED_ROUTES
        .iter()
        .filter(|(method, path, ..)| {
            *method == Method::Get && !path.contains('{') && !path.ends_with("/events")
        })
        .map(|(_, path, permission, ..)| (*path, *permission))
}

/// What a workspace holds for the routes' ids: a ticket, a chat, an article with two
/// revisions, a category, a department, and its agent (of role `agent`).
struct Fixture {
    ticket: i64,
    chat: i64,
    article: Uuid,
    revision: Uuid,
    category: Uuid,
    department: Uuid,
    canned: Uuid,
    tag: Uuid,
    sla_policy: Uuid,
    rule: Uuid,
    voice_number: Uuid,
    /// A connected WhatsApp number.
    channel: Uuid,
    /// A file the customer sent with the contact form.
    attachment: Uuid,
    agent: Uuid,
    /// An agent who has not logged in yet, whose invitation may be sent again.
    invited: Uuid,
}

impl Fixture {
    async fn create(app: &TestApp, workspace: &Workspace) -> Self {
        let visitor = app.client();
        let contact = visitor
            .post_files(
                &format!("/help/{}/contact", workspace.slug),
                &[
                    ("name", "Carla Customer"),
                    ("email", "carla@example.com"),
                    ("subject", "Refund"),
                    ("type", "refund"),
                    ("message", "Please."),
                ],
                &[("receipt.txt", b"Paid 20 EUR.")],
            )
            .await;
        assert_eq!(contact.status, StatusCode::SEE_OTHER);
        let chat = visitor
            .post(
                &format!("/help/{}/chat", workspace.slug),
                &[
                    ("name", "Carla"),
                    ("email", "carla@example.com"),
                    ("message", "Hi"),
                ],
            )
            .await;
        assert_eq!(chat.status, StatusCode::SEE_OTHER);
        let owner = app.logged_in(workspace, Role::Owner).await;
        for (path, form) in [
            ("/app/kb/categories", &[("name", "Returns")][..]),
            (
                "/app/kb/articles/new",
                &[
                    ("title", "Returns"),
                    ("body", "Send it."),
                    ("status", "draft"),
                ],
            ),
            ("/app/config/departments", &[("name", "Support")]),
            (
                "/app/canned/new",
                &[("title", "Greeting"), ("body", "Hi."), ("shared", "on")],
            ),
            (
                "/app/config/sla/new",
                &[("name", "Standard"), ("first_response", "60")],
            ),
            (
                "/app/config/rules/new",
                &[
                    ("name", "Urgent"),
                    ("event", "ticket_created"),
                    ("action_type", "set_priority"),
                    ("action_value", "urgent"),
                ],
            ),
            (
                "/app/config/agents/new",
                &[
                    ("name", "Ivy Invited"),
                    ("email", "ivy@example.com"),
                    ("role", "agent"),
                ],
            ),
        ] {
            assert_eq!(
                owner.post(path, form).await.status,
                StatusCode::SEE_OTHER,
                "{path}"
            );
        }
        let number = |channel: &'static str| {
            let db = app.db.clone();
            let account_id = workspace.account_id;
            async move {
                sqlx::query_scalar::<_, i64>(
                    "select number from tickets where account_id = $1 and channel = $2",
                )
                .bind(account_id)
                .bind(channel)
                .fetch_one(&db)
                .await
                .unwrap()
            }
        };
        let one = |sql: &'static str| {
            let db = app.db.clone();
            let account_id = workspace.account_id;
            async move {
                sqlx::query_scalar::<_, Uuid>(sql)
                    .bind(account_id)
                    .fetch_one(&db)
                    .await
                    .unwrap()
            }
        };
        let department = one("select id from departments where account_id = $1").await;
        let calls = [
            ("account_sid", "AC0123456789abcdef0123456789abcdef"),
            ("auth_token", "0123456789abcdef0123456789abcdef"),
            ("number", "+4930123456"),
            ("department", &department.to_string()),
        ];
        let connected = owner.post("/app/config/calls", &calls).await;
        assert_eq!(connected.status, StatusCode::SEE_OTHER);
        // A WhatsApp number as connecting one leaves it (its provider is not asked when it
        // is disconnected).
        sqlx::query(
            "insert into social_channels (account_id, id, kind, channel_token, external_id, name,
                                          access_token, app_secret)
             values ($1, $2, 'whatsapp', $3, '1061234567', 'Acme', '\\x00', '\\x00')",
        )
        .bind(workspace.account_id)
        .bind(Uuid::now_v7())
        .bind(Uuid::now_v7().to_string())
        .execute(&app.db)
        .await
        .unwrap();
        let article = one("select id from kb_articles where account_id = $1").await;
        let path = format!("/app/tickets/{}/tags", number("form").await);
        let tagged = owner.post(&path, &[("tags", "vip")]).await;
        assert_eq!(tagged.status, StatusCode::SEE_OTHER);
        let path = format!("/app/kb/articles/{article}/edit");
        let edit = [
            ("title", "Returns"),
            ("slug", "returns"),
            ("body", "Send it back."),
            ("status", "draft"),
        ];
        assert_eq!(owner.post(&path, &edit).await.status, StatusCode::SEE_OTHER);
        Self {
            ticket: number("form").await,
            chat: number("chat").await,
            article,
            revision: one(
                "select id from kb_revisions where account_id = $1 order by created_at limit 1",
            )
            .await,
            category: one("select id from kb_categories where account_id = $1").await,
            department,
            voice_number: one("select id from voice_numbers where account_id = $1").await,
            channel: one("select id from social_channels where account_id = $1").await,
            canned: one("select id from canned_answers where account_id = $1").await,
            tag: one("select id from tags where account_id = $1").await,
            sla_policy: one("select id from sla_policies where account_id = $1").await,
            rule: one("select id from rules where account_id = $1").await,
            attachment: one("select id from attachments where account_id = $1").await,
            agent: workspace.person(Role::Agent).id,
            invited: one(
                "select id from agents where account_id = $1 and email = 'ivy@example.com'",
            )
            .await,
        }
    }

    /// `template` with this workspace's ids; ids of no row (an invoice, a photo) are fresh
    /// ones.
    fn fill(&self, template: &str) -> String {
        let number = if template.starts_with("/app/chats/") {
            self.chat
        } else {
            self.ticket
        };
        let agent = if template.ends_with("/invitation") {
            self.invited
        } else {
            self.agent
        };
        let id = [
            ("/app/config/agents/", agent),
            ("/app/reports/agents/", self.agent),
            ("/app/config/departments/", self.department),
            ("/app/kb/articles/", self.article),
            ("/app/kb/categories/", self.category),
            ("/app/canned/", self.canned),
            ("/app/config/tags/", self.tag),
            ("/app/config/sla/", self.sla_policy),
            ("/app/config/rules/", self.rule),
            ("/app/config/calls/numbers/", self.voice_number),
            ("/app/config/channels/", self.channel),
            ("/app/attachments/", self.attachment),
        ]
        .into_iter()
        .find(|(prefix, _)| template.starts_with(prefix))
        .map_or_else(Uuid::now_v7, |(_, id)| id);
        template
            .replace("{number}", &number.to_string())
            .replace("{revision}", &self.revision.to_string())
            .replace("{id}", &id.to_string())
    }
}

/// The status of a request, and the messages of a form that was refused.
async fn call(
    client: &Client,
    method: Method,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Vec<String>) {
    match method {
        Method::Get => (client.status_of_get(path).await, Vec::new()),
        Method::Post => {
            let page = client.post(path, form).await;
            (
                page.status,
                page.texts(".error, .field-error, [role=alert]"),
            )
        }
    }
}

/// Each role in a workspace of its own, so that what one role deletes is there for the next.
#[sqlx::test]
async fn each_role_opens_exactly_the_routes_its_permissions_allow(db: PgPool) {
    let app = TestApp::spawn(db).await;
    for role in Role::ALL {
        let workspace = app.workspace(&format!("w-{}", role.as_str())).await;
        let fixture = Fixture::create(&app, &workspace).await;
        let client = app.logged_in(&workspace, role).await;
        for (method, template, permission, form, answer) in GATED_ROUTES {
            let path = fixture.fill(template);
            let (status, messages) = call(&client, *method, &path, form).await;
            let expected = match (role.can(*permission), answer, method) {
                (false, ..) => StatusCode::FORBIDDEN,
                (true, Done, Method::Get) => StatusCode::OK,
                (true, Done, Method::Post) => StatusCode::SEE_OTHER,
                (true, Status(code), _) => StatusCode::from_u16(*code).unwrap(),
            };
            assert_eq!(status, expected, "{role:?} {method:?} {path}: {messages:?}");
        }
    }
}

#[sqlx::test]
async fn a_refused_role_reads_why(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = agent.get("/app/config/settings").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("You do not have permission to do this."));
}

#[sqlx::test]
async fn a_logged_out_visitor_is_sent_to_login_from_every_gated_route(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let fixture = Fixture::create(&app, &acme).await;
    let rows = app.count("messages").await;
    for (method, template, _, form, _) in GATED_ROUTES {
        let path = fixture.fill(template);
        let page = match method {
            Method::Get => app.client().get(&path).await,
            Method::Post => app.client().post(&path, form).await,
        };
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/login?next=%2Fapp"), "{path}");
    }
    assert_eq!(app.count("messages").await, rows);
}

/// Another workspace's ids name no page, even for its owner, who may do everything, and
/// nothing of the other workspace changes.
#[sqlx::test]
async fn another_workspaces_ids_are_not_found_on_every_route(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let fixture = Fixture::create(&app, &acme).await;
    let beta = app.workspace("beta").await;
    let intruder = app.logged_in(&beta, Role::Owner).await;
    let tables = [
        "agents where deleted_at is null and name not like 'Renamed%'",
        "departments",
        "kb_articles",
        "kb_categories",
        "messages",
        "outbox",
        "canned_answers where title = 'Greeting' and body = 'Hi.'",
        "tags where name = 'vip'",
        "ticket_tags",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    for (method, template, _, form, _) in GATED_ROUTES {
        if !template.contains('{') {
            continue;
        }
        let path = fixture.fill(template);
        let (status, _) = call(&intruder, *method, &path, form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method:?} {path}");
    }
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(app.count(table).await, count, "{table}");
    }
    let edited: i64 = sqlx::query_scalar(
        "select count(*) from tickets where account_id = $1 and priority <> 'normal'",
    )
    .bind(acme.account_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(edited, 0);
}

/// Every `/app` route that the source gives the router, with each method it answers:
/// the paths of `.route(...)` calls (a literal, or a `const` of the crate), and `get(` or
/// `post(` inside the call.
fn app_routes_in_source() -> BTreeSet<(Method, String)> {
    let files = rust_files(&source_dir());
    let sources: Vec<String> = files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap())
        .collect();
    let constant = |name: &str| {
        let declaration = format!("const {name}: &str = \"");
        sources.iter().find_map(|code| {
            let start = code.find(&declaration)? + declaration.len();
            Some(code[start..].split('"').next()?.to_owned())
        })
    };
    let mut routes = BTreeSet::new();
    for code in &sources {
        for (at, _) in code.match_indices(".route(") {
            let call = balanced(&code[at + ".route".len()..]);
            let first = call.trim_start_matches('(').trim_start();
            let path = match first.strip_prefix('"') {
                Some(rest) => rest.split('"').next().map(str::to_owned),
                None => constant(
                    first
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap(),
                ),
            };
            let Some(path) = path.filter(|path| path.starts_with("/app")) else {
                continue;
            };
            for (method, word) in [(Method::Get, "get("), (Method::Post, "post(")] {
                if call.contains(word) {
                    routes.insert((method, path.clone()));
                }
            }
        }
    }
    routes
}

/// The parenthesised text at the start of `text`, parentheses included.
fn balanced(text: &str) -> &str {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

#[test]
fn every_app_route_of_the_router_is_in_the_table() {
    let in_table: BTreeSet<(Method, String)> = GATED_ROUTES
        .iter()
        .map(|(method, path, ..)| (*method, path.split('?').next().unwrap().to_owned()))
        .collect();
    let in_source = app_routes_in_source();
    assert!(in_source.len() > 50, "the source scan found {in_source:?}");
    let missing: Vec<_> = in_source.difference(&in_table).collect();
    assert!(
        missing.is_empty(),
        "routes without a permission check: {missing:?}"
    );
    let gone: Vec<_> = in_table.difference(&in_source).collect();
    assert!(
        gone.is_empty(),
        "routes in the table that the router lacks: {gone:?}"
    );
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
