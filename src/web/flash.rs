//! One-time messages shown on the next page ("Settings saved."), kept in the session.
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::AppError;

const KEY: &str = "flash";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    /// `success` or `error`, also the CSS class.
    pub kind: String,
    pub message_key: String,
    /// The message's arguments, by name ("12 updated, 2 skipped").
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

pub async fn success(session: &Session, message_key: &str) -> Result<(), AppError> {
    push(session, "success", message_key, &[]).await
}

pub async fn success_with(
    session: &Session,
    message_key: &str,
    args: &[(&str, String)],
) -> Result<(), AppError> {
    push(session, "success", message_key, args).await
}

async fn push(
    session: &Session,
    kind: &str,
    message_key: &str,
    args: &[(&str, String)],
) -> Result<(), AppError> {
    let mut flashes: Vec<Flash> = session.get(KEY).await?.unwrap_or_default();
    flashes.push(Flash {
        kind: kind.to_owned(),
        message_key: message_key.to_owned(),
        args: args
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect(),
    });
    session.insert(KEY, flashes).await?;
    Ok(())
}

/// The messages waiting, removed. Looked at first: removing marks the session changed,
/// and a page without a message must not write it.
pub async fn take(session: &Session) -> Result<Vec<Flash>, AppError> {
    if session.get_value(KEY).await?.is_none() {
        return Ok(Vec::new());
    }
    Ok(session.remove(KEY).await?.unwrap_or_default())
}
