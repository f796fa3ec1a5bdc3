//! `CurrentAgent`, loaded once per request from the session, and the permission check
//! that every `/app` route runs before its handler.
use axum::{
    extract::{FromRequestParts, Request, State},
    http::request::Parts,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    Permission, Role, db,
    session::{ABSOLUTE_LIFETIME, current_login},
    store::AGENT_KEY,
    two_factor,
};
use crate::{
    AppError, AppState,
    format::Zone,
    i18n::Locale,
    web::{self, connection},
    workspace::{Availability, Plan, Theme},
};

/// The logged-in agent and their workspace. Every query of workspace data takes
/// `account_id` from here. Read with the session (`store`), or by `db::current_agent`.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, Deserialize)]
pub struct CurrentAgent {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Their own choice of language, or else the workspace's default.
    pub language: Locale,
    /// The workspace's default language: customers' and that of agents who have not chosen.
    pub workspace_language: Locale,
    /// The workspace's time zone (an IANA name), in which pages write dates and times.
    pub time_zone: String,
    /// The login this request belongs to (the session points at it).
    pub login_id: Uuid,
    pub workspace_slug: String,
    pub company: String,
    pub plan: Plan,
    /// Logged in with an invitation's temporary password: every `/app` page leads to
    /// `/app/password` until the agent has chosen their own.
    pub must_change_password: bool,
    pub theme: Theme,
    /// When the photo was last set; `None` without one (initials stand in).
    pub photo_updated_at: Option<OffsetDateTime>,
    /// The workspace requires two-factor login and the agent has not set it up: every
    /// other `/app` page leads to its enrolment page.
    pub must_set_up_two_factor: bool,
    /// Whether they are rung for new chats (set in the panel's header).
    pub availability: Availability,
    /// Their device is the web phone: the panel offers its window (`calls::phone`).
    pub web_phone: bool,
}

impl CurrentAgent {
    /// The workspace's time zone, in which the agent's pages write and read days.
    pub fn zone(&self) -> Zone {
        Zone::named(&self.time_zone)
    }
}

impl FromRequestParts<AppState> for CurrentAgent {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(agent) = parts.extensions.get::<Self>() {
            return Ok(agent.clone());
        }
        let session = web::session(parts, state).await?;
        let login_required = || AppError::LoginRequired {
            next: parts
                .uri
                .path_and_query()
                .map_or("/app", |p| p.as_str())
                .to_owned(),
        };
        // The session store loaded the agent with the session when its login is open.
        let mut agent = session.get::<Self>(AGENT_KEY).await?;
        if agent.is_none() {
            let Some(login) = current_login(&session).await? else {
                return Err(login_required());
            };
            // A session row saved before it named its login in columns of its own (its next
            // renewal adds them), or a login that has ended.
            agent = db::current_agent(
                &state.db,
                login.account_id,
                login.login_id,
                ABSOLUTE_LIFETIME,
            )
            .await?;
        }
        match agent {
            Some(agent) => {
                parts.extensions.insert(agent.clone());
                Ok(agent)
            }
            // Logged out elsewhere, password changed, agent deleted, or too old: log in again.
            None => {
                session.flush().await?;
                Err(login_required())
            }
        }
    }
}

/// Route layer: 303 to the login page when logged out, 403 without `permission`.
pub async fn require_permission(
    State((state, permission)): State<(AppState, Permission)>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let (mut parts, body) = request.into_parts();
    let (agent, connection) =
        connection::authenticate(CurrentAgent::from_request_parts(&mut parts, &state)).await;
    connection.keep(&mut parts);
    let agent = agent?;
    if agent.must_change_password && parts.uri.path() != super::CHANGE_PASSWORD_PATH {
        return Ok(Redirect::to(super::CHANGE_PASSWORD_PATH).into_response());
    }
    let path = parts.uri.path();
    if agent.must_set_up_two_factor
        && path != super::CHANGE_PASSWORD_PATH
        && !two_factor::open_before_enrolment(path)
    {
        return Ok(Redirect::to(two_factor::ENROL_PATH).into_response());
    }
    if !agent.role.can(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(next.run(Request::from_parts(parts, body)).await)
}

impl CurrentAgent {
    /// The agent as their login stands now, for a long-lived request (the live panel's
    /// events): `None` once the login has ended (logout, password change, deletion, age).
    pub async fn reload(&self, db: &sqlx::PgPool) -> sqlx::Result<Option<Self>> {
        db::current_agent(db, self.account_id, self.login_id, ABSOLUTE_LIFETIME).await
    }
}
