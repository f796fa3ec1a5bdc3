//! `POST /app/config/agents/{id}/2fa/reset`: an admin turns off the two-factor login of
//! an agent who lost their authenticator and recovery codes. The same role rules as for
//! editing the agent apply; one's own is turned off on one's profile, with the password.
use axum::{extract::State, response::Redirect};
use tower_sessions::Session;

use super::{
    db, lock_team_for,
    rules::{self, Person},
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::{CurrentAgent, two_factor},
    error::Found,
    web::{PathId, client::ClientAddr, flash},
};

pub(super) async fn reset_two_factor(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Redirect, AppError> {
    let mut tx = state.db.begin().await?;
    let actor = lock_team_for(&mut tx, &agent).await?;
    let target = db::member(&mut tx, agent.account_id, id).await.found()?;
    rules::may_edit(actor, Person::from(&target), target.role, 0)?;
    if target.id == agent.id {
        return Err(AppError::Refused("two-factor-reset-own"));
    }
    if two_factor::turn_off(&mut tx, agent.account_id, id).await? {
        // A reset answers a lost phone: whoever holds the agent's sessions logs in again.
        db::end_logins(&mut tx, agent.account_id, id).await?;
        let entry = Entry::new(&agent, Action::TwoFactorReset, client).subject(&target.email);
        audit::record(&mut tx, agent.account_id, &entry).await?;
        tracing::info!(agent_id = %id, "two-factor login reset by an admin");
    }
    tx.commit().await?;
    flash::success(&session, "two-factor-reset-done").await?;
    Ok(Redirect::to(&format!("/app/config/agents/{id}/edit")))
}
