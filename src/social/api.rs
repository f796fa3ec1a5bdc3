//! What the providers' APIs have in common: an HTTP client that follows no redirect and
//! gives up after a while, answers read as JSON, and what a refusal means for us. Tokens
//! travel in URLs (Telegram's) and headers: no error message ever carries either.
use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

use crate::attachments;

/// A call with a JSON answer: short enough that a connect form's two calls end well
/// within a page's time.
const API_TIMEOUT: Duration = Duration::from_secs(10);
/// Sending a file (up to 25 MiB), and fetching one.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(25);
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(25);

/// Why a provider's API did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not reached, too many requests, or the provider's own failure: worth trying again.
    #[error("{0}")]
    Temporary(String),
    /// The token is no longer accepted: the channel is broken until connected again.
    #[error("{0}")]
    Revoked(String),
    /// This request is refused (the customer blocked the bot, the window has closed...).
    #[error("{0}")]
    Refused(String),
}

pub fn client() -> Result<reqwest::Client, ApiError> {
    // reqwest is built without a TLS provider of its own: ring, as for sqlx and lettre.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(API_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Frontdesk")
        .build()
        .map_err(|error| ApiError::Temporary(error.to_string()))
}

/// Sends `request`; its answer's status and JSON body (`Null` when it is not JSON).
pub async fn send(request: RequestBuilder) -> Result<(StatusCode, Value), ApiError> {
    let response = request.send().await.map_err(unreached)?;
    let status = response.status();
    let body = response.bytes().await.map_err(unreached)?;
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

/// Sends `request` for a file's bytes, read as they come and refused past what a
/// message may carry (`attachments::MAX_BYTES`).
pub async fn download(request: RequestBuilder) -> Result<Vec<u8>, ApiError> {
    let too_large = || ApiError::Refused("the file is larger than a message may carry".into());
    let mut response = request
        .timeout(DOWNLOAD_TIMEOUT)
        .send()
        .await
        .map_err(unreached)?;
    let status = response.status();
    if !status.is_success() {
        return Err(by_status(
            status,
            format!("the file's address answered {status}"),
        ));
    }
    if response
        .content_length()
        .is_some_and(|length| length > attachments::MAX_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreached)? {
        if bytes.len() + chunk.len() > attachments::MAX_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn unreached(error: reqwest::Error) -> ApiError {
    ApiError::Temporary(format!("not reached: {}", error.without_url()))
}

/// A refusal by its HTTP status alone: 401 is a token no longer valid, 429 and 5xx pass.
pub fn by_status(status: StatusCode, reason: String) -> ApiError {
    match status.as_u16() {
        401 => ApiError::Revoked(reason),
        429 | 500..=599 => ApiError::Temporary(reason),
        _ => ApiError::Refused(reason),
    }
}

/// `text` in parts of at most `limit` characters (the providers' longest message), cut
/// after a line where one ends late enough.
pub fn parts(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let end = rest
            .char_indices()
            .nth(limit)
            .map_or(rest.len(), |(index, _)| index);
        let cut = if end == rest.len() {
            end
        } else {
            match rest[..end].rfind('\n') {
                Some(newline) if newline > end / 2 => newline,
                _ => end,
            }
        };
        parts.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_goes_in_parts_cut_at_lines() {
        assert_eq!(parts("hello", 10), ["hello"]);
        assert!(parts("  ", 10).is_empty());
        assert_eq!(parts("aaaaa\nbbbbbbb", 8), ["aaaaa", "bbbbbbb"]);
        // A line ending early is not worth a part that short.
        assert_eq!(parts("a\nbcdefghij", 8), ["a\nbcdefg", "hij"]);
        assert_eq!(parts("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        // Characters, not bytes.
        assert_eq!(parts("退款退款退款", 4), ["退款退款", "退款"]);
    }

    #[test]
    fn statuses_say_what_a_refusal_means() {
        assert!(matches!(
            by_status(StatusCode::UNAUTHORIZED, String::new()),
            ApiError::Revoked(_)
        ));
        assert!(matches!(
            by_status(StatusCode::TOO_MANY_REQUESTS, String::new()),
            ApiError::Temporary(_)
        ));
        assert!(matches!(
            by_status(StatusCode::BAD_GATEWAY, String::new()),
            ApiError::Temporary(_)
        ));
        assert!(matches!(
            by_status(StatusCode::FORBIDDEN, String::new()),
            ApiError::Refused(_)
        ));
    }
}
