//! `POST /app/tickets/{number}/properties`: status, priority, type, department, assignee
//! and a postponement, each change written into the thread as an event. Two agents saving
//! at once do not overwrite each other silently: the page sends what it showed, and a
//! property someone else changed meanwhile is kept, or named as a conflict.
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    IssueType, Priority, Status,
    db::{self, Properties, Ticket, Viewer},
    page::{Drafts, ticket_page_again, visible_locked},
};
use crate::{
    AppError, AppState, agents,
    auth::CurrentAgent,
    config::Config,
    departments,
    format::{self, Zone},
    input::FieldErrors,
    live,
    notifications::{self, Change},
    rules, sla,
    web::{
        PageContext,
        extract::{Form, Path},
        flash,
    },
};

/// A property of the form, in the order of the page's stamp.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    Status,
    Priority,
    Type,
    Department,
    Assignee,
    PostponedUntil,
}

impl Field {
    const ALL: [Self; 6] = [
        Self::Status,
        Self::Priority,
        Self::Type,
        Self::Department,
        Self::Assignee,
        Self::PostponedUntil,
    ];

    /// The form field's name.
    fn name(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Priority => "priority",
            Self::Type => "type",
            Self::Department => "department",
            Self::Assignee => "assignee",
            Self::PostponedUntil => "postponed_until",
        }
    }

    fn stamp(self, properties: &Properties) -> String {
        let id = |id: Option<Uuid>| id.map_or_else(|| "-".to_owned(), |id| id.simple().to_string());
        match self {
            Self::Status => properties.status.as_str().to_owned(),
            Self::Priority => properties.priority.as_str().to_owned(),
            Self::Type => properties.issue_type.as_str().to_owned(),
            Self::Department => id(properties.department_id),
            Self::Assignee => id(properties.assignee_id),
            Self::PostponedUntil => properties.postponed_until.map_or_else(
                || "-".to_owned(),
                |until| until.unix_timestamp().to_string(),
            ),
        }
    }

    fn copy(self, to: &mut Properties, from: &Properties) {
        match self {
            Self::Status => to.status = from.status,
            Self::Priority => to.priority = from.priority,
            Self::Type => to.issue_type = from.issue_type,
            Self::Department => to.department_id = from.department_id,
            Self::Assignee => to.assignee_id = from.assignee_id,
            Self::PostponedUntil => to.postponed_until = from.postponed_until,
        }
    }
}

/// The ticket's properties as its page shows them, sent back with a save.
pub(super) fn seen_stamp(ticket: &Ticket) -> String {
    let properties = current_properties(ticket);
    Field::ALL.map(|field| field.stamp(&properties)).join(".")
}

/// The postponement a page's stamp shows, if any.
fn shown_postponement(seen: &str) -> Option<OffsetDateTime> {
    let stamp = seen.split('.').nth(Field::ALL.len() - 1)?;
    OffsetDateTime::from_unix_timestamp(stamp.parse().ok()?).ok()
}

/// Makes a save from a page that showed `seen` fit what is stored now (`current`): a
/// property the agent left as shown takes its current value; one the agent changed while
/// someone else changed it to something else is a conflict, returned. A stamp that is not
/// one of ours checks nothing.
fn reconcile(wanted: &mut Properties, current: &Properties, seen: &str) -> Vec<Field> {
    let seen: Vec<&str> = seen.split('.').collect();
    if seen.len() != Field::ALL.len() {
        return Vec::new();
    }
    let mut conflicts = Vec::new();
    for (field, seen) in Field::ALL.into_iter().zip(seen) {
        let now = field.stamp(current);
        if seen == now {
            continue;
        }
        let asked = field.stamp(wanted);
        if asked == seen {
            field.copy(wanted, current);
        } else if asked != now {
            conflicts.push(field);
        }
    }
    conflicts
}

