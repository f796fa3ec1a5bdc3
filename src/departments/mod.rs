//! `/app/config/departments` (admins and owners): departments decide which agents see which
//! tickets. Create, rename, describe, choose agents, delete after a confirmation. The free
//! plan allows one.
pub mod db;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError, AppState, agents,
    audit::{self, Action, Entry},
    auth::{CurrentAgent, Permission},
    billing::{self, Plan},
    error::Found,
    input::{self, Choice, FieldErrors, required_text},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/app/config/departments",
            get(show_departments).post(create_department),
        )
        .route(
            "/app/config/departments/{id}",
            get(show_department).post(update_department),
        )
        // The address DESIGN.md gives the form (with round-robin); the one above stays for
        // links already out there.
        .route(
            "/app/config/departments/{id}/edit",
            get(show_department).post(update_department),
        )
        .route(
            "/app/config/departments/{id}/delete",
            get(confirm_delete).post(delete_department),
        )
}

#[derive(Debug, Deserialize)]
struct DepartmentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    agents: Vec<String>,
    /// Checkboxes: present when ticked.
    chat: Option<String>,
    round_robin: Option<String>,
    #[serde(default)]
    max_open: String,
}

/// A new department's form: it takes chats unless the admin says otherwise.
impl Default for DepartmentForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            agents: Vec::new(),
            chat: Some("on".to_owned()),
            round_robin: None,
            max_open: String::new(),
        }
    }
}

struct ParsedDepartment {
    name: String,
    description: String,
    agents: Vec<Uuid>,
    routing: db::Routing,
}

impl DepartmentForm {
    async fn parse(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
        errors: &mut FieldErrors,
    ) -> sqlx::Result<Option<ParsedDepartment>> {
        let name = errors.check("name", required_text(&self.name, 80));
        let description = errors.check("description", input::long_text(&self.description, 500));
        let mut agents = errors.check("agents", input::ids(&self.agents));
        if let Some(ids) = &agents
            && agents::db::count_members(conn, account_id, ids).await? != ids.len() as i64
        {
            errors.add("agents", "input-choice-invalid");
            agents = None;
        }
        let max_open = errors.check(
            "max_open",
            match self.max_open.trim() {
                "" => Ok(None),
                raw => raw
                    .parse::<i32>()
                    .ok()
                    .filter(|cap| (1..=10_000).contains(cap))
                    .map(Some)
                    .ok_or("department-max-open-invalid"),
            },
        );
        Ok(match (name, description, agents, max_open) {
            (Some(name), Some(description), Some(agents), Some(max_open)) => {
                Some(ParsedDepartment {
                    name,
                    description,
                    agents,
                    routing: db::Routing {
                        chat: self.chat.is_some(),
                        round_robin: self.round_robin.is_some(),
                        max_open,
                    },
                })
            }
            _ => None,
        })
    }

    /// The workspace's agents as checkboxes, this form's ticked.
    async fn agent_choices(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
    ) -> sqlx::Result<Vec<Choice>> {
        Ok(Choice::rows(
            agents::db::names(conn, account_id).await?,
            |id| self.agents.iter().any(|a| a == &id.to_string()),
        ))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "departments/index.html")]
struct DepartmentsPage {
    ctx: PageContext,
    departments: Vec<db::ListedDepartment>,
    plan: Plan,
    /// The plan limits departments (the page says so), and this one is reached.
    limited: bool,
    at_limit: bool,
    /// Owners may change the plan; the limit message links billing for them.
    sees_billing: bool,
    form: DepartmentForm,
    agents: Vec<Choice>,
    errors: FieldErrors,
}

async fn departments_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: DepartmentForm,
    errors: FieldErrors,
) -> Result<DepartmentsPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let departments = db::list(&mut conn, agent.account_id).await?;
    let plan = billing::db::plan(&mut conn, agent.account_id).await?;
    let agents = form.agent_choices(&mut conn, agent.account_id).await?;
    Ok(DepartmentsPage {
        limited: plan.department_limit().is_some(),
        at_limit: plan
            .department_limit()
            .is_some_and(|limit| departments.len() as i64 >= limit),
        sees_billing: agent.role.can(Permission::Billing),
        ctx,
        departments,
        plan,
        form,
        agents,
        errors,
    })
}

