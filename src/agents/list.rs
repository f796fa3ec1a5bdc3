//! `/app/config/agents`: the team, filtered by role, department or a search, with what its
//! seats cost a month.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;

use super::db::{self, ListedAgent, TeamFilter};
use crate::{
    AppError, AppState,
    auth::{CurrentAgent, Role},
    billing::{self, SeatCost},
    departments,
    input::Choice,
    web::{PageContext, extract::Query},
};

/// The filters as typed; anything that is not a role or a department filters nothing.
#[derive(Deserialize, Default)]
pub struct TeamQuery {
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "agents/list.html")]
pub(super) struct TeamPage {
    ctx: PageContext,
    agent: CurrentAgent,
    team: Vec<ListedAgent>,
    filtered: bool,
    query: TeamQuery,
    roles: Vec<Choice>,
    departments: Vec<Choice>,
    cost: SeatCost,
}

pub(super) async fn show_team(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<TeamQuery>,
) -> Result<TeamPage, AppError> {
    let filter = TeamFilter {
        role: Role::ALL.into_iter().find(|r| r.as_str() == query.role),
        department: query.department.parse().ok(),
        search: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
    };
    let team = db::team(&state.db, agent.account_id, &filter).await?;
    let mut conn = state.db.acquire().await?;
    let plan = billing::db::plan(&mut conn, agent.account_id).await?;
    let seats = billing::db::seats(&mut conn, agent.account_id).await?;
    let departments = Choice::rows(
        departments::db::names(&mut conn, agent.account_id).await?,
        |id| filter.department == Some(id),
    );
    let roles = Role::ALL
        .into_iter()
        .map(|role| {
            Choice::new(
                role.as_str(),
                ctx.t(role.label_key()),
                filter.role == Some(role),
            )
        })
        .collect();
    Ok(TeamPage {
        filtered: filter.role.is_some() || filter.department.is_some() || filter.search.is_some(),
        ctx,
        agent,
        team,
        query,
        roles,
        departments,
        cost: plan.cost(seats),
    })
}
