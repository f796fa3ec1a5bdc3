//! CSRF protection: every session, anonymous ones too, has a secret token; every
//! state-changing request must present it as the `csrf_token` form field (or the
//! `X-CSRF-Token` header), or it is refused with 403 before any handler runs.
use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, header, request::Parts},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use crate::{
    AppError, AppState,
    config::{BODY_LIMIT, Config, UPLOAD_LIMIT},
    crypto,
};

const SESSION_KEY: &str = "csrf_token";
const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(SESSION_KEY).await? {
        return Ok(token);
    }
    let token = crypto::random_token();
    session.insert(SESSION_KEY, &token).await?;
    Ok(token)
}

/// A fresh token, at login: one seen before authentication never authorizes anything after.
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.insert(SESSION_KEY, crypto::random_token()).await?;
    Ok(())
}

/// Routes that authenticate the caller by a secret of their own, not by a browser session.
fn is_exempt(path: &str) -> bool {
    path.starts_with("/inbound/")
}

/// What the features tell this layer about their routes (`router::app` gathers it).
#[derive(Clone, Copy)]
pub struct Routes {
    /// Pages that other sites frame (the chat widget), whose posts come without cookies.
    pub framed: fn(&str) -> bool,
    /// The paths that take `multipart/form-data`; elsewhere it is refused unread.
    pub uploads: fn(&str) -> bool,
}

/// Whether a post without a session token may still pass: a visitor's chat page framed on
/// the company's site (the widget) gets no `SameSite=Lax` cookie, so no session can hold
/// its token. Such a post must come from our own page, as its `Origin` says; a form on
/// another site, or a request that names no origin, is refused like any other.
fn framed_from_our_page(parts: &Parts, config: &Config, routes: Routes) -> bool {
    (routes.framed)(parts.uri.path())
        && parts
            .headers
            .get(header::ORIGIN)
            .and_then(|origin| origin.to_str().ok())
            .is_some_and(|origin| Some(origin) == config.origin().as_deref())
}

pub async fn verify(
    State((state, routes)): State<(AppState, Routes)>,
    session: Session,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_exempt(request.uri().path()) {
        return Ok(next.run(request).await);
    }
    let expected = session.get::<String>(SESSION_KEY).await?;
    let (parts, body) = request.into_parts();
    if expected.is_none() && framed_from_our_page(&parts, &state.config, routes) {
        return Ok(next.run(Request::from_parts(parts, body)).await);
    }
    // A session that was never given a token cannot present it: refused before its body
    // is read.
    let Some(expected) = expected else {
        tracing::info!("refused a request from a session without a CSRF token");
        return Err(AppError::Csrf);
    };
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_upload = content_type.starts_with("multipart/form-data");
    if is_upload && !(routes.uploads)(parts.uri.path()) {
        return Err(AppError::UnsupportedUpload);
    }
    let limit = if is_upload { UPLOAD_LIMIT } else { BODY_LIMIT };
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let presented = match header_token {
        Some(token) => Some(token),
        None if is_upload => multipart_token(&content_type, bytes.clone()).await,
        None if content_type.starts_with("application/x-www-form-urlencoded") => {
            form_urlencoded::parse(&bytes)
                .find(|(name, _)| name == FIELD)
                .map(|(_, value)| value.into_owned())
        }
        None => None,
    };
    match presented {
        Some(presented) if crypto::constant_time_eq(expected.as_bytes(), presented.as_bytes()) => {
            Ok(next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await)
        }
        _ => {
            tracing::info!("refused a request without a valid CSRF token");
            Err(AppError::Csrf)
        }
    }
}

/// The `csrf_token` field of a `multipart/form-data` body.
async fn multipart_token(content_type: &str, body: axum::body::Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(FIELD) {
            return field.text().await.ok();
        }
    }
    None
}
