//! How money and times are written on pages and in emails: one place, so that every page
//! agrees.
use time::{Date, OffsetDateTime, macros::format_description};

use crate::i18n::Locale;

/// Integer cents as dollars: `$1,234.50`, `-$3.00`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let dollars = (cents / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, digit) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// A moment to the minute, in UTC until workspaces choose their time zone.
pub fn datetime(moment: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// The UTC day of a moment: `2026-11-26`.
pub fn date(moment: OffsetDateTime) -> String {
    day(moment.to_offset(time::UtcOffset::UTC).date())
}

/// A calendar day: `2026-11-26`.
pub fn day(day: Date) -> String {
    let format = format_description!("[year]-[month]-[day]");
    day.format(&format).unwrap_or_default()
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
    fn datetimes_are_written_in_utc_to_the_minute() {
        let moment = time::macros::datetime!(2026-11-26 04:05:59 +02:00);
        assert_eq!(datetime(moment), "2026-11-26 02:05 UTC");
    }
}
