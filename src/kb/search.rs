//! Searching articles: full-text search over the stored weighted tsvector (titles above
//! bodies) with `websearch_to_tsquery`, which takes any text without an error; when nothing
//! matches, titles with a similar word ("did you mean"). The same search serves the help
//! center (published articles), the panel (drafts too), the contact form's suggestions and
//! the ticket page.
use sqlx::PgConnection;
use uuid::Uuid;

use super::db::{self, ArticleLink, Hit};

/// Longest search text used, in characters; the rest of a longer one is ignored.
const SEARCH_LIMIT: usize = 200;
/// Words of a snippet, and how many of them come before its first match.
const SNIPPET_WORDS: usize = 32;
const SNIPPET_LEAD: usize = 8;

/// What a visitor typed, made fit for the queries: trimmed, without control characters
/// (PostgreSQL refuses NUL in text), at most `SEARCH_LIMIT` characters.
pub struct SearchText(String);

impl SearchText {
    /// `None` for a search of nothing.
    pub fn parse(raw: &str) -> Option<Self> {
        let text: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(SEARCH_LIMIT)
            .collect();
        let text = text.trim();
        (!text.is_empty()).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same words, any of which may match (`websearch_to_tsquery` needs all of them):
    /// what a customer types as a subject is a sentence, not search terms.
    pub fn any_word(&self) -> Self {
        let words: Vec<&str> = self
            .0
            .split(|c: char| c.is_whitespace() || c == '"')
            .map(|word| word.trim_start_matches('-'))
            .filter(|word| !word.is_empty() && !word.eq_ignore_ascii_case("or"))
            .collect();
        Self(words.join(" or "))
    }
}

/// What a search found: the hits, or when there are none, titles like it.
pub struct Results {
    pub hits: Vec<Hit>,
    pub did_you_mean: Vec<ArticleLink>,
}

impl Results {
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty() && self.did_you_mean.is_empty()
    }
}

pub async fn find(
    conn: &mut PgConnection,
    account_id: Uuid,
    text: &SearchText,
    drafts: bool,
    limit: i64,
) -> sqlx::Result<Results> {
    let hits = db::search(conn, account_id, text, drafts, limit).await?;
    let did_you_mean = if hits.is_empty() {
        db::similar_titles(conn, account_id, text, drafts, limit.min(5)).await?
    } else {
        Vec::new()
    };
    Ok(Results { hits, did_you_mean })
}

impl Hit {
    /// A passage of the text around its first word that matches the search, as HTML: the
    /// text escaped, the matching words in `<mark>`.
    pub fn snippet_html(&self) -> String {
        snippet_html(&self.text, &self.stems)
    }
}

/// Whether a word of the text is one the search asked for: it starts with the stem, or,
/// where the stemmer changed the last letter ("compani" of "company"), with all but it.
fn matches(word: &str, stems: &[String]) -> bool {
    let word = word.to_lowercase();
    stems.iter().any(|stem| {
        if word.starts_with(stem.as_str()) {
            return true;
        }
        let mut stem_chars = stem.chars();
        stem_chars.next_back();
        let shorter = stem_chars.as_str();
        shorter.chars().count() >= 3 && word.starts_with(shorter)
    })
}

fn snippet_html(text: &str, stems: &[String]) -> String {
    // The words of the text with where each begins and ends.
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                words.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    let first = words
        .iter()
        .position(|&(from, to)| matches(&text[from..to], stems))
        .unwrap_or(0);
    let shown_from = first.saturating_sub(SNIPPET_LEAD);
    let shown_to = words.len().min(shown_from + SNIPPET_WORDS);
    let shown = &words[shown_from..shown_to];
    // From the text's very beginning, and to its very end, when the passage reaches them.
    let begin = match shown_from {
        0 => 0,
        n => words[n].0,
    };
    let end = match shown.last() {
        Some(_) if shown_to == words.len() => text.len(),
        Some(&(_, to)) => to,
        None => return String::new(),
    };
    let mut html = String::with_capacity(end - begin + 64);
    if shown_from > 0 {
        html.push_str("… ");
    }
    let mut at = begin;
    for &(from, to) in shown {
        escape_into(&mut html, &text[at..from]);
        let word = &text[from..to];
        if matches(word, stems) {
            html.push_str("<mark>");
            escape_into(&mut html, word);
            html.push_str("</mark>");
        } else {
            escape_into(&mut html, word);
        }
        at = to;
    }
    escape_into(&mut html, &text[at..end]);
    if shown_to < words.len() {
        html.push_str(" …");
    }
    html
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            // Line breaks of the plain text read as spaces in a snippet.
            c if c.is_whitespace() => html.push(' '),
            c => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_drops_control_characters_and_is_bounded() {
        assert!(SearchText::parse("  \t\n ").is_none());
        let text = SearchText::parse("a\0b\u{7}c").map(|t| t.0);
        assert_eq!(text.as_deref(), Some("a b c"));
        let long = SearchText::parse(&"ü".repeat(10_000)).map(|t| t.0.chars().count());
        assert_eq!(long, Some(SEARCH_LIMIT));
    }

    #[test]
    fn any_word_joins_the_words_with_or() {
        let text = SearchText::parse("refund \"late\" -order or").map(|t| t.any_word().0);
        assert_eq!(text.as_deref(), Some("refund or late or order"));
    }

    #[test]
    fn snippets_escape_the_text_and_mark_the_matches() {
        let stems = ["refund".to_owned(), "compani".to_owned()];
        let html = snippet_html("<img src=x> Refunds & the company's refund.", &stems);
        assert_eq!(
            html,
            "&lt;img src=x&gt; <mark>Refunds</mark> &amp; the <mark>company</mark>&#39;s <mark>refund</mark>."
        );
    }

    #[test]
    fn snippets_start_shortly_before_the_first_match() {
        let text = format!("{} needle {}", "hay ".repeat(50), "straw ".repeat(50));
        let html = snippet_html(&text, &["needl".to_owned()]);
        assert!(html.starts_with("… hay "), "{html}");
        assert!(html.contains("<mark>needle</mark>"));
        assert!(html.ends_with(" …"), "{html}");
        assert_eq!(html.matches("hay").count(), SNIPPET_LEAD);
        let unmatched = snippet_html("Just some words.", &["zebra".to_owned()]);
        assert_eq!(unmatched, "Just some words.");
        assert_eq!(snippet_html("", &[]), "");
    }
}
