//! How money and times are written on pages and in emails: one place, so that every page
//! agrees.
use time::{
    Date, OffsetDateTime, UtcOffset, format_description::BorrowedFormatItem,
    macros::format_description,
};

use crate::i18n::Locale;

/// Integer cents as dollars: `$1,234.50`, `-$3.00`. Both languages write money alike: the
/// currency is the plan's, whatever the reader's language.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", grouped(cents / 100), cents % 100)
}

/// A count with thousands separators: `12,345`. English and Chinese group digits alike.
pub fn number(count: i64) -> String {
    let sign = if count < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(count.unsigned_abs()))
}

fn grouped(whole: u64) -> String {
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A workspace's time zone (an IANA name such as `Asia/Shanghai`), in which its pages and
/// emails write dates and times.
#[derive(Clone, Debug)]
pub struct Zone(jiff::tz::TimeZone);

impl Default for Zone {
    fn default() -> Self {
        Self(jiff::tz::TimeZone::UTC)
    }
}

impl Zone {
    /// The zone of that name. Settings only store names PostgreSQL knows; one the built-in
    /// database lacks is written in UTC rather than failing the page.
    pub fn named(name: &str) -> Self {
        match jiff::tz::TimeZone::get(name) {
            Ok(zone) => Self(zone),
            Err(error) => {
                tracing::warn!(zone = name, %error, "unknown time zone, writing UTC");
                Self::default()
            }
        }
    }

    /// When `day` begins on this zone's clocks (midnight, or the first hour that exists).
    pub fn start_of(&self, day: Date) -> OffsetDateTime {
        jiff::civil::Date::new(
            day.year() as i16,
            u8::from(day.month()) as i8,
            day.day() as i8,
        )
        .and_then(|civil| civil.to_zoned(self.0.clone()))
        .ok()
        .and_then(|start| OffsetDateTime::from_unix_timestamp(start.timestamp().as_second()).ok())
        .unwrap_or_else(|| day.midnight().assume_utc())
    }

    /// The moment on this zone's clocks.
    pub fn local(&self, moment: OffsetDateTime) -> OffsetDateTime {
        let offset = jiff::Timestamp::from_second(moment.unix_timestamp())
            .map(|instant| self.0.to_offset(instant).seconds())
            .ok()
            .and_then(|seconds| UtcOffset::from_whole_seconds(seconds).ok())
            .unwrap_or(UtcOffset::UTC);
        moment.to_offset(offset)
    }
}

/// A moment to the minute on the zone's clocks, in the language's way:
/// `Nov 26, 2026, 14:05`, `2026年11月26日 14:05`.
pub fn datetime(locale: Locale, zone: &Zone, moment: OffsetDateTime) -> String {
    let local = zone.local(moment);
    let clock = format_description!("[hour]:[minute]");
    locale.t_args(
        "format-datetime",
        &[
            ("date", &day(locale, local.date())),
            ("time", &local.format(&clock).unwrap_or_default()),
        ],
    )
}

/// The day of a moment on the zone's clocks.
pub fn date(locale: Locale, zone: &Zone, moment: OffsetDateTime) -> String {
    day(locale, zone.local(moment).date())
}

/// A calendar day in the language's way: `Nov 26, 2026`, `2026年11月26日`.
pub fn day(locale: Locale, day: Date) -> String {
    const MONTHS: [&str; 12] = [
        "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
        "month-9", "month-10", "month-11", "month-12",
    ];
    let month = usize::from(u8::from(day.month()));
    locale.t_args(
        "format-date",
        &[
            ("year", &day.year().to_string()),
            ("monthName", &locale.t(MONTHS[month - 1])),
            ("day", &day.day().to_string()),
        ],
    )
}

/// How forms, stored events and exports write a day: ISO 8601, `2026-11-26`.
const ISO_DAY: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// A calendar day as ISO 8601 (`2026-11-26`): in tables that sort by it and in exports.
pub fn iso_day(day: Date) -> String {
    day.format(ISO_DAY).unwrap_or_default()
}

/// The day an ISO 8601 date (`2026-11-26`) names, as date inputs send it.
pub fn parse_iso_day(raw: &str) -> Option<Date> {
    Date::parse(raw, ISO_DAY).ok()
}

/// A length of time in its two largest units: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub fn duration(locale: Locale, seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    let text = |n: i64| n.to_string();
    if seconds < 60 {
        locale.t_args("duration-seconds", &[("seconds", &text(seconds))])
    } else if seconds < 3600 {
        locale.t_args("duration-minutes", &[("minutes", &text(minutes))])
    } else if days == 0 {
        locale.t_args(
            "duration-hours",
            &[("hours", &text(hours)), ("minutes", &text(minutes))],
        )
    } else {
        locale.t_args(
            "duration-days",
            &[("days", &text(days)), ("hours", &text(hours))],
        )
    }
}

