//! Inbound email, `POST /inbound/email/{token}`: whatever arrives (no message at all, broken
//! headers, odd charsets, hostile HTML and file names, huge or deep MIME) is refused with a
//! 4xx or becomes a whole ticket, never a 500 or a ticket without its message; attachments
//! reach the workspace's agents and no one else; a message counts once however often it is
//! delivered; threading trusts only our signed Message-IDs and the customer's own
//! `[#number]`; and real-world mail keeps its subject and sender.
use std::path::Path;

use base64::Engine as _;
use frontdesk::auth::Role;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::harness::{Page, TestApp, Workspace};

const DATE: &str = "Date: Tue, 1 Dec 2026 10:00:00 +0000";

/// A raw message: `headers` one a line, a blank line and `body`, with CRLF line ends.
fn message(headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut raw = headers.join("\r\n").into_bytes();
    raw.extend_from_slice(b"\r\n\r\n");
    raw.extend_from_slice(body);
    raw
}

/// A plain-text message from `from` about `subject`.
fn plain(from: &str, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    message(
        &[
            &format!("From: {from}"),
            &format!("Subject: {subject}"),
            &format!("Message-ID: {message_id}"),
            DATE,
        ],
        body.as_bytes(),
    )
}

/// A multipart/mixed message of `parts` (each with its own headers).
fn multipart(headers: &[&str], parts: &[String]) -> Vec<u8> {
    let boundary = "=_frontdesk-test-boundary";
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!("--{boundary}\r\n{part}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let content_type = format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"");
    let mut all = headers.to_vec();
    all.extend(["MIME-Version: 1.0", content_type.as_str()]);
    message(&all, body.as_bytes())
}

fn text_part(text: &str) -> String {
    format!("Content-Type: text/plain; charset=utf-8\r\n\r\n{text}")
}

/// An attachment part, base64 in lines of 76; `disposition` holds the file name parameters.
fn attachment_part(content_type: &str, disposition: &str, data: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "Content-Type: {content_type}\r\nContent-Disposition: attachment; {disposition}\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}",
        lines.join("\r\n")
    )
}

/// The number of the ticket a delivery answered `ticket #N` with.
fn ticket_number(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
        .strip_prefix("ticket #")
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no ticket number in {:?}", page.body))
}

/// Delivers `raw` and returns the number of the ticket it made or joined.
async fn delivered(app: &TestApp, workspace: &Workspace, raw: impl Into<Vec<u8>>) -> i64 {
    ticket_number(&workspace.deliver(app, raw).await)
}

/// Every ticket has the customer's message that opened it.
async fn assert_no_ticket_without_its_message(app: &TestApp) {
    let orphans = app
        .count(
            "tickets t where not exists (select 1 from messages m \
             where m.ticket_id = t.id and m.kind = 'customer')",
        )
        .await;
    assert_eq!(orphans, 0, "tickets without their customer message");
}

/// Nothing was stored or queued.
async fn assert_nothing_created(app: &TestApp) {
    for table in ["tickets", "messages", "attachments", "outbox"] {
        assert_eq!(app.count(table).await, 0, "rows in {table}");
    }
}

struct StoredTicket {
    subject: String,
    customer_email: String,
    status: String,
}

async fn stored_ticket(app: &TestApp, workspace: &Workspace, number: i64) -> StoredTicket {
    let (subject, customer_email, status) = sqlx::query_as(
        "select subject, customer_email, status from tickets where account_id = $1 and number = $2",
    )
    .bind(workspace.account_id)
    .bind(number)
    .fetch_one(&app.db)
    .await
    .unwrap();
    StoredTicket {
        subject,
        customer_email,
        status,
    }
}

struct StoredMessage {
    body_text: String,
    body_html: Option<String>,
}

/// The customer's messages of ticket `number`, oldest first.
async fn customer_messages(
    app: &TestApp,
    workspace: &Workspace,
    number: i64,
) -> Vec<StoredMessage> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "select m.body_text, m.body_html from messages m
         join tickets t on t.account_id = m.account_id and t.id = m.ticket_id
         where t.account_id = $1 and t.number = $2 and m.kind = 'customer'
         order by m.created_at, m.id",
    )
    .bind(workspace.account_id)
    .bind(number)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(body_text, body_html)| StoredMessage {
            body_text,
            body_html,
        })
        .collect()
}

/// The one customer message of ticket `number`.
async fn the_message(app: &TestApp, workspace: &Workspace, number: i64) -> StoredMessage {
    let mut messages = customer_messages(app, workspace, number).await;
    assert_eq!(messages.len(), 1, "customer messages of #{number}");
    messages.remove(0)
}

struct StoredAttachment {
    id: Uuid,
    filename: String,
    data: Vec<u8>,
}

async fn stored_attachments(
    app: &TestApp,
    workspace: &Workspace,
    number: i64,
) -> Vec<StoredAttachment> {
    let rows: Vec<(Uuid, String, Vec<u8>)> = sqlx::query_as(
        "select f.id, f.filename, f.data from attachments f
         join messages m on m.account_id = f.account_id and m.id = f.message_id
         join tickets t on t.account_id = m.account_id and t.id = m.ticket_id
         where t.account_id = $1 and t.number = $2
         order by f.id",
    )
    .bind(workspace.account_id)
    .bind(number)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, filename, data)| StoredAttachment { id, filename, data })
        .collect()
}

