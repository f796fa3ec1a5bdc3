//! The columns of the reports' tables, shared by the page and its CSV export so that the
//! two always agree, and the CSV writing itself.
use super::{figures::Tally, report::duration_text};
use crate::{format, i18n::Locale};

pub enum Value {
    Count(fn(&Tally) -> i64),
    /// Seconds; none when nothing was timed.
    Duration(fn(&Tally) -> Option<i64>),
    /// A share in whole percent; none when there was nothing to count.
    Percent(fn(&Tally) -> Option<i64>),
}

pub struct Column {
    pub header_key: &'static str,
    pub value: Value,
}

impl Column {
    const fn count(header_key: &'static str, count: fn(&Tally) -> i64) -> Self {
        Self {
            header_key,
            value: Value::Count(count),
        }
    }

    const fn duration(header_key: &'static str, seconds: fn(&Tally) -> Option<i64>) -> Self {
        Self {
            header_key,
            value: Value::Duration(seconds),
        }
    }

    const fn percent(header_key: &'static str, percent: fn(&Tally) -> Option<i64>) -> Self {
        Self {
            header_key,
            value: Value::Percent(percent),
        }
    }

    /// The cell as the page shows it.
    pub fn text(&self, locale: &Locale, tally: &Tally) -> String {
        match self.value {
            Value::Count(count) => format::number(count(tally)),
            Value::Duration(seconds) => duration_text(*locale, seconds(tally)),
            Value::Percent(percent) => percent_text(percent(tally)).unwrap_or_else(|| "–".into()),
        }
    }

    /// A duration's seconds, for the page's `data-seconds`.
    pub fn seconds(&self, tally: &Tally) -> Option<i64> {
        match self.value {
            Value::Count(_) | Value::Percent(_) => None,
            Value::Duration(seconds) => seconds(tally),
        }
    }

    /// The cell as the CSV has it: counts, and durations in seconds.
    fn csv(&self, tally: &Tally) -> String {
        match self.value {
            Value::Count(count) => count(tally).to_string(),
            Value::Duration(seconds) => seconds(tally).map(|s| s.to_string()).unwrap_or_default(),
            Value::Percent(percent) => percent_text(percent(tally)).unwrap_or_default(),
        }
    }
}

fn percent_text(percent: Option<i64>) -> Option<String> {
    percent.map(|percent| format!("{percent}%"))
}

/// An agent's work.
pub const WORK: &[Column] = &[
    Column::count("report-replies", |t| t.replies),
    Column::count("report-notes", |t| t.notes),
    Column::count("report-assigned", |t| t.assigned),
    Column::count("report-resolved", Tally::resolved),
    Column::duration("report-first-response-median", |t| {
        t.first_response().median
    }),
    Column::duration("report-first-response-p90", |t| t.first_response().p90),
    Column::duration("report-resolution-median", |t| t.resolution().median),
    Column::duration("report-resolution-p90", |t| t.resolution().p90),
    Column::count("report-chats-accepted", |t| t.chats_accepted),
    Column::duration("report-chat-accept-median", |t| t.chat_accept().median),
    Column::count("report-calls-answered", |t| t.calls_answered),
    Column::duration("report-call-answer-median", |t| t.call_answer().median),
    Column::percent("report-sla-first-response", |t| {
        t.first_responses_in_time.percent()
    }),
    Column::percent("report-sla-resolution", |t| t.resolutions_in_time.percent()),
    Column::count("report-sla-breaches", |t| t.breaches),
];

/// What comes in, before the team's work.
pub const INCOMING: &[Column] = &[
    Column::count("report-new-tickets", |t| t.new_tickets),
    Column::count("report-customer-messages", |t| t.customer_messages),
];

/// Chats and calls that came in, after the team's work (an agent's own report has no use
/// for them).
pub const LIVE_INCOMING: &[Column] = &[
    Column::count("report-chats-received", |t| t.chats_received),
    Column::count("report-chats-missed", |t| t.chats_missed),
    Column::count("report-calls-received", |t| t.calls_received),
    Column::count("report-calls-missed", |t| t.calls_missed),
];

/// A CSV file: a header and rows of cells, each row a section's name, a row's name and the
/// figures of `columns`.
pub struct Csv {
    text: String,
    columns: Vec<&'static Column>,
}

impl Csv {
    pub fn new(locale: Locale, first: &[String], columns: Vec<&'static Column>) -> Self {
        let mut csv = Self {
            text: String::new(),
            columns,
        };
        let headers: Vec<String> = first
            .iter()
            .cloned()
            .chain(csv.columns.iter().map(|column| locale.t(column.header_key)))
            .collect();
        csv.line(&headers);
        csv
    }

    /// A row: its leading cells, then the figures of `tally`.
    pub fn row(&mut self, first: &[String], tally: &Tally) {
        let cells: Vec<String> = first
            .iter()
            .cloned()
            .chain(self.columns.iter().map(|column| column.csv(tally)))
            .collect();
        self.line(&cells);
    }

    /// A row with a value in one column only (counts of a kind, hours of a week).
    pub fn single(&mut self, first: &[String], header_key: &str, value: i64) {
        let cells: Vec<String> = first
            .iter()
            .cloned()
            .chain(self.columns.iter().map(|column| {
                if column.header_key == header_key {
                    value.to_string()
                } else {
                    String::new()
                }
            }))
            .collect();
        self.line(&cells);
    }

    fn line(&mut self, cells: &[String]) {
        let escaped: Vec<String> = cells.iter().map(|cell| escape(cell)).collect();
        self.text.push_str(&escaped.join(","));
        self.text.push_str("\r\n");
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

/// A cell quoted when it holds a separator, a quote or a line break; text that a
/// spreadsheet would run as a formula (a name typed as `=HYPERLINK(…)`) starts with `'`.
fn escape(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(escape("Support"), "Support");
        assert_eq!(escape("Sales, EMEA"), "\"Sales, EMEA\"");
        assert_eq!(escape("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(escape("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn rows_follow_the_header_and_durations_are_seconds() {
        let tally = Tally {
            replies: 3,
            first_responses: vec![60, 180],
            ..Tally::default()
        };
        let mut csv = Csv::new(Locale::En, &["Day".into()], WORK.iter().collect());
        csv.row(&["2026-11-26".into()], &tally);
        let text = csv.into_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Day,Replies sent,Internal notes,Tickets assigned,Tickets resolved,\
             First response (median),First response (90th percentile),\
             Resolution (median),Resolution (90th percentile),\
             Chats accepted,Time to accept a chat (median),\
             Calls answered,Time to answer a call (median),\
             First responses within the SLA,Resolutions within the SLA,SLA targets missed"
        );
        assert_eq!(lines[1], "2026-11-26,3,0,0,0,120,168,,,0,,0,,,,0");
    }
}
