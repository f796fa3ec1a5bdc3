//! What counts as English on a Chinese page: the text a reader sees, its words in Latin
//! letters, and the few such words allowed.
use reqwest::{StatusCode, header::HeaderMap};
use scraper::{Html, Node};

use super::seed::SLUG;
use crate::harness::Page;

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
    // The voice provider, its account SID (which begins with AC), its API keys (whose SIDs
    // begin with SK) and SIP.
    "Twilio",
    "SID",
    "AC",
    "API",
    "SK",
    "SIP",
    // The messaging apps and their makers, as their Chinese pages name them.
    "Telegram",
    "WhatsApp",
    "Messenger",
    "Facebook",
    "Meta",
    "BotFather",
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
pub fn english_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|token| !token.contains(['@', '/']))
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| word.len() > 1 && !ALLOWED.contains(word))
        .map(str::to_owned)
        .collect()
}

pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// What is wrong with `page` as a Chinese page, each problem named after `what`.
pub fn problems(what: &str, page: &Page) -> Vec<String> {
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
pub fn check(found: &mut Vec<String>, what: &str, page: &Page, status: StatusCode) {
    if page.status == status {
        found.extend(problems(what, page));
    } else {
        found.push(format!("{what}: {} instead of {status}", page.status));
    }
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
    let missing_key = Page {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: r#"<title>工单</title><p>Unknown localization key: "ticket-x"</p>"#.to_owned(),
    };
    assert_eq!(
        problems("page", &missing_key),
        [
            "page: a key no catalog has",
            "page: Unknown key localization ticket"
        ]
    );
}
