//! Searching articles: full-text search over the stored weighted tsvector (titles above
//! bodies) by a `TextQuery` (`websearch_to_tsquery` of the words, the two-character pieces
//! of Chinese, Japanese and Korean text), which takes any text without an error; when
//! nothing matches, titles with a similar word ("did you mean"). The same search serves the help center (published
//! articles), the panel (drafts too), the contact form's suggestions and the ticket page.
use sqlx::PgConnection;
use uuid::Uuid;

use super::db::{self, ArticleLink, Hit};
use crate::text_search::TextQuery;

/// Longest search text used, in characters; the rest of a longer one is ignored.
const SEARCH_LIMIT: usize = 200;
/// Characters of a snippet, and how many of them may come before its first match.
const SNIPPET_CHARS: usize = 200;
const SNIPPET_LEAD_CHARS: usize = 50;

/// What a visitor typed, made fit for the queries: trimmed, without control characters
/// (PostgreSQL refuses NUL in text), at most `SEARCH_LIMIT` characters.
pub struct SearchText {
    text: String,
    /// Any word may match, not all of them.
    pub match_any: bool,
}

impl SearchText {
    /// `None` for a search of nothing.
    pub fn parse(raw: &str) -> Option<Self> {
        let text: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(SEARCH_LIMIT)
            .collect();
        let text = text.trim();
        (!text.is_empty()).then(|| Self {
            text: text.to_owned(),
            match_any: false,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn query(&self) -> TextQuery {
        TextQuery::new(&self.text, self.match_any)
    }

    /// The same words, any of which may match (`websearch_to_tsquery` needs all of them):
    /// what a customer types as a subject is a sentence, not search terms.
    pub fn any_word(&self) -> Self {
        let words: Vec<&str> = self
            .text
            .split(|c: char| c.is_whitespace() || c == '"')
            .map(|word| word.trim_start_matches('-'))
            .filter(|word| !word.is_empty() && !word.eq_ignore_ascii_case("or"))
            .collect();
        Self {
            text: words.join(" or "),
            match_any: true,
        }
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
    /// A passage of the text around its first match of the search, as HTML: the text
    /// escaped, the matches in `<mark>`.
    pub fn snippet_html(&self) -> String {
        snippet_html(&self.text, &self.stems, &self.cjk_terms)
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

/// The words of the text (runs of letters and digits) with where each begins and ends. A
/// run of Chinese is one "word" up to its punctuation, a clause rather than a word.
fn words(text: &str) -> Vec<(usize, usize)> {
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
    words
}

/// Where the first match begins: the first word that matches a stem, or the first place
/// of a CJK term, whichever comes first. Only the passage around it is marked, so the rest
/// of a long text is read no further than this.
fn first_match(text: &str, words: &[(usize, usize)], stems: &[String], terms: &[String]) -> usize {
    let word = words
        .iter()
        .find(|&&(from, to)| matches(&text[from..to], stems))
        .map(|&(from, _)| from);
    let term = terms
        .iter()
        .filter(|term| !term.is_empty())
        .filter_map(|term| text.find(term.as_str()))
        .min();
    word.into_iter().chain(term).min().unwrap_or(0)
}

/// What to mark between `begin` and `end`, in order and without overlaps: the words that
/// match a stem, and every place of a CJK term, which sits inside such a clause-long word.
fn marks(
    text: &str,
    words: &[(usize, usize)],
    (begin, end): (usize, usize),
    stems: &[String],
    terms: &[String],
) -> Vec<(usize, usize)> {
    let mut marks: Vec<(usize, usize)> = words
        .iter()
        .copied()
        .skip_while(|&(_, to)| to <= begin)
        .take_while(|&(from, _)| from < end)
        .filter(|&(from, to)| matches(&text[from..to], stems))
        .collect();
    for term in terms.iter().filter(|term| !term.is_empty()) {
        marks.extend(
            text[begin..end]
                .match_indices(term.as_str())
                .map(|(at, found)| (begin + at, begin + at + found.len())),
        );
    }
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(marks.len());
    for (from, to) in marks {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// Where the text is `n` characters before (or after) byte `at`, as far as it goes.
fn chars_before(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(at, |(i, _)| i)
}

fn chars_after(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

/// The passage shown: whole words from shortly before the first mark, up to
/// `SNIPPET_CHARS` characters; cut inside a word only when one word alone is longer (a
/// Chinese clause).
fn window(text: &str, words: &[(usize, usize)], first_mark: usize) -> (usize, usize) {
    let earliest = chars_before(text, first_mark, SNIPPET_LEAD_CHARS);
    let begin = match words.iter().position(|&(_, to)| to > earliest) {
        _ if earliest == 0 => 0,
        Some(n) if words[n].0 >= earliest => words[n].0,
        // A word begins before: start at the next one, unless the match is inside this one.
        Some(n) if words[n].1 <= first_mark => words.get(n + 1).map_or(earliest, |word| word.0),
        _ => earliest,
    };
    let latest = chars_after(text, begin, SNIPPET_CHARS);
    if latest == text.len() {
        return (begin, latest);
    }
    let end = words
        .iter()
        .take_while(|&&(_, to)| to <= latest)
        .map(|&(_, to)| to)
        .last()
        .filter(|&to| to > begin)
        .unwrap_or(latest);
    (begin, end)
}

fn snippet_html(text: &str, stems: &[String], cjk_terms: &[String]) -> String {
    let words = words(text);
    let (begin, end) = window(text, &words, first_match(text, &words, stems, cjk_terms));
    let marks = marks(text, &words, (begin, end), stems, cjk_terms);
    if text[begin..end].trim().is_empty() {
        return String::new();
    }
    let mut html = String::with_capacity(end - begin + 64);
    if begin > 0 {
        html.push_str("… ");
    }
    let mut at = begin;
    for (from, to) in marks {
        let (from, to) = (from.max(begin), to.min(end));
        if from >= to {
            continue;
        }
        escape_into(&mut html, &text[at..from]);
        html.push_str("<mark>");
        escape_into(&mut html, &text[from..to]);
        html.push_str("</mark>");
        at = to;
    }
    escape_into(&mut html, &text[at..end]);
    if end < text.len() {
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

    fn owned(words: &[&str]) -> Vec<String> {
        words.iter().map(|&word| word.to_owned()).collect()
    }

    #[test]
    fn search_text_drops_control_characters_and_is_bounded() {
        assert!(SearchText::parse("  \t\n ").is_none());
        let text = SearchText::parse("a\0b\u{7}c").map(|t| t.text);
        assert_eq!(text.as_deref(), Some("a b c"));
        let long = SearchText::parse(&"ü".repeat(10_000)).map(|t| t.text.chars().count());
        assert_eq!(long, Some(SEARCH_LIMIT));
    }

    #[test]
    fn any_word_joins_the_words_with_or() {
        let text = SearchText::parse("refund \"late\" -order or").map(|t| t.any_word());
        assert_eq!(
            text.as_ref().map(|t| t.as_str()),
            Some("refund or late or order")
        );
        assert!(text.is_some_and(|t| t.match_any));
    }

    #[test]
    fn snippets_escape_the_text_and_mark_the_matches() {
        let stems = owned(&["refund", "compani"]);
        let html = snippet_html("<img src=x> Refunds & the company's refund.", &stems, &[]);
        assert_eq!(
            html,
            "&lt;img src=x&gt; <mark>Refunds</mark> &amp; the <mark>company</mark>&#39;s <mark>refund</mark>."
        );
    }

    #[test]
    fn snippets_start_shortly_before_the_first_match() {
        let text = format!("{} needle {}", "hay ".repeat(50), "straw ".repeat(50));
        let html = snippet_html(&text, &owned(&["needl"]), &[]);
        assert!(html.starts_with("… hay "), "{html}");
        assert!(html.contains("<mark>needle</mark>"));
        assert!(html.ends_with("straw …"), "{html}");
        let lead = html
            .split("<mark>")
            .next()
            .map_or(0, |lead| lead.chars().count());
        assert!((40..=2 + SNIPPET_LEAD_CHARS).contains(&lead), "{html}");
        assert!(html.chars().count() <= SNIPPET_CHARS + 20, "{html}");
        let unmatched = snippet_html("Just some words.", &owned(&["zebra"]), &[]);
        assert_eq!(unmatched, "Just some words.");
        assert_eq!(snippet_html("", &[], &[]), "");
    }

    #[test]
    fn snippets_mark_chinese_terms_inside_their_clause() {
        let terms = owned(&["重置", "置密", "密码"]);
        let html = snippet_html("如何重置密码？请点击“忘记密码”。", &[], &terms);
        assert_eq!(
            html,
            "如何<mark>重置密码</mark>？请点击“忘记<mark>密码</mark>”。"
        );
        let mixed = snippet_html("Refund 退款 <b>", &owned(&["refund"]), &owned(&["退款"]));
        assert_eq!(mixed, "<mark>Refund</mark> <mark>退款</mark> &lt;b&gt;");
    }

    #[test]
    fn a_long_chinese_clause_is_cut_around_its_match() {
        let text = format!("{}退款{}", "没有".repeat(300), "到账".repeat(300));
        let html = snippet_html(&text, &[], &owned(&["退款"]));
        assert!(html.starts_with("… 没有"), "{html}");
        assert!(html.ends_with("到账 …"), "{html}");
        let lead = html
            .split("<mark>")
            .next()
            .map_or(0, |lead| lead.chars().count());
        assert_eq!(lead, 2 + SNIPPET_LEAD_CHARS);
        assert_eq!(
            html.chars().count(),
            2 + SNIPPET_CHARS + "<mark></mark>".len() + 2
        );
    }
}
