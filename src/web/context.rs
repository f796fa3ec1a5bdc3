//! `PageContext`: what the base layout needs on every page (language, time zone, CSRF token,
//! the logged-in agent's navigation, flash messages), extracted once per request.
use std::borrow::Borrow;

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, Method, header, request::Parts},
};
use time::{Date, OffsetDateTime};
use tower_sessions::Session;

use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    format::{self, Zone},
    i18n::Locale,
    input::{Choice, FieldErrors},
    router::NAVIGATION,
    web::{self, csrf, flash, flash::Flash},
    workspace::{Availability, Avatar, Theme},
};

pub struct PageContext {
    pub locale: Locale,
    /// The workspace's time zone; UTC for pages of no workspace.
    pub zone: Zone,
    pub csrf_token: String,
    pub agent: Option<AgentBadge>,
    pub nav: Vec<NavItem>,
    pub flashes: Vec<Flash>,
    /// On pages seen before logging in: the language switch, which leads back to this path.
    pub language_switch: Option<String>,
}

/// Who is logged in, as the top bar shows it, and how they like the panel.
pub struct AgentBadge {
    pub name: String,
    pub company: String,
    pub avatar: Avatar,
    pub theme: Theme,
    /// The header's availability form (online, away, offline), the current one selected.
    pub availability: Vec<Choice>,
    /// Their device is the web phone: the menu opens its window.
    pub web_phone: bool,
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
            zone: Zone::default(),
            csrf_token: String::new(),
            agent: None,
            nav: Vec::new(),
            flashes: Vec::new(),
            language_switch: None,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    /// A one-time message in the reader's language.
    pub fn flash_text(&self, flash: &Flash) -> String {
        let args: Vec<(&str, &str)> = flash
            .args
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        self.t_args(&flash.message_key, &args)
    }

    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.locale.t_args(key, args)
    }

    /// A page of a workspace's public side (help center, contact form, customer's ticket,
    /// chat): in the workspace's default language and time zone, whoever reads it.
    pub fn for_workspace(self, language: Locale, time_zone: &str) -> Self {
        Self {
            locale: language,
            zone: Zone::named(time_zone),
            language_switch: None,
            ..self
        }
    }

    /// A moment to the minute in the page's language and time zone.
    pub fn datetime(&self, moment: impl Borrow<OffsetDateTime>) -> String {
        format::datetime(self.locale, &self.zone, *moment.borrow())
    }

    /// The day of a moment in the page's language and time zone.
    pub fn date(&self, moment: impl Borrow<OffsetDateTime>) -> String {
        format::date(self.locale, &self.zone, *moment.borrow())
    }

    /// The day of a moment in the time zone as a date input takes it (`2026-11-26`); empty
    /// for none.
    pub fn form_date(&self, moment: impl Borrow<Option<OffsetDateTime>>) -> String {
        moment
            .borrow()
            .map(|moment| format::iso_day(self.zone.local(moment).date()))
            .unwrap_or_default()
    }

    /// A calendar day in the page's language.
    pub fn day(&self, day: impl Borrow<Date>) -> String {
        format::day(self.locale, *day.borrow())
    }

    /// The languages of the switch, each named in itself, the page's marked.
    pub fn languages(&self) -> Vec<Choice> {
        Locale::options(self.locale.code())
    }

    /// The translated message for `field`, if it failed to parse.
    pub fn field_error(&self, errors: &FieldErrors, field: &str) -> Option<String> {
        errors.get(field).map(|key| self.t(key))
    }
}

/// The session key of the language a visitor chose with the switch of the login pages.
const VISITOR_LANGUAGE: &str = "language";

/// The language of a visitor who is not logged in: the one they chose with the switch,
/// or else their browser's.
pub async fn visitor_locale(session: &Session, headers: &HeaderMap) -> Locale {
    match session.get::<Locale>(VISITOR_LANGUAGE).await {
        Ok(Some(chosen)) => chosen,
        _ => browser_locale(headers),
    }
}

/// The first language of the browser's `Accept-Language` that we speak.
pub fn browser_locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_accept_language)
        .unwrap_or_default()
}

/// Remembers the visitor's choice of language for the rest of their session.
pub async fn choose_visitor_locale(session: &Session, language: Locale) -> Result<(), AppError> {
    session.insert(VISITOR_LANGUAGE, language).await?;
    Ok(())
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
        let locale = match agent {
            Some(agent) => agent.language,
            None => visitor_locale(&session, &parts.headers).await,
        };
        Ok(Self {
            locale,
            zone: agent.map_or_else(Zone::default, CurrentAgent::zone),
            csrf_token: csrf::token(&session).await?,
            agent: agent.map(|agent| AgentBadge {
                name: agent.name.clone(),
                company: agent.company.clone(),
                avatar: Avatar::new(agent.id, &agent.name, agent.photo_updated_at),
                theme: agent.theme,
                availability: Availability::choices(agent.language, Some(agent.availability)),
                web_phone: agent.web_phone,
            }),
            nav,
            flashes,
            language_switch: agent.is_none().then(|| {
                parts
                    .uri
                    .path_and_query()
                    .map_or("/login", |p| p.as_str())
                    .to_owned()
            }),
        })
    }
}
