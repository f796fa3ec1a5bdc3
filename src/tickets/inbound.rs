//! `POST /inbound/email/{inbound_token}`: a raw RFC 5322 message, as mail providers'
//! inbound webhooks and an MTA pipe deliver it. It joins the ticket it answers (by our
//! signed Message-IDs in In-Reply-To/References, or `[#number]` from the ticket's customer)
//! or opens a new one with an acknowledgement. The same Message-ID twice adds nothing.
use axum::{
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use mail_parser::{MessageParser, MimeHeaders, decoders::charsets::map::charset_decoder};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    Channel, IssueType, Status, add_customer_message,
    conversation::{Opened, acknowledge},
    db::{self, MailWorkspace, NewMessage, NewTicket},
    sender::Sender,
    threading,
};
use crate::{
    AppError, AppState, attachments,
    i18n::Locale,
    input::EmailAddress,
    notifications::{self, Change},
    rules,
    web::extract::Path,
};

/// The largest message taken: what the bigger mail providers accept, with room for the
/// base64 of attachments.
pub const INBOUND_BODY_LIMIT: usize = 40 * 1024 * 1024;
/// Attachments kept per message, each and in all; larger ones are named in the text.
const ATTACHMENT_LIMIT: usize = 10 * 1024 * 1024;
const ATTACHMENTS_TOTAL_LIMIT: usize = 25 * 1024 * 1024;
const ATTACHMENTS_MAX: usize = 50;
/// Text kept of a message, and HTML sanitized (larger HTML is left to the text part).
const TEXT_LIMIT: usize = 200_000;
const HTML_LIMIT: usize = 1024 * 1024;
const SUBJECT_LIMIT: usize = 300;

/// What Frontdesk keeps of an inbound message, parsed off the request's task.
#[derive(Debug)]
struct InboundMail {
    /// Where replies reach the customer; `None` when no header says: the ticket opens
    /// all the same, and says so.
    reply_address: Option<EmailAddress>,
    from_name: String,
    subject: String,
    /// With angle brackets, as we store ours; made from the message's digest when it has
    /// none, so that a second delivery is still known as one.
    message_id: String,
    /// The message had no Message-ID of its own: ours is not for answering.
    made_up_id: bool,
    /// In-Reply-To then References.
    answers: Vec<String>,
    text: String,
    html: Option<String>,
    attachments: Vec<attachments::Upload>,
    /// Attachments too large to keep: name and size.
    left_out: Vec<(String, i64)>,
    /// An auto-reply, bounce or list mail: it gets no acknowledgement.
    automatic: bool,
}

impl InboundMail {
    /// `None` when the bytes are no message: nothing a mail header would say.
    fn parse(raw: &[u8]) -> Option<Self> {
        // An mbox export starts with a `From ` line that is no header.
        let raw = match raw.strip_prefix(b"From ") {
            Some(rest) => rest.splitn(2, |b| *b == b'\n').nth(1).unwrap_or_default(),
            None => raw,
        };
        let message = MessageParser::default().parse(raw)?;
        let sender = Sender::of(&message);
        let has_headers = sender.is_known()
            || message.subject().is_some()
            || message.message_id().is_some()
            || message.date().is_some();
        if !has_headers {
            return None;
        }
        let answers = [message.in_reply_to(), message.references()]
            .into_iter()
            .filter_map(|value| value.as_text_list())
            .flatten()
            .map(|id| without_nul(id))
            .collect();
        let text = message
            .body_text(0)
            .map(|text| without_nul(&text.chars().take(TEXT_LIMIT).collect::<String>()))
            .unwrap_or_default();
        let html = message
            .html_part(0)
            .filter(|part| part.is_text_html() && part.len() <= HTML_LIMIT)
            .and_then(|part| part.text_contents())
            .map(|html| sanitize_html(&without_nul(html)));
        let (attachments, left_out) = keep_attachments(&message);
        let header = |name: &str| {
            message
                .header_raw(name)
                .map(|v| v.trim().to_ascii_lowercase())
        };
        let automatic = header("Auto-Submitted").is_some_and(|v| v != "no")
            || header("Precedence").is_some_and(|v| ["bulk", "junk", "list"].contains(&v.as_str()))
            || header("X-Autoreply").is_some()
            || message
                .content_type()
                .is_some_and(|ct| ct.subtype() == Some("report"));
        let made_up_id = message
            .message_id()
            .is_none_or(|id| id.trim().is_empty() || id.len() > 900);
        Some(Self {
            made_up_id,
            reply_address: sender.address,
            from_name: one_line(&sender.name, 200),
            subject: one_line(&subject(&message), SUBJECT_LIMIT),
            message_id: message
                .message_id()
                .map(|id| without_nul(id.trim()))
                .filter(|id| !id.is_empty() && id.len() <= 900)
                .map_or_else(
                    || format!("<{}@digest.invalid>", hex_digest(raw)),
                    |id| format!("<{id}>"),
                ),
            answers,
            text,
            html,
            attachments,
            left_out,
            automatic,
        })
    }
}