/// A size in bytes as people read it in `locale`: `512 B`, `1.5 KB`, `2.0 MB`.
pub fn bytes(locale: Locale, size: i64) -> String {
    const KB: f64 = 1024.0;
    let size_f = size as f64;
    if size < 1024 {
        locale.t_args("size-bytes", &[("size", &size.to_string())])
    } else if size_f < KB * KB {
        locale.t_args("size-kb", &[("size", &format!("{:.1}", size_f / KB))])
    } else {
        locale.t_args(
            "size-mb",
            &[("size", &format!("{:.1}", size_f / (KB * KB)))],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_dollars_with_thousands_separators_and_two_decimals() {
        assert_eq!(money(0), "$0.00");
        assert_eq!(money(5), "$0.05");
        assert_eq!(money(1500), "$15.00");
        assert_eq!(money(123_450), "$1,234.50");
        assert_eq!(money(100_000_000), "$1,000,000.00");
        assert_eq!(money(-300), "-$3.00");
    }

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1_000), "1,000");
        assert_eq!(number(1_234_567), "1,234,567");
        assert_eq!(number(-4_500), "-4,500");
    }

    #[test]
    fn sizes_are_in_the_largest_fitting_unit() {
        assert_eq!(bytes(Locale::En, 512), "512 B");
        assert_eq!(bytes(Locale::ZhCn, 512), "512 字节");
        assert_eq!(bytes(Locale::En, 1536), "1.5 KB");
        assert_eq!(bytes(Locale::En, 2 * 1024 * 1024), "2.0 MB");
    }

    #[test]
    fn durations_show_their_two_largest_units() {
        let en = Locale::En;
        assert_eq!(duration(en, 45), "45 s");
        assert_eq!(duration(en, 12 * 60 + 59), "12 min");
        assert_eq!(duration(en, 3 * 3600 + 5 * 60), "3 h 5 min");
        assert_eq!(duration(en, 2 * 86_400 + 4 * 3600 + 59), "2 d 4 h");
        assert_eq!(duration(Locale::ZhCn, 3 * 3600 + 5 * 60), "3 小时 5 分钟");
    }

    #[test]
    fn datetimes_are_written_on_the_zones_clocks_in_the_languages_way() {
        let moment = time::macros::datetime!(2026-11-26 04:05:59 +02:00);
        let utc = Zone::default();
        assert_eq!(datetime(Locale::En, &utc, moment), "Nov 26, 2026, 02:05");
        let shanghai = Zone::named("Asia/Shanghai");
        assert_eq!(
            datetime(Locale::ZhCn, &shanghai, moment),
            "2026年11月26日 10:05"
        );
        // New York's clocks go back on 2026-11-01: the offset is the moment's own.
        let new_york = Zone::named("America/New_York");
        let summer = time::macros::datetime!(2026-10-31 23:30 UTC);
        let winter = time::macros::datetime!(2026-11-02 03:30 UTC);
        assert_eq!(
            datetime(Locale::En, &new_york, summer),
            "Oct 31, 2026, 19:30"
        );
        assert_eq!(
            datetime(Locale::En, &new_york, winter),
            "Nov 1, 2026, 22:30"
        );
        assert_eq!(date(Locale::ZhCn, &new_york, winter), "2026年11月1日");
        assert_eq!(
            datetime(Locale::En, &Zone::named("Nowhere/Else"), moment),
            "Nov 26, 2026, 02:05"
        );
    }

    #[test]
    fn days_start_at_the_zones_midnight() {
        let shanghai = Zone::named("Asia/Shanghai");
        let day = time::macros::date!(2026 - 12 - 01);
        assert_eq!(
            shanghai.start_of(day),
            time::macros::datetime!(2026-11-30 16:00 UTC)
        );
        // São Paulo had no midnight on 2018-11-04: the day began at 01:00.
        let sao_paulo = Zone::named("America/Sao_Paulo");
        let skipped = time::macros::date!(2018 - 11 - 04);
        assert_eq!(
            sao_paulo.start_of(skipped),
            time::macros::datetime!(2018-11-04 03:00 UTC)
        );
    }
}
