//! What a period costs, line by line (DESIGN.md, Plans and billing): the plan times the
//! seats at the period's start, then a prorated line for each seat added and each plan
//! change during the period. A pure function of the period's history, so the billing page,
//! the plan-change preview and the invoice all agree.
use time::Date;

use super::{Period, Plan};
use crate::{format, i18n::Locale};

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum LineKind {
    Plan,
    SeatAdded,
    PlanChanged,
}

/// One line of a period's bill. `unit_cents` is a seat's monthly price (for a plan change,
/// the difference between the two prices); `days_charged` of `days_in_period` is the share
/// of the month charged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub occurred_on: Option<Date>,
    pub plan: Plan,
    pub previous_plan: Option<Plan>,
    /// Whose seat it is (their email), for a seat line.
    pub subject: String,
    pub seats: i64,
    pub unit_cents: i64,
    pub days_charged: i64,
    pub days_in_period: i64,
    pub amount_cents: i64,
}

/// What happened during a period, in order.
#[derive(Clone, Debug)]
pub enum Event {
    SeatAdded { on: Date, who: String },
    PlanChanged { on: Date, from: Plan, to: Plan },
}

/// Everything a period's bill depends on.
#[derive(Clone, Debug)]
pub struct History {
    pub plan_at_start: Plan,
    pub seats_at_start: i64,
    pub events: Vec<Event>,
}

impl History {
    /// Seats this period is billed for so far: those at its start and every one added
    /// since (a seat removed meanwhile counts until the period ends).
    pub fn seats_billed(&self) -> i64 {
        let added = self
            .events
            .iter()
            .filter(|event| matches!(event, Event::SeatAdded { .. }))
            .count();
        self.seats_at_start + i64::try_from(added).unwrap_or(i64::MAX)
    }

    /// The period's lines; lines of $0.00 (seats on the free plan) are left out.
    pub fn lines(&self, period: Period) -> Vec<Line> {
        let days = period.days();
        let mut plan = self.plan_at_start;
        // Seats removed during the period still count until it ends.
        let mut seats = self.seats_at_start;
        let mut lines = vec![Line {
            kind: LineKind::Plan,
            occurred_on: None,
            plan,
            previous_plan: None,
            subject: String::new(),
            seats,
            unit_cents: plan.seat_price_cents(),
            days_charged: days,
            days_in_period: days,
            amount_cents: seats * plan.seat_price_cents(),
        }];
        for event in &self.events {
            match event {
                Event::SeatAdded { on, who } => {
                    seats += 1;
                    let days_left = period.days_left(*on);
                    lines.push(Line {
                        kind: LineKind::SeatAdded,
                        occurred_on: Some(*on),
                        plan,
                        previous_plan: None,
                        subject: who.clone(),
                        seats: 1,
                        unit_cents: plan.seat_price_cents(),
                        days_charged: days_left,
                        days_in_period: days,
                        amount_cents: prorate(plan.seat_price_cents(), 1, days_left, days),
                    });
                }
                Event::PlanChanged { on, from, to } => {
                    plan = *to;
                    let difference = to.seat_price_cents() - from.seat_price_cents();
                    let days_left = period.days_left(*on);
                    lines.push(Line {
                        kind: LineKind::PlanChanged,
                        occurred_on: Some(*on),
                        plan: *to,
                        previous_plan: Some(*from),
                        subject: String::new(),
                        seats,
                        unit_cents: difference,
                        days_charged: days_left,
                        days_in_period: days,
                        amount_cents: prorate(difference, seats, days_left, days),
                    });
                }
            }
        }
        lines.retain(|line| line.amount_cents != 0);
        lines
    }
}

pub fn total(lines: &[Line]) -> i64 {
    lines.iter().map(|line| line.amount_cents).sum()
}

