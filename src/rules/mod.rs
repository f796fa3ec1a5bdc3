//! Rules (`/app/config/rules`): when something happens to a ticket (it is created, the
//! customer or an agent writes, its status changes, or it has been left alone for some
//! hours) and all of a rule's conditions hold, its actions run in order. Rules run in the
//! admins' order, in the transaction of the change; a rule's own changes start no rule,
//! so no chain loops. A rule that fails is skipped and written to the audit log.
pub mod db;
mod engine;
mod pages;
pub mod round_robin;
mod timed;

use axum::{
    Router,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};

pub use self::{
    engine::{Trigger, run, status_changed, ticket_created},
    timed::run_time_rules,
};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/config/rules", get(pages::show_rules))
        .route(
            "/app/config/rules/new",
            get(pages::new_rule).post(pages::create_rule),
        )
        .route(
            "/app/config/rules/{id}/edit",
            get(pages::edit_rule).post(pages::update_rule),
        )
        .route("/app/config/rules/{id}/delete", post(pages::delete_rule))
        .route("/app/config/rules/{id}/move", post(pages::move_rule))
}

text_enum!(
    /// What starts a rule.
    Event, "rule-event-", {
        TicketCreated => "ticket_created",
        CustomerReplied => "customer_replied",
        AgentReplied => "agent_replied",
        StatusChanged => "status_changed",
        HoursSinceUpdate => "hours_since_update",
    }
);

text_enum!(
    /// What a condition looks at.
    Field, "rule-field-", {
        Channel => "channel",
        Department => "department",
        Type => "type",
        Priority => "priority",
        Status => "status",
        Tag => "tag",
        Assignee => "assignee",
        Subject => "subject",
        Body => "body",
        CustomerEmail => "customer_email",
    }
);

impl Field {
    /// Whether the field is text that can be searched (`contains`, `starts_with`); the
    /// others are one value that is or is not the condition's.
    fn is_text(self) -> bool {
        matches!(self, Self::Subject | Self::Body | Self::CustomerEmail)
    }
}

text_enum!(
    Operator, "rule-op-", {
        Is => "is",
        IsNot => "is_not",
        Contains => "contains",
        NotContains => "not_contains",
        StartsWith => "starts_with",
    }
);

text_enum!(
    /// What a rule does.
    ActionType, "rule-action-", {
        SetDepartment => "set_department",
        SetAssignee => "set_assignee",
        AssignRoundRobin => "assign_round_robin",
        SetPriority => "set_priority",
        SetType => "set_type",
        SetStatus => "set_status",
        AddTag => "add_tag",
        RemoveTag => "remove_tag",
        ReplyCanned => "reply_canned",
        AddNote => "add_note",
        NotifyAgent => "notify_agent",
    }
);

text_enum!(
    /// Why an action could not be taken: the rule is skipped and the audit log says this.
    Failure, "rule-failed-", {
        DepartmentGone => "department_gone",
        AgentGone => "agent_gone",
        NotInDepartment => "not_in_department",
        NoDepartment => "no_department",
        CannedGone => "canned_gone",
        NoAddress => "no_address",
        Error => "error",
    }
);

/// One condition: `field` `op` `value`. Departments and agents are stored by id (empty for
/// none), the closed sets by their code, text as typed (compared ignoring case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub field: Field,
    pub op: Operator,
    pub value: String,
}

/// One action and its value: an id, a code, a tag or the text of a note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    #[serde(rename = "type")]
    pub kind: ActionType,
    pub value: String,
}

/// What a rule says, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSettings {
    pub name: String,
    pub enabled: bool,
    pub event: Event,
    pub hours: Option<i32>,
    pub stop: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}
