//! Changing the plan: what it costs before it happens (the preview the owner confirms),
//! and the change itself, with its history row, audit entry and emails, in one transaction.
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    Plan, SeatCost, db,
    lines::{History, prorate},
    period::{Period, day_of},
};
use crate::{departments, format};

/// What moving from `from` to `to` costs now and from the next period on.
#[derive(Clone, Copy, Debug)]
pub struct PlanChange {
    pub from: Plan,
    pub to: Plan,
    pub days_left: i64,
    /// Charged (or, when negative, credited) for the rest of this period.
    pub prorated_cents: i64,
    /// The monthly bill on the new plan from the next period on.
    pub monthly: SeatCost,
    pub next_period: Date,
}

impl PlanChange {
    /// Moving `from` to `to` on `today`, in `period` with its `history` so far, for a team
    /// of `seats`.
    pub fn new(
        from: Plan,
        to: Plan,
        period: Period,
        history: &History,
        seats: i64,
        today: Date,
    ) -> Self {
        let days_left = period.days_left(today);
        let difference = to.seat_price_cents() - from.seat_price_cents();
        Self {
            from,
            to,
            days_left,
            // Seats removed this period still count until it ends.
            prorated_cents: prorate(difference, history.seats_billed(), days_left, period.days()),
            monthly: to.cost(seats),
            next_period: period.end,
        }
    }

    pub fn is_credit(&self) -> bool {
        self.prorated_cents < 0
    }

    /// The prorated amount without its sign: the words say charge or credit.
    pub fn prorated(&self) -> String {
        format::money(self.prorated_cents.abs())
    }

    pub fn days_left(&self) -> String {
        self.days_left.to_string()
    }
}

/// What a seat added at `now` costs for the rest of its period, on the current plan.
pub struct SeatCharge {
    pub cents: i64,
    pub days_left: i64,
}

impl SeatCharge {
    pub fn at(account: &db::Account, now: OffsetDateTime) -> Self {
        let period = Period::containing(account.anchor(), day_of(now));
        let days_left = period.days_left(day_of(now));
        Self {
            cents: prorate(account.plan.seat_price_cents(), 1, days_left, period.days()),
            days_left,
        }
    }

    pub fn amount(&self) -> String {
        format::money(self.cents)
    }

    pub fn days_left(&self) -> String {
        self.days_left.to_string()
    }
}

/// Why the workspace cannot move to `to` yet: the message key and its arguments, naming
/// what to remove first. Only the free plan has limits.
pub async fn obstacle(
    conn: &mut PgConnection,
    account_id: Uuid,
    to: Plan,
) -> sqlx::Result<Option<Obstacle>> {
    let Some(limit) = to.department_limit() else {
        return Ok(None);
    };
    let departments = departments::db::names(conn, account_id).await?;
    if i64::try_from(departments.len()).unwrap_or(i64::MAX) <= limit {
        return Ok(None);
    }
    Ok(Some(Obstacle {
        limit,
        departments: departments.into_iter().map(|(_, name)| name).collect(),
    }))
}

/// The free plan's department limit, exceeded by these departments.
#[derive(Debug)]
pub struct Obstacle {
    pub limit: i64,
    pub departments: Vec<String>,
}

impl Obstacle {
    pub fn limit(&self) -> String {
        self.limit.to_string()
    }

    pub fn count(&self) -> String {
        self.departments.len().to_string()
    }

    pub fn names(&self) -> String {
        self.departments.join(", ")
    }
}
