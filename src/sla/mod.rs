//! Service levels: the workspace's business hours and holidays (`/app/config/hours`), its
//! SLA policies in the admins' order (`/app/config/sla`), and each ticket's clocks as its
//! page shows them. A ticket follows the first policy whose conditions all hold for its
//! priority, department, type and channel as they are now, so a change of one of them
//! chooses again.
pub mod calendar;
pub mod clock;
pub mod db;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use tower_sessions::Session;
use uuid::Uuid;

use self::{
    calendar::{Calendar, Range},
    clock::{Clock, State as ClockState, Step, Targets},
    db::{Policy, PolicySettings},
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    config::Config,
    error::Found,
    format,
    input::{Choice, FieldErrors, required_text},
    notifications,
    tickets::{
        Channel, IssueType, MessageKind, Priority, Status,
        db::{ListedTicket, ThreadMessage, Ticket},
    },
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

/// The form's names of the weekdays, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Ranges a day may have.
const RANGES_PER_DAY: usize = 6;
/// Holidays a workspace may list.
const HOLIDAY_LIMIT: usize = 366;
/// Longest target: a year of minutes.
const TARGET_LIMIT: i32 = 525_600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/config/hours", get(show_hours).post(save_hours))
        .route("/app/config/sla", get(show_policies))
        .route("/app/config/sla/new", get(new_policy).post(create_policy))
        .route(
            "/app/config/sla/{id}/edit",
            get(edit_policy).post(update_policy),
        )
        .route("/app/config/sla/{id}/delete", post(delete_policy))
        .route("/app/config/sla/{id}/move", post(move_policy))
}

/// A workspace's hours and policies, as every panel page that shows clocks needs them
/// (kept per process by `directory`).
#[derive(Debug)]
pub struct ServiceLevels {
    pub calendar: Calendar,
    pub policies: Vec<Policy>,
}

impl ServiceLevels {
    pub async fn load(
        conn: &mut PgConnection,
        account_id: Uuid,
        time_zone: &str,
    ) -> sqlx::Result<Self> {
        let week = week_of(db::hours(conn, account_id).await?);
        let holidays = db::holidays(conn, account_id)
            .await?
            .into_iter()
            .filter_map(civil_date)
            .collect();
        Ok(Self {
            calendar: Calendar::new(zone_of(time_zone), week, holidays),
            policies: db::policies(conn, account_id).await?,
        })
    }

    /// The first policy whose conditions hold for a ticket of these properties.
    pub fn policy_for(&self, ticket: &Traits<'_>) -> Option<&Policy> {
        self.policies.iter().find(|policy| {
            let settings = &policy.settings;
            settings
                .priority
                .as_deref()
                .is_none_or(|p| p == ticket.priority)
                && settings
                    .department_id
                    .is_none_or(|d| Some(d) == ticket.department_id)
                && settings
                    .issue_type
                    .as_deref()
                    .is_none_or(|t| t == ticket.issue_type)
                && settings
                    .channel
                    .as_deref()
                    .is_none_or(|c| c == ticket.channel)
        })
    }

    /// The ticket's clocks at `now` under the policy that applies, with the policy.
    fn clocks(
        &self,
        ticket: &Traits<'_>,
        steps: &[Step],
        now: jiff::Timestamp,
    ) -> Option<(&Policy, Vec<Clock>)> {
        let policy = self.policy_for(ticket)?;
        let always = Calendar::always();
        let calendar = if policy.settings.business_hours {
            &self.calendar
        } else {
            &always
        };
        let settings = &policy.settings;
        let targets = Targets {
            first_response: settings.first_response.map(i64::from),
            next_response: settings.next_response.map(i64::from),
            resolution: settings.resolution.map(i64::from),
        };
        // The status now closes the timeline: a merge or spam leaves no status event.
        let steps: Vec<Step> = steps
            .iter()
            .copied()
            .chain([Step::Status(now, ticket.status)])
            .collect();
        let clocks = clock::clocks(
            calendar,
            targets,
            ticket.created_at,
            ticket.initial,
            &steps,
            now,
        );
        Some((policy, clocks))
    }
}

/// What chooses a ticket's policy, and when its clocks start.
pub struct Traits<'a> {
    pub priority: &'a str,
    pub department_id: Option<Uuid>,
    pub issue_type: &'a str,
    pub channel: &'a str,
    pub created_at: jiff::Timestamp,
    /// A ticket an agent opened begins answered (its first message is their reply).
    pub initial: Status,
    pub status: Status,
}