impl InboundMail {
    /// The text as stored, naming the attachments too large to keep in `locale`.
    fn text(&self, locale: Locale) -> String {
        let mut text = self.text.clone();
        for (name, size) in &self.left_out {
            text.push('\n');
            text.push_str(&locale.t_args(
                "inbound-attachment-not-kept",
                &[
                    ("name", name),
                    ("size", &crate::format::bytes(locale, *size)),
                ],
            ));
        }
        text
    }
}

fn hex_digest(raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(raw)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// PostgreSQL text cannot hold NUL characters; mail sometimes does.
fn without_nul(text: &str) -> String {
    text.replace('\0', "")
}

/// Header text on one line, spaces collapsed, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    without_nul(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

/// The subject. Raw 8-bit bytes in it (not RFC 2047 encoded) come out of the parser as
/// replacement characters: those are decoded again, first in the charset the message
/// declares for its text, then in the 8-bit charsets of that language (mail programs label
/// Shift_JIS subjects as ISO-2022-JP), finally as Windows-1252.
fn subject(message: &mail_parser::Message<'_>) -> String {
    let parsed = message.subject().unwrap_or_default();
    if !parsed.contains('\u{FFFD}') {
        return parsed.to_owned();
    }
    let Some(raw) = message
        .root_part()
        .headers
        .iter()
        .find(|header| header.name == mail_parser::HeaderName::Subject)
        .and_then(|header| {
            message
                .raw_message()
                .get(header.offset_start as usize..header.offset_end as usize)
        })
    else {
        return parsed.to_owned();
    };
    let declared = message
        .text_part(0)
        .or_else(|| message.html_part(0))
        .and_then(|part| part.content_type())
        .and_then(|content_type| content_type.attribute("charset"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let family: &[&str] = match declared.as_str() {
        "iso-2022-jp" | "shift_jis" | "shift-jis" | "sjis" | "euc-jp" => &["shift_jis", "euc-jp"],
        "gb2312" | "gbk" | "gb18030" | "big5" | "hz-gb-2312" => &["gb18030", "big5"],
        "euc-kr" | "ks_c_5601-1987" | "iso-2022-kr" => &["euc-kr"],
        _ => &[],
    };
    std::iter::once(declared.as_str())
        .chain(family.iter().copied())
        .chain(["windows-1252"])
        .filter_map(|charset| charset_decoder(charset.as_bytes()))
        .map(|decode| decode(raw))
        .find(|decoded| !decoded.contains('\u{FFFD}'))
        .unwrap_or_else(|| parsed.to_owned())
}

/// The attachments to keep, and the names and sizes of those too large to.
fn keep_attachments(
    message: &mail_parser::Message<'_>,
) -> (Vec<attachments::Upload>, Vec<(String, i64)>) {
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    let mut total = 0;
    for (index, part) in message.attachments().enumerate() {
        let filename = safe_filename(part.attachment_name(), index);
        let data = part.contents();
        if data.len() > ATTACHMENT_LIMIT
            || total + data.len() > ATTACHMENTS_TOTAL_LIMIT
            || kept.len() >= ATTACHMENTS_MAX
        {
            left_out.push((filename, data.len() as i64));
            continue;
        }
        total += data.len();
        // Stored as what the content is, whatever the mail declared.
        kept.push(attachments::Upload {
            filename,
            data: Bytes::copy_from_slice(data),
        });
    }
    (kept, left_out)
}

/// A file name without folders or control characters, never empty.
fn safe_filename(name: Option<&str>, index: usize) -> String {
    let name: String = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        format!("attachment-{}", index + 1)
    } else {
        name.to_owned()
    }
}

/// Mail HTML as it may be shown inside a page: no scripts, styles, forms or event
/// handlers; links open elsewhere.
fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

/// The answer to a message delivered before: nothing is added.
fn duplicate() -> Response {
    (StatusCode::OK, "duplicate: nothing added").into_response()
}

pub async fn receive(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let workspace = {
        let mut conn = state.db.acquire().await?;
        db::workspace_by_inbound_token(&mut conn, &token).await?
    };
    let Some(workspace) = workspace else {
        return Ok((StatusCode::NOT_FOUND, "unknown inbound address").into_response());
    };
    let parsed = tokio::task::spawn_blocking(move || InboundMail::parse(&body))
        .await
        .map_err(anyhow::Error::from)?;
    let Some(mut mail) = parsed else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body is not an RFC 5322 message",
        )
            .into_response());
    };
    // A provider's retry is known before its files are stored again (and once more in the
    // transaction, for two deliveries at once).
    let mut conn = state.db.acquire().await?;
    if db::message_id_exists(&mut conn, workspace.id, &mail.message_id).await? {
        return Ok(duplicate());
    }
    drop(conn);
    let files = attachments::prepare(&state.config, std::mem::take(&mut mail.attachments)).await?;

    let mut tx = state.db.begin().await?;
    if db::message_id_exists(&mut tx, workspace.id, &mail.message_id).await? {
        return Ok(duplicate());
    }
    // What we add to the mail's text is read by customers too: in the workspace's language.
    let text = mail.text(workspace.language);
    let customer = NewMessage {
        body_html: mail.html.as_deref(),
        message_id: Some(&mail.message_id),
        ..NewMessage::customer(&mail.from_name, &text)
    };
    let (number, message_id) = match answered_ticket(&mut tx, &workspace, &mail).await? {
        Some((ticket_id, number)) => {
            let added = add_customer_message(&mut tx, workspace.id, ticket_id, &customer).await?;
            if added.is_some() {
                let trigger = rules::Trigger {
                    event: rules::Event::CustomerReplied,
                    body: Some(&text),
                };
                rules::run(&mut tx, &state.config, workspace.id, ticket_id, trigger).await?;
                let (config, change) = (&state.config, Change::CustomerReplied);
                notifications::ticket_changed(
                    &mut tx,
                    config,
                    workspace.id,
                    ticket_id,
                    change,
                    None,
                )
                .await?;
            }
            (number, added)
        }
        None => open_ticket(&mut tx, &state, &workspace, &mail, &customer).await?,
    };
    // Another delivery of the same message won the race: this one adds nothing.
    let Some(message_id) = message_id else {
        return Ok(duplicate());
    };
    attachments::store(&mut tx, workspace.id, message_id, &files).await?;
    tx.commit().await?;
    tracing::info!(account_id = %workspace.id, number, "inbound email received");
    Ok((StatusCode::OK, format!("ticket #{number}")).into_response())
}

