//! What a report covers: the local days from `from` to `to`, cut into periods, as asked in
//! the query string and checked here before any query runs.
use serde::Deserialize;
use time::{Date, Duration};

use crate::{format, input::FieldErrors};

text_enum!(
    /// How a report's range is cut into buckets.
    Period, "report-period-", {
        Hour => "hour",
        Day => "day",
        Week => "week",
        Month => "month",
    }
);

/// The range shown when none is asked for: the last 30 days, today included.
pub const DEFAULT_DAYS: i64 = 30;
/// The longest range: three years.
const MAX_DAYS: i64 = 3 * 366;
/// The most rows a report's table may have: hours of 45 days, days of three years.
const MAX_BUCKETS: i64 = MAX_DAYS + 2;

/// The query string of both reports, as typed (kept to fill the form again).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub format: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportRange {
    pub period: Period,
    /// The first local day, included.
    pub from: Date,
    /// The last local day, included.
    pub to: Date,
}

impl ReportRange {
    /// The range `query` asks for, `today` being the workspace's local date; the fields in
    /// error are named in `errors`, and then the default range stands in for them.
    pub fn parse(query: &ReportQuery, today: Date, errors: &mut FieldErrors) -> Self {
        let period = match query.period.trim() {
            "" => Period::Day,
            raw => errors
                .check("period", Period::parse(raw))
                .unwrap_or(Period::Day),
        };
        let to = optional_date(&query.to)
            .map(|to| errors.check("to", to))
            .unwrap_or(Some(today));
        let from = optional_date(&query.from)
            .map(|from| errors.check("from", from))
            .unwrap_or_else(|| to.map(|to| to - Duration::days(DEFAULT_DAYS - 1)));
        let fallback = Self {
            period,
            from: today - Duration::days(DEFAULT_DAYS - 1),
            to: today,
        };
        let (Some(from), Some(to)) = (from, to) else {
            return fallback;
        };
        let range = Self { period, from, to };
        if from > to {
            errors.add("from", "report-range-reversed");
        } else if range.days() > MAX_DAYS {
            errors.add("from", "report-range-too-long");
        } else if range.bucket_count() > MAX_BUCKETS {
            errors.add("period", "report-too-many-buckets");
        } else {
            return range;
        }
        Self {
            period: if range.bucket_count() > MAX_BUCKETS {
                Period::Day
            } else {
                period
            },
            ..fallback
        }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// At most how many buckets the range holds (a day of 25 hours included).
    pub fn bucket_count(&self) -> i64 {
        let days = self.days();
        match self.period {
            Period::Hour => days * 24 + 1,
            Period::Day => days,
            Period::Week => days / 7 + 2,
            Period::Month => days / 28 + 2,
        }
    }

    /// The file name of the range's CSV export.
    pub fn csv_name(&self, what: &str) -> String {
        format!(
            "{what}-{}-{}-{}.csv",
            format::iso_day(self.from),
            format::iso_day(self.to),
            self.period.as_str()
        )
    }
}

/// `None` for an empty field, else the date it holds (`2026-11-26`).
fn optional_date(raw: &str) -> Option<Result<Date, &'static str>> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| format::parse_iso_day(raw).ok_or("report-date-invalid"))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn parse(period: &str, from: &str, to: &str) -> (ReportRange, Vec<&'static str>) {
        let query = ReportQuery {
            period: period.into(),
            from: from.into(),
            to: to.into(),
            ..ReportQuery::default()
        };
        let mut errors = FieldErrors::default();
        let range = ReportRange::parse(&query, TODAY, &mut errors);
        let fields = ["period", "from", "to"]
            .into_iter()
            .filter(|field| errors.get(field).is_some())
            .collect();
        (range, fields)
    }

    #[test]
    fn the_default_is_the_last_thirty_days_by_day() {
        let (range, errors) = parse("", "", "");
        assert!(errors.is_empty());
        assert_eq!(range.period, Period::Day);
        assert_eq!(range.from, date!(2026 - 10 - 28));
        assert_eq!(range.to, TODAY);
        assert_eq!(range.days(), 30);
    }

    #[test]
    fn a_range_and_period_are_taken_as_asked() {
        let (range, errors) = parse("hour", "2026-03-08", "2026-03-14");
        assert!(errors.is_empty());
        assert_eq!(range.period, Period::Hour);
        assert_eq!(range.days(), 7);
        assert_eq!(
            range.csv_name("report"),
            "report-2026-03-08-2026-03-14-hour.csv"
        );
    }

    #[test]
    fn only_from_given_runs_to_today_and_only_to_given_covers_thirty_days() {
        assert_eq!(parse("", "2026-11-01", "").0.to, TODAY);
        assert_eq!(parse("", "", "2026-06-30").0.from, date!(2026 - 06 - 01));
    }

    #[test]
    fn mistakes_are_named_and_the_default_stands_in() {
        assert_eq!(parse("minute", "", "").1, ["period"]);
        assert_eq!(parse("", "yesterday", "").1, ["from"]);
        assert_eq!(parse("", "2026-02-30", "").1, ["from"]);
        assert_eq!(parse("", "", "2026-13-01").1, ["to"]);
        let (range, errors) = parse("day", "2026-11-20", "2026-11-01");
        assert_eq!(errors, ["from"]);
        assert_eq!(range.to, TODAY);
        assert_eq!(parse("month", "2020-01-01", "2026-01-01").1, ["from"]);
    }

    #[test]
    fn hours_are_limited_to_about_six_weeks() {
        assert!(parse("hour", "2026-10-01", "2026-11-10").1.is_empty());
        let (range, errors) = parse("hour", "2026-01-01", "2026-11-10");
        assert_eq!(errors, ["period"]);
        assert_eq!(range.period, Period::Day);
        assert!(parse("day", "2024-01-01", "2026-11-10").1.is_empty());
    }
}
