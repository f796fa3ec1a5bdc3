//! Reports of the work done on tickets, by hour, day, week or month of the workspace's
//! time zone: `/app/reports/me` (every agent's own), `/app/reports` (the team's, admins and
//! owners) and `/app/reports/agents/{id}` (one agent's, for them). Figures are counted from
//! the ticket log at read time (`db`), so they can always be recomputed and explained (the
//! definitions on every report page).
mod chart;
mod db;
mod figures;
mod range;
mod report;
mod table;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use uuid::Uuid;

use self::{
    chart::Chart,
    db::{ReportAgent, Scope},
    range::{Period, ReportQuery, ReportRange},
    report::{Row, Team, Work},
    table::{Column, Csv},
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    format,
    input::{Choice, FieldErrors},
    web::{
        PageContext,
        extract::{Path, Query},
    },
};

/// Every agent's own report.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/reports/me", get(my_report))
}

/// The team's report and each agent's (admins and owners).
pub fn team_router() -> Router<AppState> {
    Router::new()
        .route("/app/reports", get(team_report))
        .route("/app/reports/agents/{id}", get(agent_report))
}

/// What the report form shows again: the range as typed, or as taken when left empty.
struct FilterForm {
    period: Vec<Choice>,
    from: String,
    to: String,
    department: Vec<Choice>,
}

impl FilterForm {
    fn new(ctx: &PageContext, query: &ReportQuery, range: &ReportRange) -> Self {
        let typed_or = |typed: &str, taken| {
            if typed.trim().is_empty() {
                format::iso_day(taken)
            } else {
                typed.to_owned()
            }
        };
        Self {
            period: Period::choices(ctx.locale, Some(range.period)),
            from: typed_or(&query.from, range.from),
            to: typed_or(&query.to, range.to),
            department: Vec::new(),
        }
    }
}

/// The query string of the range's CSV export.
fn csv_query(range: &ReportRange, department: Option<Uuid>) -> String {
    let mut query = format!(
        "period={}&from={}&to={}",
        range.period.as_str(),
        format::iso_day(range.from),
        format::iso_day(range.to)
    );
    if let Some(department) = department {
        query.push_str(&format!("&department={department}"));
    }
    query + "&format=csv"
}

/// Whether the CSV is asked for; an unknown format is the user's mistake.
fn wants_csv(query: &ReportQuery, errors: &mut FieldErrors) -> bool {
    match query.format.as_str() {
        "" | "html" => false,
        "csv" => true,
        _ => {
            errors.add("format", "report-format-invalid");
            false
        }
    }
}

/// A report's request read: one snapshot opened, the range in the workspace's zone, and
/// whether the CSV is asked for, with the query's mistakes in `errors`.
struct Opened {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    zone: String,
    range: ReportRange,
    csv: bool,
    errors: FieldErrors,
}

async fn open(
    state: &AppState,
    viewer: &CurrentAgent,
    query: &ReportQuery,
) -> Result<Opened, AppError> {
    let tx = db::begin(&state.db).await?;
    let zone = viewer.time_zone.clone();
    let today = viewer.zone().local(state.clock.now()).date();
    let mut errors = FieldErrors::default();
    let range = ReportRange::parse(query, today, &mut errors);
    let csv = wants_csv(query, &mut errors);
    Ok(Opened {
        tx,
        zone,
        range,
        csv,
        errors,
    })
}

fn csv_response(name: &str, csv: Csv) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        csv.into_string(),
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/agent.html")]
struct AgentReportPage {
    ctx: PageContext,
    subject: ReportAgent,
    /// The viewer's own report.
    own: bool,
    form: FilterForm,
    errors: FieldErrors,
    /// Absent when the query had mistakes.
    report: Option<AgentReport>,
}

struct AgentReport {
    work: Work,
    charts: [Chart; 2],
    csv_query: String,
    columns: &'static [Column],
}

async fn my_report(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let subject = ReportAgent {
        id: agent.id,
        name: agent.name.clone(),
        deleted: false,
    };
    agent_report_page(&state, ctx, &agent, subject, query).await
}

