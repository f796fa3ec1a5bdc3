//! `/app/kb`: the articles (newest update first, with their helpful votes) and a search that
//! finds drafts too; writing an article with a preview, its history with restore, and
//! deleting it after a confirmation.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    ArticleInput, SlugTaken, Status,
    db::{self, Article, ListedArticle, ListedCategory, Revision},
    markdown, save_article,
    search::{self, Results, SearchText},
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    error::Found,
    input::{Choice, FieldErrors, Slug, required_long_text, required_text},
    web::{
        PageContext, PathId,
        extract::{Form, Path, Query},
        flash,
    },
};

/// Articles per page of the list.
const PAGE_SIZE: i64 = 50;
/// Longest article body, in characters.
const BODY_LIMIT: usize = 100_000;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/index.html")]
pub(super) struct ListPage {
    ctx: PageContext,
    q: String,
    categories: Vec<ListedCategory>,
    articles: Vec<ListedArticle>,
    next: Option<String>,
    results: Option<Results>,
}

pub(super) async fn show_list(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let categories = db::categories(&mut conn, agent.account_id).await?;
    let (articles, next, results) = match SearchText::parse(&query.q) {
        Some(text) => {
            let results = search::find(&mut conn, agent.account_id, &text, true, PAGE_SIZE).await?;
            (Vec::new(), None, Some(results))
        }
        None => {
            let after = crate::tickets::db::parse_cursor(&query.after);
            let articles = db::articles(&mut conn, agent.account_id, after, PAGE_SIZE).await?;
            let next = (articles.len() as i64 == PAGE_SIZE)
                .then(|| {
                    articles
                        .last()
                        .map(|a| format!("/app/kb?after={}", a.cursor()))
                })
                .flatten();
            (articles, next, None)
        }
    };
    Ok(ListPage {
        ctx,
        q: query.q,
        categories,
        articles,
        next,
        results,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ArticleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    status: String,
    /// Set by the preview button: show the article rendered, save nothing.
    #[serde(default)]
    preview: Option<String>,
}

impl ArticleForm {
    fn of(article: &Article) -> Self {
        Self {
            title: article.title.clone(),
            slug: article.slug.clone(),
            category: article
                .category_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            body: article.body.clone(),
            status: article.status.as_str().to_owned(),
            preview: None,
        }
    }

    async fn parse(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
        errors: &mut FieldErrors,
    ) -> sqlx::Result<Option<ArticleInput>> {
        let title = errors.check("title", required_text(&self.title, 200));
        let slug = match self.slug.trim() {
            "" => Some(None),
            raw => errors.check("slug", Slug::parse(raw).map(Some)),
        };
        let category = match self.category.parse::<Uuid>() {
            _ if self.category.is_empty() => Some(None),
            Ok(id) if db::find_category(conn, account_id, id).await?.is_some() => Some(Some(id)),
            _ => {
                errors.add("category", "input-choice-invalid");
                None
            }
        };
        let body = errors.check("body", required_long_text(&self.body, BODY_LIMIT));
        let status = errors.check("status", Status::parse(&self.status));
        Ok(match (title, slug, category, body, status) {
            (Some(title), Some(slug), Some(category_id), Some(body), Some(status)) => {
                Some(ArticleInput {
                    title,
                    slug,
                    category_id,
                    body,
                    status,
                })
            }
            _ => None,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/article_form.html")]
pub(super) struct ArticlePage {
    ctx: PageContext,
    /// `None` for a new article.
    article_id: Option<Uuid>,
    form: ArticleForm,
    categories: Vec<Choice>,
    statuses: Vec<Choice>,
    /// The body rendered, when the preview was asked for.
    preview: Option<String>,
    errors: FieldErrors,
}

async fn article_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    article_id: Option<Uuid>,
    form: ArticleForm,
    errors: FieldErrors,
) -> Result<ArticlePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let categories = Choice::rows(
        db::category_names(&mut conn, agent.account_id).await?,
        |id| form.category == id.to_string(),
    );
    let statuses = Status::choices(ctx.locale, Status::parse(&form.status).ok());
    let preview = form
        .preview
        .is_some()
        .then(|| markdown::render(&form.body).html);
    Ok(ArticlePage {
        ctx,
        article_id,
        form,
        categories,
        statuses,
        preview,
        errors,
    })
}

pub(super) async fn show_new(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ArticlePage, AppError> {
    let form = ArticleForm {
        status: Status::Draft.as_str().to_owned(),
        ..ArticleForm::default()
    };
    article_page(&state, ctx, &agent, None, form, FieldErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<ArticleForm>,
) -> Result<Response, AppError> {
    save(&state, &session, ctx, &agent, None, form).await
}

pub(super) async fn show_edit(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<ArticlePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let article = db::find_article(&mut conn, agent.account_id, id)
        .await
        .found()?;
    drop(conn);
    let form = ArticleForm::of(&article);
    article_page(&state, ctx, &agent, Some(id), form, FieldErrors::default()).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<ArticleForm>,
) -> Result<Response, AppError> {
    save(&state, &session, ctx, &agent, Some(id), form).await
}

/// Saves the form as a new article (`id` none) or over article `id`, or shows it again
/// with its preview or its mistakes.
async fn save(
    state: &AppState,
    session: &Session,
    ctx: PageContext,
    agent: &CurrentAgent,
    id: Option<Uuid>,
    form: ArticleForm,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    if let Some(id) = id
        && !db::lock_article(&mut tx, agent.account_id, id).await?
    {
        return Err(AppError::NotFound);
    }
    let parsed = form.parse(&mut tx, agent.account_id, &mut errors).await?;
    let saved = match parsed.filter(|_| form.preview.is_none()) {
        Some(input) => {
            let article_id = id.unwrap_or_else(Uuid::now_v7);
            let at = state.clock.now();
            match save_article(&mut tx, agent.account_id, agent.id, article_id, &input, at).await? {
                Ok(_) => Some(article_id),
                Err(SlugTaken) => {
                    errors.add("slug", "kb-slug-taken");
                    None
                }
            }
        }
        None => None,
    };
    let Some(article_id) = saved else {
        drop(tx);
        // A preview is what was asked for; mistakes are shown beside it, but as a 200.
        let status = if form.preview.is_some() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = article_page(state, ctx, agent, id, form, errors).await?;
        return Ok((status, page).into_response());
    };
    tx.commit().await?;
    tracing::info!(account_id = %agent.account_id, %article_id, "article saved");
    flash::success(session, "kb-article-saved").await?;
    Ok(Redirect::to(&format!("/app/kb/articles/{article_id}/edit")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/delete.html")]
pub(super) struct DeletePage {
    ctx: PageContext,
    article: Article,
}

pub(super) async fn confirm_delete(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<DeletePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let article = db::find_article(&mut conn, agent.account_id, id)
        .await
        .found()?;
    Ok(DeletePage { ctx, article })
}

pub(super) async fn delete(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    if !db::delete_article(&mut conn, agent.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(account_id = %agent.account_id, article_id = %id, "article deleted");
    flash::success(&session, "kb-article-deleted").await?;
    Ok(Redirect::to("/app/kb").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/history.html")]
pub(super) struct HistoryPage {
    ctx: PageContext,
    article: Article,
    revisions: Vec<Revision>,
}

pub(super) async fn show_history(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<HistoryPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let article = db::find_article(&mut conn, agent.account_id, id)
        .await
        .found()?;
    let revisions = db::revisions(&mut conn, agent.account_id, id).await?;
    Ok(HistoryPage {
        ctx,
        article,
        revisions,
    })
}

/// Makes a revision's title and body the article's again, as a new save (so a new
/// revision); the slug, category and status stay.
pub(super) async fn restore(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Path((id, revision_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (Ok(id), Ok(revision_id)) = (id.parse::<Uuid>(), revision_id.parse::<Uuid>()) else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.db.begin().await?;
    if !db::lock_article(&mut tx, agent.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    let article = db::find_article(&mut tx, agent.account_id, id)
        .await
        .found()?;
    let revision = db::find_revision(&mut tx, agent.account_id, id, revision_id)
        .await
        .found()?;
    let input = ArticleInput {
        title: revision.title,
        slug: Slug::parse(&article.slug).ok(),
        category_id: article.category_id,
        body: revision.body,
        status: article.status,
    };
    let at = state.clock.now();
    if save_article(&mut tx, agent.account_id, agent.id, id, &input, at)
        .await?
        .is_err()
    {
        return Err(AppError::Internal(anyhow::anyhow!(
            "an article's own slug was taken"
        )));
    }
    tx.commit().await?;
    flash::success(&session, "kb-restored").await?;
    Ok(Redirect::to(&format!("/app/kb/articles/{id}/edit")).into_response())
}