impl<'a> Traits<'a> {
    fn of(ticket: &'a Ticket) -> Self {
        Self {
            priority: ticket.priority.as_str(),
            department_id: ticket.department_id,
            issue_type: ticket.issue_type.as_str(),
            channel: ticket.channel.as_str(),
            created_at: timestamp(ticket.created_at),
            initial: initial_status(ticket.channel.as_str()),
            status: ticket.status,
        }
    }
}

fn initial_status(channel: &str) -> Status {
    if channel == Channel::Agent.as_str() {
        Status::Answered
    } else {
        Status::New
    }
}

/// A message of the thread as the clocks see it: customers' messages, replies and status
/// changes (a customer's message that reopens a resolved ticket records `reopened`).
fn step_of(
    kind: MessageKind,
    event: Option<&str>,
    value: Option<&str>,
    at: OffsetDateTime,
) -> Option<Step> {
    let at = timestamp(at);
    match (kind, event) {
        (MessageKind::Customer, _) => Some(Step::Customer(at)),
        (MessageKind::Reply, _) => Some(Step::Reply(at)),
        (MessageKind::Event, Some("postponed")) => Some(Step::Status(at, Status::Postponed)),
        (MessageKind::Event, Some("status" | "reopened")) => value
            .and_then(|value| Status::parse(value).ok())
            .map(|status| Step::Status(at, status)),
        _ => None,
    }
}

/// The clock that falls due first, as stored on the ticket: when, and which target.
fn next_due(clocks: &[Clock]) -> Option<(OffsetDateTime, &'static str)> {
    clocks
        .iter()
        .filter_map(|clock| match clock.state {
            ClockState::Running { due: Some(due) } => Some((due, clock.target.code())),
            _ => None,
        })
        .min_by_key(|(due, _)| *due)
        .map(|(due, target)| (offset_date_time(due), target))
}

