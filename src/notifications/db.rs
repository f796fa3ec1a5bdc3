//! Queries of the agents' notification preferences and of who is told about a ticket.
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::Sound;
use crate::i18n::Locale;

/// An agent's choices. An agent who never saved any has every switch on and no webhook.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Preferences {
    pub email_new_ticket: bool,
    pub email_assigned: bool,
    pub email_customer_reply: bool,
    pub email_sla_breached: bool,
    pub slack_webhook_url: Option<String>,
    pub sound_new_call: bool,
    pub sound_new_chat: bool,
    pub sound_new_message: bool,
    pub sound_new_system_message: bool,
    pub sound_new_ticket: bool,
    pub sound_sla_breached: bool,
}

impl Preferences {
    pub fn sound(&self, sound: Sound) -> bool {
        match sound {
            Sound::NewCall => self.sound_new_call,
            Sound::NewChat => self.sound_new_chat,
            Sound::NewMessage => self.sound_new_message,
            Sound::NewSystemMessage => self.sound_new_system_message,
            Sound::NewTicket => self.sound_new_ticket,
            Sound::SlaBreached => self.sound_sla_breached,
        }
    }

    /// The sounds switched on.
    pub fn sounds(&self) -> Vec<Sound> {
        Sound::ALL.into_iter().filter(|s| self.sound(*s)).collect()
    }
}

pub async fn preferences(
    db: &PgPool,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Preferences> {
    sqlx::query_as(
        "select coalesce(p.email_new_ticket, true) as email_new_ticket,
                coalesce(p.email_assigned, true) as email_assigned,
                coalesce(p.email_customer_reply, true) as email_customer_reply,
                coalesce(p.email_sla_breached, true) as email_sla_breached,
                p.slack_webhook_url,
                coalesce(p.sound_new_call, true) as sound_new_call,
                coalesce(p.sound_new_chat, true) as sound_new_chat,
                coalesce(p.sound_new_message, true) as sound_new_message,
                coalesce(p.sound_new_system_message, true) as sound_new_system_message,
                coalesce(p.sound_new_ticket, true) as sound_new_ticket,
                coalesce(p.sound_sla_breached, true) as sound_sla_breached
         from (select $1::uuid as account_id, $2::uuid as agent_id) me
         left join agent_preferences p
           on p.account_id = me.account_id and p.agent_id = me.agent_id",
    )
    .bind(account_id)
    .bind(agent_id)
    .fetch_one(db)
    .await
}

pub async fn save_preferences(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    preferences: &Preferences,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into agent_preferences
             (account_id, agent_id, email_new_ticket, email_assigned, email_customer_reply,
              email_sla_breached, slack_webhook_url, sound_new_call, sound_new_chat,
              sound_new_message, sound_new_system_message, sound_new_ticket,
              sound_sla_breached)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         on conflict (account_id, agent_id) do update
         set email_new_ticket = excluded.email_new_ticket,
             email_assigned = excluded.email_assigned,
             email_customer_reply = excluded.email_customer_reply,
             email_sla_breached = excluded.email_sla_breached,
             slack_webhook_url = excluded.slack_webhook_url,
             sound_new_call = excluded.sound_new_call,
             sound_new_chat = excluded.sound_new_chat,
             sound_new_message = excluded.sound_new_message,
             sound_new_system_message = excluded.sound_new_system_message,
             sound_new_ticket = excluded.sound_new_ticket,
             sound_sla_breached = excluded.sound_sla_breached,
             updated_at = app_now()",
    )
    .bind(account_id)
    .bind(agent_id)
    .bind(preferences.email_new_ticket)
    .bind(preferences.email_assigned)
    .bind(preferences.email_customer_reply)
    .bind(preferences.email_sla_breached)
    .bind(&preferences.slack_webhook_url)
    .bind(preferences.sound_new_call)
    .bind(preferences.sound_new_chat)
    .bind(preferences.sound_new_message)
    .bind(preferences.sound_new_system_message)
    .bind(preferences.sound_new_ticket)
    .bind(preferences.sound_sla_breached)
    .execute(conn)
    .await?;
    Ok(())
}

/// A ticket as its notifications describe it.
pub struct NotifiedTicket {
    pub number: i64,
    pub subject: String,
    pub customer: String,
    pub department_id: Option<Uuid>,
    pub department: Option<String>,
    pub assignee_id: Option<Uuid>,
}

pub async fn ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<NotifiedTicket> {
    sqlx::query_as!(
        NotifiedTicket,
        r#"select t.number, t.subject,
                  coalesce(nullif(t.customer_name, ''), t.customer_email) as "customer!",
                  t.department_id, d.name as "department?", t.assignee_id
           from tickets t
           left join departments d on d.account_id = t.account_id and d.id = t.department_id
           where t.account_id = $1 and t.id = $2"#,
        account_id,
        ticket_id,
    )
    .fetch_one(conn)
    .await
}

/// Someone who may be told: an agent of the workspace, not deleted, with their switches.
#[derive(sqlx::FromRow)]
pub struct Recipient {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub language: Locale,
    pub email_new_ticket: bool,
    pub email_assigned: bool,
    pub email_customer_reply: bool,
    pub email_sla_breached: bool,
    pub slack_webhook_url: Option<String>,
}

/// Whom a change concerns.
#[derive(Clone, Copy, Debug)]
pub enum Audience {
    Department(Uuid),
    Agent(Uuid),
    /// Every agent of the workspace.
    Everyone,
}

/// The agents `audience` names, and with `admins` the workspace's admins and owners too,
/// not deleted, other than `actor_id`.
pub async fn recipients(
    conn: &mut PgConnection,
    account_id: Uuid,
    audience: Audience,
    admins: bool,
    actor_id: Option<Uuid>,
) -> sqlx::Result<Vec<Recipient>> {
    let (department_id, agent_id, everyone) = match audience {
        Audience::Department(id) => (Some(id), None, false),
        Audience::Agent(id) => (None, Some(id), false),
        Audience::Everyone => (None, None, true),
    };
    sqlx::query_as(
        "select a.id, a.email, a.name, coalesce(a.language, w.language) as language,
                coalesce(p.email_new_ticket, true) as email_new_ticket,
                coalesce(p.email_assigned, true) as email_assigned,
                coalesce(p.email_customer_reply, true) as email_customer_reply,
                coalesce(p.email_sla_breached, true) as email_sla_breached,
                p.slack_webhook_url
         from agents a
         join accounts w on w.id = a.account_id
         left join agent_preferences p on p.account_id = a.account_id and p.agent_id = a.id
         where a.account_id = $1 and a.deleted_at is null
           and a.id is distinct from $4
           and ($5 or a.id = $3 or ($6 and a.role in ('admin', 'owner')) or exists (
                 select 1 from department_agents da
                 where da.account_id = a.account_id and da.agent_id = a.id
                   and da.department_id = $2))
         order by a.id",
    )
    .bind(account_id)
    .bind(department_id)
    .bind(agent_id)
    .bind(actor_id)
    .bind(everyone)
    .bind(admins)
    .fetch_all(conn)
    .await
}
