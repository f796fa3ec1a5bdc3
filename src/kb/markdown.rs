//! An article's Markdown made safe to show: rendered by pulldown-cmark, then sanitized by
//! ammonia against an allow-list (no scripts, event handlers, styles, frames, and only
//! `http`, `https` and `mailto` links), plus the plain text and first paragraph that search
//! and the pages' meta descriptions use.
use std::{collections::HashSet, sync::LazyLock};

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Longest meta description, in characters.
const SUMMARY_LIMIT: usize = 160;

/// What an article's body becomes when it is saved.
pub struct Rendered {
    pub html: String,
    pub text: String,
    pub summary: String,
}

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // Ammonia cannot tell other sites from ours, so every link gets it: for links to
        // other sites it is what matters, for ours it costs nothing.
        .link_rel(Some("noopener nofollow"));
    builder
});

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

pub fn render(markdown: &str) -> Rendered {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    let (text, summary) = plain_text(markdown);
    Rendered {
        html: SANITIZER.clean(&unsafe_html).to_string(),
        text,
        summary,
    }
}

/// The words of the Markdown without its markup (nor any raw HTML), and the first
/// paragraph of them, shortened for a meta description.
fn plain_text(markdown: &str) -> (String, String) {
    let mut text = String::with_capacity(markdown.len());
    let mut summary: Option<String> = None;
    let mut paragraph_start = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Paragraph) => paragraph_start = Some(text.len()),
            Event::End(TagEnd::Paragraph) => {
                if let Some(start) = paragraph_start.take()
                    && summary.is_none()
                    && !text[start..].trim().is_empty()
                {
                    summary = Some(shorten(text[start..].trim(), SUMMARY_LIMIT));
                }
                text.push('\n');
            }
            // Blocks end a line; inline markup (emphasis, links) is part of its sentence.
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => text.push('\n'),
            _ => {}
        }
    }
    let summary = summary.unwrap_or_else(|| shorten(text.trim(), SUMMARY_LIMIT));
    (text.trim().to_owned(), summary)
}

/// At most `limit` characters, cut at a word and marked with an ellipsis when cut.
pub fn shorten(text: &str, limit: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= limit {
        return text;
    }
    let cut: String = text.chars().take(limit - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > limit / 2 => &cut[..space],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Payloads in Markdown and in raw HTML, each of which must come out inert.
    const XSS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" OnError=\"alert(1)\">",
        "<body onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
        "<a href=\"&#106;avascript:alert(1)\">encoded</a>",
        "<a href=\"java\tscript:alert(1)\">tab</a>",
        "[click](javascript:alert(1))",
        "[click](  javascript:alert(1)  )",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "<a href=\"data:text/html,<script>alert(1)</script>\">d</a>",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<p style=\"background:url(javascript:alert(1))\">styled</p>",
        "<style>body{display:none}</style>",
        "<div><p><b onclick=alert(1)>nested <i onmouseover=alert(1)>deep</i></b></p></div>",
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</script>",
        "<img src=\"x\" onerror=\"alert(1)\"",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">half",
        "<form action=\"https://evil.example\"><input name=x></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"https://evil.example/\">",
        "<details open ontoggle=alert(1)>x</details>",
        "<!--<img src=x onerror=alert(1)>-->",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    ];

    /// Elements that may run code, load other documents or restyle the page.
    const FORBIDDEN_ELEMENTS: &[&str] = &[
        "script", "iframe", "object", "embed", "svg", "math", "style", "form", "input", "meta",
        "base", "link", "frame", "frameset",
    ];

    /// What is wrong with an element of sanitized HTML, if anything.
    fn danger(element: &scraper::node::Element) -> Option<String> {
        if FORBIDDEN_ELEMENTS.contains(&element.name()) {
            return Some(format!("<{}>", element.name()));
        }
        element.attrs().find_map(|(name, value)| {
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            let bad = name.starts_with("on")
                || name == "style"
                || value.starts_with("javascript:")
                || value.starts_with("data:")
                || value.starts_with("vbscript:");
            bad.then(|| format!("{name}={value}"))
        })
    }

    #[test]
    fn xss_payloads_in_markdown_and_html_render_harmless() {
        // The check itself sees a payload that nothing sanitized.
        let raw = scraper::Html::parse_fragment("<a href=\" java\tscript:x\">a</a>");
        let elements = raw
            .tree
            .nodes()
            .filter_map(|node| node.value().as_element());
        assert_eq!(elements.filter_map(danger).count(), 1);
        for payload in XSS {
            let html = render(payload).html;
            let fragment = scraper::Html::parse_fragment(&html);
            for node in fragment.tree.nodes() {
                if let Some(element) = node.value().as_element() {
                    assert_eq!(danger(element), None, "{payload:?} rendered {html:?}");
                }
            }
        }
    }

    #[test]
    fn markdown_renders_and_links_get_noopener_nofollow() {
        let html = render("# Title\n\nSee [the docs](https://docs.example/a) and **this**.").html;
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>this</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://docs.example/a" rel="noopener nofollow">the docs</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn the_summary_is_the_first_paragraph_without_markup() {
        let rendered =
            render("# Heading\n\nFirst *paragraph*, [linked](/x)\nwrapped.\n\nSecond one.");
        assert_eq!(rendered.summary, "First paragraph, linked wrapped.");
        assert!(rendered.text.contains("Heading"));
        assert!(rendered.text.contains("Second one."));
        let long = render(&"word ".repeat(100)).summary;
        assert!(
            long.chars().count() <= SUMMARY_LIMIT && long.ends_with('…'),
            "{long}"
        );
    }
}
