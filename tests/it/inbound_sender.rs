//! Inbound mail whose sender has no usable address: the customer's address is the first of
//! `From`, `Reply-To`, `Sender` and `Return-Path` that mail can go to, never one decoded from
//! an RFC 2047 encoded word; without any, the ticket still opens, its page and the list say
//! "no reply address", a reply is refused with the form kept (a note still works), and
//! nothing is queued for the customer.
use frontdesk::{auth::Role, input::EmailAddress};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::harness::{Client, Page, TestApp, Workspace};

/// A message with the sender headers `senders` (CRLF between them), one of its own
/// Message-ID and subject.
fn mail_from(senders: &str, id: &str) -> Vec<u8> {
    format!(
        "{senders}\r\nSubject: Where is my parcel ({id})?\r\nMessage-ID: <{id}@mail.example>\r\n\
         Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nIt did not come.\r\n"
    )
    .into_bytes()
}

/// Delivers `raw` to `workspace` and returns the number of the ticket it opened.
async fn opened(app: &TestApp, workspace: &Workspace, raw: Vec<u8>) -> i64 {
    let page = workspace.deliver(app, raw).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
        .strip_prefix("ticket #")
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no ticket in {:?}", page.body))
}

/// The customer's name and address as ticket `number` stores them.
async fn customer(app: &TestApp, number: i64) -> (String, String) {
    sqlx::query_as("select customer_name, customer_email from tickets where number = $1")
        .bind(number)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The addresses mail was queued for, other than the workspace's own agents.
async fn queued_for_customers(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "select to_address from outbox where kind = 'email' and to_address not like '%@acme.test'
         order by created_at, id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// Who outside the workspace the SMTP server received mail for, in order, once the outbox
/// has sent everything.
pub async fn mailed_customers(app: &TestApp) -> Vec<String> {
    app.drain_outbox().await;
    app.mail
        .all()
        .into_iter()
        .map(|mail| mail.to)
        .filter(|to| !to.ends_with("@acme.test"))
        .collect()
}

/// The text of the ticket list's row of ticket `number`.
fn list_row(list: &Page, number: i64) -> String {
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let document = scraper::Html::parse_document(&list.body);
    let rows = scraper::Selector::parse("table.tickets tbody tr").unwrap();
    let link = format!("/app/tickets/{number}");
    document
        .select(&rows)
        .find(|row| row.html().contains(&format!("href=\"{link}\"")))
        .unwrap_or_else(|| panic!("no row of #{number} in {}", list.body))
        .text()
        .collect()
}

/// The text of ticket `number`'s page as `agent` sees it.
async fn ticket_page(agent: &Client, number: i64) -> Page {
    let page = agent.get(&format!("/app/tickets/{number}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

/// `agent`'s email reply `body` on ticket `number`.
async fn send_reply(agent: &Client, number: i64, body: &str) -> Page {
    let path = format!("/app/tickets/{number}/reply");
    agent.post(&path, &[("body", body)]).await
}

#[sqlx::test]
async fn an_empty_from_is_answered_at_its_reply_to(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = mail_from(
        "From: \"Ada Lovelace\" <>\r\nReply-To: ada@example.com",
        "empty-from",
    );
    let number = opened(&app, &acme, raw).await;
    assert_eq!(
        customer(&app, number).await,
        ("Ada Lovelace".into(), "ada@example.com".into())
    );
    let acknowledgement = app.mail.wait_for("ada@example.com").await;
    assert!(acknowledgement.subject.contains(&format!("[#{number}]")));

    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = ticket_page(&agent, number).await;
    assert!(page.body.contains("Ada Lovelace &lt;ada@example.com&gt;"));
    assert!(!page.body.contains("No reply address"));
    let reply = send_reply(&agent, number, "It is on its way.").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        queued_for_customers(&app).await,
        ["ada@example.com", "ada@example.com"]
    );
}

#[sqlx::test]
async fn the_first_usable_address_is_taken_and_never_one_decoded_from_an_encoded_word(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let cases = [
        // mail-parser reads these two as the name "agent" (or "support") beside
        // `@example.com` (or `ceo@example.com`): a sender made to look like someone else.
        ("From: =?utf-8?Q?agent?=@example.com", "", ""),
        ("From: =?utf-8?Q?support?=ceo@example.com", "", ""),
        (
            "From: =?utf-8?Q?agent?=@example.com\r\nReply-To: real@example.org",
            "",
            "real@example.org",
        ),
        (
            "From: Ada Lovelace\r\nSender: assistant@example.com",
            "Ada Lovelace",
            "assistant@example.com",
        ),
        (
            "From: Ada Lovelace <>\r\nSender: <>\r\nReturn-Path: <ada@example.net>",
            "Ada Lovelace",
            "ada@example.net",
        ),
    ];
    for (index, (headers, name, address)) in cases.into_iter().enumerate() {
        let raw = mail_from(headers, &format!("sender-{index}"));
        let number = opened(&app, &acme, raw).await;
        assert_eq!(
            customer(&app, number).await,
            (name.to_owned(), address.to_owned()),
            "{headers}"
        );
    }
    // Sent several at once: in any order.
    let mut mailed = mailed_customers(&app).await;
    mailed.sort();
    assert_eq!(
        mailed,
        [
            "ada@example.net",
            "assistant@example.com",
            "real@example.org"
        ]
    );
}

#[sqlx::test]
async fn a_message_without_a_usable_address_opens_a_ticket_that_says_so(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let nowhere = mail_from(
        "From: \"Ada Lovelace\" <>\r\nReply-To: =?utf-8?Q?ada?=@example.com\r\n\
         Sender: <>\r\nReturn-Path: <>",
        "nowhere",
    );
    let number = opened(&app, &acme, nowhere).await;
    let reachable = opened(
        &app,
        &acme,
        mail_from("From: Bob <bob@example.com>", "reachable"),
    )
    .await;
    assert_eq!(
        customer(&app, number).await,
        ("Ada Lovelace".into(), String::new())
    );
    assert_eq!(
        app.count("messages where kind = 'customer' and body_text like 'It did not come.%'")
            .await,
        2
    );

    let agent = app.logged_in(&acme, Role::Agent).await;
    let page = ticket_page(&agent, number).await;
    assert!(page.body.contains("It did not come."));
    assert!(page.body.contains("No reply address"), "{}", page.body);
    assert!(
        page.body.contains("so an email reply cannot be sent"),
        "{}",
        page.body
    );
    let list = agent.get("/app/tickets").await;
    assert!(list_row(&list, number).contains("No reply address"));
    let other_row = list_row(&list, reachable);
    assert!(other_row.contains("bob@example.com") && !other_row.contains("No reply address"));

    // A reply is refused, what was typed kept; a note goes in.
    let reply = send_reply(&agent, number, "Your parcel left today.").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("no email reply can be sent"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(">Your parcel left today.</textarea>"));
    let note = agent
        .post(
            &format!("/app/tickets/{number}/note"),
            &[("body", "Called her instead.")],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.body);
    assert_eq!(app.count("messages where kind = 'reply'").await, 0);
    assert_eq!(
        app.count("messages where kind = 'note' and body_text = 'Called her instead.'")
            .await,
        1
    );

    // In Chinese too.
    sqlx::query("update agents set language = 'zh-CN' where email = 'agent@acme.test'")
        .execute(&app.db)
        .await
        .unwrap();
    let page = ticket_page(&agent, number).await;
    assert!(page.body.contains("无回复地址"), "{}", page.body);
    assert!(page.body.contains("无法发送邮件回复"));
    assert!(list_row(&agent.get("/app/tickets").await, number).contains("无回复地址"));

    // A ticket stored with a broken address before is no better to reply to.
    sqlx::query("update tickets set customer_email = '@example.com' where number = $1")
        .bind(number)
        .execute(&app.db)
        .await
        .unwrap();
    let reply = send_reply(&agent, number, "Your parcel left today.").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Only Bob was written to, and every queued address is one mail can go to.
    assert_eq!(queued_for_customers(&app).await, ["bob@example.com"]);
    let addresses: Vec<String> = sqlx::query_scalar("select to_address from outbox")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for address in &addresses {
        assert!(
            EmailAddress::parse_addr_spec(address).is_ok(),
            "{address:?}"
        );
    }
    assert_eq!(mailed_customers(&app).await, ["bob@example.com"]);
}
