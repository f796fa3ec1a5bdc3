//! Queries of the audit log.
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Action, Entry};
use crate::{auth::Role, billing::Plan, i18n::Locale, rules};

pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    entry: &Entry<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_log (account_id, id, actor_id, action, subject, detail, ip)
         values ($1, $2, $3, $4, $5, $6, $7)",
        account_id,
        Uuid::now_v7(),
        entry.actor_id,
        entry.action as Action,
        entry.subject,
        entry.detail,
        entry.ip.map(|ip| ip.to_string()),
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct ListedEntry {
    pub id: Uuid,
    pub actor: Option<String>,
    pub action: Action,
    pub subject: String,
    pub detail: String,
    pub ip: Option<String>,
    pub created_at: OffsetDateTime,
}

impl ListedEntry {
    /// The detail in the reader's language: the role and field codes that some actions
    /// store are translated; names and other text stay as they were recorded.
    pub fn detail_text(&self, locale: &Locale) -> String {
        let translate = |code: &str| match code_key(self.action, code) {
            Some(key) => locale.t(key),
            None => code.to_owned(),
        };
        match self.action {
            Action::RoleChanged | Action::AgentInvited | Action::PlanChanged => self
                .detail
                .split(" → ")
                .map(translate)
                .collect::<Vec<_>>()
                .join(" → "),
            Action::SettingsChanged => self
                .detail
                .split("; ")
                .map(translate)
                .collect::<Vec<_>>()
                .join("; "),
            Action::RuleFailed => self
                .detail
                .split("; ")
                .map(translate)
                .collect::<Vec<_>>()
                .join("; "),
            Action::AgentUpdated => self
                .detail
                .split(", ")
                .map(translate)
                .collect::<Vec<_>>()
                .join(", "),
            _ => self.detail.clone(),
        }
    }
}

/// The catalog key of a code stored in the detail of `action`.
fn code_key(action: Action, code: &str) -> Option<&'static str> {
    match (action, code) {
        (Action::RoleChanged | Action::AgentInvited, code) => Role::ALL
            .into_iter()
            .find(|role| role.as_str() == code)
            .map(Role::label_key),
        (Action::PlanChanged, code) => Plan::parse(code).map(Plan::label_key),
        (Action::RuleFailed, code) => rules::ActionType::parse(code)
            .map(rules::ActionType::label_key)
            .or_else(|_| rules::Failure::parse(code).map(rules::Failure::label_key))
            .ok(),
        (Action::AgentUpdated, "name") => Some("field-agent-name"),
        (Action::AgentUpdated, "alias") => Some("field-alias"),
        (Action::AgentUpdated, "gender") => Some("field-gender"),
        (Action::AgentUpdated, "departments") => Some("field-departments"),
        (Action::SettingsChanged, super::REQUIRE_2FA_ON) => Some("audit-require-2fa-on"),
        (Action::SettingsChanged, super::REQUIRE_2FA_OFF) => Some("audit-require-2fa-off"),
        _ => None,
    }
}

/// Newest first; ids are UUIDv7, so their order is the order of time.
pub async fn page(
    db: &PgPool,
    account_id: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<ListedEntry>> {
    sqlx::query_as!(
        ListedEntry,
        r#"select l.id, a.name as "actor?", l.action as "action: Action", l.subject, l.detail,
                  l.ip, l.created_at
           from audit_log l
           left join agents a on a.account_id = l.account_id and a.id = l.actor_id
           where l.account_id = $1 and ($2::uuid is null or l.id < $2)
           order by l.id desc
           limit $3"#,
        account_id,
        before,
        limit,
    )
    .fetch_all(db)
    .await
}
