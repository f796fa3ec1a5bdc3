//! `POST /app/tickets/bulk`: one action on the tickets ticked in the list or the queue
//! (assign, status, priority, department, tag, spam), in one transaction. Each ticket
//! changes as it would on its own page, with its events; tickets the agent may not see,
//! or that the action does not fit (an assignee outside the ticket's department), are
//! skipped, and the message says how many.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    Priority, Status,
    db::{self, Properties, Viewer},
    merge::merge_into,
    properties::{Changer, current_properties, record_changes},
};
use crate::{
    AppError, AppState, agents,
    auth::CurrentAgent,
    chat, departments,
    directory::Names,
    input::Choice,
    sla, tags,
    web::{PageContext, extract::Form, flash},
};

/// Most tickets in one action: a few pages of the list.
const TICKET_LIMIT: usize = 1000;

#[derive(Debug, Default, Deserialize)]
pub(super) struct BulkForm {
    /// Ticket numbers, one per ticked row.
    #[serde(default)]
    tickets: Vec<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    value: String,
    /// The list's action bar gives each action its own control (it works without
    /// JavaScript); `value` stands for the chosen one's.
    #[serde(default)]
    assign: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    tag: String,
    /// The list to go back to (its filters), a path of the panel.
    #[serde(default)]
    back: String,
}

enum Action {
    /// The same change on each ticket.
    Each(Change),
    /// Into the ticket of this number, or else the oldest of those ticked.
    Merge(Option<i64>),
}

enum Change {
    Assign(Option<Uuid>),
    Status(Status),
    Priority(Priority),
    Department(Option<Uuid>),
    Tag(String),
}

impl BulkForm {
    /// The list the form came from; anything but a panel list is the ticket list.
    fn back(&self) -> &str {
        let back = self.back.as_str();
        let is_list = back == "/app" || back == "/app/tickets" || back.starts_with("/app/tickets?");
        if is_list { back } else { "/app/tickets" }
    }

    async fn action(
        &self,
        conn: &mut sqlx::PgConnection,
        agent: &CurrentAgent,
    ) -> Result<Action, AppError> {
        let invalid = AppError::BadRequest("input-choice-invalid");
        let own = match self.action.as_str() {
            "assign" => &self.assign,
            "status" => &self.status,
            "priority" => &self.priority,
            "department" => &self.department,
            "tag" => &self.tag,
            _ => &self.value,
        };
        let value = if self.value.is_empty() {
            own
        } else {
            &self.value
        }
        .trim();
        Ok(Action::Each(match self.action.as_str() {
            "assign" => Change::Assign(match value {
                "" | "none" => None,
                "me" => Some(agent.id),
                raw => {
                    let member = match raw.parse() {
                        Ok(id) => agents::db::member(conn, agent.account_id, id).await?,
                        Err(_) => None,
                    };
                    Some(member.ok_or(invalid)?.id)
                }
            }),
            // A postponement needs its day: that is the ticket page's.
            "status" => match Status::parse(value) {
                Ok(Status::Postponed | Status::Merged) | Err(_) => return Err(invalid),
                Ok(status) => Change::Status(status),
            },
            "spam" => Change::Status(Status::Spam),
            "priority" => Change::Priority(Priority::parse(value).map_err(|_| invalid)?),
            "department" => Change::Department(
                departments::db::choice(conn, agent.account_id, value)
                    .await?
                    .map_err(|_| invalid)?,
            ),
            "tag" => Change::Tag(tags::parse_name(value).map_err(|_| invalid)?),
            "merge" => {
                return Ok(Action::Merge(match value.trim_start_matches('#') {
                    "" => None,
                    number => Some(number.parse().map_err(|_| invalid)?),
                }));
            }
            _ => return Err(invalid),
        }))
    }

    /// The ticked numbers, each once, in order: tickets are locked in that order (their
    /// ids', too: both grow with time), so that two actions over the same tickets wait for
    /// each other instead of deadlocking.
    fn numbers(&self) -> Result<Vec<i64>, AppError> {
        let mut numbers: Vec<i64> = self
            .tickets
            .iter()
            .filter_map(|raw| raw.trim().parse().ok())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.is_empty() {
            return Err(AppError::Unprocessable("tickets-bulk-none"));
        }
        if numbers.len() > TICKET_LIMIT {
            return Err(AppError::Unprocessable("tickets-bulk-too-many"));
        }
        Ok(numbers)
    }
}

/// The action bar above a list of tickets: its choices, and the list to come back to.
pub(super) struct BulkBar {
    pub(super) back: String,
    pub(super) assignees: Vec<Choice>,
    pub(super) statuses: Vec<Choice>,
    pub(super) priorities: Vec<Choice>,
    pub(super) departments: Vec<Choice>,
    /// Every row ticked ("select all on this page" without JavaScript).
    pub(super) all_ticked: bool,
}

impl BulkBar {
    /// This page again with every row ticked.
    pub(super) fn select_all(&self) -> String {
        let joiner = if self.back.contains('?') { '&' } else { '?' };
        format!("{}{joiner}select=all", self.back)
    }
}