/// The properties to set; a field left out of the form stays as it is (the "Assign to me"
/// button sends only `assignee`).
#[derive(Debug, Default, Deserialize)]
pub(super) struct PropertiesForm {
    status: Option<String>,
    priority: Option<String>,
    #[serde(rename = "type")]
    issue_type: Option<String>,
    department: Option<String>,
    assignee: Option<String>,
    postponed_until: Option<String>,
    /// The properties as the page showed them (`seen_stamp`): a save from a page that is
    /// out of date must not undo what another agent set meanwhile.
    seen: Option<String>,
}

pub fn current_properties(ticket: &Ticket) -> Properties {
    Properties {
        status: ticket.status,
        priority: ticket.priority,
        issue_type: ticket.issue_type,
        department_id: ticket.department_id,
        assignee_id: ticket.assignee_id,
        postponed_until: ticket.postponed_until,
    }
}

/// A postponement date: a day after today (by the app's clock, `now`), from its midnight in
/// the workspace's zone.
fn parse_postponement(
    raw: &str,
    zone: &Zone,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, &'static str> {
    let day = match raw.trim() {
        "" => return Err("input-required"),
        day => format::parse_iso_day(day).ok_or("input-date-invalid")?,
    };
    let until = zone.start_of(day);
    if until <= now {
        return Err("ticket-postpone-future");
    }
    Ok(until)
}

pub(super) async fn set_properties(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Form(form): Form<PropertiesForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let ticket = visible_locked(&mut tx, &agent, &number).await?;
    let mut errors = FieldErrors::default();
    let status = errors.check(
        "status",
        match form.status.as_deref().map(Status::parse) {
            None => Ok(ticket.status),
            Some(Ok(Status::Merged)) => Err("input-choice-invalid"),
            Some(parsed) => parsed,
        },
    );
    let priority = errors.check(
        "priority",
        form.priority
            .as_deref()
            .map_or(Ok(ticket.priority), Priority::parse),
    );
    let issue_type = errors.check(
        "type",
        form.issue_type
            .as_deref()
            .map_or(Ok(ticket.issue_type), IssueType::parse),
    );
    let department_id = match form.department.as_deref() {
        None => Some(ticket.department_id),
        Some(raw) => errors.check(
            "department",
            departments::db::choice(&mut tx, agent.account_id, raw).await?,
        ),
    };
    let assignee_id = match form.assignee.as_deref() {
        None => Some(ticket.assignee_id),
        Some("") => Some(None),
        Some("me") => Some(Some(agent.id)),
        Some(raw) => match raw.parse::<Uuid>() {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                errors.add("assignee", "input-choice-invalid");
                None
            }
        },
    };
    let postponed_until = match (status, form.postponed_until.as_deref()) {
        (Some(Status::Postponed), Some(raw)) => {
            let shown = form
                .seen
                .as_deref()
                .and_then(shown_postponement)
                .filter(|until| format::iso_day(agent.zone().local(*until).date()) == raw.trim());
            match shown {
                // The day the page showed, sent back untouched, stands even once it has
                // passed: `reconcile` then keeps what is stored now.
                Some(until) => Some(Some(until)),
                None => errors
                    .check(
                        "postponed_until",
                        parse_postponement(raw, &agent.zone(), state.clock.now()),
                    )
                    .map(Some),
            }
        }
        (Some(Status::Postponed), None) if ticket.postponed_until.is_some() => {
            Some(ticket.postponed_until)
        }
        (Some(Status::Postponed), None) => {
            errors.add("postponed_until", "input-required");
            None
        }
        _ => Some(None),
    };
    let (
        Some(status),
        Some(priority),
        Some(issue_type),
        Some(department_id),
        Some(assignee_id),
        Some(postponed_until),
    ) = (
        status,
        priority,
        issue_type,
        department_id,
        assignee_id,
        postponed_until,
    )
    else {
        drop(tx);
        let page =
            ticket_page_again(&state, ctx, &agent, ticket, Drafts::default(), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut properties = Properties {
        status,
        priority,
        issue_type,
        department_id,
        assignee_id,
        postponed_until,
    };
    let current = current_properties(&ticket);
    let conflicts = match form.seen.as_deref() {
        Some(seen) => reconcile(&mut properties, &current, seen),
        None => Vec::new(),
    };
    for field in &conflicts {
        errors.add(field.name(), "ticket-changed-meanwhile");
    }
    if let Some(assignee) = properties.assignee_id
        && (properties.assignee_id != current.assignee_id
            || properties.department_id != current.department_id)
        && !db::may_be_assigned(
            &mut tx,
            agent.account_id,
            assignee,
            properties.department_id,
        )
        .await?
    {
        errors.add("assignee", "ticket-assignee-not-in-department");
    }
    if !errors.is_empty() {
        drop(tx);
        // The page shows the stored values, and beside each conflict that they changed.
        let status = if conflicts.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            errors.add("properties", "ticket-changed-meanwhile-intro");
            StatusCode::CONFLICT
        };
        let page =
            ticket_page_again(&state, ctx, &agent, ticket, Drafts::default(), errors).await?;
        return Ok((status, page).into_response());
    }
    record_changes(
        &mut tx,
        &state.config,
        Changer::Agent(&agent),
        &ticket,
        &properties,
    )
    .await?;
    sla::refresh(&mut tx, agent.account_id, ticket.id).await?;
    tx.commit().await?;
    // A ticket moved to a department the agent is not in leaves their sight.
    let still_visible = db::visible_ticket(
        &mut *state.db.acquire().await?,
        &Viewer::of(&agent),
        ticket.number,
    )
    .await?
    .is_some();
    flash::success(&session, "ticket-saved").await?;
    let next = if still_visible {
        format!("/app/tickets/{}", ticket.number)
    } else {
        "/app/tickets".to_owned()
    };
    Ok(Redirect::to(&next).into_response())
}

