//! The one application error type. It becomes a status code plus an `ErrorDetail`;
//! `web::error_page` then renders the page in the visitor's language and layout.
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("link no longer valid")]
    LinkExpired,
    #[error("forbidden")]
    Forbidden,
    /// A rule beyond the permission matrix refuses this (403), with the catalog key that
    /// says which rule.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// A request no form of ours sends (400), with the catalog key that says what is wrong.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// A form of ours that cannot be taken as sent (422) and has no page of its own to come
    /// back on, with the catalog key that says why.
    #[error("unprocessable: {0}")]
    Unprocessable(&'static str),
    #[error("login required")]
    LoginRequired { next: String },
    #[error("missing or invalid CSRF token")]
    Csrf,
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("an upload where none is taken")]
    UnsupportedUpload,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("session: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// `query(..).await.found()?`: a row of the workspace, or the 404 that a missing row and
/// another workspace's row both get.
pub trait Found<T> {
    fn found(self) -> Result<T, AppError>;
}

impl<T> Found<T> for sqlx::Result<Option<T>> {
    fn found(self) -> Result<T, AppError> {
        self?.ok_or(AppError::NotFound)
    }
}

/// What the error page says, as a message key of the translation catalog.
#[derive(Clone, Copy, Debug)]
pub struct ErrorDetail {
    pub message_key: &'static str,
}

/// How long a throttled client waits: the throttling window.
const RETRY_AFTER_SECONDS: &str = "900";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        use tower_sessions::session::Error as SessionError;
        use tower_sessions::session_store::Error as StoreError;
        let (status, message_key) = match &self {
            Self::LoginRequired { next } => return login_redirect(next),
            Self::NotFound | Self::Database(sqlx::Error::RowNotFound) => {
                (StatusCode::NOT_FOUND, "error-not-found")
            }
            Self::LinkExpired => (StatusCode::NOT_FOUND, "error-link-expired"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
            Self::Refused(message_key) => (StatusCode::FORBIDDEN, *message_key),
            Self::BadRequest(message_key) => (StatusCode::BAD_REQUEST, *message_key),
            Self::Unprocessable(message_key) => (StatusCode::UNPROCESSABLE_ENTITY, *message_key),
            Self::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
            Self::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, "error-too-many"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
            Self::UnsupportedUpload => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-no-upload"),
            // The database, or the session store in it, is not answering.
            Self::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            )
            | Self::Session(SessionError::Store(StoreError::Backend(_))) => {
                (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable")
            }
            Self::Database(_) | Self::Session(_) | Self::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = (status, axum::Extension(ErrorDetail { message_key })).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

fn login_redirect(next: &str) -> Response {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    Redirect::to(&format!("/login?{query}")).into_response()
}
