//! Business-hours arithmetic: when a clock that counts only a workspace's open hours
//! reaches a number of minutes, and how many of its minutes lie between two moments. Hours
//! are a week of ranges on the workspace's clocks (a range may cross midnight) and holidays
//! (whole days on which no range begins); an empty week means around the clock.
use std::collections::BTreeSet;

use jiff::{
    Timestamp, ToSpan,
    civil::{Date, Time},
    tz::TimeZone,
};

/// How far ahead a clock looks for open hours before it gives up (hours that never open).
const HORIZON_DAYS: i32 = 800;

/// A range of a day's open hours in minutes after midnight; `end <= start` ends the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: u16,
    pub end: u16,
}

impl Range {
    /// `09:00-17:30`; `22:00-02:00` crosses midnight; `00:00-24:00` is the whole day.
    pub fn parse(text: &str) -> Option<Self> {
        let (start, end) = text.split_once('-')?;
        let start = minutes_of(start.trim())?;
        let end = minutes_of(end.trim())?;
        (start < 24 * 60 && start != end).then_some(Self { start, end })
    }

    fn crosses_midnight(self) -> bool {
        self.end <= self.start
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// `HH:MM` as minutes after midnight; `24:00` is the day's end.
fn minutes_of(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 24 * 60).then_some(total)
}

/// A workspace's open hours.
#[derive(Clone, Debug)]
pub struct Calendar {
    zone: TimeZone,
    /// Monday first.
    week: [Vec<Range>; 7],
    holidays: BTreeSet<Date>,
}

impl Calendar {
    /// Around the clock, every day.
    pub fn always() -> Self {
        Self {
            zone: TimeZone::UTC,
            week: Default::default(),
            holidays: BTreeSet::new(),
        }
    }

    pub fn new(zone: TimeZone, mut week: [Vec<Range>; 7], holidays: BTreeSet<Date>) -> Self {
        for day in &mut week {
            day.sort_by_key(|range| range.start);
        }
        Self {
            zone,
            week,
            holidays,
        }
    }

    fn is_always(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }

    /// The open intervals that end after `from`, in order of their start (intervals of
    /// neighbouring days may overlap; the walkers below count each moment once).
    fn intervals(&self, from: Timestamp) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        // A range of the day before may still be open at `from`.
        let first = from.to_zoned(self.zone.clone()).date().yesterday().ok();
        (0..HORIZON_DAYS)
            .filter_map(move |offset| first?.checked_add(offset.days()).ok())
            .filter(|day| !self.holidays.contains(day))
            .flat_map(move |day| {
                let weekday = day.weekday().to_monday_zero_offset() as usize;
                self.week[weekday]
                    .iter()
                    .filter_map(move |range| self.interval(day, *range))
            })
            .filter(move |(_, end)| *end > from)
    }

    /// A range of `day` as moments (a local time that a DST change skips counts from the
    /// first moment after the gap).
    fn interval(&self, day: Date, range: Range) -> Option<(Timestamp, Timestamp)> {
        let start = self.moment(day, range.start)?;
        let end_day = if range.crosses_midnight() {
            day.tomorrow().ok()?
        } else {
            day
        };
        let end = self.moment(end_day, range.end)?;
        (end > start).then_some((start, end))
    }

    fn moment(&self, day: Date, minutes: u16) -> Option<Timestamp> {
        let (day, minutes) = if minutes == 24 * 60 {
            (day.tomorrow().ok()?, 0)
        } else {
            (day, minutes)
        };
        let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
        let zoned = day.to_datetime(time).to_zoned(self.zone.clone()).ok()?;
        Some(zoned.timestamp())
    }

    /// Whether the hours are open at `at`. The intervals come in order of their start, so
    /// if any holds `at`, the first does.
    pub fn is_open(&self, at: Timestamp) -> bool {
        self.is_always()
            || self
                .intervals(at)
                .next()
                .is_some_and(|(open, close)| open <= at && at < close)
    }

    /// When `seconds` of open time have passed after `start`; `None` when the hours never
    /// open that much within the horizon.
    pub fn add(&self, start: Timestamp, seconds: i64) -> Option<Timestamp> {
        if self.is_always() {
            return start.checked_add(seconds.seconds()).ok();
        }
        let mut left = seconds;
        let mut cursor = start;
        for (open, close) in self.intervals(start) {
            let from = open.max(cursor);
            if close <= from {
                continue;
            }
            let available = close.as_second() - from.as_second();
            if left <= available {
                return from.checked_add(left.seconds()).ok();
            }
            left -= available;
            cursor = close;
        }
        None
    }

