//! `/app/config/agents/{id}/edit`: an agent's name, alias, gender, departments and role.
//! The role rules are checked under the team lock, so that the check and the change see
//! the same team.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{
    db::{self, MemberUpdate, TeamMember},
    form::{AgentForm, FormChoices, offered_roles},
    lock_team_for,
    rules::{self, Person},
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::{CurrentAgent, Role, two_factor},
    departments,
    error::Found,
    input::FieldErrors,
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

#[derive(Template, WebTemplate)]
#[template(path = "agents/edit.html")]
pub(super) struct EditPage {
    ctx: PageContext,
    target: TeamMember,
    /// Editing oneself: the role is shown, not offered.
    own_role: bool,
    /// The agent has two-factor login on.
    two_factor: bool,
    /// What the agent receives of each department of theirs (they switch it).
    departments: Vec<departments::db::Receiving>,
    form: AgentForm,
    errors: FieldErrors,
    choices: FormChoices,
}

async fn edit_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    target: TeamMember,
    form: AgentForm,
    errors: FieldErrors,
) -> Result<EditPage, AppError> {
    let own_role = target.id == agent.id;
    let offered: &[Role] = if own_role {
        std::slice::from_ref(&target.role)
    } else {
        offered_roles(agent.role)
    };
    let mut conn = state.db.acquire().await?;
    let choices =
        FormChoices::load(&mut conn, agent.account_id, ctx.locale, offered, &form).await?;
    let two_factor = two_factor::is_on(&mut conn, agent.account_id, target.id).await?;
    let departments = departments::db::receiving(&mut conn, agent.account_id, target.id).await?;
    Ok(EditPage {
        ctx,
        target,
        own_role,
        two_factor,
        departments,
        form,
        errors,
        choices,
    })
}

pub(super) async fn show_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<EditPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let target = db::member(&mut conn, agent.account_id, id).await.found()?;
    rules::may_edit((&agent).into(), Person::from(&target), target.role, 0)?;
    let departments = db::department_ids(&mut conn, agent.account_id, id).await?;
    drop(conn);
    let form = AgentForm {
        name: target.name.clone(),
        email: target.email.clone(),
        alias: target.alias.clone().unwrap_or_default(),
        role: target.role.as_str().to_owned(),
        gender: target.gender.as_str().to_owned(),
        departments: departments.iter().map(ToString::to_string).collect(),
    };
    edit_page(&state, ctx, &agent, target, form, FieldErrors::default()).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<AgentForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let actor = lock_team_for(&mut tx, &agent).await?;
    let target = db::member(&mut tx, agent.account_id, id).await.found()?;
    let owners = db::owners(&mut tx, agent.account_id).await?;
    let role = form.requested_role().unwrap_or(target.role);
    rules::may_edit(actor, Person::from(&target), role, owners)?;
    let mut errors = FieldErrors::default();
    let Some(profile) = form
        .parse_profile(&mut tx, agent.account_id, &mut errors)
        .await?
    else {
        drop(tx);
        let page = edit_page(&state, ctx, &agent, target, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };

    let departments_before = db::department_ids(&mut tx, agent.account_id, id).await?;
    let update = MemberUpdate {
        name: &profile.name,
        alias: profile.alias.as_deref(),
        gender: profile.gender,
        role: profile.role,
    };
    db::update_member(&mut tx, agent.account_id, id, &update).await?;
    db::set_departments(&mut tx, agent.account_id, id, &profile.departments).await?;

    let mut changed = Vec::new();
    if target.name != profile.name {
        changed.push("name");
    }
    if target.alias != profile.alias {
        changed.push("alias");
    }
    if target.gender != profile.gender {
        changed.push("gender");
    }
    if sorted(departments_before) != profile.departments {
        changed.push("departments");
    }
    if !changed.is_empty() {
        let detail = changed.join(", ");
        let entry = Entry::new(&agent, Action::AgentUpdated, client)
            .subject(&target.email)
            .detail(&detail);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    if target.role != profile.role {
        let detail = format!("{} → {}", target.role.as_str(), profile.role.as_str());
        let entry = Entry::new(&agent, Action::RoleChanged, client)
            .subject(&target.email)
            .detail(&detail);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, "agents-saved").await?;
    Ok(Redirect::to("/app/config/agents").into_response())
}

fn sorted(mut ids: Vec<uuid::Uuid>) -> Vec<uuid::Uuid> {
    ids.sort_unstable();
    ids
}