/// Ticket `number` as an admin of `workspace` sees it.
async fn admin_sees(app: &TestApp, workspace: &Workspace, number: i64) -> Page {
    let admin = app.logged_in(workspace, Role::Admin).await;
    let page = admin.get(&format!("/app/tickets/{number}")).await;
    assert_eq!(page.status, StatusCode::OK, "#{number}: {}", page.body);
    page
}

/// Deterministic bytes that look random.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[3]
        })
        .collect()
}

// 1. Parser robustness.

#[sqlx::test]
async fn an_empty_body_is_no_message_and_creates_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let page = acme.deliver(&app, Vec::new()).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_nothing_created(&app).await;
}

#[sqlx::test]
async fn binary_garbage_without_headers_is_no_message(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for seed in [1, 42, 0xdead_beef] {
        // Without a colon nothing can be read as a header.
        let garbage: Vec<u8> = noise(64 * 1024, seed)
            .into_iter()
            .map(|b| if b == b':' { b'.' } else { b })
            .collect();
        let page = acme.deliver(&app, garbage).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "seed {seed}: {}",
            page.body
        );
    }
    let page = acme
        .deliver(&app, b"\0\0\0\x01\x02\xff\xfe\r\n\r\n\0".to_vec())
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_nothing_created(&app).await;
}

#[sqlx::test]
async fn a_message_of_headers_only_opens_a_whole_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;

    // No blank line and no body at all.
    let raw = "From: Ada <ada@example.com>\r\nSubject: Only headers\r\nMessage-ID: <only@example.com>\r\n";
    let number = delivered(&app, &acme, raw).await;
    let ticket = stored_ticket(&app, &acme, number).await;
    assert_eq!(ticket.subject, "Only headers");
    assert_eq!(ticket.customer_email, "ada@example.com");
    assert_eq!(the_message(&app, &acme, number).await.body_text.trim(), "");
    assert!(
        admin_sees(&app, &acme, number)
            .await
            .body
            .contains("Only headers")
    );

    // A Date and nothing else: a message, but without sender or subject.
    let number = delivered(&app, &acme, format!("{DATE}\r\n")).await;
    let ticket = stored_ticket(&app, &acme, number).await;
    assert_eq!(ticket.subject, "(no subject)");
    assert_eq!(ticket.customer_email, "");
    admin_sees(&app, &acme, number).await;

    assert_eq!(app.count("tickets").await, 2);
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn broken_and_duplicate_from_and_subject_headers_make_whole_tickets(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;

    let twice = message(
        &[
            "From: Ada <ada@example.com>",
            "From: Bob <bob@example.com>",
            "Subject: First subject",
            "Subject: Second subject",
            "Message-ID: <twice@example.com>",
            DATE,
        ],
        b"Two senders, two subjects.",
    );
    let number = delivered(&app, &acme, twice).await;
    let ticket = stored_ticket(&app, &acme, number).await;
    assert!(
        ["ada@example.com", "bob@example.com"].contains(&ticket.customer_email.as_str()),
        "{}",
        ticket.customer_email
    );
    assert!(
        ["First subject", "Second subject"].contains(&ticket.subject.as_str()),
        "{}",
        ticket.subject
    );

    let long_address = format!("{}@example.com", "a".repeat(300));
    let long_name = "N".repeat(500);
    let broken: Vec<(&str, Vec<u8>)> = vec![
        (
            "an unreadable From, an unterminated encoded word",
            message(
                &[
                    "From: <<<@@@>>> \"unterminated",
                    "Subject: =?utf-8?B?broken",
                    "Message-ID: <broken-from@example.com>",
                ],
                b"A sender nobody can read.",
            ),
        ),
        (
            "an empty From and Subject",
            message(
                &["From:", "Subject:", "Message-ID: <empty@example.com>"],
                b"Empty From and Subject.",
            ),
        ),
        (
            "a name without an address, a subject of blanks",
            message(
                &[
                    "From: Just A Name",
                    "Subject:  \t   ",
                    "Message-ID: <name-only@example.com>",
                ],
                b"Hello",
            ),
        ),
        (
            "a 312-character address, a 500-character name, a 1300-character subject",
            message(
                &[
                    &format!("From: \"{long_name}\" <{long_address}>"),
                    &format!("Subject: {}", "long subject ".repeat(100)),
                    "Message-ID: <too-long@example.com>",
                ],
                b"A sender address longer than any mailbox may be.",
            ),
        ),
        (
            "a From that is a broken list, header lines without names",
            message(
                &[
                    "From: ada@example.com,, bob@, @, <>",
                    "From",
                    ": no name",
                    "Subject: Survivor",
                    "Message-ID: <lists@example.com>",
                ],
                b"Hello",
            ),
        ),
    ];
    let mut failures = Vec::new();
    for (what, raw) in broken {
        let page = acme.deliver(&app, raw).await;
        if page.status != StatusCode::OK || !page.body.starts_with("ticket #") {
            failures.push(format!("{what}: {} {}", page.status, page.body));
        }
    }
    assert_no_ticket_without_its_message(&app).await;
    assert!(failures.is_empty(), "{failures:#?}");
    for number in 2..=6 {
        let ticket = stored_ticket(&app, &acme, number).await;
        assert!(!ticket.subject.trim().is_empty(), "#{number}");
        admin_sees(&app, &acme, number).await;
    }
}

