//! `PageContext`: what the base layout needs on every page (language, CSRF token, the
//! logged-in agent's navigation, flash messages), extracted once per request.
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, Method, header, request::Parts},
};

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    chat::Availability,
    i18n::Locale,
    input::{Choice, FieldErrors},
    profile::{Avatar, Theme},
    router::NAVIGATION,
    web::{self, csrf, flash, flash::Flash},
};

pub struct PageContext {
    pub locale: Locale,
    pub csrf_token: String,
    pub agent: Option<AgentBadge>,
    pub nav: Vec<NavItem>,
    pub flashes: Vec<Flash>,
}

/// Who is logged in, as the top bar shows it, and how they like the panel.
pub struct AgentBadge {
    pub name: String,
    pub company: String,
    pub avatar: Avatar,
    pub theme: Theme,
    /// The header's availability form (online, away, offline), the current one selected.
    pub availability: Vec<Choice>,
}

pub struct NavItem {
    pub path: &'static str,
    pub label_key: &'static str,
    pub current: bool,
}

impl PageContext {
    /// A context for pages rendered outside a handler (error pages): no navigation.
    pub fn bare(locale: Locale) -> Self {
        Self {
            locale,
            csrf_token: String::new(),
            agent: None,
            nav: Vec::new(),
            flashes: Vec::new(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    pub fn t_args(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        self.locale.t_args(key, args)
    }

    /// The translated message for `field`, if it failed to parse.
    pub fn field_error(&self, errors: &FieldErrors, field: &str) -> Option<String> {
        errors.get(field).map(|key| self.t(key))
    }
}

/// The language of a visitor who is not logged in.
pub fn visitor_locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = web::session(parts, state).await?;
        let agent = parts.extensions.get::<CurrentAgent>();
        let path = parts.uri.path();
        let nav = agent
            .map(|agent| {
                NAVIGATION
                    .iter()
                    .filter(|entry| {
                        agent.role.can(entry.permission)
                            && !entry.unless.is_some_and(|other| agent.role.can(other))
                    })
                    .map(|entry| NavItem {
                        path: entry.path,
                        label_key: entry.label_key,
                        current: entry.path == path
                            || (entry.path != "/app"
                                && path
                                    .strip_prefix(entry.path)
                                    .is_some_and(|rest| rest.starts_with('/'))),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A POST that re-renders its form leaves pending messages for the next page.
        let flashes = if parts.method == Method::GET {
            flash::take(&session).await?
        } else {
            Vec::new()
        };
        Ok(Self {
            locale: agent.map_or_else(|| visitor_locale(&parts.headers), |a| a.language),
            csrf_token: csrf::token(&session).await?,
            agent: agent.map(|agent| AgentBadge {
                name: agent.name.clone(),
                company: agent.company.clone(),
                avatar: Avatar::new(agent.id, &agent.name, agent.photo_updated_at),
                theme: agent.theme,
                availability: Availability::choices(agent.language, Some(agent.availability)),
            }),
            nav,
            flashes,
        })
    }
}
