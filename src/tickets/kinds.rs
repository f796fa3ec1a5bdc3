//! The closed sets a ticket takes its values from (DESIGN.md, Tickets), as stored and as
//! shown.
use serde::{Deserialize, Serialize};

use crate::{i18n::Locale, input::Choice};

/// Declares a text-backed enum with its stored code and its catalog key.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
        #[serde(rename_all = "lowercase")]
        #[sqlx(type_name = "text", rename_all = "lowercase")]
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
            pub fn choices(locale: Locale, selected: Option<Self>) -> Vec<Choice> {
                Self::ALL
                    .iter()
                    .map(|value| {
                        Choice::new(value.as_str(), locale.t(value.label_key()), Some(*value) == selected)
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

text_enum!(
    /// Where a ticket came from.
    Channel, "channel-", {
        Email => "email",
        Form => "form",
        Chat => "chat",
        Agent => "agent",
    }
);

text_enum!(
    /// `new` -> (agent reply) `answered` -> (customer reply) `open` -> ... -> `resolved`;
    /// also `postponed` until a date and `spam`.
    Status, "status-", {
        New => "new",
        Open => "open",
        Answered => "answered",
        Postponed => "postponed",
        Resolved => "resolved",
        Spam => "spam",
    }
);

text_enum!(
    Priority, "priority-", {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

text_enum!(
    IssueType, "type-", {
        Billing => "billing",
        Refund => "refund",
        Bug => "bug",
        Dispute => "dispute",
        Feature => "feature",
        Usability => "usability",
        Other => "other",
    }
);

text_enum!(
    /// What a message of the thread is.
    MessageKind, "message-kind-", {
        Customer => "customer",
        Reply => "reply",
        Note => "note",
        Event => "event",
    }
);

impl Status {
    /// The statuses of work still to do: what the queue shows.
    pub const ACTIVE: &'static [Self] = &[Self::New, Self::Open, Self::Answered, Self::Postponed];
}
