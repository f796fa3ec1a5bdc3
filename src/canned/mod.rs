//! `/app/canned`: canned answers. Every agent keeps their own; admins and owners also
//! write shared ones, for the whole workspace or one department's tickets. The ticket
//! page offers them in its reply form (`offered`, `prefill`), their placeholders filled.
pub mod db;
pub mod placeholders;

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
    AppError, AppState,
    auth::{CurrentAgent, Permission},
    departments,
    error::Found,
    input::{Choice, FieldErrors, required_long_text, required_text},
    web::{PageContext, PathId, extract::Form, flash},
};
use db::CannedAnswer;

const TITLE_LIMIT: usize = 100;
const BODY_LIMIT: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/canned", get(show_list))
        .route("/app/canned/new", get(show_new).post(create))
        .route("/app/canned/{id}/edit", get(show_edit).post(update))
        .route("/app/canned/{id}/delete", get(confirm_delete).post(delete))
}

/// Shared answers are the admins' to write.
fn may_share(agent: &CurrentAgent) -> bool {
    agent.role.can(Permission::Configuration)
}

/// An agent may change their own answers; admins the shared ones too.
fn may_change(agent: &CurrentAgent, answer: &CannedAnswer) -> bool {
    answer.owner_id == Some(agent.id) || (answer.is_shared() && may_share(agent))
}

#[derive(Template, WebTemplate)]
#[template(path = "canned/list.html")]
struct ListPage {
    ctx: PageContext,
    answers: Vec<CannedAnswer>,
    agent: CurrentAgent,
}

impl ListPage {
    fn may_change(&self, answer: &CannedAnswer) -> bool {
        may_change(&self.agent, answer)
    }
}

async fn show_list(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ListPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let answers = db::visible(&mut conn, agent.account_id, agent.id, None).await?;
    Ok(ListPage {
        ctx,
        answers,
        agent,
    })
}

#[derive(Debug, Default, Deserialize)]
struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// A checkbox: present when ticked.
    shared: Option<String>,
    #[serde(default)]
    department: String,
}

impl CannedForm {
    fn of(answer: &CannedAnswer) -> Self {
        Self {
            title: answer.title.clone(),
            body: answer.body.clone(),
            shared: answer.is_shared().then(|| "on".to_owned()),
            department: answer
                .department_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }

    /// The fields to save, or `None` with `errors` saying why. Sharing by an agent is a
    /// request no form of ours sends them: 403.
    async fn parse(
        &self,
        conn: &mut PgConnection,
        agent: &CurrentAgent,
        errors: &mut FieldErrors,
    ) -> Result<Option<db::Fields>, AppError> {
        let shared = self.shared.is_some();
        if shared && !may_share(agent) {
            return Err(AppError::Forbidden);
        }
        let title = errors.check("title", required_text(&self.title, TITLE_LIMIT));
        let mut body = errors.check("body", required_long_text(&self.body, BODY_LIMIT));
        if let Some(text) = &body {
            let unknown = placeholders::unknown(text);
            if !unknown.is_empty() {
                errors.add("body", "canned-placeholder-unknown");
                body = None;
            }
        }
        let department = match self.department.trim() {
            "" => Some(None),
            _ if !shared => {
                errors.add("department", "canned-department-shared-only");
                None
            }
            raw => match raw.parse::<Uuid>() {
                Ok(id)
                    if departments::db::find(conn, agent.account_id, id)
                        .await?
                        .is_some() =>
                {
                    Some(Some(id))
                }
                _ => {
                    errors.add("department", "input-choice-invalid");
                    None
                }
            },
        };
        Ok(match (title, body, department) {
            (Some(title), Some(body), Some(department_id)) if errors.is_empty() => {
                Some(db::Fields {
                    owner_id: (!shared).then_some(agent.id),
                    department_id,
                    title,
                    body,
                })
            }
            _ => None,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "canned/form.html")]
struct FormPage {
    ctx: PageContext,
    /// The answer being edited; `None` for a new one.
    editing: Option<Uuid>,
    form: CannedForm,
    may_share: bool,
    departments: Vec<Choice>,
    placeholders: [&'static str; 6],
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    editing: Option<Uuid>,
    form: CannedForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let departments = state
        .directory
        .department_choices(&state.db, agent.account_id, &form.department)
        .await?;
    Ok(FormPage {
        ctx,
        editing,
        form,
        may_share: may_share(agent),
        departments,
        placeholders: placeholders::NAMES,
        errors,
    })
}

async fn show_new(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<FormPage, AppError> {
    form_page(
        &state,
        ctx,
        &agent,
        None,
        CannedForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<CannedForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    let Some(fields) = form.parse(&mut tx, &agent, &mut errors).await? else {
        drop(tx);
        let page = form_page(&state, ctx, &agent, None, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::insert(&mut tx, agent.account_id, &fields).await?;
    tx.commit().await?;
    flash::success(&session, "canned-created").await?;
    Ok(Redirect::to("/app/canned").into_response())
}

/// Answer `id` for a change by `agent`: 404 when they may not see it, 403 when they may
/// see but not change it (an agent and a shared answer).
async fn changeable(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    id: Uuid,
) -> Result<CannedAnswer, AppError> {
    let answer = db::find(conn, agent.account_id, agent.id, id)
        .await
        .found()?;
    if !may_change(agent, &answer) {
        return Err(AppError::Forbidden);
    }
    Ok(answer)
}

async fn show_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<FormPage, AppError> {
    let answer = changeable(&mut *state.db.acquire().await?, &agent, id).await?;
    let form = CannedForm::of(&answer);
    form_page(&state, ctx, &agent, Some(id), form, FieldErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<CannedForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    changeable(&mut tx, &agent, id).await?;
    let Some(fields) = form.parse(&mut tx, &agent, &mut errors).await? else {
        drop(tx);
        let page = form_page(&state, ctx, &agent, Some(id), form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::update(&mut tx, agent.account_id, id, &fields).await?;
    tx.commit().await?;
    flash::success(&session, "canned-saved").await?;
    Ok(Redirect::to("/app/canned").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "canned/delete.html")]
struct DeletePage {
    ctx: PageContext,
    answer: CannedAnswer,
}

async fn confirm_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DeletePage, AppError> {
    let answer = changeable(&mut *state.db.acquire().await?, &agent, id).await?;
    Ok(DeletePage { ctx, answer })
}

async fn delete(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    changeable(&mut tx, &agent, id).await?;
    db::delete(&mut tx, agent.account_id, id).await?;
    tx.commit().await?;
    flash::success(&session, "canned-deleted").await?;
    Ok(Redirect::to("/app/canned").into_response())
}

/// The answers offered on a ticket of `department`, their placeholders filled, for the
/// reply form's picker.
pub struct Offered {
    pub id: Uuid,
    pub title: String,
    pub text: String,
}

pub async fn offered(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    department: Option<Uuid>,
    values: &placeholders::Values<'_>,
) -> sqlx::Result<Vec<Offered>> {
    Ok(
        db::visible(conn, agent.account_id, agent.id, Some(department))
            .await?
            .into_iter()
            .map(|answer| Offered {
                id: answer.id,
                text: placeholders::fill(&answer.body, values),
                title: answer.title,
            })
            .collect(),
    )
}