#[sqlx::test]
async fn nul_bytes_anywhere_make_whole_tickets(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let file = |content_type: &str, data: &str| {
        format!(
            "Content-Type: {content_type}\r\n\
             Content-Disposition: attachment; filename=\"file.bin\"\r\n\r\n{data}"
        )
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "subject",
            plain(
                "ada@example.com",
                "before\0after",
                "<nul-1@example.com>",
                "Hi",
            ),
        ),
        (
            "text",
            plain(
                "ada@example.com",
                "NUL",
                "<nul-2@example.com>",
                "before\0after",
            ),
        ),
        (
            "sender's name",
            plain(
                "\"Ada\0L\" <ada@example.com>",
                "NUL",
                "<nul-3@example.com>",
                "Hi",
            ),
        ),
        (
            "Message-ID",
            plain("ada@example.com", "NUL", "<nul\0-4@example.com>", "Hi"),
        ),
        (
            "HTML",
            message(
                &[
                    "From: ada@example.com",
                    "Subject: NUL",
                    "Message-ID: <nul-5@example.com>",
                    "Content-Type: text/html; charset=utf-8",
                ],
                b"<p>before\0after</p>",
            ),
        ),
        (
            "attachment's content type",
            multipart(
                &[
                    "From: ada@example.com",
                    "Subject: NUL",
                    "Message-ID: <nul-6@example.com>",
                ],
                &[text_part("Hi"), file("application/x\0y", "data")],
            ),
        ),
        (
            "attachment's data",
            multipart(
                &[
                    "From: ada@example.com",
                    "Subject: NUL",
                    "Message-ID: <nul-7@example.com>",
                ],
                &[text_part("Hi"), file("application/octet-stream", "da\0ta")],
            ),
        ),
    ];
    let mut failures = Vec::new();
    for (what, raw) in cases {
        let page = acme.deliver(&app, raw).await;
        if page.status != StatusCode::OK || !page.body.starts_with("ticket #") {
            failures.push(format!("NUL in the {what}: {} {}", page.status, page.body));
        }
    }
    assert_no_ticket_without_its_message(&app).await;
    assert!(failures.is_empty(), "{failures:#?}");
}

