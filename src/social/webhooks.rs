//! The providers' webhooks, `/channels/…`. Each request is checked before anything is read
//! or written: Telegram's by the secret token it echoes (`X-Telegram-Bot-Api-Secret-Token`),
//! Meta's by the HMAC of the raw body under the app's secret (`X-Hub-Signature-256`). A
//! failed check is 403 and changes nothing; an unknown address is 404. A delivery is
//! answered once it is stored: files are fetched afterwards, from the outbox.
use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    db::{self, Connection},
    inbox, meta,
};
use crate::{AppError, AppState, tickets::Channel};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

async fn channel(state: &AppState, token: &str) -> Result<Connection, AppError> {
    db::by_token(&mut *state.db.acquire().await?, token)
        .await?
        .ok_or(AppError::NotFound)
}

/// `POST /channels/telegram/{channel_token}`: an `Update` of the bot.
pub(super) async fn telegram(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let channel = channel(&state, &token).await?;
    let given = crate::crypto::token_digest(header(&headers, "x-telegram-bot-api-secret-token"));
    // Compared as digests: equal length, and nothing learned from the time it takes.
    let signed = channel.kind == Channel::Telegram
        && channel
            .secret_digest
            .as_deref()
            .is_some_and(|digest| crate::crypto::constant_time_eq(digest, &given));
    if !signed {
        tracing::warn!(account_id = %channel.account_id, "telegram webhook: bad secret token");
        return Err(AppError::Forbidden);
    }
    accept(&state, &channel, &body).await
}

#[derive(Debug, Deserialize)]
pub(super) struct Verification {
    #[serde(rename = "hub.mode", default)]
    mode: String,
    #[serde(rename = "hub.verify_token", default)]
    verify_token: String,
    #[serde(rename = "hub.challenge", default)]
    challenge: String,
}

/// `GET /channels/meta/{channel_token}`: Meta checks the callback address once, when the
/// admin saves it in the app's webhook settings, by the verify token the channels page
/// shows; the challenge comes back as it came.
pub(super) async fn meta_verify(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<Verification>,
) -> Result<Response, AppError> {
    let channel = channel(&state, &token).await?;
    let matches = crate::crypto::constant_time_eq(
        query.verify_token.as_bytes(),
        channel.verify_token.as_bytes(),
    );
    if query.mode != "subscribe" || !matches || channel.kind == Channel::Telegram {
        return Err(AppError::Forbidden);
    }
    Ok(query.challenge.into_response())
}

/// `POST /channels/meta/{channel_token}`: WhatsApp's or Messenger's notifications.
pub(super) async fn meta(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let channel = channel(&state, &token).await?;
    let app_secret = state
        .config
        .secret_key
        .as_ref()
        .zip(channel.app_secret.as_deref())
        .and_then(|(key, sealed)| key.open(sealed, channel.account_id));
    let signature = header(&headers, "x-hub-signature-256");
    if !app_secret.is_some_and(|secret| meta::is_signed(&secret, &body, signature)) {
        tracing::warn!(account_id = %channel.account_id, "meta webhook: bad signature");
        return Err(AppError::Forbidden);
    }
    accept(&state, &channel, &body).await
}

/// A checked delivery goes to the inbox and is answered at once.
async fn accept(state: &AppState, channel: &Connection, body: &[u8]) -> Result<Response, AppError> {
    inbox::store(&mut *state.db.acquire().await?, channel, body).await?;
    Ok(StatusCode::OK.into_response())
}