/// Stores the ticket's next due time as its clocks stand after a change, in the change's
/// transaction. A workspace without policies costs one statement.
pub async fn refresh(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<()> {
    let Some(ticket) = db::ticket_for_clocks(conn, account_id, ticket_id).await? else {
        return Ok(());
    };
    if !ticket.has_policies {
        if ticket.sla_due_at.is_some() {
            db::store_due(conn, account_id, ticket_id, None).await?;
        }
        return Ok(());
    }
    let levels = ServiceLevels::load(conn, account_id, &ticket.time_zone).await?;
    store(conn, &levels, account_id, &ticket).await
}

/// Stores the next due time of every ticket of the workspace still to do, after a change
/// of its hours or policies (in that change's transaction, which `levels` was read in).
pub async fn refresh_workspace(
    conn: &mut PgConnection,
    account_id: Uuid,
    time_zone: &str,
) -> sqlx::Result<()> {
    let levels = ServiceLevels::load(conn, account_id, time_zone).await?;
    for ticket_id in db::tickets_to_do(conn, account_id).await? {
        if let Some(ticket) = db::ticket_for_clocks(conn, account_id, ticket_id).await? {
            store(conn, &levels, account_id, &ticket).await?;
        }
    }
    Ok(())
}

async fn store(
    conn: &mut PgConnection,
    levels: &ServiceLevels,
    account_id: Uuid,
    ticket: &db::TicketForClocks,
) -> sqlx::Result<()> {
    let steps: Vec<Step> = db::timeline(conn, account_id, ticket.id)
        .await?
        .into_iter()
        .filter_map(|(kind, event, value, at)| {
            step_of(kind, event.as_deref(), value.as_deref(), at)
        })
        .collect();
    let traits = Traits {
        priority: &ticket.priority,
        department_id: ticket.department_id,
        issue_type: &ticket.issue_type,
        channel: &ticket.channel,
        created_at: timestamp(ticket.created_at),
        initial: initial_status(&ticket.channel),
        status: Status::parse(&ticket.status).unwrap_or(Status::Open),
    };
    let due = levels
        .clocks(&traits, &steps, timestamp(ticket.now))
        .and_then(|(_, clocks)| next_due(&clocks));
    let stored = ticket.sla_due_at.zip(ticket.sla_target.as_deref());
    if due != stored {
        db::store_due(conn, account_id, ticket.id, due).await?;
    }
    Ok(())
}

/// Stored ranges as a week, Monday first.
fn week_of(hours: Vec<(usize, Range)>) -> [Vec<Range>; 7] {
    let mut week: [Vec<Range>; 7] = Default::default();
    for (weekday, range) in hours {
        if let Some(day) = week.get_mut(weekday) {
            day.push(range);
        }
    }
    week
}

fn zone_of(name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

fn civil_date(day: Date) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(
        day.year() as i16,
        u8::from(day.month()) as i8,
        day.day() as i8,
    )
    .ok()
}

fn timestamp(moment: OffsetDateTime) -> jiff::Timestamp {
    jiff::Timestamp::from_second(moment.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn offset_date_time(moment: jiff::Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(moment.as_second()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A ticket's clocks as its page shows them.
pub struct TicketClocks {
    pub policy: String,
    pub business_hours: bool,
    pub clocks: Vec<ShownClock>,
}

/// One clock in words: its target, where it stands, and how long it was paused.
pub struct ShownClock {
    pub label_key: &'static str,
    pub target: String,
    /// `ok`, `due-soon`, `breached`, `met`, `missed` or `paused`, for the colour.
    pub state: &'static str,
    pub text: String,
    pub paused: Option<String>,
}

/// A clock due within this long shows as due soon.
const DUE_SOON: i64 = 3600;

/// The ticket's clocks under the policy that applies to it, at `now`; `None` without one.
pub fn ticket_clocks(
    ctx: &PageContext,
    levels: &ServiceLevels,
    ticket: &Ticket,
    thread: &[ThreadMessage],
    now: OffsetDateTime,
) -> Option<TicketClocks> {
    let steps: Vec<Step> = thread
        .iter()
        .filter_map(|message| {
            step_of(
                message.kind,
                message.event.as_deref(),
                message.event_value.as_deref(),
                message.created_at,
            )
        })
        .collect();
    let now = timestamp(now);
    let (policy, clocks) = levels.clocks(&Traits::of(ticket), &steps, now)?;
    let clocks = clocks
        .into_iter()
        .map(|clock| show_clock(ctx, clock, now))
        .collect();
    Some(TicketClocks {
        policy: policy.settings.name.clone(),
        business_hours: policy.settings.business_hours,
        clocks,
    })
}

/// Announces every due time that has passed and was not announced yet (each once), in
/// batches, each its own transaction. Run at start and then every minute by every `serve`
/// process: a ticket another process is announcing is skipped.
pub async fn notify_breaches(db: &sqlx::PgPool, config: &Config) -> Result<usize, AppError> {
    const BATCH: i64 = 200;
    let mut told = 0;
    loop {
        let mut tx = db.begin().await?;
        let breached = db::breached(&mut tx, BATCH).await?;
        for (account_id, ticket_id, target) in &breached {
            let label_key = format!("sla-{}", target.replace('_', "-"));
            notifications::sla_breached(&mut tx, config, *account_id, *ticket_id, &label_key)
                .await?;
            db::mark_notified(&mut tx, *account_id, *ticket_id).await?;
        }
        tx.commit().await?;
        told += breached.len();
        if (breached.len() as i64) < BATCH {
            return Ok(told);
        }
    }
}

/// Each listed ticket's next due time in words ("First response due in 1 h 20 min",
/// "Resolution overdue by 15 min") and its state for the colour, at `now`.
pub fn label_due(ctx: &PageContext, tickets: &mut [ListedTicket], now: OffsetDateTime) {
    for ticket in tickets {
        let (Some(due), Some(target)) = (ticket.sla_due_at, ticket.sla_target.as_deref()) else {
            continue;
        };
        let label = ctx.t(&format!("sla-{}", target.replace('_', "-")));
        let left = (due - now).whole_seconds();
        ticket.due = Some(if left <= 0 {
            (
                "breached",
                ctx.t_args(
                    "sla-list-overdue",
                    &[
                        ("target", &label),
                        ("duration", &format::duration(ctx.locale, -left)),
                    ],
                ),
            )
        } else {
            (
                if left <= DUE_SOON { "due-soon" } else { "ok" },
                ctx.t_args(
                    "sla-list-due",
                    &[
                        ("target", &label),
                        ("duration", &format::duration(ctx.locale, left)),
                    ],
                ),
            )
        });
    }
}

fn show_clock(ctx: &PageContext, clock: Clock, now: jiff::Timestamp) -> ShownClock {
    let (state, text) = match clock.state {
        ClockState::Running { due: Some(due) } if due <= now => (
            "breached",
            ctx.t_args(
                "sla-overdue",
                &[(
                    "duration",
                    &format::duration(ctx.locale, now.as_second() - due.as_second()),
                )],
            ),
        ),
        ClockState::Running { due: Some(due) } => (
            if due.as_second() - now.as_second() <= DUE_SOON {
                "due-soon"
            } else {
                "ok"
            },
            ctx.t_args(
                "sla-due",
                &[
                    (
                        "duration",
                        &format::duration(ctx.locale, due.as_second() - now.as_second()),
                    ),
                    ("at", &ctx.datetime(offset_date_time(due))),
                ],
            ),
        ),
        ClockState::Running { due: None } => ("ok", ctx.t("sla-never-due")),
        ClockState::Paused { left } if left < 0 => (
            "breached",
            ctx.t_args(
                "sla-paused-overdue",
                &[("duration", &format::duration(ctx.locale, -left))],
            ),
        ),
        ClockState::Paused { left } => (
            "paused",
            ctx.t_args(
                "sla-paused-left",
                &[("duration", &format::duration(ctx.locale, left))],
            ),
        ),
        ClockState::Done { at, in_time } => (
            if in_time { "met" } else { "missed" },
            ctx.t_args(
                if in_time { "sla-met" } else { "sla-missed" },
                &[("at", &ctx.datetime(offset_date_time(at)))],
            ),
        ),
    };
    ShownClock {
        label_key: clock.target.label_key(),
        target: format::duration(ctx.locale, clock.minutes * 60),
        state,
        text,
        paused: (clock.paused >= 60).then(|| format::duration(ctx.locale, clock.paused)),
    }
}

// ---- Business hours ----

#[derive(Debug, Default, Deserialize)]
struct HoursForm {
    #[serde(default)]
    mon_ranges: String,
    #[serde(default)]
    tue_ranges: String,
    #[serde(default)]
    wed_ranges: String,
    #[serde(default)]
    thu_ranges: String,
    #[serde(default)]
    fri_ranges: String,
    #[serde(default)]
    sat_ranges: String,
    #[serde(default)]
    sun_ranges: String,
    #[serde(default)]
    holidays: String,
}

impl HoursForm {
    fn days(&self) -> [&str; 7] {
        [
            &self.mon_ranges,
            &self.tue_ranges,
            &self.wed_ranges,
            &self.thu_ranges,
            &self.fri_ranges,
            &self.sat_ranges,
            &self.sun_ranges,
        ]
    }

    fn of(week: &[Vec<Range>; 7], holidays: &[Date]) -> Self {
        let day = |ranges: &Vec<Range>| {
            ranges
                .iter()
                .map(Range::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            mon_ranges: day(&week[0]),
            tue_ranges: day(&week[1]),
            wed_ranges: day(&week[2]),
            thu_ranges: day(&week[3]),
            fri_ranges: day(&week[4]),
            sat_ranges: day(&week[5]),
            sun_ranges: day(&week[6]),
            holidays: holidays
                .iter()
                .map(|day| format::iso_day(*day))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn parse(&self, errors: &mut FieldErrors) -> Option<([Vec<Range>; 7], Vec<Date>)> {
        const FIELDS: [&str; 7] = [
            "mon_ranges",
            "tue_ranges",
            "wed_ranges",
            "thu_ranges",
            "fri_ranges",
            "sat_ranges",
            "sun_ranges",
        ];
        let mut week: [Vec<Range>; 7] = Default::default();
        for ((field, text), day) in FIELDS.into_iter().zip(self.days()).zip(&mut week) {
            if let Some(ranges) = errors.check(field, parse_day(text)) {
                *day = ranges;
            }
        }
        let holidays = errors.check("holidays", parse_holidays(&self.holidays));
        errors.is_empty().then_some((week, holidays?))
    }
}

/// A day's ranges as typed: `09:00-12:00, 13:00-17:00`; empty for a closed day.
fn parse_day(text: &str) -> Result<Vec<Range>, &'static str> {
    let ranges = text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| Range::parse(piece).ok_or("hours-range-invalid"))
        .collect::<Result<Vec<_>, _>>()?;
    if ranges.len() > RANGES_PER_DAY {
        return Err("hours-too-many-ranges");
    }
    Ok(ranges)
}

/// ISO days, one a line (commas too); each once, in order.
fn parse_holidays(text: &str) -> Result<Vec<Date>, &'static str> {
    let mut days = text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| format::parse_iso_day(piece).ok_or("hours-holiday-invalid"))
        .collect::<Result<Vec<_>, _>>()?;
    days.sort_unstable();
    days.dedup();
    if days.len() > HOLIDAY_LIMIT {
        return Err("hours-too-many-holidays");
    }
    Ok(days)
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/hours.html")]
struct HoursPage {
    ctx: PageContext,
    form: HoursForm,
    errors: FieldErrors,
    time_zone: String,
}

impl HoursPage {
    /// `(field, label key, value)` per weekday, Monday first.
    fn days(&self) -> Vec<(String, String, &str)> {
        WEEKDAYS
            .iter()
            .zip(self.form.days())
            .map(|(day, value)| {
                (
                    format!("{day}_ranges"),
                    self.ctx.t(&format!("weekday-{day}")),
                    value,
                )
            })
            .collect()
    }
}

async fn show_hours(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<HoursPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let week = week_of(db::hours(&mut conn, agent.account_id).await?);
    let holidays = db::holidays(&mut conn, agent.account_id).await?;
    Ok(HoursPage {
        ctx,
        form: HoursForm::of(&week, &holidays),
        errors: FieldErrors::default(),
        time_zone: agent.time_zone.clone(),
    })
}

async fn save_hours(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<HoursForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let Some((week, holidays)) = form.parse(&mut errors) else {
        let page = HoursPage {
            ctx,
            form,
            errors,
            time_zone: agent.time_zone.clone(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    db::replace_hours(&mut tx, agent.account_id, &week, &holidays).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    let entry = Entry::new(&agent, Action::BusinessHoursChanged, client);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "hours-saved").await?;
    Ok(Redirect::to("/app/config/hours").into_response())
}

// ---- Policies ----

#[derive(Template, WebTemplate)]
#[template(path = "sla/policies.html")]
struct PoliciesPage {
    ctx: PageContext,
    policies: Vec<ListedPolicy>,
}

/// A policy in the list: its conditions and targets in words.
struct ListedPolicy {
    id: Uuid,
    name: String,
    conditions: String,
    targets: String,
    business_hours: bool,
    first: bool,
    last: bool,
}

async fn show_policies(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<PoliciesPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let policies = db::policies(&mut conn, agent.account_id).await?;
    let names = state.directory.names(&mut conn, agent.account_id).await?;
    let count = policies.len();
    let listed = policies
        .into_iter()
        .enumerate()
        .map(|(index, policy)| {
            let mut conditions = Vec::new();
            if let Some(priority) = policy
                .settings
                .priority
                .as_deref()
                .and_then(|p| Priority::parse(p).ok())
            {
                conditions.push(ctx.t(priority.label_key()));
            }
            if let Some(department) = policy.settings.department_id.and_then(|id| {
                names
                    .departments
                    .iter()
                    .find(|(d, _)| *d == id)
                    .map(|(_, n)| n.clone())
            }) {
                conditions.push(department);
            }
            if let Some(issue_type) = policy
                .settings
                .issue_type
                .as_deref()
                .and_then(|t| IssueType::parse(t).ok())
            {
                conditions.push(ctx.t(issue_type.label_key()));
            }
            if let Some(channel) = policy
                .settings
                .channel
                .as_deref()
                .and_then(|c| Channel::parse(c).ok())
            {
                conditions.push(ctx.t(channel.label_key()));
            }
            let targets = [
                ("sla-first-response", policy.settings.first_response),
                ("sla-next-response", policy.settings.next_response),
                ("sla-resolution", policy.settings.resolution),
            ]
            .into_iter()
            .filter_map(|(key, minutes)| {
                minutes.map(|m| {
                    format!(
                        "{}: {}",
                        ctx.t(key),
                        format::duration(ctx.locale, i64::from(m) * 60)
                    )
                })
            })
            .collect::<Vec<_>>();
            ListedPolicy {
                id: policy.id,
                name: policy.settings.name,
                conditions: if conditions.is_empty() {
                    ctx.t("sla-every-ticket")
                } else {
                    conditions.join(" · ")
                },
                targets: targets.join(", "),
                business_hours: policy.settings.business_hours,
                first: index == 0,
                last: index + 1 == count,
            }
        })
        .collect();
    Ok(PoliciesPage {
        ctx,
        policies: listed,
    })
}

#[derive(Debug, Default, Deserialize)]
struct PolicyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    department: String,
    #[serde(default, rename = "type")]
    issue_type: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    first_response: String,
    #[serde(default)]
    next_response: String,
    #[serde(default)]
    resolution: String,
    /// A checkbox: present when ticked.
    business_hours: Option<String>,
}

impl PolicyForm {
    fn of(policy: &Policy) -> Self {
        let minutes = |m: Option<i32>| m.map(|m| m.to_string()).unwrap_or_default();
        Self {
            name: policy.settings.name.clone(),
            priority: policy.settings.priority.clone().unwrap_or_default(),
            department: policy
                .settings
                .department_id
                .map(|d| d.to_string())
                .unwrap_or_default(),
            issue_type: policy.settings.issue_type.clone().unwrap_or_default(),
            channel: policy.settings.channel.clone().unwrap_or_default(),
            first_response: minutes(policy.settings.first_response),
            next_response: minutes(policy.settings.next_response),
            resolution: minutes(policy.settings.resolution),
            business_hours: policy.settings.business_hours.then(|| "on".to_owned()),
        }
    }

    fn parse(
        &self,
        departments: &[(Uuid, String)],
        errors: &mut FieldErrors,
    ) -> Option<PolicySettings> {
        let name = errors.check("name", required_text(&self.name, 80));
        let choice = |raw: &str, parse: fn(&str) -> Result<&'static str, &'static str>| {
            if raw.is_empty() {
                Ok(None)
            } else {
                parse(raw).map(|value| Some(value.to_owned()))
            }
        };
        let priority = errors.check(
            "priority",
            choice(&self.priority, |raw| {
                Priority::parse(raw).map(Priority::as_str)
            }),
        );
        let issue_type = errors.check(
            "type",
            choice(&self.issue_type, |raw| {
                IssueType::parse(raw).map(IssueType::as_str)
            }),
        );
        let channel = errors.check(
            "channel",
            choice(&self.channel, |raw| {
                Channel::parse(raw).map(Channel::as_str)
            }),
        );
        let department = errors.check(
            "department",
            match self.department.as_str() {
                "" => Ok(None),
                raw => raw
                    .parse::<Uuid>()
                    .ok()
                    .filter(|id| departments.iter().any(|(d, _)| d == id))
                    .map(Some)
                    .ok_or("input-choice-invalid"),
            },
        );
        let first_response = errors.check("first_response", minutes(&self.first_response));
        let next_response = errors.check("next_response", minutes(&self.next_response));
        let resolution = errors.check("resolution", minutes(&self.resolution));
        if let (Some(None), Some(None), Some(None)) = (first_response, next_response, resolution) {
            errors.add("first_response", "sla-no-target");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(PolicySettings {
            name: name?,
            priority: priority?,
            department_id: department?,
            issue_type: issue_type?,
            channel: channel?,
            first_response: first_response?,
            next_response: next_response?,
            resolution: resolution?,
            business_hours: self.business_hours.is_some(),
        })
    }
}

/// A target as typed: whole minutes from 1 to a year, or empty for none.
fn minutes(raw: &str) -> Result<Option<i32>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i32>() {
        Ok(minutes) if (1..=TARGET_LIMIT).contains(&minutes) => Ok(Some(minutes)),
        _ => Err("sla-minutes-invalid"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/policy_form.html")]
struct PolicyPage {
    ctx: PageContext,
    editing: Option<Uuid>,
    form: PolicyForm,
    priorities: Vec<Choice>,
    departments: Vec<Choice>,
    types: Vec<Choice>,
    channels: Vec<Choice>,
    errors: FieldErrors,
}

async fn policy_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    editing: Option<Uuid>,
    form: PolicyForm,
    errors: FieldErrors,
) -> Result<PolicyPage, AppError> {
    let names = state
        .directory
        .names(&mut *state.db.acquire().await?, agent.account_id)
        .await?;
    let departments = Choice::rows(names.departments.clone(), |id| {
        form.department == id.to_string()
    });
    Ok(PolicyPage {
        priorities: Priority::choices(ctx.locale, Priority::parse(&form.priority).ok()),
        types: IssueType::choices(ctx.locale, IssueType::parse(&form.issue_type).ok()),
        channels: Channel::choices(ctx.locale, Channel::parse(&form.channel).ok()),
        departments,
        ctx,
        editing,
        form,
        errors,
    })
}

async fn new_policy(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<PolicyPage, AppError> {
    policy_page(
        &state,
        ctx,
        &agent,
        None,
        PolicyForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn edit_policy(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<PolicyPage, AppError> {
    let policy = db::policy(&mut *state.db.acquire().await?, agent.account_id, id)
        .await
        .found()?;
    let form = PolicyForm::of(&policy);
    policy_page(&state, ctx, &agent, Some(id), form, FieldErrors::default()).await
}

/// Creates (`editing` is `None`) or updates a policy from the form, or shows the form again
/// with what was wrong.
async fn save_policy(
    state: &AppState,
    session: &Session,
    client: Option<std::net::IpAddr>,
    ctx: PageContext,
    agent: &CurrentAgent,
    editing: Option<Uuid>,
    form: PolicyForm,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::lock(&mut tx, agent.account_id).await?;
    if let Some(id) = editing {
        db::policy(&mut tx, agent.account_id, id).await.found()?;
    }
    let departments = crate::departments::db::names(&mut tx, agent.account_id).await?;
    let mut errors = FieldErrors::default();
    let Some(input) = form.parse(&departments, &mut errors) else {
        drop(tx);
        let page = policy_page(state, ctx, agent, editing, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (action, message) = match editing {
        Some(id) => {
            db::update_policy(&mut tx, agent.account_id, id, &input).await?;
            (Action::SlaPolicyUpdated, "sla-policy-saved")
        }
        None => {
            db::insert_policy(&mut tx, agent.account_id, &input).await?;
            (Action::SlaPolicyCreated, "sla-policy-created")
        }
    };
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    let entry = Entry::new(agent, action, client).subject(&input.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(session, message).await?;
    Ok(Redirect::to("/app/config/sla").into_response())
}

async fn create_policy(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<PolicyForm>,
) -> Result<Response, AppError> {
    save_policy(&state, &session, client, ctx, &agent, None, form).await
}

async fn update_policy(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<PolicyForm>,
) -> Result<Response, AppError> {
    save_policy(&state, &session, client, ctx, &agent, Some(id), form).await
}

async fn delete_policy(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::lock(&mut tx, agent.account_id).await?;
    let policy = db::policy(&mut tx, agent.account_id, id).await.found()?;
    db::delete_policy(&mut tx, agent.account_id, id).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    let entry = Entry::new(&agent, Action::SlaPolicyDeleted, client).subject(&policy.settings.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "sla-policy-deleted").await?;
    Ok(Redirect::to("/app/config/sla").into_response())
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn move_policy(
    State(state): State<AppState>,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest("input-choice-invalid")),
    };
    let mut tx = state.db.begin().await?;
    db::lock(&mut tx, agent.account_id).await?;
    db::policy(&mut tx, agent.account_id, id).await.found()?;
    db::move_policy(&mut tx, agent.account_id, id, up).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/config/sla").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_holidays_are_read_as_typed() {
        assert_eq!(parse_day("").unwrap(), vec![]);
        assert_eq!(
            parse_day("09:00-12:00, 13:00-17:00").unwrap(),
            vec![
                Range::parse("09:00-12:00").unwrap(),
                Range::parse("13:00-17:00").unwrap()
            ]
        );
        assert_eq!(parse_day("9 to 5"), Err("hours-range-invalid"));
        assert_eq!(
            parse_day(&["09:00-10:00"; 7].join(",")),
            Err("hours-too-many-ranges")
        );
        let days = parse_holidays("2026-12-25\n2026-12-24, 2026-12-25\n").unwrap();
        assert_eq!(days.len(), 2);
        assert!(days[0] < days[1]);
        assert_eq!(parse_holidays("Christmas"), Err("hours-holiday-invalid"));
    }

    #[test]
    fn targets_are_whole_minutes_up_to_a_year() {
        assert_eq!(minutes(""), Ok(None));
        assert_eq!(minutes(" 90 "), Ok(Some(90)));
        for bad in ["0", "-5", "1.5", "525601", "soon"] {
            assert_eq!(minutes(bad), Err("sla-minutes-invalid"), "{bad}");
        }
    }
}
