//! `/app/config/agents/{id}/delete`: a confirmation page, then the deletion. The agent's
//! sessions end at once; their row stays so that their messages keep their author.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    db::{self, TeamMember},
    lock_team_for,
    rules::{self, Person},
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    billing::{self, SeatCost},
    error::Found,
    web::{PageContext, PathId, client::ClientAddr, flash},
};

#[derive(Template, WebTemplate)]
#[template(path = "agents/delete.html")]
pub(super) struct DeletePage {
    ctx: PageContext,
    target: TeamMember,
    /// The team's cost once the seat is freed.
    cost_after: SeatCost,
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DeletePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let target = db::member(&mut conn, agent.account_id, id).await.found()?;
    let owners = db::owners(&mut conn, agent.account_id).await?;
    rules::may_delete((&agent).into(), Person::from(&target), owners)?;
    let plan = billing::db::plan(&mut conn, agent.account_id).await?;
    let seats = billing::db::seats(&mut conn, agent.account_id).await?;
    Ok(DeletePage {
        ctx,
        target,
        cost_after: plan.cost(seats - 1),
    })
}

pub(super) async fn delete(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let actor = lock_team_for(&mut tx, &agent).await?;
    let target = db::member(&mut tx, agent.account_id, id).await.found()?;
    let owners = db::owners(&mut tx, agent.account_id).await?;
    rules::may_delete(actor, Person::from(&target), owners)?;
    db::delete_member(&mut tx, agent.account_id, id, state.clock.now()).await?;
    let entry = Entry::new(&agent, Action::AgentDeleted, client)
        .subject(&target.email)
        .detail(&target.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    tracing::info!(agent_id = %id, "agent deleted");
    flash::success(&session, "agents-deleted").await?;
    Ok(Redirect::to("/app/config/agents").into_response())
}
