//! Billing periods: monthly from the day the workspace was created, in UTC. A period runs
//! from its first day (included) to the next period's first day (excluded); an anchor on
//! the 29th to 31st falls on the last day of shorter months.
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    /// The first day of the next period.
    pub end: Date,
}

impl Period {
    /// The `index`th period (0 is the first) of a workspace created on `anchor`.
    pub fn nth(anchor: Date, index: u32) -> Self {
        Self {
            start: months_after(anchor, index),
            end: months_after(anchor, index + 1),
        }
    }

    /// The period that holds `day`; the first one for days before the anchor.
    pub fn containing(anchor: Date, day: Date) -> Self {
        let months = (day.year() - anchor.year()) * 12 + i32::from(u8::from(day.month()))
            - i32::from(u8::from(anchor.month()));
        // The month count is right or one too many (when `day` is before the anchor's
        // day in its month): step back until the period starts on or before `day`.
        let mut index = u32::try_from(months.max(0)).unwrap_or(0);
        while index > 0 && months_after(anchor, index) > day {
            index -= 1;
        }
        Self::nth(anchor, index)
    }

    /// The period after this one, for a workspace created on `anchor`.
    pub fn next(self, anchor: Date) -> Self {
        Self::containing(anchor, self.end)
    }

    pub fn days(self) -> i64 {
        (self.end - self.start).whole_days()
    }

    /// Days from `day` (included) to the period's end: what a change on `day` is charged.
    pub fn days_left(self, day: Date) -> i64 {
        (self.end - day.clamp(self.start, self.end)).whole_days()
    }

    /// The last day of the period, as invoices print it.
    pub fn last_day(self) -> Date {
        self.end.previous_day().unwrap_or(self.end)
    }

    pub fn starts_at(self) -> OffsetDateTime {
        midnight(self.start)
    }

    /// The moment the period is over and its invoice due.
    pub fn ends_at(self) -> OffsetDateTime {
        midnight(self.end)
    }
}

/// The UTC day of a moment: periods are counted in UTC days.
pub fn day_of(moment: OffsetDateTime) -> Date {
    moment.to_offset(time::UtcOffset::UTC).date()
}

fn midnight(day: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_utc()
}

/// `anchor` moved `months` months on, its day kept or, where the month is shorter, the
/// month's last day.
fn months_after(anchor: Date, months: u32) -> Date {
    let zero_based =
        i64::from(anchor.year()) * 12 + i64::from(u8::from(anchor.month())) - 1 + i64::from(months);
    let year = i32::try_from(zero_based.div_euclid(12)).unwrap_or(i32::MAX);
    let month = Month::try_from(u8::try_from(zero_based.rem_euclid(12) + 1).unwrap_or(1))
        .unwrap_or(Month::January);
    let day = anchor.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(anchor)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn periods_follow_the_anchor_day_and_fall_back_to_the_last_day_of_short_months() {
        let cases = [
            (
                date!(2027 - 01 - 15),
                0,
                date!(2027 - 01 - 15),
                date!(2027 - 02 - 15),
                31,
            ),
            (
                date!(2027 - 01 - 15),
                1,
                date!(2027 - 02 - 15),
                date!(2027 - 03 - 15),
                28,
            ),
            (
                date!(2027 - 01 - 31),
                0,
                date!(2027 - 01 - 31),
                date!(2027 - 02 - 28),
                28,
            ),
            (
                date!(2027 - 01 - 31),
                1,
                date!(2027 - 02 - 28),
                date!(2027 - 03 - 31),
                31,
            ),
            (
                date!(2027 - 01 - 31),
                2,
                date!(2027 - 03 - 31),
                date!(2027 - 04 - 30),
                30,
            ),
            (
                date!(2027 - 01 - 31),
                3,
                date!(2027 - 04 - 30),
                date!(2027 - 05 - 31),
                31,
            ),
            (
                date!(2028 - 01 - 29),
                0,
                date!(2028 - 01 - 29),
                date!(2028 - 02 - 29),
                31,
            ),
            (
                date!(2027 - 01 - 29),
                0,
                date!(2027 - 01 - 29),
                date!(2027 - 02 - 28),
                30,
            ),
            (
                date!(2027 - 01 - 29),
                1,
                date!(2027 - 02 - 28),
                date!(2027 - 03 - 29),
                29,
            ),
            (
                date!(2027 - 01 - 30),
                1,
                date!(2027 - 02 - 28),
                date!(2027 - 03 - 30),
                30,
            ),
            (
                date!(2026 - 12 - 31),
                2,
                date!(2027 - 02 - 28),
                date!(2027 - 03 - 31),
                31,
            ),
            (
                date!(2026 - 11 - 26),
                13,
                date!(2027 - 12 - 26),
                date!(2028 - 01 - 26),
                31,
            ),
        ];
        for (anchor, index, start, end, days) in cases {
            let period = Period::nth(anchor, index);
            assert_eq!(
                (period.start, period.end),
                (start, end),
                "{anchor} #{index}"
            );
            assert_eq!(period.days(), days, "{anchor} #{index}");
        }
    }

    #[test]
    fn every_day_falls_in_exactly_one_period() {
        for anchor in [
            date!(2027 - 01 - 31),
            date!(2027 - 01 - 29),
            date!(2027 - 03 - 01),
        ] {
            let mut period = Period::nth(anchor, 0);
            let mut day = anchor;
            while day < date!(2029 - 01 - 01) {
                if day >= period.end {
                    assert_eq!(period.end, day, "periods touch");
                    period = period.next(anchor);
                }
                assert_eq!(Period::containing(anchor, day), period, "{anchor} {day}");
                day = day.next_day().unwrap();
            }
        }
    }

    #[test]
    fn a_change_is_charged_from_its_day_to_the_end_of_the_period() {
        let period = Period::nth(date!(2027 - 04 - 10), 0);
        assert_eq!(period.days(), 30);
        assert_eq!(period.days_left(date!(2027 - 04 - 10)), 30);
        assert_eq!(period.days_left(date!(2027 - 04 - 25)), 15);
        assert_eq!(period.days_left(date!(2027 - 05 - 09)), 1);
        assert_eq!(period.last_day(), date!(2027 - 05 - 09));
    }

    #[test]
    fn days_before_the_anchor_belong_to_the_first_period() {
        let anchor = date!(2027 - 04 - 10);
        assert_eq!(
            Period::containing(anchor, date!(2027 - 04 - 01)),
            Period::nth(anchor, 0)
        );
    }
}
