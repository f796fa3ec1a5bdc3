//! Telling agents what happened to a ticket, in the transaction of the change: an email and
//! a Slack message (both through the outbox) to each agent concerned, and an event for the
//! live panel.
//!
//! Who is told: a new ticket, the agents of its department (of a ticket without one, every
//! agent: everyone sees it in the queue); an assignment, the assignee; a customer's reply,
//! the ticket's assignee. Never the agent who made the change, never a deleted
//! agent. The email switches choose the events an agent is told of; their Slack webhook,
//! when they have one, carries the same messages as their email.
use sqlx::PgConnection;
use uuid::Uuid;

use super::db::{self, NotifiedTicket, Recipient};
use crate::{
    AppError,
    auth::CurrentAgent,
    config::Config,
    i18n::Locale,
    live::{self, EventKind, TicketEvent},
    mail::{self, Footnote, Notice, Threading},
};

/// What happened to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Created,
    Assigned,
    CustomerReplied,
    /// Anything else that moves it between queues (status, department, ...).
    Updated,
}

/// Tells who should know that ticket `ticket_id` had `change`, made by `actor` (`None`: the
/// customer or the system). Call it inside the transaction of the change, after it.
pub async fn ticket_changed(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    change: Change,
    actor: Option<&CurrentAgent>,
) -> Result<(), AppError> {
    let ticket = db::ticket(conn, account_id, ticket_id).await?;
    let kind = match change {
        Change::Created => EventKind::NewTicket,
        Change::Assigned => EventKind::Assigned,
        Change::CustomerReplied => EventKind::NewMessage,
        Change::Updated => EventKind::Updated,
    };
    let event = TicketEvent {
        account_id,
        kind,
        number: ticket.number,
        department_id: ticket.department_id,
        assignee_id: ticket.assignee_id,
        actor_id: actor.map(|a| a.id),
        rung: Vec::new(),
    };
    live::publish(conn, &event).await?;

    let audience = match change {
        Change::Created => match ticket.department_id {
            Some(department) => db::Audience::Department(department),
            None => db::Audience::Everyone,
        },
        Change::Assigned | Change::CustomerReplied => match ticket.assignee_id {
            Some(agent) => db::Audience::Agent(agent),
            None => return Ok(()),
        },
        Change::Updated => return Ok(()),
    };
    let actor_id = actor.map(|a| a.id);
    let recipients = db::recipients(conn, account_id, audience, false, actor_id).await?;
    let told = recipients.iter().filter(|r| wants(r, change));
    let line = |locale| describe(locale, change, &ticket, actor);
    let subject = |recipient: &Recipient| subject(change, &ticket, recipient);
    deliver(conn, config, account_id, &ticket, told, line, subject).await
}

/// A target of the ticket's SLA policy passed its due time: its assignee (unassigned: the
/// agents of its department, or everyone without one) and the workspace's admins are told,
/// each by email unless they switched that off, and on their Slack webhook. The live panel
/// rings for them (`sla_breached`) and shows the others the new counts.
pub async fn sla_breached(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    target_label_key: &str,
) -> Result<(), AppError> {
    let ticket = db::ticket(conn, account_id, ticket_id).await?;
    let audience = match (ticket.assignee_id, ticket.department_id) {
        (Some(agent), _) => db::Audience::Agent(agent),
        (None, Some(department)) => db::Audience::Department(department),
        (None, None) => db::Audience::Everyone,
    };
    let event = TicketEvent {
        account_id,
        kind: EventKind::SlaBreached,
        number: ticket.number,
        department_id: ticket.department_id,
        assignee_id: ticket.assignee_id,
        actor_id: None,
        rung: Vec::new(),
    };
    live::publish(conn, &event).await?;
    let recipients = db::recipients(conn, account_id, audience, true, None).await?;
    let told = recipients.iter().filter(|r| r.email_sla_breached);
    let number = ticket.number.to_string();
    let line = |locale: Locale| {
        locale.t_args(
            "notify-sla-breached",
            &[
                ("number", number.as_str()),
                ("subject", &ticket.subject),
                ("target", &locale.t(target_label_key)),
            ],
        )
    };
    let subject = |recipient: &Recipient| {
        recipient.language.t_args(
            "notify-subject-sla-breached",
            &[("number", number.as_str()), ("subject", &ticket.subject)],
        )
    };
    deliver(conn, config, account_id, &ticket, told, line, subject).await
}

