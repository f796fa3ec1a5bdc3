//! The audit log: who did what to the workspace, when and from where. Entries are written
//! in the same transaction as the change they record; `/app/config/audit` lists them.
mod db;

use std::net::IpAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, routing::get};
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::web::extract::Query;
use crate::{AppError, AppState, auth::CurrentAgent, web::PageContext};

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Action {
    Login,
    AgentInvited,
    InvitationResent,
    AgentUpdated,
    RoleChanged,
    AgentDeleted,
    DepartmentCreated,
    DepartmentUpdated,
    DepartmentDeleted,
    SettingsChanged,
    PlanChanged,
    BillingDetailsChanged,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorReset,
    TagRenamed,
    TagDeleted,
    BusinessHoursChanged,
    SlaPolicyCreated,
    SlaPolicyUpdated,
    SlaPolicyDeleted,
    RuleCreated,
    RuleUpdated,
    RuleDeleted,
    RuleFailed,
    CallsConfigured,
    CallNumberAdded,
    CallNumberRemoved,
    ChannelConnected,
    ChannelDisconnected,
}

impl Action {
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Login => "audit-login",
            Self::AgentInvited => "audit-agent-invited",
            Self::InvitationResent => "audit-invitation-resent",
            Self::AgentUpdated => "audit-agent-updated",
            Self::RoleChanged => "audit-role-changed",
            Self::AgentDeleted => "audit-agent-deleted",
            Self::DepartmentCreated => "audit-department-created",
            Self::DepartmentUpdated => "audit-department-updated",
            Self::DepartmentDeleted => "audit-department-deleted",
            Self::SettingsChanged => "audit-settings-changed",
            Self::PlanChanged => "audit-plan-changed",
            Self::BillingDetailsChanged => "audit-billing-details-changed",
            Self::TwoFactorEnabled => "audit-two-factor-enabled",
            Self::TwoFactorDisabled => "audit-two-factor-disabled",
            Self::TwoFactorReset => "audit-two-factor-reset",
            Self::TagRenamed => "audit-tag-renamed",
            Self::TagDeleted => "audit-tag-deleted",
            Self::BusinessHoursChanged => "audit-business-hours-changed",
            Self::SlaPolicyCreated => "audit-sla-policy-created",
            Self::SlaPolicyUpdated => "audit-sla-policy-updated",
            Self::SlaPolicyDeleted => "audit-sla-policy-deleted",
            Self::RuleCreated => "audit-rule-created",
            Self::RuleUpdated => "audit-rule-updated",
            Self::RuleDeleted => "audit-rule-deleted",
            Self::RuleFailed => "audit-rule-failed",
            Self::CallsConfigured => "audit-calls-configured",
            Self::CallNumberAdded => "audit-call-number-added",
            Self::CallNumberRemoved => "audit-call-number-removed",
            Self::ChannelConnected => "audit-channel-connected",
            Self::ChannelDisconnected => "audit-channel-disconnected",
        }
    }
}

const REQUIRE_2FA_ON: &str = "require_2fa=on";
const REQUIRE_2FA_OFF: &str = "require_2fa=off";

/// The part of a settings change's detail that says two-factor login became required or
/// optional (shown translated).
pub fn require_2fa_detail(required: bool) -> &'static str {
    if required {
        REQUIRE_2FA_ON
    } else {
        REQUIRE_2FA_OFF
    }
}

/// One thing that happened: `subject` names what it happened to, `detail` how it changed.
pub struct Entry<'a> {
    /// `None` for what the desk did by itself (a rule that failed).
    pub actor_id: Option<Uuid>,
    pub action: Action,
    pub subject: &'a str,
    pub detail: &'a str,
    pub ip: Option<IpAddr>,
}

impl<'a> Entry<'a> {
    /// What `actor` did from `ip`; say to what with `subject` and `detail`.
    pub fn new(actor: &CurrentAgent, action: Action, ip: Option<IpAddr>) -> Self {
        Self {
            actor_id: Some(actor.id),
            action,
            subject: "",
            detail: "",
            ip,
        }
    }

    /// An entry of the desk's own doing.
    pub fn system(action: Action) -> Self {
        Self {
            actor_id: None,
            action,
            subject: "",
            detail: "",
            ip: None,
        }
    }

    pub fn subject(self, subject: &'a str) -> Self {
        Self { subject, ..self }
    }

    pub fn detail(self, detail: &'a str) -> Self {
        Self { detail, ..self }
    }
}

pub async fn record(
    conn: &mut PgConnection,
    account_id: Uuid,
    entry: &Entry<'_>,
) -> sqlx::Result<()> {
    db::insert(conn, account_id, entry).await
}

pub fn router() -> Router<AppState> {
    Router::new().route("/app/config/audit", get(show_audit_log))
}

/// Entries per page; older ones follow the `before` cursor.
const PAGE_SIZE: i64 = 50;

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<Uuid>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/index.html")]
struct AuditPage {
    ctx: PageContext,
    entries: Vec<db::ListedEntry>,
    older: Option<Uuid>,
}

async fn show_audit_log(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    let mut entries = db::page(&state.db, agent.account_id, query.before, PAGE_SIZE + 1).await?;
    let older = if entries.len() > PAGE_SIZE as usize {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|entry| entry.id)
    } else {
        None
    };
    Ok(AuditPage {
        ctx,
        entries,
        older,
    })
}
