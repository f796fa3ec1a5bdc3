//! Running rules on a ticket: which hold, and what their actions do.
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

use super::{
    ActionType, Condition, Event, Failure, Field, Operator,
    db::{self, Facts, Rule},
    round_robin,
};
use crate::{
    AppError, agents,
    audit::{self, Action as AuditAction, Entry},
    canned::{self, placeholders},
    config::Config,
    departments,
    input::EmailAddress,
    notifications, sla, social, tags,
    tickets::{
        self, Changer, Channel, IssueType, MessageKind, Priority, Replier, ReplyTarget, Status,
        db::{By, NewMessage, Properties, Ticket},
    },
};

/// What set the rules going: the event, and the message that came with it (a customer's
/// or an agent's), which `body` conditions read.
#[derive(Clone, Copy, Debug)]
pub struct Trigger<'a> {
    pub event: Event,
    pub body: Option<&'a str>,
}

/// Runs the workspace's enabled rules for the trigger's event on the ticket, in the
/// caller's transaction. A workspace without such rules costs one statement.
pub async fn run(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    trigger: Trigger<'_>,
) -> Result<(), AppError> {
    let rules = db::rules(conn, account_id, Some(trigger.event)).await?;
    if !rules.is_empty() {
        apply(conn, config, account_id, ticket_id, &rules, trigger.body).await?;
    }
    Ok(())
}

/// A new ticket: the rules for `ticket_created`, then its department's round-robin if the
/// rules left it unassigned.
pub async fn ticket_created(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    body: &str,
) -> Result<(), AppError> {
    let trigger = Trigger {
        event: Event::TicketCreated,
        body: Some(body),
    };
    run(conn, config, account_id, ticket_id, trigger).await?;
    round_robin::assign_new(conn, config, account_id, ticket_id).await
}

/// The ticket's status changed (by an agent, or a postponement that ended).
pub async fn status_changed(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
) -> Result<(), AppError> {
    let trigger = Trigger {
        event: Event::StatusChanged,
        body: None,
    };
    run(conn, config, account_id, ticket_id, trigger).await
}

/// Runs `rules` (in order) on the ticket: each whose conditions hold takes its actions,
/// inside a savepoint, so that a rule that fails leaves nothing behind and the change that
/// started it goes on. Says whether any rule acted.
pub(super) async fn apply(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    rules: &[Rule],
    body: Option<&str>,
) -> Result<bool, AppError> {
    let Some(mut facts) = db::facts(conn, account_id, ticket_id, body).await? else {
        return Ok(false);
    };
    let mut acted = false;
    for (index, rule) in rules.iter().enumerate() {
        if !rule.settings.conditions.iter().all(|c| holds(c, &facts)) {
            continue;
        }
        let name = rule.settings.name.as_str();
        let mut savepoint = conn.begin().await?;
        let mut taken = Ok(());
        for action in &rule.settings.actions {
            taken = take(
                &mut savepoint,
                config,
                account_id,
                ticket_id,
                &facts,
                name,
                action,
            )
            .await
            .map_err(|refusal| (action.kind, refusal));
            if taken.is_err() {
                break;
            }
        }
        match taken {
            Ok(()) => {
                savepoint.commit().await?;
                acted = true;
                if rule.settings.stop || index + 1 == rules.len() {
                    break;
                }
                // The next rule reads the ticket as this one left it.
                match db::facts(conn, account_id, ticket_id, body).await? {
                    Some(now) => facts = now,
                    None => break,
                }
            }
            Err((action, refusal)) => {
                savepoint.rollback().await?;
                let failure = match refusal {
                    Refusal::Failure(failure) => failure,
                    Refusal::Error(error) => {
                        tracing::warn!(%account_id, rule = %rule.id, %error, "rule failed");
                        Failure::Error
                    }
                };
                let detail = format!(
                    "#{}; {}; {}",
                    facts.number,
                    action.as_str(),
                    failure.as_str()
                );
                let entry = Entry::system(AuditAction::RuleFailed)
                    .subject(name)
                    .detail(&detail);
                audit::record(conn, account_id, &entry).await?;
            }
        }
        if rule.settings.stop {
            break;
        }
    }
    if acted {
        sla::refresh(conn, account_id, ticket_id).await?;
    }
    Ok(acted)
}

/// Whether the condition holds for the ticket. Text is compared ignoring case.
pub(super) fn holds(condition: &Condition, facts: &Facts) -> bool {
    let value = condition.value.as_str();
    let id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    let single = match condition.field {
        Field::Channel => facts.channel.clone(),
        Field::Department => id(facts.department_id),
        Field::Type => facts.issue_type.clone(),
        Field::Priority => facts.priority.clone(),
        Field::Status => facts.status.clone(),
        Field::Assignee => id(facts.assignee_id),
        Field::Tag => {
            let wanted = value.to_lowercase();
            let has = |tag: &String| match condition.op {
                Operator::Contains | Operator::NotContains => tag.contains(&wanted),
                Operator::StartsWith => tag.starts_with(&wanted),
                Operator::Is | Operator::IsNot => *tag == wanted,
            };
            let any = facts.tags.iter().any(has);
            return match condition.op {
                Operator::IsNot | Operator::NotContains => !any,
                _ => any,
            };
        }
        Field::Subject => facts.subject.clone(),
        Field::Body => facts.body.clone(),
        Field::CustomerEmail => facts.customer_email.clone(),
    };
    let (text, wanted) = (single.to_lowercase(), value.to_lowercase());
    match condition.op {
        Operator::Is => text == wanted,
        Operator::IsNot => text != wanted,
        Operator::Contains => text.contains(&wanted),
        Operator::NotContains => !text.contains(&wanted),
        Operator::StartsWith => text.starts_with(&wanted),
    }
}

