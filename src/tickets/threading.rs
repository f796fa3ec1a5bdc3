//! How mail finds its ticket: our Message-IDs carry the ticket number and an HMAC with the
//! workspace's key, so that an answer threads back by In-Reply-To/References and a forged
//! id cannot attach mail to another ticket; `[#1042]` in a subject is the fallback.
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::crypto;

/// Bytes of the HMAC kept in a Message-ID (hex-encoded there).
const SIGNATURE_BYTES: usize = 16;

/// A new Message-ID for mail about ticket `number`: `<1042.<nonce>.<hmac>@domain>`.
pub fn new_message_id(key: &[u8], number: i64, domain: &str) -> String {
    let payload = format!("{number}.{}", Uuid::now_v7().simple());
    format!("<{payload}.{}@{domain}>", sign(key, &payload))
}

/// The ticket number of one of our Message-IDs, if its signature is right.
pub fn ticket_of_message_id(key: &[u8], message_id: &str) -> Option<i64> {
    let inner = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let (local, _domain) = inner.rsplit_once('@')?;
    let (payload, signature) = local.rsplit_once('.')?;
    if !crypto::constant_time_eq(sign(key, payload).as_bytes(), signature.as_bytes()) {
        return None;
    }
    payload.split_once('.')?.0.parse().ok()
}

fn sign(key: &[u8], payload: &str) -> String {
    // HMAC accepts keys of any length; the error case cannot happen.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(payload.as_bytes());
    mac.finalize().into_bytes()[..SIGNATURE_BYTES]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The number of a `[#1042]` in a subject.
pub fn subject_number(subject: &str) -> Option<i64> {
    subject.match_indices("[#").find_map(|(start, _)| {
        let rest = &subject[start + 2..];
        let end = rest.find(']')?;
        rest[..end].parse().ok().filter(|n: &i64| *n > 0)
    })
}

/// The subject of our mail about a ticket.
pub fn tagged_subject(number: i64, subject: &str) -> String {
    if subject_number(subject) == Some(number) {
        subject.to_owned()
    } else {
        format!("[#{number}] {subject}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_message_ids_lead_back_to_their_ticket_and_forged_ones_nowhere() {
        let key = b"a workspace key of thirty-two b.";
        let id = new_message_id(key, 1042, "example.com");
        assert!(id.starts_with("<1042.") && id.ends_with("@example.com>"));
        assert_eq!(ticket_of_message_id(key, &id), Some(1042));
        assert_eq!(ticket_of_message_id(b"another workspace key", &id), None);
        let forged = id.replacen("1042", "1043", 1);
        assert_eq!(ticket_of_message_id(key, &forged), None);
        for junk in [
            "",
            "<>",
            "<abc@x>",
            "<1.2@x>",
            "no-brackets@x",
            "<1042.x.y.z>",
        ] {
            assert_eq!(ticket_of_message_id(key, junk), None, "{junk}");
        }
    }

    #[test]
    fn subjects_carry_the_number_in_brackets() {
        assert_eq!(subject_number("Re: [#1042] Refund"), Some(1042));
        assert_eq!(subject_number("AW: Re: [#7]"), Some(7));
        assert_eq!(subject_number("[#] [#x] [#12"), None);
        assert_eq!(subject_number("[#99999999999999999999]"), None);
        assert_eq!(tagged_subject(5, "Hello"), "[#5] Hello");
        assert_eq!(tagged_subject(5, "Re: [#5] Hello"), "Re: [#5] Hello");
    }
}