#[sqlx::test]
async fn non_utf8_bytes_make_whole_tickets_and_declared_charsets_are_decoded(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let latin1_subject: &[u8] = b"Gr\xfc\xdfe aus K\xf6ln";
    let latin1_body: &[u8] = b"Sch\xf6ne Gr\xfc\xdfe, die Stra\xdfe ist gesperrt.";
    // "ツール" and "こんにちは" in Shift_JIS.
    let sjis_subject: &[u8] = b"\x83c\x81[\x83\x8b";
    let sjis_body: &[u8] = b"\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd";

    let raw = |id: &str, subject: &[u8], charset: Option<&str>, body: &[u8]| {
        let mut raw = format!("From: customer@example.com\r\nMessage-ID: <{id}@example.com>\r\n")
            .into_bytes();
        raw.extend_from_slice(b"Subject: ");
        raw.extend_from_slice(subject);
        raw.extend_from_slice(b"\r\n");
        if let Some(charset) = charset {
            raw.extend_from_slice(
                format!(
                    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n\
                     Content-Transfer-Encoding: 8bit\r\n"
                )
                .as_bytes(),
            );
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(body);
        raw.extend_from_slice(b"\r\n");
        raw
    };

    let mut failures = Vec::new();
    // (what, message, the subject and text a correct parser reads when the charset is declared)
    let cases = [
        (
            "ISO-8859-1, declared",
            raw("latin1", latin1_subject, Some("ISO-8859-1"), latin1_body),
            Some(("Grüße aus Köln", "Schöne Grüße, die Straße ist gesperrt.")),
        ),
        (
            "Shift_JIS, declared",
            raw("sjis", sjis_subject, Some("Shift_JIS"), sjis_body),
            Some(("ツール", "こんにちは")),
        ),
        (
            "ISO-8859-1, undeclared",
            raw("latin1-bare", latin1_subject, None, latin1_body),
            None,
        ),
        (
            "Shift_JIS, undeclared",
            raw("sjis-bare", sjis_subject, None, sjis_body),
            None,
        ),
    ];
    for (what, raw, decoded) in cases {
        let page = acme.deliver(&app, raw).await;
        assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
        let number = ticket_number(&page);
        let ticket = stored_ticket(&app, &acme, number).await;
        let text = the_message(&app, &acme, number).await.body_text;
        admin_sees(&app, &acme, number).await;
        if let Some((subject, body)) = decoded {
            if ticket.subject != subject {
                failures.push(format!(
                    "{what}: subject {:?}, expected {subject:?}",
                    ticket.subject
                ));
            }
            if !text.contains(body) {
                failures.push(format!("{what}: text {text:?}, expected {body:?}"));
            }
        } else {
            // Undeclared 8-bit text: some subject is made of it.
            assert!(!ticket.subject.is_empty(), "{what}");
        }
    }
    assert_eq!(app.count("tickets").await, 4);
    assert_no_ticket_without_its_message(&app).await;
    assert!(failures.is_empty(), "{failures:#?}");
}

#[sqlx::test]
async fn rfc2047_encoded_subjects_are_decoded(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let cases = [
        ("=?UTF-8?B?w5xiZXIgZGllIFJlY2hudW5n?=", "Über die Rechnung"),
        ("=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=", "Grüße aus Köln"),
        (
            "=?utf-8?q?caf=C3=A9?= =?utf-8?q?_cr=C3=A8me?=",
            "café crème",
        ),
        (
            "=?UTF-8?B?w5xiZXIg?=\r\n =?UTF-8?B?ZGllIFJlY2hudW5n?=",
            "Über die Rechnung",
        ),
        ("Re: =?windows-1252?Q?=80_100_refund?=", "Re: € 100 refund"),
        ("=?iso-8859-15?Q?=A4uro?=", "€uro"),
        ("=?iso-2022-jp?B?GyRCJUQhPCVrGyhC?=", "ツール"),
        ("=?gb2312?B?xOO6ww==?=", "你好"),
        ("=?euc-kr?B?vsiz58fPvLy/5A==?=", "안녕하세요"),
    ];
    let mut failures = Vec::new();
    for (index, (encoded, decoded)) in cases.iter().enumerate() {
        let raw = plain(
            "customer@example.com",
            encoded,
            &format!("<rfc2047-{index}@example.com>"),
            "Hello",
        );
        let number = delivered(&app, &acme, raw).await;
        let subject = stored_ticket(&app, &acme, number).await.subject;
        if subject != *decoded {
            failures.push(format!("{encoded:?}: {subject:?}, expected {decoded:?}"));
        }
    }
    // Broken encoded words are kept as something, never a failure.
    for (index, broken) in [
        "=?x-no-such-charset?Q?hello?=",
        "=?UTF-8?Q?unterminated",
        "=?UTF-8?B?!!!not base64!!!?=",
        "=?UTF-8?X?unknown-encoding?=",
        "=??=",
    ]
    .iter()
    .enumerate()
    {
        let raw = plain(
            "customer@example.com",
            broken,
            &format!("<broken-2047-{index}@example.com>"),
            "Hello",
        );
        let page = acme.deliver(&app, raw).await;
        if !(page.status == StatusCode::OK && page.body.starts_with("ticket #")) {
            failures.push(format!("{broken:?}: {} {}", page.status, page.body));
        }
    }
    assert_no_ticket_without_its_message(&app).await;
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What must not survive from a mail's HTML: scripts, event handlers, `javascript:` links.
const HOSTILE: [&str; 5] = [
    "<script",
    "onclick",
    "onerror",
    "javascript:",
    "stealCookies",
];

#[sqlx::test]
async fn html_mail_is_shown_sanitized_and_its_text_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let boundary = "alt-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Please help with order 4711.\r\n\
         --{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Please help with <b>order 4711</b>.</p>\
         <script>stealCookies('script-payload')</script>\
         <p onclick=\"stealCookies('onclick-payload')\">Click me</p>\
         <a href=\"javascript:stealCookies('link-payload')\">my account</a>\
         <img src=x onerror=\"stealCookies('onerror-payload')\">\
         </body></html>\r\n\
         --{boundary}--\r\n"
    );
    let raw = message(
        &[
            "From: Ada <ada@example.com>",
            "Subject: Order 4711",
            "Message-ID: <html@example.com>",
            "MIME-Version: 1.0",
            &format!("Content-Type: multipart/alternative; boundary=\"{boundary}\""),
        ],
        body.as_bytes(),
    );
    let number = delivered(&app, &acme, raw).await;

    let stored = the_message(&app, &acme, number).await;
    assert!(
        stored.body_text.contains("Please help with order 4711."),
        "{}",
        stored.body_text
    );
    let html = stored.body_html.unwrap_or_default();
    for bad in HOSTILE {
        assert!(!html.contains(bad), "{bad} kept in {html}");
    }

    let page = admin_sees(&app, &acme, number).await;
    assert!(page.body.contains("order 4711"), "{}", page.body);
    assert!(page.body.contains("my account"));
    // The live panel's scripts and the reply form's are the only scripts the page may load.
    let body = ["live", "panel", "kb", "canned", "tags", "presence"]
        .iter()
        .fold(page.body.clone(), |body, script| {
            body.replace(&format!(r#"<script src="/static/{script}.js""#), "")
        });
    for bad in HOSTILE {
        assert!(!body.contains(bad), "{bad} on the ticket page");
    }
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn deeply_nested_multiparts_make_a_whole_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    for levels in [200, 5000] {
        let mut entity = "Content-Type: text/plain\r\n\r\ndeep inside\r\n".to_owned();
        for level in (0..levels).rev() {
            entity = format!(
                "Content-Type: multipart/mixed; boundary=\"level-{level}\"\r\n\r\n\
                 --level-{level}\r\n{entity}\r\n--level-{level}--\r\n"
            );
        }
        let mut raw = format!(
            "From: ada@example.com\r\nSubject: {levels} levels\r\n\
             Message-ID: <nested-{levels}@example.com>\r\nMIME-Version: 1.0\r\n"
        )
        .into_bytes();
        raw.extend_from_slice(entity.as_bytes());
        let number = delivered(&app, &acme, raw).await;
        assert_eq!(
            stored_ticket(&app, &acme, number).await.subject,
            format!("{levels} levels")
        );
        assert_no_ticket_without_its_message(&app).await;
        admin_sees(&app, &acme, number).await;
    }
}

#[sqlx::test]
async fn a_boundary_that_never_closes_keeps_the_parts_so_far(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = message(
        &[
            "From: ada@example.com",
            "Subject: Cut off",
            "Message-ID: <unclosed@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"never-closed\"",
        ],
        b"--never-closed\r\nContent-Type: text/plain\r\n\r\nThe first part arrived.\r\n\
          --never-closed\r\nContent-Type: application/octet-stream\r\n\
          Content-Disposition: attachment; filename=\"cut.bin\"\r\n\r\nand then the mail was cut",
    );
    let number = delivered(&app, &acme, raw).await;
    let text = the_message(&app, &acme, number).await.body_text;
    assert!(text.contains("The first part arrived."), "{text}");
    assert_no_ticket_without_its_message(&app).await;
    admin_sees(&app, &acme, number).await;
}

#[sqlx::test]
async fn a_five_megabyte_text_body_makes_a_whole_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let mut body = String::with_capacity(5 * 1024 * 1024 + 100);
    let mut line = 0;
    while body.len() < 5 * 1024 * 1024 {
        line += 1;
        body.push_str(&format!("line {line:07} of a very long message\r\n"));
    }
    let raw = plain("ada@example.com", "Long", "<long@example.com>", &body);
    let number = delivered(&app, &acme, raw).await;
    let text = the_message(&app, &acme, number).await.body_text;
    assert!(text.starts_with("line 0000001 of a very long message"));
    let page = admin_sees(&app, &acme, number).await;
    assert!(page.body.contains("line 0000002 of a very long message"));
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn of_sixty_attachments_fifty_are_kept_and_the_others_named(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let mut parts = vec![text_part("Sixty files.")];
    for n in 1..=60 {
        parts.push(attachment_part(
            "text/plain",
            &format!("filename=\"file-{n:02}.txt\""),
            format!("content of file {n}").as_bytes(),
        ));
    }
    let raw = multipart(
        &[
            "From: ada@example.com",
            "Subject: Sixty files",
            "Message-ID: <sixty@example.com>",
        ],
        &parts,
    );
    let number = delivered(&app, &acme, raw).await;
    let kept = stored_attachments(&app, &acme, number).await;
    assert_eq!(kept.len(), 50);
    let text = the_message(&app, &acme, number).await.body_text;
    for n in 1..=60 {
        let name = format!("file-{n:02}.txt");
        let stored = kept.iter().find(|file| file.filename == name);
        match stored {
            Some(file) => assert_eq!(file.data, format!("content of file {n}").as_bytes()),
            None => assert!(text.contains(&format!("[{name}: ")), "{name} lost: {text}"),
        }
    }
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn an_eleven_megabyte_attachment_is_named_in_the_text_not_kept(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let big = noise(11 * 1024 * 1024, 7);
    let raw = multipart(
        &[
            "From: ada@example.com",
            "Subject: A big file",
            "Message-ID: <big@example.com>",
        ],
        &[
            text_part("The log is attached."),
            attachment_part("application/octet-stream", "filename=\"big.bin\"", &big),
            attachment_part("text/plain", "filename=\"small.txt\"", b"small"),
        ],
    );
    let number = delivered(&app, &acme, raw).await;
    let kept = stored_attachments(&app, &acme, number).await;
    let names: Vec<&str> = kept.iter().map(|file| file.filename.as_str()).collect();
    assert_eq!(names, ["small.txt"]);
    let text = the_message(&app, &acme, number).await.body_text;
    assert!(text.contains("The log is attached."), "{text}");
    assert!(text.contains("[big.bin: 11.0 MB not kept]"), "{text}");
    let page = admin_sees(&app, &acme, number).await;
    assert!(page.body.contains("big.bin: 11.0 MB not kept"));
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn attachment_file_names_lose_folders_and_control_characters(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let names = [
        "filename=\"../../../etc/passwd\"",
        "filename*=UTF-8''..%2F..%2Fbad%07name%0D%0A.txt",
        "filename=\"=?UTF-8?Q?evil=0Aname=1B[31m.txt?=\"",
        "filename=\"C:\\\\Windows\\\\system32\\\\evil.exe\"",
        "filename=\"..\"",
        "filename=\"tab\there.txt\"",
    ];
    let mut parts = vec![text_part("Files with odd names.")];
    for (n, name) in names.iter().enumerate() {
        parts.push(attachment_part(
            "application/octet-stream",
            name,
            format!("file {n}").as_bytes(),
        ));
    }
    let raw = multipart(
        &[
            "From: ada@example.com",
            "Subject: Odd names",
            "Message-ID: <names@example.com>",
        ],
        &parts,
    );
    let number = delivered(&app, &acme, raw).await;
    let kept = stored_attachments(&app, &acme, number).await;
    assert_eq!(kept.len(), names.len());
    let admin = app.logged_in(&acme, Role::Admin).await;
    for file in &kept {
        let name = &file.filename;
        assert!(!name.trim().is_empty(), "{name:?}");
        assert!(!name.contains(['/', '\\']), "{name:?}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(name != "." && name != "..", "{name:?}");
        let download = admin.get(&format!("/app/attachments/{}", file.id)).await;
        assert_eq!(download.status, StatusCode::OK, "{name:?}");
        assert!(
            download
                .header("content-disposition")
                .starts_with("attachment")
        );
    }
    assert_eq!(
        admin.get(&format!("/app/tickets/{number}")).await.status,
        StatusCode::OK
    );
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn a_forwarded_message_is_an_attachment_not_a_ticket_of_its_own(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let inner = plain(
        "Bob <bob@example.com>",
        "Inner subject",
        "<inner@example.com>",
        "The forwarded words.",
    );
    let mut forwarded = "Content-Type: message/rfc822\r\n\
                         Content-Disposition: attachment; filename=\"forwarded.eml\"\r\n\r\n"
        .to_owned();
    forwarded.push_str(std::str::from_utf8(&inner).unwrap());
    let raw = multipart(
        &[
            "From: Ada <ada@example.com>",
            "Subject: Fwd: Inner subject",
            "Message-ID: <outer@example.com>",
        ],
        &[text_part("See the mail below."), forwarded],
    );
    let number = delivered(&app, &acme, raw).await;
    let ticket = stored_ticket(&app, &acme, number).await;
    assert_eq!(ticket.subject, "Fwd: Inner subject");
    assert_eq!(ticket.customer_email, "ada@example.com");
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("messages where kind = 'customer'").await, 1);
    let text = the_message(&app, &acme, number).await.body_text;
    assert!(text.contains("See the mail below."), "{text}");
    let kept = stored_attachments(&app, &acme, number).await;
    assert_eq!(kept.len(), 1);
    let data = String::from_utf8_lossy(&kept[0].data);
    assert!(data.contains("Inner subject"), "{data}");
    admin_sees(&app, &acme, number).await;

    // The inner message was not taken for delivered: on its own, it opens a ticket.
    assert_eq!(delivered(&app, &acme, inner).await, number + 1);
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn a_body_over_forty_mebibytes_is_refused_with_413(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let headers =
        b"From: ada@example.com\r\nSubject: Too big\r\nMessage-ID: <huge@example.com>\r\n\r\n";
    let mut raw = headers.to_vec();
    raw.resize(40 * 1024 * 1024 + 1, b'x');
    let page = acme.deliver(&app, raw).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
    assert_nothing_created(&app).await;
}

// 2. Attachments reach the workspace's agents, and no one else.

#[sqlx::test]
async fn attachments_download_for_the_workspaces_agents_only(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    pdf.extend(noise(3000, 99));
    pdf.extend_from_slice(b"\n%%EOF\n");
    let raw = multipart(
        &[
            "From: ada@example.com",
            "Subject: The invoice",
            "Message-ID: <pdf@example.com>",
        ],
        &[
            text_part("The invoice is attached."),
            attachment_part("application/pdf", "filename=\"invoice 7.pdf\"", &pdf),
        ],
    );
    let number = delivered(&app, &acme, raw).await;
    let kept = stored_attachments(&app, &acme, number).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].filename, "invoice 7.pdf");
    let path = format!("/app/attachments/{}", kept[0].id);

    let page = admin_sees(&app, &acme, number).await;
    assert!(
        page.body.contains(&format!("href=\"{path}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("invoice 7.pdf"));

    for role in [Role::Admin, Role::Agent] {
        let client = app.logged_in(&acme, role).await;
        let response = reqwest::Client::new()
            .get(client.url(&path))
            .header("cookie", client.session_cookie().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("content-type"), "application/octet-stream");
        assert!(
            header("content-disposition").starts_with("attachment"),
            "{}",
            header("content-disposition")
        );
        assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    }

    // Another workspace, even with a ticket of the same number, gets 404.
    let theirs = delivered(
        &app,
        &globex,
        plain("eve@example.com", "Hi", "<globex@example.com>", "Hi"),
    )
    .await;
    assert_eq!(theirs, number);
    let outsider = app.logged_in(&globex, Role::Admin).await;
    assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND);

    let admin = app.logged_in(&acme, Role::Admin).await;
    for bogus in [
        format!("/app/attachments/{}", Uuid::now_v7()),
        "/app/attachments/not-a-uuid".to_owned(),
    ] {
        assert_eq!(
            admin.get(&bogus).await.status,
            StatusCode::NOT_FOUND,
            "{bogus}"
        );
    }
}

// 3. Addresses and duplicates.

#[sqlx::test]
async fn an_unknown_inbound_token_is_404_and_creates_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = plain("ada@example.com", "Hello", "<unknown@example.com>", "Hi");
    for path in [
        "/inbound/email/not-a-token".to_owned(),
        format!("{}x", acme.inbound_path(&app).await),
    ] {
        let page = app
            .client()
            .post_body(&path, "message/rfc822", raw.clone())
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_nothing_created(&app).await;
}

#[sqlx::test]
async fn the_same_message_id_twice_adds_nothing(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = plain("ada@example.com", "Hello", "<twice@example.com>", "Hi");
    assert_eq!(delivered(&app, &acme, raw.clone()).await, 1);
    let again = acme.deliver(&app, raw).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, "duplicate: nothing added");
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("messages").await, 1);
    // Agents are told of the new ticket too; the customer gets one acknowledgement.
    assert_eq!(
        app.count("outbox where to_address not like '%@acme.test'")
            .await,
        1,
        "one acknowledgement"
    );
}

#[sqlx::test]
async fn concurrent_deliveries_of_one_message_make_one_ticket(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let raw = plain("ada@example.com", "Hello", "<race@example.com>", "Hi");
    let (first, second) = tokio::join!(acme.deliver(&app, raw.clone()), acme.deliver(&app, raw));
    let mut answers = [first.body.clone(), second.body.clone()];
    answers.sort();
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(answers, ["duplicate: nothing added", "ticket #1"]);
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("messages").await, 1);
    // Agents are told of the new ticket too; the customer gets one acknowledgement.
    assert_eq!(
        app.count("outbox where to_address not like '%@acme.test'")
            .await,
        1,
        "one acknowledgement"
    );
    assert_no_ticket_without_its_message(&app).await;
}

// 4. Threading.

#[sqlx::test]
async fn a_forged_message_id_opens_a_new_ticket_and_a_signed_one_threads(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let globex = app.workspace("globex").await;
    let first = plain(
        "ada@example.com",
        "Printer on fire",
        "<first@example.com>",
        "Help",
    );
    assert_eq!(delivered(&app, &acme, first).await, 1);
    let acknowledgement = app.mail.wait_for("ada@example.com").await;
    // A real id of ours, but signed with another workspace's key.
    delivered(
        &app,
        &globex,
        plain("bob@example.com", "Elsewhere", "<globex@example.com>", "Hi"),
    )
    .await;
    let foreign = app.mail.wait_for("bob@example.com").await.message_id;

    let forged = [
        "<1.0123456789abcdef0123456789abcdef.00000000000000000000000000000000@localhost>"
            .to_owned(),
        acknowledgement.message_id.replacen('<', "<1", 1),
        foreign,
    ];
    for (index, id) in forged.iter().enumerate() {
        let raw = message(
            &[
                "From: mallory@example.com",
                "Subject: Re: Printer on fire",
                &format!("Message-ID: <forged-{index}@example.com>"),
                &format!("In-Reply-To: {id}"),
                &format!("References: {id}"),
            ],
            b"Let me into that ticket.",
        );
        let number = delivered(&app, &acme, raw).await;
        assert_eq!(number, 2 + index as i64, "{id}");
    }
    assert_eq!(customer_messages(&app, &acme, 1).await.len(), 1);

    // The acknowledgement's own id threads back, whatever the subject says.
    let answer = message(
        &[
            "From: ada@example.com",
            "Subject: Re: Printer on fire",
            "Message-ID: <answer@example.com>",
            &format!("In-Reply-To: {}", acknowledgement.message_id),
        ],
        b"Still burning.",
    );
    assert_eq!(delivered(&app, &acme, answer).await, 1);
    assert_eq!(customer_messages(&app, &acme, 1).await.len(), 2);
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn a_subject_number_joins_only_from_the_tickets_customer(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let first = plain(
        "Ada <ada@example.com>",
        "Printer on fire",
        "<first@example.com>",
        "Help",
    );
    assert_eq!(delivered(&app, &acme, first).await, 1);
    let again = plain(
        "Ada <ADA@Example.com>",
        "Re: [#1] Printer on fire",
        "<again@example.com>",
        "Still burning.",
    );
    assert_eq!(delivered(&app, &acme, again).await, 1);
    let messages = customer_messages(&app, &acme, 1).await;
    assert_eq!(messages.len(), 2);
    assert!(messages[1].body_text.contains("Still burning."));

    let stranger = plain(
        "mallory@example.com",
        "Re: [#1] Printer on fire",
        "<stranger@example.com>",
        "Let me in.",
    );
    assert_eq!(delivered(&app, &acme, stranger).await, 2);
    assert_eq!(customer_messages(&app, &acme, 1).await.len(), 2);
    assert_eq!(
        stored_ticket(&app, &acme, 2).await.customer_email,
        "mallory@example.com"
    );
    let page = admin_sees(&app, &acme, 1).await;
    assert!(page.body.contains("Still burning."));
    assert!(!page.body.contains("Let me in."));
    assert_no_ticket_without_its_message(&app).await;
}

#[sqlx::test]
async fn auto_replies_open_tickets_without_an_acknowledgement(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let acme = app.workspace("acme").await;
    let auto = message(
        &[
            "From: robot@example.com",
            "Subject: Out of office",
            "Message-ID: <auto@example.com>",
            "Auto-Submitted: auto-replied",
        ],
        b"I am away until Monday.",
    );
    let robot = delivered(&app, &acme, auto).await;
    let person = delivered(
        &app,
        &acme,
        plain(
            "ada@example.com",
            "A question",
            "<person@example.com>",
            "Hi",
        ),
    )
    .await;
    assert_ne!(robot, person);
    assert_eq!(stored_ticket(&app, &acme, robot).await.status, "new");

    let acknowledgement = app.mail.wait_for("ada@example.com").await;
    assert!(
        acknowledgement.subject.contains(&format!("[#{person}]")),
        "{}",
        acknowledgement.subject
    );
    assert!(acknowledgement.subject.contains("A question"));
    let link = format!("{}/help/acme/tickets/", app.config.base_url);
    assert!(
        acknowledgement.text.contains(&link),
        "{}",
        acknowledgement.text
    );
    // The acknowledgements are queued with the ticket: none was for the robot.
    assert_eq!(
        app.count("outbox where to_address not like '%@acme.test'")
            .await,
        1
    );
    assert_eq!(
        app.count("outbox where to_address = 'robot@example.com'")
            .await,
        0
    );
    assert!(
        app.mail
            .all()
            .iter()
            .all(|mail| mail.to != "robot@example.com")
    );
    assert_no_ticket_without_its_message(&app).await;
}

// 5. The real-world corpus.

/// The corpus's subjects are compared as a person reads them: HTML entities decoded and
/// whitespace collapsed.
fn readable(text: &str) -> String {
    let unescaped = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    unescaped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Ticket subjects are kept up to this many characters (the `tickets.subject` check).
const SUBJECT_KEPT: usize = 300;

/// The string (or null) fields of a flat JSON object; other values are passed over.
fn json_fields(json: &str) -> Vec<(String, Option<String>)> {
    let mut chars = json.chars().peekable();
    let mut fields = Vec::new();
    let skip_blanks = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
    };
    skip_blanks(&mut chars);
    assert_eq!(chars.next(), Some('{'), "not a JSON object: {json}");
    loop {
        skip_blanks(&mut chars);
        match chars.next() {
            Some('}') | None => break,
            Some(',') => continue,
            Some('"') => {}
            Some(other) => panic!("unexpected {other:?} in {json}"),
        }
        let key = json_string(&mut chars);
        skip_blanks(&mut chars);
        assert_eq!(chars.next(), Some(':'), "no colon after {key} in {json}");
        skip_blanks(&mut chars);
        let value = if chars.next_if_eq(&'"').is_some() {
            Some(json_string(&mut chars))
        } else {
            let mut literal = String::new();
            while let Some(c) = chars.next_if(|c| *c != ',' && *c != '}') {
                literal.push(c);
            }
            assert!(!literal.trim().is_empty(), "no value for {key} in {json}");
            None
        };
        fields.push((key, value));
    }
    fields
}

/// The rest of a JSON string whose opening quote was read.
fn json_string(chars: &mut impl Iterator<Item = char>) -> String {
    fn hex(chars: &mut impl Iterator<Item = char>) -> u32 {
        let digits: String = chars.take(4).collect();
        u32::from_str_radix(&digits, 16).unwrap_or_else(|_| panic!("bad \\u{digits}"))
    }
    let mut text = String::new();
    loop {
        match chars.next().expect("an unterminated JSON string") {
            '"' => return text,
            '\\' => match chars.next().expect("an escape") {
                'n' => text.push('\n'),
                't' => text.push('\t'),
                'r' => text.push('\r'),
                'b' => text.push('\u{8}'),
                'f' => text.push('\u{c}'),
                'u' => {
                    let mut code = hex(chars);
                    if (0xd800..0xdc00).contains(&code) {
                        assert_eq!(chars.next(), Some('\\'));
                        assert_eq!(chars.next(), Some('u'));
                        let low = hex(chars);
                        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                    }
                    text.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => text.push(other),
            },
            c => text.push(c),
        }
    }
}

#[test]
fn the_json_reader_reads_strings_nulls_and_escapes() {
    let fields =
        json_fields(r#" { "a" : "x \"q\" \\ \u00e9 \ud83d\ude00", "b": null, "n": 12, "c":"" } "#);
    assert_eq!(
        fields,
        [
            ("a".to_owned(), Some("x \"q\" \\ é 😀".to_owned())),
            ("b".to_owned(), None),
            ("n".to_owned(), None),
            ("c".to_owned(), Some(String::new())),
        ]
    );
}

#[sqlx::test]
async fn the_real_world_corpus_keeps_subjects_and_senders(db: PgPool) {
    let folder = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/mail-corpus"
    ));
    let Ok(entries) = std::fs::read_dir(folder) else {
        crate::prerequisites::unavailable(&format!(
            "the mail corpus is missing at {}: passing over the test",
            folder.display()
        ));
        return;
    };
    let mut files: Vec<_> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .eml files in {}", folder.display());

    let app = TestApp::spawn(db).await;
    let mut failures = Vec::new();
    for (index, path) in files.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read(path).unwrap();
        let json = std::fs::read_to_string(path.with_extension("json")).unwrap();
        let fields = json_fields(&json);
        let field = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .unwrap_or_else(|| panic!("{name}: no {key} in its .json"))
                .1
                .clone()
        };
        let expected_subject = readable(&field("subject").unwrap_or_default());
        let expected_from = field("from_email");

        let workspace = app.workspace(&format!("corpus-{index}")).await;
        let page = workspace.deliver(&app, raw).await;
        if page.status != StatusCode::OK {
            failures.push(format!("{name}: status {}: {}", page.status, page.body));
            continue;
        }
        let Some(number) = page
            .body
            .strip_prefix("ticket #")
            .and_then(|n| n.parse::<i64>().ok())
        else {
            failures.push(format!("{name}: answered {:?}", page.body));
            continue;
        };
        let ticket = stored_ticket(&app, &workspace, number).await;
        let subject = readable(&ticket.subject);
        let expected_kept: String = expected_subject.chars().take(SUBJECT_KEPT).collect();
        let subject_ok =
            subject == expected_kept || (expected_subject.is_empty() && subject == "(no subject)");
        if !subject_ok {
            failures.push(format!(
                "{name}: subject\n    expected {expected_kept:?}\n    actual   {subject:?}"
            ));
        }
        if let Some(from) = expected_from
            && !ticket.customer_email.eq_ignore_ascii_case(from.trim())
        {
            failures.push(format!(
                "{name}: from_email\n    expected {from:?}\n    actual   {:?}",
                ticket.customer_email
            ));
        }
        let admin = app.logged_in(&workspace, Role::Admin).await;
        let shown = admin.get(&format!("/app/tickets/{number}")).await;
        if shown.status != StatusCode::OK {
            failures.push(format!("{name}: the ticket page is {}", shown.status));
        }
    }
    assert_no_ticket_without_its_message(&app).await;
    assert!(
        failures.is_empty(),
        "{} of {} corpus messages are not as expected:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