async fn show_departments(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<DepartmentsPage, AppError> {
    departments_page(
        &state,
        ctx,
        &agent,
        DepartmentForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create_department(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<DepartmentForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    // Under the workspace lock, two submissions at once cannot both pass the plan's limit.
    agents::db::lock_team(&mut tx, agent.account_id).await?;
    let plan = billing::db::plan(&mut tx, agent.account_id).await?;
    if let Some(limit) = plan.department_limit()
        && db::count(&mut tx, agent.account_id).await? >= limit
    {
        errors.add("plan", "departments-plan-limit");
    }
    let parsed = form.parse(&mut tx, agent.account_id, &mut errors).await?;
    let created = match parsed.filter(|_| errors.is_empty()) {
        Some(parsed) => {
            match db::insert(&mut tx, agent.account_id, &parsed.name, &parsed.description).await {
                Err(error) if db::is_name_taken(&error) => {
                    errors.add("name", "departments-name-taken");
                    None
                }
                result => Some((result?, parsed)),
            }
        }
        None => None,
    };
    let Some((id, parsed)) = created else {
        drop(tx);
        let page = departments_page(&state, ctx, &agent, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::set_agents(&mut tx, agent.account_id, id, &parsed.agents).await?;
    db::set_routing(&mut tx, agent.account_id, id, parsed.routing).await?;
    let entry = Entry::new(&agent, Action::DepartmentCreated, client).subject(&parsed.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "departments-created").await?;
    Ok(Redirect::to("/app/config/departments").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "departments/edit.html")]
struct DepartmentPage {
    ctx: PageContext,
    department: db::Department,
    form: DepartmentForm,
    agents: Vec<Choice>,
    errors: FieldErrors,
}

async fn department_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    department: db::Department,
    form: DepartmentForm,
    errors: FieldErrors,
) -> Result<DepartmentPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let agents = form.agent_choices(&mut conn, agent.account_id).await?;
    Ok(DepartmentPage {
        ctx,
        department,
        form,
        agents,
        errors,
    })
}

async fn show_department(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DepartmentPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let department = db::find(&mut conn, agent.account_id, id).await.found()?;
    let members = db::agent_ids(&mut conn, agent.account_id, id).await?;
    let routing = db::routing(&mut conn, agent.account_id, id).await?;
    drop(conn);
    let form = DepartmentForm {
        name: department.name.clone(),
        description: department.description.clone(),
        agents: members.iter().map(ToString::to_string).collect(),
        chat: routing.chat.then(|| "on".to_owned()),
        round_robin: routing.round_robin.then(|| "on".to_owned()),
        max_open: routing
            .max_open
            .map(|cap| cap.to_string())
            .unwrap_or_default(),
    };
    department_page(
        &state,
        ctx,
        &agent,
        department,
        form,
        FieldErrors::default(),
    )
    .await
}

async fn update_department(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<DepartmentForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    // Under the workspace lock, no agent is deleted while being added here.
    agents::db::lock_team(&mut tx, agent.account_id).await?;
    let department = db::find(&mut tx, agent.account_id, id).await.found()?;
    let mut parsed = form.parse(&mut tx, agent.account_id, &mut errors).await?;
    if let Some(p) = &parsed {
        match db::update(&mut tx, agent.account_id, id, &p.name, &p.description).await {
            Err(error) if db::is_name_taken(&error) => {
                errors.add("name", "departments-name-taken");
                parsed = None;
            }
            result => result?,
        }
    }
    let Some(parsed) = parsed else {
        drop(tx);
        let page = department_page(&state, ctx, &agent, department, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::set_agents(&mut tx, agent.account_id, id, &parsed.agents).await?;
    db::set_routing(&mut tx, agent.account_id, id, parsed.routing).await?;
    let detail = if parsed.name == department.name {
        String::new()
    } else {
        format!("{} → {}", department.name, parsed.name)
    };
    let entry = Entry::new(&agent, Action::DepartmentUpdated, client)
        .subject(&parsed.name)
        .detail(&detail);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "departments-saved").await?;
    Ok(Redirect::to("/app/config/departments").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "departments/delete.html")]
struct DeletePage {
    ctx: PageContext,
    department: db::Department,
    agents: usize,
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DeletePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let department = db::find(&mut conn, agent.account_id, id).await.found()?;
    let agents = db::agent_ids(&mut conn, agent.account_id, id).await?.len();
    Ok(DeletePage {
        ctx,
        department,
        agents,
    })
}

async fn delete_department(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    // Not while an invitation or an edit is putting someone into this department.
    agents::db::lock_team(&mut tx, agent.account_id).await?;
    let department = db::find(&mut tx, agent.account_id, id).await.found()?;
    if !db::delete(&mut tx, agent.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    let entry = Entry::new(&agent, Action::DepartmentDeleted, client).subject(&department.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "departments-deleted").await?;
    Ok(Redirect::to("/app/config/departments").into_response())
}
