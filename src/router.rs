//! Every mount point of the application and the layers around them: the whole route
//! contract of DESIGN.md reads in this file, each `/app` route with its permission.
use std::time::Duration;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower::util::option_layer;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{
        CompressionLayer,
        predicate::{DefaultPredicate, NotForContentType, Predicate},
    },
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::{SetResponseHeader, SetResponseHeaderLayer},
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::{
    AppError, AppState, agents, attachments, audit,
    auth::{self, Permission},
    billing, calls, canned, chat,
    config::{BODY_LIMIT, CONTENT_SECURITY_POLICY, UPLOAD_LIMIT},
    departments, health, kb, live, notifications, profile, reports, rules, settings, signup, sla,
    social, tags, tickets,
    web::{self, csrf, error_page},
};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// An upload of 25 MiB takes more than 30 s below about 7 Mbit/s: uploads get longer.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// What the CSRF layer must know of the features' routes.
const CSRF_ROUTES: csrf::Routes = csrf::Routes {
    framed: chat::is_visitor_path,
    uploads: |path| path == profile::PHOTO_PATH || tickets::takes_attachments(path),
};

/// A link of the panel's navigation, shown to the roles that hold its permission (and not
/// the one in `unless`, when another entry serves them better).
pub struct NavEntry {
    pub path: &'static str,
    pub label_key: &'static str,
    pub permission: Permission,
    pub unless: Option<Permission>,
}

pub const NAVIGATION: &[NavEntry] = &[
    NavEntry {
        path: "/app",
        label_key: "nav-queue",
        permission: Permission::Tickets,
        unless: None,
    },
    NavEntry {
        path: "/app/tickets",
        label_key: "nav-tickets",
        permission: Permission::Tickets,
        unless: None,
    },
    NavEntry {
        path: "/app/chats",
        label_key: "nav-chats",
        permission: Permission::Tickets,
        unless: None,
    },
    NavEntry {
        path: "/app/calls",
        label_key: "nav-calls",
        permission: Permission::Tickets,
        unless: None,
    },
    NavEntry {
        path: "/app/reports/me",
        label_key: "nav-my-report",
        permission: Permission::OwnProfile,
        unless: Some(Permission::AllReports),
    },
    NavEntry {
        path: "/app/reports",
        label_key: "nav-reports",
        permission: Permission::AllReports,
        unless: None,
    },
    NavEntry {
        path: "/app/kb",
        label_key: "nav-kb",
        permission: Permission::KnowledgeBase,
        unless: None,
    },
    NavEntry {
        path: "/app/config/agents",
        label_key: "nav-agents",
        permission: Permission::Configuration,
        unless: None,
    },
    NavEntry {
        path: "/app/config/departments",
        label_key: "nav-departments",
        permission: Permission::Configuration,
        unless: None,
    },
    NavEntry {
        path: "/app/config/settings",
        label_key: "nav-settings",
        permission: Permission::Configuration,
        unless: None,
    },
    NavEntry {
        path: "/app/config/audit",
        label_key: "nav-audit",
        permission: Permission::Configuration,
        unless: None,
    },
    NavEntry {
        path: "/app/billing",
        label_key: "nav-billing",
        permission: Permission::Billing,
        unless: None,
    },
];