async fn agent_report(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let subject = db::agent(&mut *state.db.acquire().await?, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    agent_report_page(&state, ctx, &agent, subject, query).await
}

/// One agent's work: only what they wrote, resolved or were assigned.
async fn agent_report_page(
    state: &AppState,
    ctx: PageContext,
    viewer: &CurrentAgent,
    subject: ReportAgent,
    query: ReportQuery,
) -> Result<Response, AppError> {
    let Opened {
        mut tx,
        zone,
        range,
        csv,
        errors,
    } = open(state, viewer, &query).await?;
    let form = FilterForm::new(&ctx, &query, &range);
    let own = subject.id == viewer.id;
    if !errors.is_empty() {
        let page = AgentReportPage {
            ctx,
            subject,
            own,
            form,
            errors,
            report: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (window, buckets) = db::window(&mut tx, &range, &zone).await?;
    let scope = Scope {
        agent_id: Some(subject.id),
        department_id: None,
    };
    let figures = report::figures(&mut tx, viewer.account_id, &window, scope).await?;
    tx.commit().await?;
    let work = report::work(&figures, range.period, &buckets);

    if csv {
        let period = ctx.t(range.period.label_key());
        let mut file = Csv::new(ctx.locale, &[period], table::WORK.iter().collect());
        for row in &work.buckets {
            file.row(std::slice::from_ref(&row.label), &row.tally);
        }
        file.row(&[ctx.t("report-total")], &work.total);
        return Ok(csv_response(&range.csv_name("report"), file));
    }
    let charts = report::charts(ctx.locale, &work, false);
    let page = AgentReportPage {
        ctx,
        subject,
        own,
        form,
        errors,
        report: Some(AgentReport {
            work,
            charts,
            csv_query: csv_query(&range, None),
            columns: table::WORK,
        }),
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/team.html")]
struct TeamReportPage {
    ctx: PageContext,
    form: FilterForm,
    errors: FieldErrors,
    report: Option<TeamReport>,
}

struct TeamReport {
    work: Work,
    team: Team,
    charts: [Chart; 2],
    csv_query: String,
    /// The columns of the per-bucket table, and of the agents' and departments' tables.
    bucket_columns: Vec<&'static Column>,
    work_columns: &'static [Column],
    /// A department's work, and the chats and calls it received and missed.
    department_columns: Vec<&'static Column>,
    /// The busiest hour's count, for the shading of the week's grid.
    busiest_hour: i64,
}

impl TeamReport {
    /// The shade (0 to 4) of an hour of the week's grid.
    fn shade(&self, count: &i64) -> i64 {
        if self.busiest_hour == 0 {
            0
        } else {
            (count * 4 + self.busiest_hour - 1) / self.busiest_hour
        }
    }
}

async fn team_report(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let Opened {
        mut tx,
        zone,
        range,
        csv,
        mut errors,
    } = open(&state, &agent, &query).await?;
    let departments = crate::departments::db::names(&mut tx, agent.account_id).await?;
    let department_id = match query.department.trim() {
        "" => None,
        raw => {
            let known = raw
                .parse::<Uuid>()
                .ok()
                .filter(|id| departments.iter().any(|(known, _)| known == id));
            if known.is_none() {
                errors.add("department", "report-department-unknown");
            }
            known
        }
    };
    let mut form = FilterForm::new(&ctx, &query, &range);
    form.department = Choice::rows(departments, |id| Some(id) == department_id);
    if !errors.is_empty() {
        let page = TeamReportPage {
            ctx,
            form,
            errors,
            report: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (window, buckets) = db::window(&mut tx, &range, &zone).await?;
    let scope = Scope {
        agent_id: None,
        department_id,
    };
    let mut figures = report::figures(&mut tx, agent.account_id, &window, scope).await?;
    let team = report::team(
        &mut tx,
        ctx.locale,
        agent.account_id,
        &window,
        department_id,
        &mut figures,
    )
    .await?;
    tx.commit().await?;
    let work = report::work(&figures, range.period, &buckets);
    let bucket_columns: Vec<&'static Column> = table::INCOMING
        .iter()
        .chain(table::WORK)
        .chain(table::LIVE_INCOMING)
        .collect();

    if csv {
        return Ok(csv_response(
            &range.csv_name("team-report"),
            team_csv(&ctx, &work, &team, bucket_columns),
        ));
    }
    let charts = report::charts(ctx.locale, &work, true);
    let busiest_hour = team.hours.iter().flatten().copied().max().unwrap_or(0);
    let page = TeamReportPage {
        ctx,
        form,
        errors,
        report: Some(TeamReport {
            work,
            team,
            charts,
            csv_query: csv_query(&range, department_id),
            bucket_columns,
            work_columns: table::WORK,
            department_columns: table::WORK.iter().chain(table::LIVE_INCOMING).collect(),
            busiest_hour,
        }),
    };
    Ok(page.into_response())
}

/// The team's page as one table: a section column names which of the page's tables a row
/// comes from.
fn team_csv(ctx: &PageContext, work: &Work, team: &Team, columns: Vec<&'static Column>) -> Csv {
    let first = [ctx.t("report-csv-section"), ctx.t("report-csv-name")];
    let mut csv = Csv::new(ctx.locale, &first, columns);
    let mut rows = |section: &str, rows: &[Row]| {
        for row in rows {
            let mut name = row.label.clone();
            if row.deleted {
                name = format!("{name} ({})", ctx.t("report-agent-deleted"));
            }
            csv.row(&[section.to_owned(), name], &row.tally);
        }
    };
    rows(&ctx.t(work.period.label_key()), &work.buckets);
    rows(&ctx.t("report-agent"), &team.agents);
    rows(&ctx.t("report-department"), &team.departments);
    csv.row(&[ctx.t("report-total"), String::new()], &work.total);
    let new_tickets = "report-new-tickets";
    for (channel, count) in &team.channels {
        let name = ctx.t(channel.label_key());
        csv.single(&[ctx.t("report-by-channel"), name], new_tickets, *count);
    }
    for (issue_type, count) in &team.issue_types {
        let name = ctx.t(issue_type.label_key());
        csv.single(&[ctx.t("report-by-type"), name], new_tickets, *count);
    }
    let section = ctx.t("report-customer-hours");
    for (weekday, hours) in team.hours.iter().enumerate() {
        let day = ctx.t(WEEKDAYS[weekday]);
        for (hour, count) in hours.iter().enumerate() {
            let name = format!("{day} {hour:02}:00");
            csv.single(&[section.clone(), name], "report-customer-messages", *count);
        }
    }
    csv
}

/// The catalog's weekday names, Monday first.
const WEEKDAYS: [&str; 7] = [
    "weekday-mon",
    "weekday-tue",
    "weekday-wed",
    "weekday-thu",
    "weekday-fri",
    "weekday-sat",
    "weekday-sun",
];