impl BulkBar {
    pub(super) fn new(ctx: &PageContext, names: &Names, back: String, all_ticked: bool) -> Self {
        let mut assignees = vec![
            Choice::new("me", ctx.t("tickets-assignee-me"), false),
            Choice::new("none", ctx.t("tickets-assignee-none"), false),
        ];
        assignees.extend(Choice::rows(names.agents.clone(), |_| false));
        let mut departments = vec![Choice::new("", ctx.t("ticket-no-department"), false)];
        departments.extend(Choice::rows(names.departments.clone(), |_| false));
        Self {
            back,
            assignees,
            statuses: Status::settable(ctx.locale, None)
                .into_iter()
                .filter(|choice| choice.value != Status::Postponed.as_str())
                .collect(),
            priorities: Priority::choices(ctx.locale, None),
            departments,
            all_ticked,
        }
    }
}

pub(super) async fn apply(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Form(form): Form<BulkForm>,
) -> Result<Response, AppError> {
    let mut numbers = form.numbers()?;
    let mut tx = state.db.begin().await?;
    let change = match form.action(&mut tx, &agent).await? {
        Action::Each(change) => change,
        Action::Merge(into) => {
            if let Some(into) = into
                && let Err(at) = numbers.binary_search(&into)
            {
                numbers.insert(at, into);
            }
            let updated = merge_all(&mut tx, &state, &agent, &numbers, into).await?;
            tx.commit().await?;
            return done(&session, &form, updated, numbers.len()).await;
        }
    };
    let tag = match &change {
        Change::Tag(name) => {
            tags::db::lock(&mut tx, agent.account_id).await?;
            tags::db::ensure(&mut tx, agent.account_id, std::slice::from_ref(name)).await?
        }
        _ => Vec::new(),
    };
    let viewer = Viewer::of(&agent);
    db::lock_numbers(&mut tx, agent.account_id, &numbers).await?;
    let mut updated = 0;
    for &number in &numbers {
        // Read under the lock: what another agent committed meanwhile stays, and a ticket
        // merged meanwhile takes no more changes.
        let Some(ticket) = db::visible_ticket(&mut tx, &viewer, number)
            .await?
            .filter(|ticket| ticket.status != Status::Merged)
        else {
            continue;
        };
        let before = current_properties(&ticket);
        let properties = match &change {
            Change::Assign(assignee) => {
                if let Some(id) = assignee
                    && !db::may_be_assigned(&mut tx, agent.account_id, *id, ticket.department_id)
                        .await?
                {
                    continue;
                }
                Properties {
                    assignee_id: *assignee,
                    ..before
                }
            }
            Change::Status(status) => Properties {
                status: *status,
                postponed_until: None,
                ..before
            },
            Change::Priority(priority) => Properties {
                priority: *priority,
                ..before
            },
            Change::Department(department_id) => {
                // The assignee must belong to the new department, as on the ticket's page.
                if let Some(assignee) = before.assignee_id
                    && !db::may_be_assigned(&mut tx, agent.account_id, assignee, *department_id)
                        .await?
                {
                    continue;
                }
                Properties {
                    department_id: *department_id,
                    ..before
                }
            }
            Change::Tag(name) => {
                if tags::db::add_to_ticket(&mut tx, agent.account_id, ticket.id, &tag).await? {
                    db::insert_event(
                        &mut tx,
                        agent.account_id,
                        ticket.id,
                        db::By::Agent(agent.id),
                        "tagged",
                        name,
                    )
                    .await?;
                }
                updated += 1;
                continue;
            }
        };
        record_changes(
            &mut tx,
            &state.config,
            Changer::Agent(&agent),
            &ticket,
            &properties,
        )
        .await?;
        sla::refresh(&mut tx, agent.account_id, ticket.id).await?;
        updated += 1;
    }
    tx.commit().await?;
    done(&session, &form, updated, numbers.len()).await
}

/// Back to the list, which says what was done.
async fn done(
    session: &Session,
    form: &BulkForm,
    updated: usize,
    ticked: usize,
) -> Result<Response, AppError> {
    flash::success_with(
        session,
        "tickets-bulk-done",
        &[
            ("updated", updated.to_string()),
            ("skipped", (ticked - updated).to_string()),
        ],
    )
    .await?;
    Ok(Redirect::to(form.back()).into_response())
}

/// Merges the tickets numbered `numbers` (in order) into the one numbered `into`, or else
/// into the first that can take them; how many tickets took part, the target included.
async fn merge_all(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    agent: &CurrentAgent,
    numbers: &[i64],
    into: Option<i64>,
) -> Result<usize, AppError> {
    let viewer = Viewer::of(agent);
    let mut tickets = Vec::new();
    for &number in numbers {
        if let Some(ticket) = db::visible_ticket(conn, &viewer, number).await? {
            db::lock_ticket(conn, agent.account_id, ticket.id).await?;
            // Read again under the lock.
            if let Some(ticket) = db::visible_ticket(conn, &viewer, number).await?
                && ticket.status != Status::Merged
                && chat::live_chat(conn, agent.account_id, ticket.id)
                    .await?
                    .is_none()
            {
                tickets.push(ticket);
            }
        }
    }
    let target_at = match into {
        Some(number) => tickets.iter().position(|ticket| ticket.number == number),
        None => (!tickets.is_empty()).then_some(0),
    };
    let Some(target_at) = target_at else {
        return Err(AppError::Unprocessable("ticket-merge-not-found"));
    };
    let target = tickets.remove(target_at);
    for ticket in &tickets {
        merge_into(conn, &state.config, agent, ticket, &target, false).await?;
    }
    Ok(tickets.len() + 1)
}