/// Who changes a ticket's properties: an agent (on its page or in the list), a rule, or
/// the desk itself (a department's round-robin).
#[derive(Clone, Copy)]
pub enum Changer<'a> {
    Agent(&'a CurrentAgent),
    Rule { account_id: Uuid, name: &'a str },
    Desk(Uuid),
}

impl<'a> Changer<'a> {
    fn account_id(self) -> Uuid {
        match self {
            Self::Agent(agent) => agent.account_id,
            Self::Rule { account_id, .. } | Self::Desk(account_id) => account_id,
        }
    }

    fn agent(self) -> Option<&'a CurrentAgent> {
        match self {
            Self::Agent(agent) => Some(agent),
            Self::Rule { .. } | Self::Desk(_) => None,
        }
    }

    fn by(self) -> db::By<'a> {
        match self {
            Self::Agent(agent) => db::By::Agent(agent.id),
            Self::Rule { name, .. } => db::By::Rule(name),
            Self::Desk(_) => db::By::System,
        }
    }
}

/// Stores `properties`, writes an event into the thread for each that changed, and tells
/// the live panel (and a new assignee) about it. A status an agent changed starts the
/// rules for it; what rules and the desk change starts none.
pub async fn record_changes(
    conn: &mut PgConnection,
    config: &Config,
    changer: Changer<'_>,
    ticket: &Ticket,
    properties: &Properties,
) -> Result<(), AppError> {
    let before = current_properties(ticket);
    if before == *properties {
        return Ok(());
    }
    let account_id = changer.account_id();
    db::set_properties(conn, account_id, ticket.id, properties).await?;
    let mut events: Vec<(&str, String)> = Vec::new();
    if before.status != properties.status || before.postponed_until != properties.postponed_until {
        match properties.postponed_until {
            Some(until) => {
                // Only agents postpone: a rule never sets `postponed`.
                let zone = changer.agent().map(CurrentAgent::zone).unwrap_or_default();
                events.push(("postponed", format::iso_day(zone.local(until).date())));
            }
            None => events.push(("status", properties.status.as_str().to_owned())),
        }
    }
    if before.priority != properties.priority {
        events.push(("priority", properties.priority.as_str().to_owned()));
    }
    if before.issue_type != properties.issue_type {
        events.push(("type", properties.issue_type.as_str().to_owned()));
    }
    if before.department_id != properties.department_id {
        match properties.department_id {
            Some(id) => {
                let name = departments::db::find(conn, account_id, id)
                    .await?
                    .map(|d| d.name)
                    .unwrap_or_default();
                events.push(("department", name));
            }
            None => events.push(("no-department", String::new())),
        }
    }
    if before.assignee_id != properties.assignee_id {
        match properties.assignee_id {
            Some(id) => {
                let name = agents::db::member(conn, account_id, id)
                    .await?
                    .map(|a| a.name)
                    .unwrap_or_default();
                events.push(("assigned", name));
            }
            None => events.push(("unassigned", String::new())),
        }
    }
    for (event, value) in events {
        db::insert_event(conn, account_id, ticket.id, changer.by(), event, &value).await?;
    }
    let change = if properties.assignee_id.is_some() && before.assignee_id != properties.assignee_id
    {
        Change::Assigned
    } else {
        Change::Updated
    };
    let actor = changer.agent();
    notifications::ticket_changed(conn, config, account_id, ticket.id, change, actor).await?;
    // The queues it left count one less: their open panels hear of it too.
    if before.department_id != properties.department_id
        || before.assignee_id != properties.assignee_id
    {
        let left = live::TicketEvent {
            account_id,
            kind: live::EventKind::Updated,
            number: ticket.number,
            department_id: before.department_id,
            assignee_id: before.assignee_id,
            actor_id: actor.map(|a| a.id),
            rung: Vec::new(),
        };
        live::publish(conn, &left).await?;
    }
    if actor.is_some() && before.status != properties.status {
        // Boxed: rules change properties through this function too (never reaching here).
        Box::pin(rules::status_changed(conn, config, account_id, ticket.id)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postponements_are_days_after_today_by_the_apps_clock() {
        let now = time::macros::datetime!(2030-06-15 12:00 UTC);
        let zone = Zone::default();
        assert_eq!(
            parse_postponement("2030-06-16", &zone, now),
            Ok(time::macros::datetime!(2030-06-16 00:00 UTC))
        );
        for today_or_before in ["2030-06-15", "2000-01-01"] {
            assert_eq!(
                parse_postponement(today_or_before, &zone, now),
                Err("ticket-postpone-future")
            );
        }
        assert_eq!(
            parse_postponement("tomorrow", &zone, now),
            Err("input-date-invalid")
        );
        assert_eq!(parse_postponement("", &zone, now), Err("input-required"));
    }

    fn open_ticket() -> Properties {
        Properties {
            status: Status::Open,
            priority: Priority::Normal,
            issue_type: IssueType::Other,
            department_id: None,
            assignee_id: None,
            postponed_until: None,
        }
    }

    fn stamp(properties: &Properties) -> String {
        Field::ALL.map(|field| field.stamp(properties)).join(".")
    }

    #[test]
    fn a_stale_save_keeps_what_others_set_and_names_what_both_changed() {
        let shown = open_ticket();
        let seen = stamp(&shown);
        let ada = Uuid::new_v4();
        // Meanwhile another agent assigned Ada and raised the priority.
        let current = Properties {
            assignee_id: Some(ada),
            priority: Priority::High,
            ..shown.clone()
        };
        // This agent only resolves it: Ada and the priority stay.
        let mut wanted = Properties {
            status: Status::Resolved,
            ..shown.clone()
        };
        assert_eq!(reconcile(&mut wanted, &current, &seen), Vec::new());
        assert_eq!(
            wanted,
            Properties {
                status: Status::Resolved,
                ..current.clone()
            }
        );
        // This agent lowered the priority that the other raised: a conflict.
        let mut wanted = Properties {
            priority: Priority::Low,
            ..shown.clone()
        };
        assert_eq!(
            reconcile(&mut wanted, &current, &seen),
            vec![Field::Priority]
        );
        // Both raised it alike: no conflict.
        let mut wanted = Properties {
            priority: Priority::High,
            ..shown
        };
        assert_eq!(reconcile(&mut wanted, &current, &seen), Vec::new());
        // A stamp that is not ours checks nothing.
        let mut wanted = open_ticket();
        assert_eq!(reconcile(&mut wanted, &current, "open"), Vec::new());
        assert_eq!(wanted, open_ticket());
    }
}