pub fn app(state: AppState) -> Router {
    let panel = Router::new()
        .merge(gated(&state, Permission::Tickets, tickets::router()))
        .merge(gated(&state, Permission::Tickets, attachments::router()))
        .merge(gated(&state, Permission::Tickets, live::router()))
        .merge(gated(&state, Permission::KnowledgeBase, kb::router()))
        .merge(gated(&state, Permission::Tickets, chat::router()))
        .merge(gated(&state, Permission::Tickets, calls::router()))
        .merge(gated(&state, Permission::Tickets, social::router()))
        .merge(gated(&state, Permission::Tickets, canned::router()))
        .merge(gated(
            &state,
            Permission::OwnProfile,
            notifications::router(),
        ))
        .merge(gated(
            &state,
            Permission::OwnProfile,
            auth::own_password_router(),
        ))
        .merge(gated(
            &state,
            Permission::OwnProfile,
            auth::two_factor::own_router(),
        ))
        .merge(gated(&state, Permission::Configuration, settings::router()))
        .merge(gated(
            &state,
            Permission::Configuration,
            chat::config_router(),
        ))
        .merge(
            gated(&state, Permission::Configuration, calls::config_router()).merge(gated(
                &state,
                Permission::Configuration,
                social::config_router(),
            )),
        )
        .merge(gated(&state, Permission::Configuration, agents::router()))
        .merge(gated(
            &state,
            Permission::Configuration,
            departments::router(),
        ))
        .merge(gated(&state, Permission::Configuration, audit::router()))
        .merge(gated(&state, Permission::Configuration, tags::router()))
        .merge(gated(&state, Permission::Configuration, sla::router()))
        .merge(gated(&state, Permission::Configuration, rules::router()))
        .merge(gated(&state, Permission::OwnProfile, reports::router()))
        .merge(gated(
            &state,
            Permission::AllReports,
            reports::team_router(),
        ))
        .merge(gated(&state, Permission::Billing, billing::router()))
        .merge(gated(&state, Permission::OwnProfile, profile::router()));

    let pages = Router::new()
        .merge(signup::router())
        .merge(auth::router())
        .merge(web::language::router())
        .merge(tickets::public_router())
        .merge(attachments::public_router())
        .merge(kb::public_router())
        .merge(chat::public_router(&state))
        .merge(panel)
        .fallback(not_found)
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(
            (state.clone(), CSRF_ROUTES),
            csrf::verify,
        ))
        // csrf::verify holds other bodies to BODY_LIMIT.
        .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
        .layer(middleware::from_fn(error_page::render))
        .layer(middleware::from_fn(auth::keep_alive))
        .layer(session_layer(&state))
        .layer(middleware::from_fn(
            error_page::render_session_store_failure,
        ))
        // Pages carry personal data and CSRF tokens: never from a cache after logout.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    // Raw mail from providers: no session or CSRF token, and room for attachments.
    let inbound = tickets::inbound_router()
        .layer(DefaultBodyLimit::max(tickets::INBOUND_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(tickets::INBOUND_BODY_LIMIT));

    // The voice provider's webhooks: form posts, signed instead of a session.
    let voice = calls::webhook_router().layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    // The messaging apps' webhooks: JSON posts, signed instead of a session.
    let channels = social::webhook_router().layer(RequestBodyLimitLayer::new(BODY_LIMIT));

    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .merge(inbound)
        .merge(voice)
        .merge(channels)
        .nest_service("/static", static_files(&state))
        .merge(pages);
    with_http_stack(router, &state).with_state(state)
}

/// `/app` routes that need `permission`: the check runs before the handler, which then
/// receives the already loaded `CurrentAgent`.
fn gated(state: &AppState, permission: Permission, routes: Router<AppState>) -> Router<AppState> {
    routes.route_layer(middleware::from_fn_with_state(
        (state.clone(), permission),
        auth::require_permission,
    ))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Requests that take too long end with 503: `REQUEST_TIMEOUT`, or `UPLOAD_TIMEOUT` for an
/// upload (`multipart/form-data`), whose body may come in slowly. A response's body (a
/// download) is not limited once it has begun.
async fn time_limit(request: Request, next: Next) -> Response {
    let is_upload = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let limit = if is_upload {
        UPLOAD_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    tokio::time::timeout(limit, next.run(request))
        .await
        .unwrap_or_else(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())
}

fn session_layer(state: &AppState) -> SessionManagerLayer<auth::PgSessionStore> {
    let https = state.config.is_https();
    SessionManagerLayer::new(auth::PgSessionStore::new(state.db.clone()))
        .with_name(if https {
            "__Host-frontdesk"
        } else {
            "frontdesk"
        })
        .with_path("/")
        .with_http_only(true)
        // Strict would drop the cookie on the first click from an emailed link.
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        // `auth::session::keep_alive` gives logged-in sessions the longer timeout, and
        // moves the expiry of sessions in use forward once a minute.
        .with_expiry(Expiry::OnInactivity(auth::ANONYMOUS_TIMEOUT))
}

fn static_files(state: &AppState) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeader::if_not_present(
        ServeDir::new(&state.config.static_dir),
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    )
}

/// Tracing, request ids, limits, timeouts, compression and security headers: the same for
/// every response, pages, static files and health checks alike.
fn with_http_stack(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let request_id = HeaderName::from_static("x-request-id");
    let hsts = state.config.is_https().then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    // HTML is not compressed: a page holding the CSRF token next to text echoed from the
    // URL would open the token to BREACH-style guessing.
    let compress = DefaultPredicate::new().and(NotForContentType::const_new("text/html"));
    router
        .layer(middleware::from_fn(time_limit))
        .layer(option_layer(hsts))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(CompressionLayer::new().compress_when(compress))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(web::trace_layer())
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // The id is ours to give: one sent by the client would end up in logs and pages.
        .layer(middleware::map_request(|mut request: Request| async move {
            request.headers_mut().remove("x-request-id");
            request
        }))
}
