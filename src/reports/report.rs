//! A report read and laid out: the figures of `db`'s queries added up by `figures`, in the
//! rows the page, its charts and its CSV show.
use std::collections::HashMap;

use sqlx::PgConnection;
use time::macros::format_description;
use uuid::Uuid;

use super::{
    chart::{Axes, Chart, Line},
    db::{self, Bucket, Scope, Window},
    figures::{Cell, Figures, Tally},
    range::Period,
};
use crate::{
    format,
    i18n::Locale,
    tickets::{Channel, IssueType},
};

/// A row of a report's tables.
pub struct Row {
    pub label: String,
    /// The agent's own report, on the team's page.
    pub link: Option<String>,
    /// A deleted agent's row.
    pub deleted: bool,
    pub tally: Tally,
}

impl Row {
    fn new(label: String, tally: Tally) -> Self {
        Self {
            label,
            link: None,
            deleted: false,
            tally,
        }
    }
}

/// What every report has: a row per bucket (empty ones too) and the total.
pub struct Work {
    pub period: Period,
    pub buckets: Vec<Row>,
    pub total: Tally,
}

/// The figures of `scope`'s work in `window`.
pub async fn figures(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Figures> {
    let mut figures = Figures::default();
    let activity = db::activity(conn, account_id, window, scope).await?;
    let calls = db::calls(conn, account_id, window, scope).await?;
    for row in activity.into_iter().chain(calls) {
        let cell = Cell {
            bucket: row.bucket,
            agent_id: row.agent_id,
            department_id: row.department_id,
        };
        figures.count(cell, row.activity, row.count);
    }
    let first_responses = db::first_responses(conn, account_id, window, scope).await?;
    let resolutions = db::resolutions(conn, account_id, window, scope).await?;
    let chat_accepts = db::chat_accepts(conn, account_id, window, scope).await?;
    let call_answers = db::call_answers(conn, account_id, window, scope).await?;
    for row in first_responses
        .into_iter()
        .chain(resolutions)
        .chain(chat_accepts)
        .chain(call_answers)
    {
        let cell = Cell {
            bucket: row.bucket,
            agent_id: row.agent_id,
            department_id: row.department_id,
        };
        figures.time(cell, row.timing, row.seconds);
    }
    for row in db::sla_results(conn, account_id, window, scope).await? {
        let cell = Cell {
            bucket: row.bucket,
            agent_id: row.agent_id,
            department_id: row.department_id,
        };
        figures.sla(cell, row.target, row.in_time, row.count);
    }
    for row in db::sla_breaches(conn, account_id, window, scope).await? {
        let cell = Cell {
            bucket: row.bucket,
            agent_id: row.agent_id,
            department_id: row.department_id,
        };
        figures.breaches(cell, row.count);
    }
    figures.sort_times();
    Ok(figures)
}

/// The rows of `figures` by bucket, in order, and their total.
pub fn work(figures: &Figures, period: Period, buckets: &[Bucket]) -> Work {
    let labels = bucket_labels(period, buckets);
    Work {
        period,
        buckets: buckets
            .iter()
            .zip(labels)
            .map(|(bucket, label)| {
                let tally = figures
                    .buckets
                    .get(&bucket.start)
                    .cloned()
                    .unwrap_or_default();
                Row::new(label, tally)
            })
            .collect(),
        total: figures.total.clone(),
    }
}

/// Each bucket's name in local time. An hour that the clocks repeat is named twice, so both
/// get their offset from UTC.
fn bucket_labels(period: Period, buckets: &[Bucket]) -> Vec<String> {
    let labels: Vec<String> = buckets
        .iter()
        .map(|bucket| {
            let format = match period {
                Period::Hour => format_description!("[year]-[month]-[day] [hour]:[minute]"),
                Period::Day | Period::Week => format_description!("[year]-[month]-[day]"),
                Period::Month => format_description!("[year]-[month]"),
            };
            bucket.local.format(&format).unwrap_or_default()
        })
        .collect();
    labels
        .iter()
        .zip(buckets)
        .map(|(label, bucket)| {
            if labels.iter().filter(|other| *other == label).count() > 1 {
                let offset = bucket.local.assume_utc() - bucket.start;
                let minutes = offset.whole_minutes();
                let sign = if minutes < 0 { '-' } else { '+' };
                let minutes = minutes.abs();
                format!("{label} (UTC{sign}{:02}:{:02})", minutes / 60, minutes % 60)
            } else {
                label.clone()
            }
        })
        .collect()
}

/// What only the team's report shows.
pub struct Team {
    pub agents: Vec<Row>,
    pub departments: Vec<Row>,
    pub channels: Vec<(Channel, i64)>,
    pub issue_types: Vec<(IssueType, i64)>,
    /// Customers' messages by weekday (Monday first) and hour.
    pub hours: [[i64; 24]; 7],
}

/// What the team's report adds to `figures` (the team's work in `window`): new tickets and
/// customers' hours; `department_id` narrows them to one department.
pub async fn team(
    conn: &mut PgConnection,
    locale: Locale,
    account_id: Uuid,
    window: &Window,
    department_id: Option<Uuid>,
    figures: &mut Figures,
) -> sqlx::Result<Team> {
    let mut channels: HashMap<Channel, i64> = HashMap::new();
    let mut issue_types: HashMap<IssueType, i64> = HashMap::new();
    for row in db::new_tickets(conn, account_id, window, department_id).await? {
        let cell = Cell {
            bucket: row.bucket,
            agent_id: None,
            department_id: row.department_id,
        };
        figures.new_tickets(cell, row.count);
        *channels.entry(row.channel).or_default() += row.count;
        *issue_types.entry(row.issue_type).or_default() += row.count;
    }
    let mut hours = [[0; 24]; 7];
    for (weekday, hour, count) in
        db::customer_hours(conn, account_id, window, department_id).await?
    {
        if let Some(cell) = hours
            .get_mut((weekday - 1) as usize)
            .and_then(|day| day.get_mut(hour as usize))
        {
            *cell = count;
        }
    }

    let agents = db::agents(conn, account_id)
        .await?
        .into_iter()
        .filter_map(|agent| {
            let tally = figures.agents.get(&agent.id).cloned().unwrap_or_default();
            // A deleted agent has a row while their work is in the range.
            (!agent.deleted || !tally.is_empty()).then(|| Row {
                link: Some(format!("/app/reports/agents/{}", agent.id)),
                deleted: agent.deleted,
                ..Row::new(agent.name, tally)
            })
        })
        .collect();
    let mut departments: Vec<Row> = crate::departments::db::names(conn, account_id)
        .await?
        .into_iter()
        .filter(|(id, _)| department_id.is_none_or(|filter| filter == *id))
        .map(|(id, name)| {
            let tally = figures
                .departments
                .get(&Some(id))
                .cloned()
                .unwrap_or_default();
            Row::new(name, tally)
        })
        .collect();
    if let Some(tally) = figures.departments.get(&None).filter(|t| !t.is_empty()) {
        departments.push(Row::new(locale.t("report-no-department"), tally.clone()));
    }
    Ok(Team {
        agents,
        departments,
        channels: sorted_counts(Channel::ALL, &channels),
        issue_types: sorted_counts(IssueType::ALL, &issue_types),
        hours,
    })
}

/// Every value with its count, in the values' own order.
fn sorted_counts<T: Copy + Eq + std::hash::Hash>(
    all: &[T],
    counts: &HashMap<T, i64>,
) -> Vec<(T, i64)> {
    all.iter()
        .map(|value| (*value, counts.get(value).copied().unwrap_or(0)))
        .collect()
}

/// The charts of a report: its counts, and its median times in hours.
pub fn charts(locale: Locale, work: &Work, with_new_tickets: bool) -> [Chart; 2] {
    let buckets: Vec<String> = work.buckets.iter().map(|row| row.label.clone()).collect();
    let x_label = locale.t(work.period.label_key());
    let counts = |key: &str, count: fn(&Tally) -> i64| Line {
        label: locale.t(key),
        values: work
            .buckets
            .iter()
            .map(|row| Some(count(&row.tally) as f64))
            .collect(),
    };
    let mut count_lines = Vec::new();
    if with_new_tickets {
        count_lines.push(counts("report-new-tickets", |t| t.new_tickets));
    }
    count_lines.extend([
        counts("report-replies", |t| t.replies),
        counts("report-notes", |t| t.notes),
        counts("report-assigned", |t| t.assigned),
        counts("report-resolved", Tally::resolved),
    ]);
    let hours = |key: &str, median: fn(&Tally) -> Option<i64>| Line {
        label: locale.t(key),
        values: work
            .buckets
            .iter()
            .map(|row| median(&row.tally).map(|seconds| seconds as f64 / 3600.0))
            .collect(),
    };
    [
        Chart::new(
            Axes {
                title: locale.t("report-chart-work"),
                x_label: x_label.clone(),
                y_label: locale.t("report-chart-count"),
                buckets: &buckets,
                y_format: |value| format!("{value}"),
            },
            count_lines,
        ),
        Chart::new(
            Axes {
                title: locale.t("report-chart-times"),
                x_label,
                y_label: locale.t("report-chart-hours"),
                buckets: &buckets,
                y_format: |value| format!("{value}"),
            },
            vec![
                hours("report-first-response-median", |t| {
                    t.first_response().median
                }),
                hours("report-resolution-median", |t| t.resolution().median),
            ],
        ),
    ]
}

/// A duration cell's text: the time, or a dash when there is none.
pub fn duration_text(locale: Locale, seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "–".to_owned(),
        |seconds| format::duration(locale, seconds),
    )
}
