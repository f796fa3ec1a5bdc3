//! The public help center `/help/{workspace}`: the categories with their published
//! articles and a search, one article with related ones and "Did this answer your
//! question?", article suggestions for the contact form, and the sitemap. Drafts and other
//! workspaces' slugs are 404.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    db::{self, ArticleLink, Hit, PublicArticle},
    search::{self, Results, SearchText},
};
use crate::{
    AppError, AppState,
    auth::throttle::{self, Scope},
    crypto,
    error::Found,
    format,
    tickets::db::{MailWorkspace, workspace_by_slug},
    web::{
        PageContext,
        client::ClientAddr,
        csrf,
        extract::{Form, Path, Query},
        flash,
    },
};

/// Articles shown per category on the help center's first page.
const PER_CATEGORY: i64 = 10;
/// Search results per page.
const RESULTS: i64 = 10;
/// Articles the contact form suggests.
const SUGGESTIONS: i64 = 3;

/// Up to three published articles matching any word of a contact form's subject.
pub async fn suggestions_for(
    conn: &mut PgConnection,
    account_id: Uuid,
    subject: &str,
) -> sqlx::Result<Vec<Hit>> {
    match SearchText::parse(subject) {
        Some(text) => db::search(conn, account_id, &text.any_word(), false, SUGGESTIONS).await,
        None => Ok(Vec::new()),
    }
}

async fn workspace(conn: &mut PgConnection, slug: &str) -> Result<MailWorkspace, AppError> {
    workspace_by_slug(conn, slug).await.found()
}

/// A category of the first page with its articles; `id` and `name` none for articles
/// without one.
pub(super) struct Section {
    id: Option<Uuid>,
    name: Option<String>,
    description: String,
    articles: Vec<ArticleLink>,
}