/// Why an action was not taken.
pub(super) enum Refusal {
    Failure(Failure),
    Error(AppError),
}

impl From<Failure> for Refusal {
    fn from(failure: Failure) -> Self {
        Self::Failure(failure)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Self::Error(error.into())
    }
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        Self::Error(error)
    }
}

/// What an action comes to: new properties (which write their own events), an event of
/// its own for the thread, or nothing to record.
enum Outcome {
    Properties(Box<Ticket>, Properties),
    Event(&'static str, String),
    Nothing,
}

/// Takes one action on the ticket; what it does is in the thread, naming the rule.
async fn take(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    facts: &Facts,
    rule: &str,
    action: &super::Action,
) -> Result<(), Refusal> {
    let value = action.value.as_str();
    let outcome = match action.kind {
        ActionType::SetDepartment => {
            let id = value.parse::<Uuid>().map_err(|_| Failure::DepartmentGone)?;
            departments::db::find(conn, account_id, id)
                .await?
                .ok_or(Failure::DepartmentGone)?;
            let ticket = ticket(conn, account_id, ticket_id).await?;
            let mut properties = tickets::current_properties(&ticket);
            properties.department_id = Some(id);
            // An assignee who is not in the new department lets the ticket go.
            if let Some(assignee) = properties.assignee_id
                && !tickets::db::may_be_assigned(conn, account_id, assignee, Some(id)).await?
            {
                properties.assignee_id = None;
            }
            Outcome::Properties(ticket, properties)
        }
        ActionType::SetAssignee => {
            let id = value.parse::<Uuid>().map_err(|_| Failure::AgentGone)?;
            agents::db::member(conn, account_id, id)
                .await?
                .ok_or(Failure::AgentGone)?;
            let ticket = ticket(conn, account_id, ticket_id).await?;
            if !tickets::db::may_be_assigned(conn, account_id, id, ticket.department_id).await? {
                return Err(Failure::NotInDepartment.into());
            }
            let mut properties = tickets::current_properties(&ticket);
            properties.assignee_id = Some(id);
            Outcome::Properties(ticket, properties)
        }
        ActionType::AssignRoundRobin => {
            // The department as the rule's earlier actions may have set it.
            let ticket = ticket(conn, account_id, ticket_id).await?;
            let department = ticket.department_id.ok_or(Failure::NoDepartment)?;
            match round_robin::next_agent(conn, account_id, department, ticket.channel).await? {
                Some(agent) => {
                    let mut properties = tickets::current_properties(&ticket);
                    properties.assignee_id = Some(agent);
                    Outcome::Properties(ticket, properties)
                }
                // Nobody is online: the ticket stays with its department.
                None => Outcome::Nothing,
            }
        }
        ActionType::SetPriority | ActionType::SetType | ActionType::SetStatus => {
            let ticket = ticket(conn, account_id, ticket_id).await?;
            let mut properties = tickets::current_properties(&ticket);
            // The form stored a code of the set; another is a rule written by hand.
            let invalid = |_| Refusal::Failure(Failure::Error);
            match action.kind {
                ActionType::SetPriority => {
                    properties.priority = Priority::parse(value).map_err(invalid)?
                }
                ActionType::SetType => {
                    properties.issue_type = IssueType::parse(value).map_err(invalid)?
                }
                _ => {
                    properties.status = Status::parse(value).map_err(invalid)?;
                    properties.postponed_until = None;
                }
            }
            Outcome::Properties(ticket, properties)
        }
        ActionType::AddTag => {
            let ids = tags::db::ensure(conn, account_id, &[value.to_owned()]).await?;
            if tags::db::add_to_ticket(conn, account_id, ticket_id, &ids).await? {
                Outcome::Event("tagged", value.to_owned())
            } else {
                Outcome::Nothing
            }
        }
        ActionType::RemoveTag => {
            if tags::db::remove_from_ticket(conn, account_id, ticket_id, value).await? {
                Outcome::Event("untagged", value.to_owned())
            } else {
                Outcome::Nothing
            }
        }
        ActionType::ReplyCanned => {
            let id = value.parse::<Uuid>().map_err(|_| Failure::CannedGone)?;
            // Only shared answers: no agent's own answer speaks for the workspace.
            let answer = canned::db::find(conn, account_id, Uuid::nil(), id)
                .await?
                .ok_or(Failure::CannedGone)?;
            let workspace = tickets::db::workspace_by_id(conn, account_id).await?;
            let values = placeholders::Values {
                customer_name: &facts.customer_name,
                ticket_number: facts.number,
                agent_name: &workspace.company,
                agent_alias: &workspace.company,
                workspace_name: &workspace.company,
            };
            let body = placeholders::fill(&answer.body, &values);
            // A messaging app's conversation is answered on its channel.
            if Channel::parse(&facts.channel).is_ok_and(Channel::is_social) {
                let author = social::Author {
                    agent_id: None,
                    name: &workspace.company,
                };
                social::reply(conn, account_id, author, ticket_id, &body, &[])
                    .await?
                    .map_err(|_| Failure::NoAddress)?;
            } else {
                let address = EmailAddress::parse_addr_spec(&facts.customer_email)
                    .map_err(|_| Failure::NoAddress)?;
                let target = ReplyTarget {
                    id: ticket_id,
                    number: facts.number,
                    subject: &facts.subject,
                    customer_name: &facts.customer_name,
                    customer_email: &address,
                    customer_token: &facts.customer_token,
                };
                let replier = Replier::Workspace(account_id);
                tickets::reply_to_customer(conn, config, replier, &target, &body, &[]).await?;
            }
            Outcome::Event("rule_replied", answer.title)
        }
        ActionType::AddNote => {
            let note = NewMessage {
                kind: MessageKind::Note,
                author_agent_id: None,
                author_name: rule,
                body_text: value,
                body_html: None,
                message_id: None,
            };
            tickets::db::insert_message(conn, account_id, ticket_id, &note).await?;
            // The note is in the thread under the rule's name.
            Outcome::Nothing
        }
        ActionType::NotifyAgent => {
            let id = value.parse::<Uuid>().map_err(|_| Failure::AgentGone)?;
            let agent = agents::db::member(conn, account_id, id)
                .await?
                .ok_or(Failure::AgentGone)?;
            notifications::rule_notice(conn, config, account_id, ticket_id, id, rule).await?;
            Outcome::Event("rule_notified", agent.name)
        }
    };
    match outcome {
        Outcome::Properties(ticket, properties) => {
            let changer = Changer::Rule {
                account_id,
                name: rule,
            };
            tickets::record_changes(conn, config, changer, &ticket, &properties).await?;
        }
        Outcome::Event(event, value) => {
            tickets::db::insert_event(conn, account_id, ticket_id, By::Rule(rule), event, &value)
                .await?;
        }
        Outcome::Nothing => {}
    }
    Ok(())
}

/// The ticket as its properties' change needs it.
async fn ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> Result<Box<Ticket>, Refusal> {
    tickets::db::ticket_by_id(conn, account_id, ticket_id)
        .await?
        .map(Box::new)
        .ok_or(Refusal::Error(AppError::NotFound))
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn facts() -> Facts {
        Facts {
            id: Uuid::nil(),
            number: 7,
            channel: "email".into(),
            department_id: None,
            issue_type: "other".into(),
            priority: "normal".into(),
            status: "new".into(),
            tags: vec!["vip".into(), "refund-2026".into()],
            assignee_id: None,
            subject: "Refund for order 1234".into(),
            body: "Hello, I would like a REFUND please".into(),
            customer_email: "Ann@BigClient.com".into(),
            customer_name: "Ann".into(),
            customer_token: String::new(),
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn condition(field: Field, op: Operator, value: &str) -> Condition {
        Condition {
            field,
            op,
            value: value.into(),
        }
    }

    #[test]
    fn conditions_compare_text_ignoring_case_and_ids_as_stored() {
        let facts = facts();
        let cases = [
            (Field::Channel, Operator::Is, "email", true),
            (Field::Channel, Operator::IsNot, "email", false),
            (Field::Status, Operator::Is, "open", false),
            (Field::Department, Operator::Is, "", true),
            (Field::Assignee, Operator::IsNot, "", false),
            (Field::Tag, Operator::Is, "VIP", true),
            (Field::Tag, Operator::IsNot, "vip", false),
            (Field::Tag, Operator::Is, "refund", false),
            (Field::Tag, Operator::Contains, "refund", true),
            (Field::Tag, Operator::NotContains, "spam", true),
            (Field::Subject, Operator::StartsWith, "refund", true),
            (Field::Subject, Operator::NotContains, "order", false),
            (Field::Body, Operator::Contains, "refund", true),
            (
                Field::CustomerEmail,
                Operator::Contains,
                "@bigclient.com",
                true,
            ),
            (
                Field::CustomerEmail,
                Operator::Is,
                "ann@bigclient.com",
                true,
            ),
            (Field::Priority, Operator::Is, "high", false),
            (Field::Type, Operator::IsNot, "refund", true),
        ];
        for (field, op, value, expected) in cases {
            assert_eq!(
                holds(&condition(field, op, value), &facts),
                expected,
                "{field:?} {op:?} {value}"
            );
        }
    }
}
