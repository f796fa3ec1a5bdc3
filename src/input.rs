//! Form input parsed at the edge: handlers and queries see these types, never raw strings.
//! Each parse failure is a message key of the translation catalog.
use uuid::Uuid;

/// A workspace's slug: `[a-z0-9-]{2,40}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let slug = raw.trim().to_ascii_lowercase();
        let valid_chars = slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if (2..=40).contains(&slug.len()) && valid_chars {
            Ok(Self(slug))
        } else {
            Err("input-slug-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address mail can be sent to, trimmed; compared case-insensitively by the
/// database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// An address as users type it into a form: an addr-spec (see `parse_addr_spec`) with a
    /// dotted domain and no quotes, brackets or spaces, so that slips like `ada@localhost`
    /// are caught.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("input-required");
        }
        text_characters(email)?;
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("input-email-invalid");
        };
        let no_odd_chars = email
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"\\".contains(c));
        let domain_ok = domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && !domain.contains('@');
        if email.len() <= 254 && !local.is_empty() && local.len() <= 64 && domain_ok && no_odd_chars
        {
            Self::parse_addr_spec(email)
        } else {
            Err("input-email-invalid")
        }
    }

    /// An address as mail headers and stored tickets carry it: an RFC 5322 addr-spec that
    /// lettre, which sends our mail, takes, of at most 254 characters (RFC 5321), and that
    /// holds no RFC 2047 encoded word (`=?utf-8?Q?agent?=@example.com`): RFC 2047 forbids
    /// them in an address, and a mail program that decodes one shows a sender who did not
    /// write.
    pub fn parse_addr_spec(raw: &str) -> Result<Self, &'static str> {
        let encoded_word = raw
            .split_once("=?")
            .is_some_and(|(_, rest)| rest.contains("?="));
        if raw.len() <= 254 && !encoded_word && raw.parse::<lettre::Address>().is_ok() {
            Ok(Self(raw.to_owned()))
        } else {
            Err("input-email-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A workspace and email as typed on the login and reset forms, normalised once here so
/// that the agent lookup and the throttling key can never disagree about who is meant.
pub struct LoginName {
    pub workspace: String,
    pub email: String,
}

impl LoginName {
    pub fn new(workspace: &str, email: &str) -> Self {
        Self {
            workspace: workspace.trim().to_lowercase(),
            email: email.trim().to_lowercase(),
        }
    }

    pub fn throttle_key(&self) -> String {
        format!("{}\n{}", self.workspace, self.email)
    }
}

/// The mark that `web::extract` puts where a form held a control character or bytes
/// that are not UTF-8.
const REFUSED_MARK: char = '\u{FFFD}';

/// Text holds no character that `web::extract` marked as refused: the form comes back with
/// the mark where the character was, and this message says what it stands for.
pub fn text_characters(text: &str) -> Result<(), &'static str> {
    if text.contains(REFUSED_MARK) {
        Err("input-character-refused")
    } else {
        Ok(())
    }
}

/// Required single-line text of at most `max` characters, trimmed.
pub fn required_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let text = raw.trim();
    text_characters(text)?;
    if text.is_empty() {
        Err("input-required")
    } else if text.chars().count() > max {
        Err("input-too-long")
    } else {
        Ok(text.to_owned())
    }
}

/// Optional single-line text of at most `max` characters, trimmed; empty is `None`.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, &'static str> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        required_text(raw, max).map(Some)
    }
}

/// Multi-line text of at most `max` characters, trimmed; may be empty.
pub fn long_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let text = raw.trim();
    text_characters(text)?;
    if text.chars().count() > max {
        Err("input-too-long")
    } else {
        Ok(text.to_owned())
    }
}

/// Multi-line text that must not be empty, of at most `max` characters, trimmed.
pub fn required_long_text(raw: &str, max: usize) -> Result<String, &'static str> {
    match long_text(raw, max)? {
        text if text.is_empty() => Err("input-required"),
        text => Ok(text),
    }
}

/// The ids of a checkbox group, each once. Whether they name rows of the workspace is for
/// the caller's query to say.
pub fn ids(raw: &[String]) -> Result<Vec<Uuid>, &'static str> {
    let mut ids = raw
        .iter()
        .map(|id| id.trim().parse::<Uuid>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "input-choice-invalid")?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// One value offered by a select or a checkbox group, as the template shows it.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl Into<String>, checked: bool) -> Self {
        Self {
            value: value.to_string(),
            label: label.into(),
            checked,
        }
    }

    /// Rows of the workspace (departments, agents) as choices, `checked` marking the
    /// selected ones.
    pub fn rows(rows: Vec<(Uuid, String)>, checked: impl Fn(Uuid) -> bool) -> Vec<Self> {
        rows.into_iter()
            .map(|(id, name)| Self::new(id, name, checked(id)))
            .collect()
    }
}

/// One message key per field that failed to parse.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, &'static str)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message_key: &'static str) {
        if self.get(field).is_none() {
            self.0.push((field, message_key));
        }
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, key)| *key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps a parsed value, or records why it failed and returns `None`.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, &'static str>) -> Option<T> {
        parsed.map_err(|key| self.add(field, key)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lowercase_words() {
        assert_eq!(Slug::parse(" Acme-2 ").map(|s| s.0), Ok("acme-2".into()));
        for bad in ["a", "has space", "ünï", "under_score", &"x".repeat(41)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(EmailAddress::parse("ada@example.com").is_ok());
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@localhost",
            "a b@x.io",
            "a@x..io",
            "a..b@x.io",
            "=?utf-8?Q?agent?=@example.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_addr_spec_may_name_any_host_but_holds_no_encoded_word() {
        for good in [
            "redacted@redacted",
            "+123@example.com",
            "MAILER-DAEMON@mx1.example.com",
        ] {
            assert!(EmailAddress::parse_addr_spec(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "@example.com",
            "ada@",
            "ada @example.com",
            "ada@example.com\0",
            "=?utf-8?Q?agent?=@example.com",
            "b=?utf-8?Q?a?=@example.com",
            "agent@ex=?utf-8?Q?a?=mple.com",
            // 308 characters, each part within its own limit.
            &format!(
                "{}@{}.com",
                "a".repeat(60),
                vec!["b".repeat(60); 4].join(".")
            ),
        ] {
            assert!(EmailAddress::parse_addr_spec(bad).is_err(), "{bad}");
        }
    }
}
