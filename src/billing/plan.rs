use crate::format;
pub use crate::workspace::Plan;

/// What a plan costs and allows.
impl Plan {
    /// Price of one seat (one agent that is not deleted) for a month.
    pub fn seat_price_cents(self) -> i64 {
        match self {
            Self::Free => 0,
            Self::Small => 1500,
            Self::Medium => 2900,
            Self::Large => 4900,
        }
    }

    /// How many departments the plan allows; `None` for no limit.
    pub fn department_limit(self) -> Option<i64> {
        match self {
            Self::Free => Some(1),
            Self::Small | Self::Medium | Self::Large => None,
        }
    }

    pub fn cost(self, seats: i64) -> SeatCost {
        SeatCost { plan: self, seats }
    }
}

/// What `seats` seats cost a month on `plan`, with the words to say it.
#[derive(Clone, Copy, Debug)]
pub struct SeatCost {
    pub plan: Plan,
    pub seats: i64,
}

impl SeatCost {
    pub fn monthly_cents(self) -> i64 {
        self.seats * self.plan.seat_price_cents()
    }

    pub fn is_free(self) -> bool {
        self.plan.seat_price_cents() == 0
    }

    pub fn seats(self) -> String {
        self.seats.to_string()
    }

    pub fn seat_price(self) -> String {
        format::money(self.plan.seat_price_cents())
    }

    pub fn monthly(self) -> String {
        format::money(self.monthly_cents())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_costs_the_seats_times_the_plan_price() {
        assert_eq!(Plan::Small.cost(4).monthly(), "$60.00");
        assert_eq!(Plan::Large.cost(3).monthly_cents(), 14_700);
        assert!(Plan::Free.cost(40).is_free());
        assert_eq!(Plan::Free.cost(40).monthly_cents(), 0);
    }
}
