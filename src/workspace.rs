//! What the logged-in agent and their workspace are, as every layer sees them: the
//! workspace's plan, the agent's theme, availability and picture. The gate (`auth`) and
//! the page plumbing (`web`) read these; the features that change them (billing, profile,
//! chat) add their own rules on top.
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The workspace's plan; what it costs and allows is `billing`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Plan {
    Free,
    Small,
    Medium,
    Large,
}

impl Plan {
    pub const ALL: [Self; 4] = [Self::Free, Self::Small, Self::Medium, Self::Large];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Free => "plan-free",
            Self::Small => "plan-small",
            Self::Medium => "plan-medium",
            Self::Large => "plan-large",
        }
    }
}

text_enum!(
    /// How the panel looks: light, dark, or as the operating system says.
    Theme, "theme-", {
        Light => "light",
        Dark => "dark",
        System => "system",
    }
);

text_enum!(
    /// Whether an agent is rung for new chats (only when `online`).
    Availability, "availability-", {
        Online => "online",
        Away => "away",
        Offline => "offline",
    }
);

/// An agent's picture as pages show it: the photo, or their initials.
#[derive(Clone, Debug)]
pub struct Avatar {
    pub initials: String,
    pub photo_url: Option<String>,
}

impl Avatar {
    pub fn new(agent_id: Uuid, name: &str, photo_updated_at: Option<OffsetDateTime>) -> Self {
        Self {
            initials: initials(name),
            // The time in the address lets browsers keep a photo until it changes.
            photo_url: photo_updated_at.map(|at| {
                format!(
                    "/app/photos/{agent_id}?v={}",
                    at.unix_timestamp_nanos() / 1000
                )
            }),
        }
    }
}

/// Up to two letters standing in for a photo: "Ada Lovelace" is "AL".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("  grace  brewster hopper "), "GB");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("张 伟"), "张伟");
        assert_eq!(initials(""), "");
    }
}
