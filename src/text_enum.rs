//! `text_enum!`: the closed sets of values stored as checked text (DESIGN.md, schema rules)
//! with their code, their catalog key and their form choices.

/// Declares a text-backed enum with its stored code and its catalog key.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[serde(rename_all = "snake_case")]
        #[sqlx(type_name = "text", rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            pub fn label_key(self) -> &'static str {
                match self {
                    $(Self::$variant => concat!($prefix, $code)),+
                }
            }

            /// Every value as a choice in `locale`, `selected` marked.
            pub fn choices(locale: $crate::i18n::Locale, selected: Option<Self>) -> Vec<$crate::input::Choice> {
                Self::ALL
                    .iter()
                    .map(|value| {
                        $crate::input::Choice::new(value.as_str(), locale.t(value.label_key()), Some(*value) == selected)
                    })
                    .collect()
            }

            pub fn parse(raw: &str) -> Result<Self, &'static str> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == raw)
                    .ok_or("input-choice-invalid")
            }
        }
    };
}
