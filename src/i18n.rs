//! The one translation lookup. Every user-facing string comes from the Fluent catalogs under
//! `locales/`; English is the fallback for a key a language lacks.
use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

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
        match PLAIN_TEXTS[self.index()].get(key) {
            Some(text) => text.clone(),
            None => self.lookup(key, None),
        }
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, &str)]) -> String {
        self.lookup(key, Some(&fluent_args(args)))
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

/// The English catalog, for the names of all messages: every language has the same ones
/// (`catalog_tests`).
const ENGLISH_CATALOG: &str = include_str!("../locales/en/main.ftl");

/// Per language (`Locale::index`), each message that takes no arguments, formatted once:
/// most strings of a page, which then cost a hash lookup rather than Fluent's formatting.
static PLAIN_TEXTS: LazyLock<[HashMap<&'static str, String>; 2]> =
    LazyLock::new(|| Locale::ALL.map(plain_texts));

fn plain_texts(locale: Locale) -> HashMap<&'static str, String> {
    // A broken entry is left out here as the loader leaves it out: it falls back the same.
    let resource = parser::parse(ENGLISH_CATALOG).unwrap_or_else(|(resource, _)| resource);
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(message) if message.value.is_some() => Some(message.id.name),
            _ => None,
        })
        // A message that needs an argument does not format without one.
        .filter_map(|id| Some((id, locale.format(id, None)?)))
        .collect()
}

type FluentArgs<'a> = HashMap<Cow<'static, str>, FluentValue<'a>>;

/// Arguments for Fluent. An argument written as a plain integer becomes a number, so that
/// plural variants (`[one]`, `[1]`) select on it; anything else stays text as it is.
fn fluent_args<'a>(args: &[(&'static str, &'a str)]) -> FluentArgs<'a> {
    args.iter()
        .map(|(name, value)| {
            let value = match value.parse::<i64>() {
                Ok(number) if number.to_string() == *value => FluentValue::from(number),
                _ => FluentValue::from(*value),
            };
            (Cow::Borrowed(*name), value)
        })
        .collect()
}

#[cfg(test)]
mod catalog_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_without_arguments_come_from_the_table_as_fluent_formats_them() {
        for locale in Locale::ALL {
            let table = &PLAIN_TEXTS[locale.index()];
            assert_eq!(
                table.get("tickets-title"),
                locale.format("tickets-title", None).as_ref()
            );
            assert!(!table.contains_key("format-date"), "it needs arguments");
        }
        assert_eq!(Locale::ZhCn.t("tickets-title"), "工单");
        assert!(PLAIN_TEXTS[0].len() > 500, "{}", PLAIN_TEXTS[0].len());
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
