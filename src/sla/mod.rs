//! Service levels: the workspace's business hours and holidays (`/app/config/hours`), its
//! SLA policies in the admins' order (`/app/config/sla`), and each ticket's clocks as its
//! page shows them. A ticket follows the first policy whose conditions all hold for its
//! priority, department, type and channel as they are now, so a change of one of them
//! chooses again.
pub mod calendar;
pub mod clock;
pub mod db;
mod hours;
mod policies;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use self::{
    calendar::{Calendar, Range},
    clock::{Clock, State as ClockState, Step, Targets},
    db::Policy,
};
use crate::{
    AppError, AppState,
    config::Config,
    format, notifications,
    tickets::{
        Channel, MessageKind, Status,
        db::{ListedTicket, ThreadMessage, Ticket},
    },
    web::PageContext,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/app/config/hours",
            get(hours::show_hours).post(hours::save_hours),
        )
        .route("/app/config/sla", get(policies::show_policies))
        .route(
            "/app/config/sla/new",
            get(policies::new_policy).post(policies::create_policy),
        )
        .route(
            "/app/config/sla/{id}/edit",
            get(policies::edit_policy).post(policies::update_policy),
        )
        .route("/app/config/sla/{id}/delete", post(policies::delete_policy))
        .route("/app/config/sla/{id}/move", post(policies::move_policy))
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

    /// Whether the business hours are open at `at` (always, when none are set).
    pub fn is_open(&self, at: OffsetDateTime) -> bool {
        self.calendar.is_open(timestamp(at))
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
/// of its hours, policies or time zone, in that change's transaction (whose uncommitted
/// hours and policies it reads, not the directory's).
pub async fn refresh_workspace(
    conn: &mut PgConnection,
    account_id: Uuid,
    time_zone: &str,
) -> sqlx::Result<()> {
    let levels = ServiceLevels::load(conn, account_id, time_zone).await?;
    for ticket in db::tickets_to_do(conn, account_id).await? {
        store(conn, &levels, account_id, &ticket).await?;
    }
    Ok(())
}

async fn store(
    conn: &mut PgConnection,
    levels: &ServiceLevels,
    account_id: Uuid,
    ticket: &db::TicketForClocks,
) -> sqlx::Result<()> {
    let timeline = db::timeline(conn, account_id, ticket.id).await?;
    let steps: Vec<Step> = timeline
        .iter()
        .filter_map(|row| {
            step_of(
                row.kind,
                row.event.as_deref(),
                row.event_value.as_deref(),
                row.created_at,
            )
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
    let now = timestamp(ticket.now);
    let clocks = levels
        .clocks(&traits, &steps, now)
        .map(|(_, clocks)| clocks)
        .unwrap_or_default();
    let due = next_due(&clocks);
    let stored = ticket.sla_due_at.zip(ticket.sla_target.as_deref());
    if due != stored {
        db::store_due(conn, account_id, ticket.id, due).await?;
    }
    let results = results_now(&clocks, &timeline, now);
    if !results.is_empty() {
        db::store_results(conn, account_id, ticket.id, ticket.department_id, &results).await?;
    }
    Ok(())
}

/// The first response and the resolution that this very change (at `now`) completed, met or
/// missed, each with the agent whose reply or status change it was.
fn results_now(
    clocks: &[Clock],
    timeline: &[db::TimelineRow],
    now: jiff::Timestamp,
) -> Vec<db::SlaResult> {
    clocks
        .iter()
        .filter_map(|clock| match clock.state {
            ClockState::Done { at, in_time }
                if at == now && clock.target != clock::Target::NextResponse =>
            {
                let by = |row: &&db::TimelineRow| {
                    timestamp(row.created_at) == at
                        && match clock.target {
                            clock::Target::Resolution => {
                                row.event_value.as_deref() == Some(Status::Resolved.as_str())
                            }
                            _ => row.kind == MessageKind::Reply,
                        }
                };
                Some(db::SlaResult {
                    target: clock.target.code(),
                    done_at: offset_date_time(at),
                    in_time,
                    agent_id: timeline
                        .iter()
                        .rev()
                        .find(by)
                        .and_then(|row| row.author_agent_id),
                })
            }
            _ => None,
        })
        .collect()
}

/// Stored ranges as a week, Monday first.
pub(super) fn week_of(hours: Vec<(usize, Range)>) -> [Vec<Range>; 7] {
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
        // As `db::timeline`: a rule's canned answer is no agent's response.
        .filter(|message| message.kind != MessageKind::Reply || message.author_agent_id.is_some())
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