/// `monthly_cents x seats x days_left / days` in whole cents, halves rounded up (away from
/// zero, so that a change and its reverse on the same day cancel out).
pub fn prorate(monthly_cents: i64, seats: i64, days_left: i64, days: i64) -> i64 {
    if days <= 0 {
        return 0;
    }
    let numerator = i128::from(monthly_cents) * i128::from(seats) * i128::from(days_left);
    let days = i128::from(days);
    let rounded = (2 * numerator.abs() + days) / (2 * days);
    let rounded = if numerator < 0 { -rounded } else { rounded };
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

impl Line {
    /// The line in words, in `locale`.
    pub fn describe(&self, locale: &Locale) -> String {
        let plan = locale.t(self.plan.label_key());
        let seats = self.seats.to_string();
        let price = format::money(self.unit_cents.abs());
        let days = self.days_charged.to_string();
        let period_days = self.days_in_period.to_string();
        let on = self
            .occurred_on
            .map(|day| format::day(*locale, day))
            .unwrap_or_default();
        match self.kind {
            LineKind::Plan => locale.t_args(
                "billing-line-plan",
                &[("plan", &plan), ("seats", &seats), ("price", &price)],
            ),
            LineKind::SeatAdded => locale.t_args(
                "billing-line-seat",
                &[
                    ("who", &self.subject),
                    ("date", &on),
                    ("plan", &plan),
                    ("price", &price),
                    ("days", &days),
                    ("period_days", &period_days),
                ],
            ),
            LineKind::PlanChanged => {
                let from = self
                    .previous_plan
                    .map(|p| locale.t(p.label_key()))
                    .unwrap_or_default();
                locale.t_args(
                    "billing-line-change",
                    &[
                        ("from", &from),
                        ("to", &plan),
                        ("date", &on),
                        ("seats", &seats),
                        ("price", &price),
                        ("days", &days),
                        ("period_days", &period_days),
                    ],
                )
            }
        }
    }

    pub fn amount(&self) -> String {
        format::money(self.amount_cents)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn change(on: Date, from: Plan, to: Plan) -> Event {
        Event::PlanChanged { on, from, to }
    }

    fn seat(on: Date) -> Event {
        Event::SeatAdded {
            on,
            who: "new@example.test".into(),
        }
    }

    fn amounts(period: Period, plan: Plan, seats: i64, events: Vec<Event>) -> Vec<i64> {
        let history = History {
            plan_at_start: plan,
            seats_at_start: seats,
            events,
        };
        history
            .lines(period)
            .iter()
            .map(|line| line.amount_cents)
            .collect()
    }

    #[test]
    fn plan_changes_are_prorated_on_the_first_middle_and_last_day_of_every_month_length() {
        use Plan::*;
        // Periods of 28 (Feb 2027), 30 (Apr 2027) and 31 (Jan 2027) days; 3 seats.
        let feb = Period::nth(date!(2027 - 02 - 01), 0);
        let apr = Period::nth(date!(2027 - 04 - 01), 0);
        let jan = Period::nth(date!(2027 - 01 - 01), 0);
        let cases = [
            // Small -> Medium: $14.00 more per seat a month.
            (feb, date!(2027 - 02 - 01), Small, Medium, 3 * 1400),
            (feb, date!(2027 - 02 - 15), Small, Medium, 2100), // 3 x 1400 x 14/28
            (feb, date!(2027 - 02 - 28), Small, Medium, 150),  // 3 x 1400 x 1/28
            (apr, date!(2027 - 04 - 01), Small, Medium, 4200),
            (apr, date!(2027 - 04 - 16), Small, Medium, 2100), // x 15/30
            (apr, date!(2027 - 04 - 30), Small, Medium, 140),  // x 1/30
            (jan, date!(2027 - 01 - 01), Small, Medium, 4200),
            (jan, date!(2027 - 01 - 16), Small, Medium, 2168), // 4200 x 16/31 = 2167.74
            (jan, date!(2027 - 01 - 31), Small, Medium, 135),  // 4200 / 31 = 135.48
            // Large -> Small: $34.00 less per seat, a credit line.
            (feb, date!(2027 - 02 - 01), Large, Small, -10_200),
            (feb, date!(2027 - 02 - 15), Large, Small, -5100),
            (feb, date!(2027 - 02 - 28), Large, Small, -364), // 10200 / 28 = 364.29
            (apr, date!(2027 - 04 - 01), Large, Small, -10_200),
            (apr, date!(2027 - 04 - 16), Large, Small, -5100),
            (apr, date!(2027 - 04 - 30), Large, Small, -340),
            (jan, date!(2027 - 01 - 01), Large, Small, -10_200),
            (jan, date!(2027 - 01 - 16), Large, Small, -5265), // 10200 x 16/31 = 5264.52
            (jan, date!(2027 - 01 - 31), Large, Small, -329),  // 10200 / 31 = 329.03
        ];
        for (period, on, from, to, expected) in cases {
            let base = 3 * from.seat_price_cents();
            assert_eq!(
                amounts(period, from, 3, vec![change(on, from, to)]),
                vec![base, expected],
                "{from:?} -> {to:?} on {on} of a {}-day period",
                period.days()
            );
        }
    }

    #[test]
    fn a_seat_added_then_removed_is_charged_for_the_rest_of_its_period_only() {
        // The removal is no event: the seat counts until the period ends, and the next
        // period's seats at start (read from the agents) no longer include it.
        let period = Period::nth(date!(2027 - 04 - 01), 0);
        assert_eq!(
            amounts(period, Plan::Small, 2, vec![seat(date!(2027 - 04 - 21))]),
            vec![3000, 500] // 1500 x 10/30
        );
        let next = History {
            plan_at_start: Plan::Small,
            seats_at_start: 2,
            events: vec![],
        };
        assert_eq!(total(&next.lines(period.next(date!(2027 - 04 - 01)))), 3000);
    }

    #[test]
    fn several_changes_in_one_period_are_each_charged_at_the_price_of_their_day() {
        use Plan::*;
        let period = Period::nth(date!(2027 - 04 - 01), 0); // 30 days
        let lines = amounts(
            period,
            Small,
            2,
            vec![
                change(date!(2027 - 04 - 11), Small, Large), // 2 x 3400 x 20/30 = 4533.33
                seat(date!(2027 - 04 - 16)),                 // 4900 x 15/30 = 2450
                change(date!(2027 - 04 - 21), Large, Medium), // 3 x -2000 x 10/30 = -2000
            ],
        );
        assert_eq!(lines, vec![3000, 4533, 2450, -2000]);
        // Day by day: 10 days at 2 x $15, 5 at 2 x $49, 5 at 3 x $49, 10 at 3 x $29.
        let exact: f64 = (10.0 * 3000.0 + 5.0 * 9800.0 + 5.0 * 14700.0 + 10.0 * 8700.0) / 30.0;
        assert_eq!(lines.iter().sum::<i64>(), exact.round() as i64);
    }

    #[test]
    fn a_change_and_its_reverse_on_the_same_day_cancel_out() {
        use Plan::*;
        let period = Period::nth(date!(2027 - 01 - 01), 0);
        let day = date!(2027 - 01 - 20);
        let lines = amounts(
            period,
            Small,
            3,
            vec![change(day, Small, Large), change(day, Large, Small)],
        );
        assert_eq!(lines.iter().sum::<i64>(), 4500);
    }

    #[test]
    fn half_cents_round_up_away_from_zero_and_less_rounds_down() {
        assert_eq!(prorate(1, 1, 1, 2), 1); // 0.5
        assert_eq!(prorate(-1, 1, 1, 2), -1); // -0.5
        assert_eq!(prorate(3, 1, 1, 2), 2); // 1.5
        assert_eq!(prorate(5, 1, 1, 4), 1); // 1.25
        assert_eq!(prorate(7, 1, 1, 4), 2); // 1.75
        assert_eq!(prorate(-5, 1, 1, 4), -1); // -1.25
        assert_eq!(prorate(1500, 1, 0, 30), 0);
        assert_eq!(prorate(1500, 1, 1, 0), 0);
        assert_eq!(prorate(4900, 1000, 31, 31), 4_900_000);
    }

    #[test]
    fn periods_anchored_on_the_29th_to_31st_prorate_over_their_own_length() {
        use Plan::*;
        // Anchored on Jan 31: the second period is Feb 28 to Mar 31, 31 days.
        let period = Period::nth(date!(2027 - 01 - 31), 1);
        assert_eq!(period.days(), 31);
        assert_eq!(
            amounts(period, Small, 1, vec![seat(date!(2027 - 03 - 29))]),
            vec![1500, 97] // 1500 x 2/31 = 96.77
        );
        // Anchored on Jan 29 2027: the first period ends on Feb 28, 30 days.
        let period = Period::nth(date!(2027 - 01 - 29), 0);
        assert_eq!(
            amounts(
                period,
                Small,
                1,
                vec![change(date!(2027 - 02 - 26), Small, Medium)]
            ),
            vec![1500, 93] // 1400 x 2/30 = 93.33
        );
    }

    #[test]
    fn the_free_plan_bills_nothing() {
        let period = Period::nth(date!(2027 - 04 - 01), 0);
        assert!(amounts(period, Plan::Free, 5, vec![seat(date!(2027 - 04 - 02))]).is_empty());
    }
}
