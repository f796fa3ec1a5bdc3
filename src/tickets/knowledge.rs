//! The knowledge base on a ticket's page: the agent searches the published articles from
//! the reply form and puts an article's public link into the reply. Without JavaScript
//! both are a round trip that keeps the reply typed so far; with it, `kb.js` inserts the
//! link where the cursor is.
use axum::extract::State;
use serde::Deserialize;

use super::page::{Drafts, TicketPage, ticket_page, visible};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    input::FieldErrors,
    kb::{self, search::SearchText},
    web::{
        PageContext,
        extract::{Form, Path},
    },
};

/// Articles listed for the agent to choose from.
const RESULTS: i64 = 5;

/// What the search found: each article's title and the line that links it.
#[derive(Debug, Default)]
pub(super) struct ArticleSearch {
    pub(super) query: String,
    pub(super) searched: bool,
    pub(super) found: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ArticleSearchForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    kb_q: String,
    /// The slug of the article whose link goes into the reply.
    #[serde(default)]
    insert: String,
    /// The canned answers put into the reply so far.
    #[serde(default)]
    canned: Vec<String>,
}

pub(super) async fn search_articles(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Form(form): Form<ArticleSearchForm>,
) -> Result<TicketPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let ticket = visible(&mut conn, &agent, &number).await?;
    let link = |title: &str, slug: &str| {
        let path = format!("/help/{}/articles/{slug}", agent.workspace_slug);
        format!("{title}: {}", state.config.link(&path))
    };
    let mut reply = form.body;
    if let Some(article) =
        kb::db::published_article(&mut conn, agent.account_id, &form.insert).await?
    {
        if !reply.is_empty() && !reply.ends_with('\n') {
            reply.push('\n');
        }
        reply.push_str(&link(&article.title, &article.slug));
        reply.push('\n');
    }
    let found = match SearchText::parse(&form.kb_q) {
        Some(text) => kb::db::search(&mut conn, agent.account_id, &text, false, RESULTS)
            .await?
            .into_iter()
            .map(|hit| (hit.slug.clone(), link(&hit.title, &hit.slug)))
            .collect(),
        None => Vec::new(),
    };
    let drafts = Drafts {
        reply,
        articles: ArticleSearch {
            searched: !form.kb_q.trim().is_empty(),
            query: form.kb_q,
            found,
        },
        canned: form.canned,
        ..Drafts::default()
    };
    ticket_page(
        &state,
        &mut conn,
        ctx,
        &agent,
        ticket,
        drafts,
        FieldErrors::default(),
    )
    .await
}
