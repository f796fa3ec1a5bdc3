//! `/app/kb/categories`: the help center's sections, with a name, a description and a
//! position that orders them. Deleting one (after a confirmation) leaves its articles
//! without a category.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::db::{self, Category, ListedCategory};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    error::Found,
    input::{FieldErrors, long_text, required_text},
    web::{PageContext, PathId, extract::Form, flash},
};

const NAME_TAKEN: &str = "kb_categories_name_key";

#[derive(Debug, Default, Deserialize)]
pub(super) struct CategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    position: String,
}

impl CategoryForm {
    fn parse(&self, errors: &mut FieldErrors) -> Option<(String, String)> {
        let name = errors.check("name", required_text(&self.name, 80));
        let description = errors.check("description", long_text(&self.description, 500));
        name.zip(description)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/categories.html")]
pub(super) struct CategoriesPage {
    ctx: PageContext,
    categories: Vec<ListedCategory>,
    form: CategoryForm,
    errors: FieldErrors,
}

async fn categories_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: CategoryForm,
    errors: FieldErrors,
) -> Result<CategoriesPage, AppError> {
    let categories = db::categories(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(CategoriesPage {
        ctx,
        categories,
        form,
        errors,
    })
}

pub(super) async fn show_list(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<CategoriesPage, AppError> {
    let form = CategoryForm::default();
    categories_page(&state, ctx, &agent, form, FieldErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    if let Some((name, description)) = form.parse(&mut errors) {
        let mut conn = state.db.acquire().await?;
        match db::insert_category(&mut conn, agent.account_id, &name, &description).await {
            Err(error) if db::is_unique_violation(&error, NAME_TAKEN) => {
                errors.add("name", "kb-category-name-taken");
            }
            result => {
                result?;
                flash::success(&session, "kb-category-saved").await?;
                return Ok(Redirect::to("/app/kb/categories").into_response());
            }
        }
    }
    let page = categories_page(&state, ctx, &agent, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/category_edit.html")]
pub(super) struct CategoryPage {
    ctx: PageContext,
    category: Category,
    form: CategoryForm,
    errors: FieldErrors,
}

pub(super) async fn show_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<CategoryPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let category = db::find_category(&mut conn, agent.account_id, id)
        .await
        .found()?;
    let form = CategoryForm {
        name: category.name.clone(),
        description: category.description.clone(),
        position: category.position.to_string(),
    };
    Ok(CategoryPage {
        ctx,
        category,
        form,
        errors: FieldErrors::default(),
    })
}

pub(super) async fn update(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let category = db::find_category(&mut conn, agent.account_id, id)
        .await
        .found()?;
    let mut errors = FieldErrors::default();
    let parsed = form.parse(&mut errors);
    let position = errors.check(
        "position",
        form.position
            .trim()
            .parse::<i32>()
            .map_err(|_| "kb-position-invalid"),
    );
    if let (Some((name, description)), Some(position)) = (parsed, position) {
        let changed = Category {
            id,
            name,
            description,
            position,
        };
        match db::update_category(&mut conn, agent.account_id, &changed).await {
            Err(error) if db::is_unique_violation(&error, NAME_TAKEN) => {
                errors.add("name", "kb-category-name-taken");
            }
            result => {
                result?;
                flash::success(&session, "kb-category-saved").await?;
                return Ok(Redirect::to("/app/kb/categories").into_response());
            }
        }
    }
    let page = CategoryPage {
        ctx,
        category,
        form,
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/category_delete.html")]
pub(super) struct DeletePage {
    ctx: PageContext,
    category: Category,
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DeletePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let category = db::find_category(&mut conn, agent.account_id, id)
        .await
        .found()?;
    Ok(DeletePage { ctx, category })
}

pub(super) async fn delete(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    if !db::delete_category(&mut tx, agent.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    flash::success(&session, "kb-category-deleted").await?;
    Ok(Redirect::to("/app/kb/categories").into_response())
}
