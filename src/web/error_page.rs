//! Renders every error response that is not already a page (from `AppError`, a rejected
//! extractor, the body limit, an unknown route) as an HTML page in the site's layout,
//! in the visitor's language.
use askama::Template;
use axum::{
    body::Body,
    extract::Request,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use tower_sessions::Session;

use crate::{
    auth,
    error::ErrorDetail,
    web::{
        self, PageContext,
        context::{browser_locale, visitor_locale},
    },
};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    status: u16,
    message_key: &'static str,
    request_id: Option<String>,
    logged_in: bool,
}

pub async fn render(session: Session, request: Request, next: Next) -> Response {
    let request_id = web::request_id(request.headers()).map(str::to_owned);
    let accept_language = request.headers().get(header::ACCEPT_LANGUAGE).cloned();
    let response = next.run(request).await;

    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_html(&response) {
        return response;
    }
    // Read only for an error page: a page view that succeeds leaves the session to the
    // handler, which loads it on the connection it then uses (`web::connection`).
    let login = auth::session_login(&session).await;
    let locale = match &login {
        Some(login) => login.language,
        None => {
            let headers = HeaderMap::from_iter(
                accept_language.map(|language| (header::ACCEPT_LANGUAGE, language)),
            );
            visitor_locale(&session, &headers).await
        }
    };
    let message_key = response
        .extensions()
        .get::<ErrorDetail>()
        .map_or_else(|| default_message_key(status.as_u16()), |d| d.message_key);
    let page = ErrorPage {
        ctx: PageContext::bare(locale),
        status: status.as_u16(),
        message_key,
        request_id: status.is_server_error().then_some(request_id).flatten(),
        logged_in: login.is_some(),
    };
    with_page(response, &page)
}

/// Outside the session layer: the session could not be saved, which means its store,
/// PostgreSQL, is not answering. That is a 503 like any other database outage.
pub async fn render_session_store_failure(request: Request, next: Next) -> Response {
    let locale = browser_locale(request.headers());
    let request_id = web::request_id(request.headers()).map(str::to_owned);
    let mut response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || is_html(&response) {
        return response;
    }
    tracing::error!("the session could not be saved");
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let page = ErrorPage {
        ctx: PageContext::bare(locale),
        status: StatusCode::SERVICE_UNAVAILABLE.as_u16(),
        message_key: "error-unavailable",
        request_id,
        logged_in: false,
    };
    with_page(response, &page)
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

/// `response` with its body replaced by `page`, status and other headers kept.
fn with_page(response: Response, page: &ErrorPage) -> Response {
    let Ok(html) = page.render() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(html))
}

fn default_message_key(status: u16) -> &'static str {
    match status {
        400 | 415 | 422 => "error-bad-request",
        403 => "error-forbidden",
        404 | 405 => "error-not-found",
        413 => "error-too-large",
        429 => "error-too-many",
        503 => "error-unavailable",
        _ => "error-internal",
    }
}
