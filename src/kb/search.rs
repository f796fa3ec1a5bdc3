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
/// Marks around the matches of a snippet: characters no article text can hold unnoticed,
/// which stay apart from the text until it is escaped for HTML.
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';
pub const HEADLINE_OPTIONS: &str = "MaxFragments=2, MaxWords=24, MinWords=10, FragmentDelimiter=\" … \", StartSel=\u{E000}, StopSel=\u{E001}";

/// What a visitor typed, made fit for the queries: trimmed, without control characters
/// (PostgreSQL refuses NUL in text), at most `SEARCH_LIMIT` characters.
pub struct SearchText(String);

impl SearchText {
    /// `None` for a search of nothing.
    pub fn parse(raw: &str) -> Option<Self> {
        let text: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| *c != MARK_START && *c != MARK_END)
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
    /// The snippet as HTML: its text escaped, its matches in `<mark>`.
    pub fn snippet_html(&self) -> String {
        let mut html = String::with_capacity(self.snippet.len() + 32);
        for c in self.snippet.chars() {
            match c {
                MARK_START => html.push_str("<mark>"),
                MARK_END => html.push_str("</mark>"),
                '&' => html.push_str("&amp;"),
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '"' => html.push_str("&quot;"),
                '\'' => html.push_str("&#39;"),
                c => html.push(c),
            }
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Status;

    #[test]
    fn search_text_drops_control_characters_and_is_bounded() {
        assert!(SearchText::parse("  \t\n ").is_none());
        let text = SearchText::parse("a\0b\u{E000}c").map(|t| t.0);
        assert_eq!(text.as_deref(), Some("a bc"));
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
        let hit = Hit {
            id: Uuid::nil(),
            slug: "x".into(),
            title: "x".into(),
            status: Status::Published,
            snippet: "<img src=x> \u{E000}refund\u{E001} & more".into(),
        };
        assert_eq!(
            hit.snippet_html(),
            "&lt;img src=x&gt; <mark>refund</mark> &amp; more"
        );
    }
}
