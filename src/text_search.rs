//! What a full-text search looks for, built in Rust from what was typed. Documents are
//! indexed by the database (`search_document`, see the `cjk_search` migration): the text's
//! words in the `english` configuration, and every run of Chinese, Japanese or Korean
//! characters as its two-character pieces in `simple`. A search must split its text the
//! same way; the migration's `search_query` SQL function does, but as part of a statement
//! the planner evaluates it for every search (its regular expressions and arrays cost half a
//! millisecond, more than running a small search). Here the text is split once, and the
//! statement only stems the words (`websearch_to_tsquery`, cheap) and reads the pieces as
//! they are. A test holds this to the SQL function's answers.
use sqlx::{Postgres, QueryBuilder};

/// A search's query: its words other than CJK, and the CJK terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    /// The text with its CJK runs as spaces; empty when no letter or digit is left.
    words: String,
    /// A CJK run's overlapping two-character pieces, or a one-character run itself.
    cjk_terms: Vec<String>,
    /// Any word or term may match, rather than all of them.
    any_word: bool,
}

impl TextQuery {
    pub fn new(text: &str, any_word: bool) -> Self {
        let mut words = String::with_capacity(text.len());
        let mut cjk_terms = Vec::new();
        let mut run: Vec<char> = Vec::new();
        // A run ends at the first other character, or at the text's end.
        let mut end_run = |run: &mut Vec<char>, words: &mut String| {
            if run.is_empty() {
                return;
            }
            words.push(' ');
            match run.as_slice() {
                [single] => cjk_terms.push(single.to_string()),
                pairs => cjk_terms.extend(pairs.windows(2).map(|pair| pair.iter().collect())),
            }
            run.clear();
        };
        for c in text.chars() {
            if is_cjk(c) {
                run.push(c);
            } else {
                end_run(&mut run, &mut words);
                words.push(c);
            }
        }
        end_run(&mut run, &mut words);
        if !words.chars().any(char::is_alphanumeric) {
            words.clear();
        }
        Self {
            words,
            cjk_terms,
            any_word,
        }
    }

    pub fn cjk_terms(&self) -> &[String] {
        &self.cjk_terms
    }

    /// Pushes the query's `tsquery` expression, its values bound. A one-character term
    /// is a prefix (`退` finds `退款`, indexed as `退款` and a run's last `款` alone).
    pub fn push_tsquery(&self, query: &mut QueryBuilder<'_, Postgres>) {
        let joiner = if self.any_word { " | " } else { " & " };
        let cjk = self
            .cjk_terms
            .iter()
            .map(|term| match term.chars().count() {
                1 => format!("{term}:*"),
                _ => term.clone(),
            })
            .collect::<Vec<_>>()
            .join(joiner);
        let both = if self.any_word { " || " } else { " && " };
        query.push("(");
        match (self.words.is_empty(), cjk.is_empty()) {
            (true, true) => {
                query.push("''::tsquery");
            }
            (false, true) => self.push_words(query),
            (true, false) => {
                query.push("to_tsquery('simple', ").push_bind(cjk).push(")");
            }
            (false, false) => {
                self.push_words(query);
                query
                    .push(both)
                    .push("to_tsquery('simple', ")
                    .push_bind(cjk)
                    .push(")");
            }
        }
        query.push(")");
    }

    /// Pushes the array of the query's words as the `english` configuration stems them.
    pub fn push_stems(&self, query: &mut QueryBuilder<'_, Postgres>) {
        query
            .push("tsvector_to_array(to_tsvector('english', ")
            .push_bind(self.words.clone())
            .push("))");
    }

    fn push_words(&self, query: &mut QueryBuilder<'_, Postgres>) {
        query
            .push("websearch_to_tsquery('english', ")
            .push_bind(self.words.clone())
            .push(")");
    }
}

/// Han (with 々〆〇 and compatibility ideographs), Hiragana, Katakana (with ー, without the
/// ・ punctuation), Hangul and half-width Katakana: the ranges of the SQL `cjk_pattern`.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11ff}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3041}'..='\u{309f}'
        | '\u{30a1}'..='\u{30fa}'
        | '\u{30fc}'..='\u{30ff}'
        | '\u{3130}'..='\u{318f}'
        | '\u{31f0}'..='\u{31ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{a960}'..='\u{a97f}'
        | '\u{ac00}'..='\u{d7ff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff66}'..='\u{ff9f}'
        | '\u{20000}'..='\u{3134f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cjk_runs_into_pieces_and_keeps_the_other_words() {
        let query = TextQuery::new("refund 退款没有 x 款", false);
        assert_eq!(query.words, "refund   x  ");
        assert_eq!(query.cjk_terms, ["退款", "款没", "没有", "款"]);
        assert!(TextQuery::new("退款!", false).words.is_empty());
        assert!(TextQuery::new("", true).cjk_terms.is_empty());
    }
}