/// A rule asks agent `agent_id` to look at the ticket: by email and on their Slack
/// webhook, as the other notices (whatever their choices of those, since an admin's rule
/// asked for it).
pub async fn rule_notice(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
    agent_id: Uuid,
    rule: &str,
) -> Result<(), AppError> {
    let ticket = db::ticket(conn, account_id, ticket_id).await?;
    let recipients =
        db::recipients(conn, account_id, db::Audience::Agent(agent_id), false, None).await?;
    let number = ticket.number.to_string();
    let line = |locale: Locale| {
        locale.t_args(
            "notify-rule",
            &[
                ("rule", rule),
                ("number", number.as_str()),
                ("subject", &ticket.subject),
            ],
        )
    };
    let subject = |recipient: &Recipient| {
        recipient.language.t_args(
            "notify-subject-rule",
            &[("number", number.as_str()), ("subject", &ticket.subject)],
        )
    };
    deliver(
        conn,
        config,
        account_id,
        &ticket,
        recipients.iter(),
        line,
        subject,
    )
    .await
}

/// Emails each recipient `line` in their language, with a button to the ticket, and posts
/// the same to their Slack webhook, through the outbox.
async fn deliver<'a>(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket: &NotifiedTicket,
    recipients: impl Iterator<Item = &'a Recipient>,
    line: impl Fn(Locale) -> String,
    subject: impl Fn(&Recipient) -> String,
) -> Result<(), AppError> {
    let link = config.link(&format!("/app/tickets/{}", ticket.number));
    for recipient in recipients {
        let locale = recipient.language;
        let line = line(locale);
        let notice = Notice {
            locale,
            paragraphs: vec![
                locale.t_args("notify-greeting", &[("name", &recipient.name)]),
                line.clone(),
            ],
            button: locale.t("notify-open"),
            link: link.clone(),
            footnote: Some(Footnote {
                text: locale.t("notify-why"),
                link: config.link(super::SETTINGS_PATH),
            }),
        };
        // Sent by a machine: out-of-office replies stay away.
        let threading = Threading {
            auto_submitted: true,
            ..Threading::default()
        };
        let email = notice.email(&recipient.email, subject(recipient), threading)?;
        mail::enqueue(conn, account_id, &email).await?;
        if let Some(url) = &recipient.slack_webhook_url {
            let message = slack_message(&line, &link, &notice.button);
            mail::enqueue_webhook(conn, account_id, url, &message).await?;
        }
    }
    Ok(())
}

fn wants(recipient: &Recipient, change: Change) -> bool {
    match change {
        Change::Created => recipient.email_new_ticket,
        Change::Assigned => recipient.email_assigned,
        Change::CustomerReplied => recipient.email_customer_reply,
        Change::Updated => false,
    }
}

fn subject(change: Change, ticket: &NotifiedTicket, recipient: &Recipient) -> String {
    let key = match change {
        Change::Assigned => "notify-subject-assigned",
        Change::CustomerReplied => "notify-subject-customer-reply",
        Change::Created | Change::Updated => "notify-subject-new-ticket",
    };
    let number = ticket.number.to_string();
    recipient.language.t_args(
        key,
        &[("number", number.as_str()), ("subject", &ticket.subject)],
    )
}

/// What happened, in one sentence of `locale`.
fn describe(
    locale: Locale,
    change: Change,
    ticket: &NotifiedTicket,
    actor: Option<&CurrentAgent>,
) -> String {
    let number = ticket.number.to_string();
    let someone = locale.t("notify-someone");
    let actor = actor.map_or(someone.as_str(), |a| a.name.as_str());
    let department = ticket.department.as_deref();
    let (key, who) = match change {
        Change::Assigned => ("notify-assigned", actor),
        Change::CustomerReplied => ("notify-customer-reply", ticket.customer.as_str()),
        Change::Created | Change::Updated if department.is_some() => {
            ("notify-new-ticket", ticket.customer.as_str())
        }
        // A ticket without a department has its own sentence, not a blank in another.
        Change::Created | Change::Updated => {
            ("notify-new-ticket-no-department", ticket.customer.as_str())
        }
    };
    locale.t_args(
        key,
        &[
            ("number", number.as_str()),
            ("subject", &ticket.subject),
            ("who", who),
            ("department", department.unwrap_or_default()),
        ],
    )
}

/// Slack's incoming-webhook message: `{"text": ...}` with a link in Slack's markup.
fn slack_message(line: &str, link: &str, open: &str) -> serde_json::Value {
    let text = format!("{} <{link}|{}>", slack_escape(line), slack_escape(open));
    serde_json::json!({ "text": text })
}

/// Slack reads `&`, `<` and `>` as markup: user text escapes them.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_in_user_text_is_escaped() {
        assert_eq!(
            slack_escape("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
    }
}