impl Section {
    /// The first page shows only some of a category's articles: its own page has them all.
    fn has_more(&self) -> bool {
        self.id.is_some() && self.articles.len() as i64 >= PER_CATEGORY
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct HelpQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/help_home.html")]
pub(super) struct HomePage {
    ctx: PageContext,
    workspace: MailWorkspace,
    canonical: String,
    q: String,
    results: Option<Results>,
    sections: Vec<Section>,
}

impl HomePage {
    /// The contact form, its subject filled in with what was searched for.
    fn contact_link(&self) -> String {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("subject", self.q.trim())
            .finish();
        format!("/help/{}/contact?{query}", self.workspace.slug)
    }
}

pub(super) async fn show_home(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    Query(query): Query<HelpQuery>,
) -> Result<HomePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let (results, sections) = match SearchText::parse(&query.q) {
        Some(text) => {
            let results = search::find(&mut conn, workspace.id, &text, false, RESULTS).await?;
            (Some(results), Vec::new())
        }
        None => (None, sections(&mut conn, workspace.id).await?),
    };
    Ok(HomePage {
        canonical: state.config.link(&format!("/help/{}", workspace.slug)),
        ctx: ctx.for_workspace(workspace.language, &workspace.time_zone),
        workspace,
        q: query.q,
        results,
        sections,
    })
}

/// The categories in their order, then the articles without one; empty ones left out.
async fn sections(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Section>> {
    let mut articles = db::published_by_category(conn, account_id, PER_CATEGORY).await?;
    let mut sections: Vec<Section> = db::categories(conn, account_id)
        .await?
        .into_iter()
        .map(|category| Section {
            articles: articles
                .extract_if(.., |a| a.category_id == Some(category.id))
                .collect(),
            id: Some(category.id),
            name: Some(category.name),
            description: category.description,
        })
        .collect();
    sections.push(Section {
        id: None,
        name: None,
        description: String::new(),
        articles,
    });
    sections.retain(|section| !section.articles.is_empty());
    Ok(sections)
}

/// Articles listed on a category's page, at most.
const CATEGORY_LIMIT: i64 = 1000;

#[derive(Template, WebTemplate)]
#[template(path = "kb/help_category.html")]
pub(super) struct CategoryPage {
    ctx: PageContext,
    workspace: MailWorkspace,
    canonical: String,
    category: db::Category,
    articles: Vec<ArticleLink>,
}

pub(super) async fn show_category(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, raw_id)): Path<(String, String)>,
) -> Result<CategoryPage, AppError> {
    let id = raw_id.parse::<Uuid>().map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let category = db::find_category(&mut conn, workspace.id, id)
        .await
        .found()?;
    let articles = db::published_in_category(&mut conn, workspace.id, id, CATEGORY_LIMIT).await?;
    Ok(CategoryPage {
        canonical: state
            .config
            .link(&format!("/help/{}/categories/{id}", workspace.slug)),
        ctx: ctx.for_workspace(workspace.language, &workspace.time_zone),
        workspace,
        category,
        articles,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/help_article.html")]
pub(super) struct ArticlePage {
    ctx: PageContext,
    workspace: MailWorkspace,
    canonical: String,
    article: PublicArticle,
    related: Vec<ArticleLink>,
    /// This visitor's answer to "Did this answer your question?", if given.
    vote: Option<bool>,
}

/// Who votes: a digest of the visitor's session token, so one vote per visitor and
/// article, and nothing that names them.
async fn visitor(session: &Session) -> Result<Vec<u8>, AppError> {
    Ok(crypto::token_digest(&csrf::token(session).await?))
}

pub(super) async fn show_article(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    Path((slug, article_slug)): Path<(String, String)>,
) -> Result<ArticlePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let article = db::published_article(&mut conn, workspace.id, &article_slug)
        .await
        .found()?;
    let related = match article.category_id {
        Some(category_id) => {
            db::related(&mut conn, workspace.id, category_id, article.id, 5).await?
        }
        None => Vec::new(),
    };
    let vote = db::vote_of(
        &mut conn,
        workspace.id,
        article.id,
        &visitor(&session).await?,
    )
    .await?;
    Ok(ArticlePage {
        canonical: state.config.link(&format!(
            "/help/{}/articles/{}",
            workspace.slug, article.slug
        )),
        ctx: ctx.for_workspace(workspace.language, &workspace.time_zone),
        workspace,
        article,
        related,
        vote,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct VoteForm {
    #[serde(default)]
    helpful: String,
}

pub(super) async fn vote(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    Path((slug, article_slug)): Path<(String, String)>,
    Form(form): Form<VoteForm>,
) -> Result<Response, AppError> {
    let helpful = match form.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::NotFound),
    };
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let article = db::published_article(&mut conn, workspace.id, &article_slug)
        .await
        .found()?;
    if !throttle::allow(&state.db, Scope::Vote, client).await? {
        return Err(AppError::TooManyAttempts);
    }
    let visitor = visitor(&session).await?;
    db::vote(&mut conn, workspace.id, article.id, &visitor, helpful).await?;
    flash::success(&session, "kb-vote-thanks").await?;
    Ok(Redirect::to(&format!(
        "/help/{}/articles/{}#vote",
        workspace.slug, article.slug
    ))
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "kb/suggestions_partial.html")]
pub(super) struct SuggestionsPartial {
    ctx: PageContext,
    workspace: MailWorkspace,
    suggestions: Vec<Hit>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SuggestionsQuery {
    #[serde(default)]
    subject: String,
}

/// The contact form's suggestions alone, for its script to show as the customer types.
pub(super) async fn show_suggestions(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    Query(query): Query<SuggestionsQuery>,
) -> Result<SuggestionsPartial, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let suggestions = suggestions_for(&mut conn, workspace.id, &query.subject).await?;
    Ok(SuggestionsPartial {
        ctx: ctx.for_workspace(workspace.language, &workspace.time_zone),
        workspace,
        suggestions,
    })
}

#[derive(Template)]
#[template(path = "kb/sitemap.xml")]
struct Sitemap {
    home: String,
    articles: Vec<(String, String)>,
}

pub(super) async fn sitemap(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = workspace(&mut conn, &slug).await?;
    let home = state.config.link(&format!("/help/{}", workspace.slug));
    let articles = db::published_slugs(&mut conn, workspace.id)
        .await?
        .into_iter()
        .map(|(slug, updated_at)| {
            (
                format!("{home}/articles/{slug}"),
                format::iso_day(updated_at.to_offset(time::UtcOffset::UTC).date()),
            )
        })
        .collect();
    let xml = Sitemap { home, articles }
        .render()
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
