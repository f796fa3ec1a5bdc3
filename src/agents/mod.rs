//! The team of a workspace at `/app/config/agents` (admins and owners): the list, invitations
//! with emailed temporary passwords, edits and role changes, deletion.
pub mod db;
mod delete;
mod edit;
pub(crate) mod form;
mod invite;
mod list;
mod rules;
mod two_factor;

use axum::{
    Router,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};

use sqlx::PgConnection;

use crate::{
    AppError, AppState,
    auth::{CurrentAgent, Permission},
    i18n::Locale,
    input::Choice,
};

pub use invite::INVITATION_LIFETIME;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Gender {
    Female,
    Male,
    Other,
    #[default]
    Unspecified,
}

impl Gender {
    pub const ALL: [Self; 4] = [Self::Female, Self::Male, Self::Other, Self::Unspecified];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
            Self::Unspecified => "unspecified",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Female => "gender-female",
            Self::Male => "gender-male",
            Self::Other => "gender-other",
            Self::Unspecified => "gender-unspecified",
        }
    }

    /// Every gender as a choice in `locale`, the one coded `selected` marked.
    pub fn choices(locale: Locale, selected: &str) -> Vec<Choice> {
        Self::ALL
            .into_iter()
            .map(|g| Choice::new(g.as_str(), locale.t(g.label_key()), g.as_str() == selected))
            .collect()
    }
}

impl From<&CurrentAgent> for rules::Person {
    fn from(agent: &CurrentAgent) -> Self {
        Self {
            id: agent.id,
            role: agent.role,
        }
    }
}

impl From<&db::TeamMember> for rules::Person {
    fn from(member: &db::TeamMember) -> Self {
        Self {
            id: member.id,
            role: member.role,
        }
    }
}

/// Locks the team for the rest of the transaction and returns the actor as they are now: a
/// role change or a deletion committed a moment ago counts, not the role the request began
/// with. Of two owners demoting each other at once, the second is then refused.
async fn lock_team_for(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
) -> Result<rules::Person, AppError> {
    db::lock_team(conn, agent.account_id).await?;
    let actor = db::member(conn, agent.account_id, agent.id)
        .await?
        .filter(|actor| actor.role.can(Permission::Configuration))
        .ok_or(AppError::Forbidden)?;
    Ok((&actor).into())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/config/agents", get(list::show_team))
        .route(
            "/app/config/agents/new",
            get(invite::show_invite).post(invite::invite),
        )
        .route(
            "/app/config/agents/{id}/edit",
            get(edit::show_edit).post(edit::update),
        )
        .route(
            "/app/config/agents/{id}/invitation",
            post(invite::resend_invitation),
        )
        .route(
            "/app/config/agents/{id}/2fa/reset",
            post(two_factor::reset_two_factor),
        )
        .route(
            "/app/config/agents/{id}/delete",
            get(delete::confirm_delete).post(delete::delete),
        )
}
