//! The one translation lookup. Every user-facing string comes from the Fluent catalogs under
//! `locales/`; English is the fallback for a key a language lacks.
use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

use rustc_hash::FxHashMap;

use fluent_syntax::{ast, parser};
use fluent_templates::{LanguageIdentifier, fluent_bundle::FluentValue, langid};
use serde::{Deserialize, Serialize};

use crate::input::Choice;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks around arguments would end up in emails and form values.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static ZH_CN: LanguageIdentifier = langid!("zh-CN");

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "text")]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    #[sqlx(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    #[sqlx(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Self; 2] = [Self::En, Self::ZhCn];

    /// The language's own name, in the catalogs.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::En => "language-en",
            Self::ZhCn => "language-zh-cn",
        }
    }

    /// The language's name in itself (`English`, `简体中文`).
    pub fn own_name(self) -> String {
        self.t(self.label_key())
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }

    /// An agent's choices of language, worded in `self`: first the workspace's default (the
    /// empty code, which follows the default when an admin changes it), then each language.
    pub fn choices(self, workspace_default: Self, selected: &str) -> Vec<Choice> {
        let default = self.t_args(
            "language-workspace-default",
            &[("language", &workspace_default.own_name())],
        );
        std::iter::once(Choice::new("", default, selected.is_empty()))
            .chain(Self::options(selected))
            .collect()
    }

    /// Each language as a choice, by its own name, the one coded `selected` marked.
    pub fn options(selected: &str) -> Vec<Choice> {
        Self::ALL
            .into_iter()
            .map(|language| {
                Choice::new(
                    language.code(),
                    language.own_name(),
                    language.code() == selected,
                )
            })
            .collect()
    }

    /// The language of a code as forms and the database write it (`en`, `zh-CN`).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|locale| locale.code() == code)
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Self::En => &EN,
            Self::ZhCn => &ZH_CN,
        }
    }

    /// The first language of an `Accept-Language` header that we speak, by preference.
    pub fn from_accept_language(header: &str) -> Self {
        let mut ranges: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && quality > 0.0).then_some((quality, tag))
            })
            .collect();
        // Stable sort keeps the header's order among equal qualities.
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranges
            .iter()
            .find_map(|(_, tag)| {
                let primary = tag.split('-').next().unwrap_or_default();
                match primary.to_ascii_lowercase().as_str() {
                    "zh" => Some(Self::ZhCn),
                    "en" => Some(Self::En),
                    _ => None,
                }
            })
            .unwrap_or_default()
    }

    pub fn t(self, key: &str) -> String {
        self.t_args(key, &[])
    }

    pub fn t_args(self, key: &str, args: &[(&str, &str)]) -> String {
        match SIMPLE_MESSAGES[self.index()]
            .get(key)
            .and_then(|message| message.fill(args))
        {
            Some(text) => text,
            None => self.lookup(key, Some(&fluent_args(args))),
        }
    }

    fn index(self) -> usize {
        match self {
            Self::En => 0,
            Self::ZhCn => 1,
        }
    }

    /// The text of `key` in this language, else in English. Straight to the language's
    /// bundle: the loader's own lookup negotiates languages, allocating, on every call, and
    /// a page of 50 tickets looks up 500 strings.
    fn lookup(self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.format(key, args)
            .unwrap_or_else(|| format!("Unknown localization key: {key:?}"))
    }

    fn format(self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        LOCALES
            .lookup_single_language(self.langid(), key, args)
            .or_else(|_| LOCALES.lookup_single_language(&EN, key, args))
            .ok()
    }
}

/// The catalogs as the loader compiles them in (`locales/`), in `Locale::ALL`'s order.
const CATALOGS: [&str; 2] = [
    include_str!("../locales/en/main.ftl"),
    include_str!("../locales/zh-CN/main.ftl"),
];

/// A message made only of text and arguments, as most are: filling it in is a copy,
/// where Fluent's formatting costs a page of 50 tickets a fifth of its time (their dates).
/// Messages with variants, functions or references are left to Fluent.
#[derive(Clone, Debug)]
struct SimpleMessage(Vec<Piece>);

#[derive(Clone, Debug)]
enum Piece {
    Text(&'static str),
    Argument(&'static str),
}

impl SimpleMessage {
    /// The message with `args` in place; `None` when one of its arguments is missing (Fluent
    /// then formats it, and reports the error as it always does).
    fn fill(&self, args: &[(&str, &str)]) -> Option<String> {
        let mut text = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(part) => text.push_str(part),
                Piece::Argument(name) => {
                    text.push_str(args.iter().find(|(arg, _)| arg == name)?.1);
                }
            }
        }
        Some(text)
    }