/// The ticket `mail` answers: by one of our Message-IDs it refers to, or by `[#number]` in
/// its subject when it comes from that ticket's customer.
async fn answered_ticket(
    conn: &mut PgConnection,
    workspace: &MailWorkspace,
    mail: &InboundMail,
) -> sqlx::Result<Option<(Uuid, i64)>> {
    let by_reference = mail
        .answers
        .iter()
        .rev()
        .find_map(|id| threading::ticket_of_message_id(&workspace.message_id_key, id));
    if let Some(number) = by_reference
        && let Some((id, _)) = db::ticket_by_number(conn, workspace.id, number).await?
    {
        return Ok(Some((id, number)));
    }
    if let Some(number) = threading::subject_number(&mail.subject)
        && let Some(address) = &mail.reply_address
        && let Some((id, customer)) = db::ticket_by_number(conn, workspace.id, number).await?
        && customer.eq_ignore_ascii_case(address.as_str())
    {
        return Ok(Some((id, number)));
    }
    Ok(None)
}

/// A new ticket for `mail`, acknowledged to its sender unless it was sent by a machine.
async fn open_ticket(
    conn: &mut PgConnection,
    state: &AppState,
    workspace: &MailWorkspace,
    mail: &InboundMail,
    customer: &NewMessage<'_>,
) -> Result<(i64, Option<Uuid>), AppError> {
    let locale = workspace.language;
    let subject = if mail.subject.is_empty() {
        locale.t("ticket-no-subject")
    } else {
        mail.subject.clone()
    };
    let ticket = db::insert_ticket(
        conn,
        workspace.id,
        &NewTicket {
            subject: &subject,
            customer_name: &mail.from_name,
            // No address is stored as none: the ticket's pages say so.
            customer_email: mail.reply_address.as_ref().map_or("", EmailAddress::as_str),
            channel: Channel::Email,
            status: Status::New,
            issue_type: IssueType::Other,
            department_id: None,
            assignee_id: None,
        },
    )
    .await?;
    let message_id = add_customer_message(conn, workspace.id, ticket.id, customer).await?;
    if message_id.is_some() {
        rules::ticket_created(
            conn,
            &state.config,
            workspace.id,
            ticket.id,
            customer.body_text,
        )
        .await?;
        let (config, change) = (&state.config, Change::Created);
        notifications::ticket_changed(conn, config, workspace.id, ticket.id, change, None).await?;
    }
    if message_id.is_some()
        && !mail.automatic
        && let Some(address) = &mail.reply_address
    {
        let opened = Opened {
            ticket: &ticket,
            subject: &subject,
            customer_name: &mail.from_name,
            customer_email: address,
            answering: (!mail.made_up_id).then_some(mail.message_id.as_str()),
        };
        acknowledge(conn, &state.config, workspace, &opened).await?;
    }
    Ok((ticket.number, message_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_without_any_header_are_no_message() {
        assert!(InboundMail::parse(b"").is_none());
        assert!(InboundMail::parse(b"just some words, no headers at all").is_none());
    }

    #[test]
    fn a_plain_message_gives_its_sender_subject_and_text() {
        let raw = b"From: Ada <ada@example.com>\r\nSubject: Help\r\nMessage-ID: <m1@example.com>\r\n\r\nIt broke.\r\n";
        let mail = InboundMail::parse(raw).expect("a message");
        assert_eq!(
            mail.reply_address.as_ref().map(EmailAddress::as_str),
            Some("ada@example.com")
        );
        assert_eq!(mail.from_name, "Ada");
        assert_eq!(mail.subject, "Help");
        assert_eq!(mail.message_id, "<m1@example.com>");
        assert!(mail.text.contains("It broke."));
        assert!(!mail.automatic);
    }

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(safe_filename(Some("../../etc/passwd"), 0), "passwd");
        assert_eq!(safe_filename(Some("C:\\x\\report.pdf"), 0), "report.pdf");
        assert_eq!(safe_filename(Some(".."), 2), "attachment-3");
        assert_eq!(safe_filename(None, 0), "attachment-1");
    }

    #[test]
    fn scripts_and_handlers_leave_mail_html() {
        let clean = sanitize_html(
            "<p onclick=\"x()\">Hi<script>alert(1)</script><a href=\"javascript:x()\">a</a></p>",
        );
        assert!(!clean.contains("script") && !clean.contains("onclick"));
        assert!(!clean.contains("javascript:"));
    }
}
