//! Shared page plumbing: the page context every template gets, navigation, flash messages,
//! CSRF, error pages and request tracing.
pub mod client;
pub mod connection;
pub mod context;
pub mod csrf;
pub mod error_page;
pub mod extract;
pub mod flash;
pub mod language;

use axum::{
    extract::{FromRequestParts, MatchedPath},
    http::{HeaderMap, Request, request::Parts},
};
use tower_http::{
    classify::{ServerErrorsAsFailures, SharedClassifier},
    trace::{DefaultOnResponse, MakeSpan, TraceLayer},
};
use tower_sessions::Session;
use tracing::Level;

pub use context::PageContext;

use crate::web::extract::Path;
use crate::{AppError, AppState};

/// The request's session; the session layer puts it there for every page route.
pub async fn session(parts: &mut Parts, state: &AppState) -> Result<Session, AppError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, message)| AppError::Internal(anyhow::anyhow!(message)))
}

/// The `{id}` of a path like `/app/config/agents/{id}/edit`. Anything that is not an id
/// is a page that does not exist (404), like another workspace's id.
pub struct PathId(pub uuid::Uuid);

impl FromRequestParts<AppState> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        raw.parse().map(Self).map_err(|_| AppError::NotFound)
    }
}

/// The id `SetRequestIdLayer` gave the request, also shown on 500 pages.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// A span per request with the method and the matched route (never the raw path, which
/// may carry a reset token); the response event adds status and latency.
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RouteSpan> {
    TraceLayer::new_for_http()
        .make_span_with(RouteSpan)
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

#[derive(Clone, Copy)]
pub struct RouteSpan;

impl<B> MakeSpan<B> for RouteSpan {
    fn make_span(&mut self, request: &Request<B>) -> tracing::Span {
        let route = match request.extensions().get::<MatchedPath>() {
            Some(matched) => matched.as_str(),
            None if request.uri().path().starts_with("/static/") => "/static/",
            None => "(unmatched)",
        };
        let request_id = request_id(request.headers()).unwrap_or_default();
        tracing::info_span!("request", method = %request.method(), route, request_id)
    }
}