    /// The open seconds between `from` and `to` (none when `to` is not later).
    pub fn between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        if self.is_always() {
            return to.as_second() - from.as_second();
        }
        let mut total = 0;
        let mut cursor = from;
        for (open, close) in self.intervals(from) {
            if open >= to {
                break;
            }
            let start = open.max(cursor);
            let end = close.min(to);
            if end > start {
                total += end.as_second() - start.as_second();
                cursor = end;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zoned(text: &str, zone: &str) -> Timestamp {
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(TimeZone::get(zone).unwrap())
            .unwrap()
            .timestamp()
    }

    fn week(weekdays: &str, saturday: &str, sunday: &str) -> [Vec<Range>; 7] {
        let day = |text: &str| text.split(',').filter_map(Range::parse).collect::<Vec<_>>();
        [
            day(weekdays),
            day(weekdays),
            day(weekdays),
            day(weekdays),
            day(weekdays),
            day(saturday),
            day(sunday),
        ]
    }

    fn office(zone: &str, holidays: &[&str]) -> Calendar {
        Calendar::new(
            TimeZone::get(zone).unwrap(),
            week("09:00-12:00, 13:00-17:00", "", ""),
            holidays.iter().map(|day| day.parse().unwrap()).collect(),
        )
    }

    #[test]
    fn ranges_are_read_as_typed_and_refused_when_not_a_range() {
        assert_eq!(
            Range::parse("09:00-17:30"),
            Some(Range {
                start: 540,
                end: 1050
            })
        );
        assert_eq!(
            Range::parse(" 22:00 - 02:00 "),
            Some(Range {
                start: 1320,
                end: 120
            })
        );
        assert_eq!(
            Range::parse("00:00-24:00"),
            Some(Range {
                start: 0,
                end: 1440
            })
        );
        for bad in [
            "",
            "9-17",
            "09:00",
            "09:00-09:00",
            "25:00-26:00",
            "09:60-10:00",
            "24:00-01:00",
            "a:bc-d:ef",
        ] {
            assert_eq!(Range::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Range::parse("22:00-02:00").unwrap().to_string(),
            "22:00-02:00"
        );
    }

    /// (start, minutes, due) on the clocks of Europe/Berlin, office hours Monday to Friday
    /// 09:00-12:00 and 13:00-17:00, holiday 2026-12-25 (a Friday).
    #[test]
    fn due_times_count_only_open_hours() {
        let calendar = office("Europe/Berlin", &["2026-12-25"]);
        let cases = [
            // Within a morning.
            ("2026-12-07T09:30", 60, "2026-12-07T10:30"),
            // Over lunch.
            ("2026-12-07T11:30", 60, "2026-12-07T13:30"),
            // Written at night: the clock starts at nine.
            ("2026-12-07T20:00", 30, "2026-12-08T09:30"),
            // Friday afternoon to Monday morning.
            ("2026-12-11T16:30", 60, "2026-12-14T09:30"),
            // A weekend message.
            ("2026-12-12T10:00", 15, "2026-12-14T09:15"),
            // Thursday before the holiday: Friday is closed.
            ("2026-12-24T16:00", 120, "2026-12-28T10:00"),
            // A whole working day is 7 hours.
            ("2026-12-07T09:00", 7 * 60, "2026-12-07T17:00"),
            ("2026-12-07T09:00", 7 * 60 + 1, "2026-12-08T09:01"),
            // Zero minutes due at once, or at the next opening.
            ("2026-12-07T10:00", 0, "2026-12-07T10:00"),
        ];
        for (start, minutes, due) in cases {
            assert_eq!(
                calendar.add(zoned(start, "Europe/Berlin"), minutes * 60),
                Some(zoned(due, "Europe/Berlin")),
                "{start} + {minutes} min"
            );
        }
    }

    #[test]
    fn daylight_saving_changes_keep_the_local_hours() {
        // Berlin's clocks go forward on 2026-03-29 (a Sunday) and back on 2026-10-25.
        let every_day = Calendar::new(
            TimeZone::get("Europe/Berlin").unwrap(),
            week("09:00-17:00", "09:00-17:00", "09:00-17:00"),
            BTreeSet::new(),
        );
        let start = zoned("2026-03-28T16:00", "Europe/Berlin");
        // One hour on Saturday, one on Sunday from 09:00 local (07:00 UTC after the change).
        assert_eq!(
            every_day.add(start, 2 * 3600),
            Some(zoned("2026-03-29T10:00", "Europe/Berlin"))
        );
        assert_eq!(
            every_day.between(start, zoned("2026-03-29T10:00", "Europe/Berlin")),
            2 * 3600
        );
        // Around the clock, the night of the change has 23 hours.
        let always = Calendar::new(
            TimeZone::get("Europe/Berlin").unwrap(),
            week("00:00-24:00", "00:00-24:00", "00:00-24:00"),
            BTreeSet::new(),
        );
        assert_eq!(
            always.between(
                zoned("2026-03-29T00:00", "Europe/Berlin"),
                zoned("2026-03-30T00:00", "Europe/Berlin")
            ),
            23 * 3600
        );
        // New York goes back on 2026-11-01: that day has 25 hours.
        let new_york = Calendar::new(
            TimeZone::get("America/New_York").unwrap(),
            week("00:00-24:00", "00:00-24:00", "00:00-24:00"),
            BTreeSet::new(),
        );
        assert_eq!(
            new_york.between(
                zoned("2026-11-01T00:00", "America/New_York"),
                zoned("2026-11-02T00:00", "America/New_York")
            ),
            25 * 3600
        );
        // Office hours in New York on the Monday after the change start at 09:00 EST.
        let office = office("America/New_York", &[]);
        assert_eq!(
            office.add(zoned("2026-10-30T16:30", "America/New_York"), 60 * 60),
            Some(zoned("2026-11-02T09:30", "America/New_York"))
        );
    }

    #[test]
    fn night_shifts_cross_midnight_and_holidays_close_the_day_they_begin() {
        // Open 22:00-06:00 every night.
        let nights = Calendar::new(
            TimeZone::get("Asia/Shanghai").unwrap(),
            week("22:00-06:00", "22:00-06:00", "22:00-06:00"),
            ["2026-12-09".parse().unwrap()].into_iter().collect(),
        );
        let at = |text| zoned(text, "Asia/Shanghai");
        assert_eq!(
            nights.add(at("2026-12-07T23:00"), 3 * 3600),
            Some(at("2026-12-08T02:00"))
        );
        // Written at 03:00: the night that began the day before is still open.
        assert_eq!(
            nights.add(at("2026-12-08T03:00"), 3600),
            Some(at("2026-12-08T04:00"))
        );
        // From 05:00, one hour left in the night, the next two in the following night.
        assert_eq!(
            nights.add(at("2026-12-08T05:00"), 3 * 3600),
            Some(at("2026-12-09T00:00"))
        );
        // The night of the 9th (a holiday) does not open; the 10th's does.
        assert_eq!(
            nights.add(at("2026-12-09T05:00"), 2 * 3600),
            Some(at("2026-12-10T23:00"))
        );
        assert_eq!(
            nights.between(at("2026-12-07T00:00"), at("2026-12-08T00:00")),
            8 * 3600
        );
    }

    #[test]
    fn around_the_clock_beside_business_hours() {
        let start = zoned("2026-12-11T16:30", "Europe/Berlin");
        assert_eq!(
            Calendar::always().add(start, 3600),
            start.checked_add(1.hour()).ok()
        );
        assert_eq!(
            office("Europe/Berlin", &[]).add(start, 3600),
            Some(zoned("2026-12-14T09:30", "Europe/Berlin"))
        );
        let monday = zoned("2026-12-14T00:00", "Europe/Berlin");
        assert_eq!(
            Calendar::always().between(start, monday),
            55 * 3600 + 30 * 60
        );
        assert_eq!(office("Europe/Berlin", &[]).between(start, monday), 30 * 60);
    }

    #[test]
    fn hours_that_never_open_never_fall_due() {
        let closed = Calendar::new(
            TimeZone::UTC,
            week("09:00-17:00", "", ""),
            (0..900)
                .map(|n| {
                    "2026-12-01"
                        .parse::<Date>()
                        .unwrap()
                        .checked_add(n.days())
                        .unwrap()
                })
                .collect(),
        );
        assert_eq!(closed.add(zoned("2026-12-07T10:00", "UTC"), 60), None);
    }
}
