//! Who wrote an inbound message and where a reply reaches them: the first of `From`,
//! `Reply-To`, `Sender` and `Return-Path` that holds an address mail can be sent to, or
//! none. mail-parser decodes RFC 2047 encoded words everywhere, also inside an address
//! where RFC 2047 forbids them and where attackers put them to pass for someone else
//! (`From: =?utf-8?Q?agent?=@example.com` comes out as the name "agent" and the address
//! `@example.com`); so an address counts only as it stands, whole, in the header's own text.
use mail_parser::{HeaderName, HeaderValue, Message};

use crate::input::EmailAddress;

/// The headers that may say where the customer is, in the order they are asked.
const ADDRESS_HEADERS: [HeaderName<'static>; 4] = [
    HeaderName::From,
    HeaderName::ReplyTo,
    HeaderName::Sender,
    HeaderName::ReturnPath,
];

/// The customer of an inbound message.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Sender {
    /// Where replies go; `None` when no header holds a usable address.
    pub(super) address: Option<EmailAddress>,
    /// The name they gave, as the header has it (not yet cut to one line).
    pub(super) name: String,
}

impl Sender {
    pub(super) fn of(message: &Message<'_>) -> Self {
        // A name that came without any address (`"Ada" <>`) is still who wrote; the name
        // beside an unusable address may be the decoded rest of it, and is not taken.
        let mut name_alone: Option<&str> = None;
        for header_name in ADDRESS_HEADERS {
            // The last of a repeated header, as mail-parser's own accessors take it.
            let Some(header) = message
                .root_part()
                .headers
                .iter()
                .rev()
                .find(|header| header.name == header_name)
            else {
                continue;
            };
            let raw = message
                .raw_message()
                .get(header.offset_start as usize..header.offset_end as usize)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            for (name, address) in entries(header.value()) {
                let name = name.filter(|name| !name.trim().is_empty());
                match address {
                    None => name_alone = name_alone.or(name),
                    Some(address) if stands_whole(&raw, address) => {
                        if let Ok(address) = EmailAddress::parse_addr_spec(address) {
                            return Self {
                                address: Some(address),
                                name: name_alone.or(name).unwrap_or_default().to_owned(),
                            };
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        Self {
            address: None,
            name: name_alone.unwrap_or_default().to_owned(),
        }
    }

    /// A header said who wrote, even if not where they are.
    pub(super) fn is_known(&self) -> bool {
        self.address.is_some() || !self.name.is_empty()
    }
}

/// The (name, address) pairs of an address header; `Return-Path` is parsed as an id.
fn entries<'a>(value: &'a HeaderValue<'_>) -> Vec<(Option<&'a str>, Option<&'a str>)> {
    match value {
        HeaderValue::Address(address) => address
            .iter()
            .map(|entry| (entry.name(), entry.address()))
            .collect(),
        HeaderValue::Text(text) => vec![(None, Some(text.as_ref()))],
        HeaderValue::TextList(texts) => texts
            .iter()
            .map(|text| (None, Some(text.as_ref())))
            .collect(),
        _ => Vec::new(),
    }
}

/// `address` stands in the header's text `raw` as a whole word: not glued to an encoded
/// word (`=?utf-8?Q?a?=b@example.com` gives `b@example.com`) or a comment.
fn stands_whole(raw: &str, address: &str) -> bool {
    raw.match_indices(address).any(|(start, _)| {
        let before = raw[..start].chars().next_back();
        let after = raw[start + address.len()..].chars().next();
        before.is_none_or(|c| c.is_whitespace() || "<,:".contains(c))
            && after.is_none_or(|c| c.is_whitespace() || ">,;(".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use mail_parser::MessageParser;

    use super::*;

    fn sender(headers: &str) -> (Option<String>, String) {
        let raw = format!("{headers}\r\nSubject: x\r\n\r\nbody\r\n");
        let message = MessageParser::default()
            .parse(raw.as_bytes())
            .expect("a message");
        let sender = Sender::of(&message);
        (
            sender.address.map(|address| address.as_str().to_owned()),
            sender.name,
        )
    }

    fn address(headers: &str) -> Option<String> {
        sender(headers).0
    }

    #[test]
    fn the_from_address_and_name_come_first() {
        assert_eq!(
            sender("From: =?utf-8?Q?Ad=C3=A1?= <ada@example.com>\r\nReply-To: b@example.com"),
            (Some("ada@example.com".into()), "Adá".into())
        );
        assert_eq!(
            address("From: ADA@Example.COM"),
            Some("ADA@Example.COM".into())
        );
        assert_eq!(
            address("From: Ada <ada@example.com> (at home)"),
            Some("ada@example.com".into())
        );
    }

    #[test]
    fn an_empty_from_leaves_its_name_and_takes_the_reply_to() {
        assert_eq!(
            sender("From: \"Ada Lovelace\" <>\r\nReply-To: ada@example.com"),
            (Some("ada@example.com".into()), "Ada Lovelace".into())
        );
    }

    #[test]
    fn an_encoded_word_in_an_address_is_no_address() {
        for from in [
            "From: =?utf-8?Q?agent?=@example.com",
            "From: Mallory <=?utf-8?Q?agent?=@example.com>",
            "From: =?utf-8?Q?a?=b@example.com",
            "From: b=?utf-8?Q?a?=@example.com",
            "From: agent@=?utf-8?Q?example.com?=",
        ] {
            assert_eq!(sender(from), (None, String::new()), "{from}");
        }
        // A whole address encoded is a name (RFC 2047 allows that), never an address.
        assert_eq!(
            sender("From: =?utf-8?B?YWdlbnRAZXhhbXBsZS5jb20=?="),
            (None, "agent@example.com".into())
        );
        assert_eq!(
            sender("From: =?utf-8?Q?agent?=@example.com\r\nReply-To: real@example.org"),
            (Some("real@example.org".into()), String::new())
        );
    }

    #[test]
    fn sender_then_return_path_are_asked_last() {
        assert_eq!(
            address("From: Ada\r\nSender: <>\r\nReturn-Path: <bounce@example.com>"),
            Some("bounce@example.com".into())
        );
        assert_eq!(
            address("Sender: s@example.com\r\nReturn-Path: <bounce@example.com>"),
            Some("s@example.com".into())
        );
        assert_eq!(address("Return-Path: <>"), None);
    }

    #[test]
    fn the_first_usable_address_of_a_list_is_taken() {
        assert_eq!(
            address("From: @example.com, ada@example.com"),
            Some("ada@example.com".into())
        );
    }
}
