//! `/app/config/sla`: the SLA policies in the admins' order.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    db::{self, Policy, PolicySettings},
    refresh_workspace,
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    error::Found,
    format,
    input::{Choice, FieldErrors, required_text},
    ordering::{self, MoveForm, Ordered},
    tickets::{Channel, IssueType, Priority},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

/// Longest target: a year of minutes.
const TARGET_LIMIT: i32 = 525_600;

#[derive(Template, WebTemplate)]
#[template(path = "sla/policies.html")]
pub(super) struct PoliciesPage {
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

pub(super) async fn show_policies(
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
pub(super) struct PolicyForm {
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
pub(super) struct PolicyPage {
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
    let departments = state
        .directory
        .department_choices(&state.db, agent.account_id, &form.department)
        .await?;
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

pub(super) async fn new_policy(
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

pub(super) async fn edit_policy(
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
    ordering::lock(&mut tx, Ordered::SlaPolicies, agent.account_id).await?;
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

pub(super) async fn create_policy(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<PolicyForm>,
) -> Result<Response, AppError> {
    save_policy(&state, &session, client, ctx, &agent, None, form).await
}

pub(super) async fn update_policy(
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

pub(super) async fn delete_policy(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    ordering::lock(&mut tx, Ordered::SlaPolicies, agent.account_id).await?;
    let policy = db::policy(&mut tx, agent.account_id, id).await.found()?;
    ordering::delete_row(&mut tx, Ordered::SlaPolicies, agent.account_id, id).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    let entry = Entry::new(&agent, Action::SlaPolicyDeleted, client).subject(&policy.settings.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "sla-policy-deleted").await?;
    Ok(Redirect::to("/app/config/sla").into_response())
}

pub(super) async fn move_policy(
    State(state): State<AppState>,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let up = form.up()?;
    let mut tx = state.db.begin().await?;
    ordering::lock(&mut tx, Ordered::SlaPolicies, agent.account_id).await?;
    db::policy(&mut tx, agent.account_id, id).await.found()?;
    ordering::move_row(&mut tx, Ordered::SlaPolicies, agent.account_id, id, up).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/config/sla").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_whole_minutes_up_to_a_year() {
        assert_eq!(minutes(""), Ok(None));
        assert_eq!(minutes(" 90 "), Ok(Some(90)));
        for bad in ["0", "-5", "1.5", "525601", "soon"] {
            assert_eq!(minutes(bad), Err("sla-minutes-invalid"), "{bad}");
        }
    }
}
