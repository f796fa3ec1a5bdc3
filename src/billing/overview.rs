//! `/app/billing`: the plan, the seats and what they cost, the current period's lines so
//! far, the four plans side by side; with `?plan=`, what a change would cost, to confirm.
//! `POST /app/billing/plan` makes the change.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    Plan, SeatCost,
    change::{Obstacle, PlanChange, obstacle},
    db,
    lines::{self, Line},
    notice,
    period::{Period, day_of},
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    format, mail,
    web::{
        PageContext,
        client::ClientAddr,
        extract::{Form, Query},
        flash,
    },
};

#[derive(Deserialize)]
pub(super) struct PlanChoice {
    #[serde(default)]
    plan: String,
}

/// A plan in the comparison, with what this workspace would pay on it.
struct PlanOffer {
    plan: Plan,
    cost: SeatCost,
    current: bool,
}

/// What the page says about the chosen plan: the change to confirm, or why it can't be.
enum Proposal {
    Confirm(PlanChange),
    Refused { to: Plan, obstacle: Obstacle },
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/overview.html")]
pub(super) struct OverviewPage {
    ctx: PageContext,
    cost: SeatCost,
    period: Period,
    lines: Vec<Line>,
    accrued_cents: i64,
    offers: Vec<PlanOffer>,
    proposal: Option<Proposal>,
}

impl OverviewPage {
    fn accrued(&self) -> String {
        format::money(self.accrued_cents)
    }

    fn starts(&self) -> String {
        self.ctx.day(self.period.start)
    }

    fn ends(&self) -> String {
        self.ctx.day(self.period.last_day())
    }

    fn next_invoice(&self) -> String {
        self.ctx.day(self.period.end)
    }
}

async fn overview_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    chosen: Option<Plan>,
) -> Result<OverviewPage, AppError> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let account = db::account(&mut conn, agent.account_id).await?;
    let seats = db::seats(&mut conn, agent.account_id).await?;
    let period = Period::containing(account.anchor(), day_of(now));
    let history = db::history(&mut conn, agent.account_id, &account, period).await?;
    let lines = history.lines(period);
    let proposal = match chosen {
        Some(to) if to != account.plan => {
            Some(match obstacle(&mut conn, agent.account_id, to).await? {
                Some(obstacle) => Proposal::Refused { to, obstacle },
                None => Proposal::Confirm(PlanChange::new(
                    account.plan,
                    to,
                    period,
                    &history,
                    seats,
                    day_of(now),
                )),
            })
        }
        _ => None,
    };
    Ok(OverviewPage {
        ctx,
        cost: account.plan.cost(seats),
        period,
        accrued_cents: lines::total(&lines),
        lines,
        offers: Plan::ALL
            .into_iter()
            .map(|plan| PlanOffer {
                plan,
                cost: plan.cost(seats),
                current: plan == account.plan,
            })
            .collect(),
        proposal,
    })
}

pub(super) async fn show_overview(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(choice): Query<PlanChoice>,
) -> Result<OverviewPage, AppError> {
    overview_page(&state, ctx, &agent, Plan::parse(&choice.plan)).await
}

pub(super) async fn change_plan(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(choice): Form<PlanChoice>,
) -> Result<Response, AppError> {
    let Some(to) = Plan::parse(&choice.plan) else {
        let page = overview_page(&state, ctx, &agent, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    let account = db::lock_account(&mut tx, agent.account_id).await?;
    // Read under the lock: changes of one workspace are recorded in the order they hold.
    let now = state.clock.now();
    if account.plan == to {
        // A second click on the confirmation: the first one did it.
        flash::success(&session, "billing-plan-unchanged").await?;
        return Ok(Redirect::to("/app/billing").into_response());
    }
    if obstacle(&mut tx, agent.account_id, to).await?.is_some() {
        drop(tx);
        let page = overview_page(&state, ctx, &agent, Some(to)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let period = Period::containing(account.anchor(), day_of(now));
    let history = db::history(&mut tx, agent.account_id, &account, period).await?;
    let seats = db::seats(&mut tx, agent.account_id).await?;
    let change = PlanChange::new(account.plan, to, period, &history, seats, day_of(now));
    db::record_plan_change(&mut tx, agent.account_id, account.plan, to, agent.id, now).await?;
    let detail = format!("{} → {}", account.plan.as_str(), to.as_str());
    let entry = Entry::new(&agent, Action::PlanChanged, client).detail(&detail);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    let link = state.config.link("/app/billing");
    for owner in db::owners(&mut tx, agent.account_id).await? {
        let email = notice::plan_changed(&owner, &account.company, &agent.name, &change, &link)?;
        mail::enqueue(&mut tx, agent.account_id, &email).await?;
    }
    tx.commit().await?;
    tracing::info!(
        from = account.plan.as_str(),
        to = to.as_str(),
        "plan changed"
    );
    flash::success(&session, "billing-plan-changed").await?;
    Ok(Redirect::to("/app/billing").into_response())
}
