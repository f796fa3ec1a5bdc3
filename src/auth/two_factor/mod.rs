//! Two-factor login with TOTP (RFC 6238) and one-time recovery codes: enrolment and
//! turning it off at `/app/profile/2fa`, the code step of a login at `/login/2fa`, and
//! what an admin's reset and the workspace's `require_2fa` setting need.
//!
//! A code is accepted once: the agent row keeps the last time step used (the step of the
//! code that confirmed enrolment included) and only a later step passes. Secrets and codes
//! never reach the log.
mod challenge;
mod db;
mod enrol;

use axum::{
    Router,
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;
use time::OffsetDateTime;
use totp_rs::{Builder, Secret, Totp};

use crate::{AppError, AppState, crypto};

pub use challenge::{CHALLENGE_PATH, PendingLogin};
pub use db::{is_on, turn_off};

/// The enrolment page; with `require_2fa` on, every other `/app` page leads here until
/// the agent has set up two-factor login.
pub const ENROL_PATH: &str = "/app/profile/2fa";

const ISSUER: &str = "Frontdesk";
/// Recovery codes handed out at enrolment.
const RECOVERY_CODES: usize = 10;

/// The agent's own two-factor pages (gated by the caller).
/// The `code` field of the enrolment and login forms: a TOTP code or a recovery code.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The agent's own two-factor login: enrolment, its QR code, turning it off.
pub fn own_router() -> Router<AppState> {
    Router::new()
        .route(
            ENROL_PATH,
            get(enrol::show_two_factor).post(enrol::confirm_enrolment),
        )
        .route("/app/profile/2fa/qr", get(enrol::show_qr_code))
        .route("/app/profile/2fa/disable", post(enrol::turn_off_two_factor))
}

/// The code step of a login: open to anyone with a pending login in their session.
pub fn login_router() -> Router<AppState> {
    Router::new().route(
        CHALLENGE_PATH,
        get(challenge::show_challenge).post(challenge::submit_code),
    )
}

/// Whether `path` stays open to an agent whom the workspace requires to set up 2FA first.
pub fn open_before_enrolment(path: &str) -> bool {
    path == ENROL_PATH || path.starts_with("/app/profile/2fa/")
}

/// The TOTP of `secret`: SHA-1, 6 digits, 30-second steps, one step of skew either way,
/// as authenticator apps expect. `label` is the account name shown in the app.
fn totp(secret: &Secret, label: Option<String>) -> Result<Totp, AppError> {
    let mut builder = Builder::new().with_secret(secret.as_bytes().to_vec());
    if let Some(label) = label {
        // A colon would end the issuer part of the otpauth label.
        builder = builder
            .with_issuer(Some(ISSUER))
            .with_account_name(label.replace(':', " "));
    }
    builder
        .build()
        .map_err(|error| AppError::Internal(anyhow::anyhow!("TOTP: {error}")))
}

/// The time step that `code` matches at `now` (its own, or one either side), if any.
fn matching_step(
    secret: &Secret,
    code: &str,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let Ok(time) = u64::try_from(now.unix_timestamp()) else {
        return Ok(None);
    };
    let step = totp(secret, None)?.check(code, time);
    Ok(step.and_then(|step| i64::try_from(step).ok()))
}

/// What was typed into the code field.
enum TypedCode {
    /// Six digits: a code of the authenticator app.
    Totp(String),
    /// Anything else: a recovery code, as its digest.
    Recovery(Vec<u8>),
}

impl TypedCode {
    fn parse(raw: &str) -> Option<Self> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            None
        } else if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            Some(Self::Totp(compact))
        } else {
            Some(Self::Recovery(recovery_digest(&compact)))
        }
    }
}

/// Fresh recovery codes like `k3m7-x9qa-p2td`: 12 characters of an alphabet without
/// look-alikes, about 60 random bits each.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
                .collect();
            chars
                .chunks(4)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The stored digest of a recovery code, however it was typed (case, dashes, spaces).
fn recovery_digest(code: &str) -> Vec<u8> {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    crypto::token_digest(&normalized)
}

/// A secret as it travels in the session.
fn encode_secret(secret: &Secret) -> String {
    URL_SAFE_NO_PAD.encode(secret.as_bytes())
}

fn decode_secret(encoded: &str) -> Option<Secret> {
    URL_SAFE_NO_PAD.decode(encoded).ok().map(Secret::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side_only() {
        let secret = Secret::from(vec![7u8; 20]);
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let app = totp(&secret, None).unwrap();
        let at = |seconds: i64| app.generate((1_800_000_000 + seconds) as u64).to_string();
        let step = 1_800_000_000 / 30;
        assert_eq!(matching_step(&secret, &at(0), now).unwrap(), Some(step));
        assert_eq!(
            matching_step(&secret, &at(-30), now).unwrap(),
            Some(step - 1)
        );
        assert_eq!(
            matching_step(&secret, &at(30), now).unwrap(),
            Some(step + 1)
        );
        assert_eq!(matching_step(&secret, &at(-120), now).unwrap(), None);
        assert_eq!(matching_step(&secret, "12345a", now).unwrap(), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert_eq!(codes[0].len(), 14);
        let typed = format!(" {} ", codes[0].to_uppercase().replace('-', " "));
        match TypedCode::parse(&typed) {
            Some(TypedCode::Recovery(digest)) => assert_eq!(digest, recovery_digest(&codes[0])),
            _ => panic!("not a recovery code"),
        }
        assert!(
            matches!(TypedCode::parse("123 456"), Some(TypedCode::Totp(code)) if code == "123456")
        );
        assert!(TypedCode::parse("  ").is_none());
    }

    #[test]
    fn the_otpauth_uri_names_the_issuer_and_the_account() {
        let secret = Secret::from(vec![1u8; 20]);
        let uri = totp(&secret, Some("ada@acme.test (acme)".into()))
            .unwrap()
            .to_url()
            .unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Frontdesk:ada%40acme.test%20%28acme%29?"),
            "{uri}"
        );
        assert!(
            uri.contains(&format!("secret={}", secret.to_base32())),
            "{uri}"
        );
        assert!(uri.contains("issuer=Frontdesk"), "{uri}");
    }
}