    fn of(pattern: &ast::Pattern<&'static str>) -> Option<Self> {
        pattern
            .elements
            .iter()
            .map(|element| match element {
                ast::PatternElement::TextElement { value } => Some(Piece::Text(value)),
                ast::PatternElement::Placeable {
                    expression:
                        ast::Expression::Inline(ast::InlineExpression::VariableReference { id }),
                } => Some(Piece::Argument(id.name)),
                ast::PatternElement::Placeable { .. } => None,
            })
            .collect::<Option<_>>()
            .map(Self)
    }
}

/// Per language (`Locale::index`), its simple messages, and English's where it lacks a
/// message (the loader falls back the same way). Keyed with FxHash: a page of 50 tickets
/// looks up 600 keys, and SipHash, which guards against keys chosen by an attacker, is
/// not needed for the catalogs' own.
static SIMPLE_MESSAGES: LazyLock<[FxHashMap<&'static str, SimpleMessage>; 2]> =
    LazyLock::new(|| {
        let [english, chinese] = CATALOGS.map(messages);
        let mut chinese_or_english = english.clone();
        chinese_or_english.extend(chinese);
        [english, chinese_or_english].map(|messages| {
            messages
                .into_iter()
                .filter_map(|(id, simple)| Some((id, simple?)))
                .collect()
        })
    });

/// Every message of `catalog` with a value, as a simple message where it is one.
fn messages(catalog: &'static str) -> HashMap<&'static str, Option<SimpleMessage>> {
    // A broken entry is left out here as the loader leaves it out.
    let resource = parser::parse(catalog).unwrap_or_else(|(resource, _)| resource);
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) => {
                let simple = SimpleMessage::of(message.value.as_ref()?);
                Some((message.id.name, simple))
            }
            _ => None,
        })
        .collect()
}

type FluentArgs<'a> = HashMap<Cow<'static, str>, FluentValue<'a>>;

/// Arguments for Fluent. An argument written as a plain integer becomes a number, so that
/// plural variants (`[one]`, `[1]`) select on it; anything else stays text as it is.
fn fluent_args<'a>(args: &[(&'a str, &'a str)]) -> FluentArgs<'a> {
    args.iter()
        .map(|(name, value)| {
            let value = match value.parse::<i64>() {
                Ok(number) if number.to_string() == *value => FluentValue::from(number),
                _ => FluentValue::from(*value),
            };
            // Fluent's keys are 'static or owned; only messages that need Fluent get here.
            (Cow::<'static, str>::Owned((*name).to_owned()), value)
        })
        .collect()
}

#[cfg(test)]
mod catalog_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_messages_fill_in_as_fluent_formats_them() {
        let mut checked = 0;
        // Text as typed, and an integer, which Fluent turns into a number and back.
        for (locale, value) in Locale::ALL
            .into_iter()
            .flat_map(|l| [(l, "<a & b>"), (l, "2026")])
        {
            for (id, message) in SIMPLE_MESSAGES[locale.index()].iter() {
                let args: Vec<(&'static str, String)> = message
                    .0
                    .iter()
                    .filter_map(|piece| match piece {
                        Piece::Argument(name) => Some((*name, value.to_owned())),
                        Piece::Text(_) => None,
                    })
                    .collect();
                let args: Vec<(&'static str, &str)> = args
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .collect();
                assert_eq!(
                    message.fill(&args),
                    locale.format(id, Some(&fluent_args(&args))),
                    "{id} in {locale:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 2000, "{checked}");
        // Numbers read the same either way; a missing argument is Fluent's to report.
        assert_eq!(
            Locale::En.t_args(
                "format-date",
                &[("monthName", "Nov"), ("day", "26"), ("year", "2026")]
            ),
            "Nov 26, 2026"
        );
        assert!(SIMPLE_MESSAGES[0]["format-date"].fill(&[]).is_none());
        assert_eq!(Locale::ZhCn.t("tickets-title"), "工单");
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Locale::ZhCn
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR, en;q=0.5, zh;q=0.4"),
            Locale::En
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.3, zh-TW;q=0.9"),
            Locale::ZhCn
        );
        assert_eq!(Locale::from_accept_language("de"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
    }

    #[test]
    fn lookup_fills_arguments_without_isolation_marks() {
        let text = Locale::En.t_args("home-greeting", &[("name", "Ada")]);
        assert!(text.contains("Ada"));
        assert!(!text.contains('\u{2068}'));
    }

    #[test]
    fn integer_arguments_select_plural_variants_and_other_text_stays_as_typed() {
        let cost = |seats| {
            Locale::En.t_args(
                "agents-seats-cost",
                &[("seats", seats), ("price", "$15.00"), ("total", "$15.00")],
            )
        };
        assert!(cost("1").starts_with("1 agent x"), "{}", cost("1"));
        assert!(cost("4").starts_with("4 agents x"), "{}", cost("4"));
        let greeting = Locale::En.t_args("home-greeting", &[("name", "007")]);
        assert!(greeting.contains("007"), "{greeting}");
    }
}
