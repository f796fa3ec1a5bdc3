//! The knowledge base: agents write articles in Markdown in the panel (`articles`,
//! `categories`, every role), customers read and search them in the workspace's public
//! help center (`help`) and see them suggested on the contact form before they write in.
//! Every save keeps a revision; a body is rendered and sanitized once, when saved
//! (`markdown`).
mod articles;
mod categories;
pub mod db;
pub mod demo;
mod help;
pub mod markdown;
pub mod search;

use axum::{
    Router,
    routing::{get, post},
};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

pub use help::suggestions_for;

use crate::{AppState, input::Slug};

text_enum!(
    /// Drafts are seen in the panel only; published articles in the help center too.
    Status, "kb-status-", {
        Draft => "draft",
        Published => "published",
    }
);

/// The panel's knowledge-base pages (any role).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/kb", get(articles::show_list))
        .route(
            "/app/kb/articles/new",
            get(articles::show_new).post(articles::create),
        )
        .route(
            "/app/kb/articles/{id}/edit",
            get(articles::show_edit).post(articles::update),
        )
        .route(
            "/app/kb/articles/{id}/delete",
            get(articles::confirm_delete).post(articles::delete),
        )
        .route("/app/kb/articles/{id}/history", get(articles::show_history))
        .route(
            "/app/kb/articles/{id}/revisions/{revision}/restore",
            post(articles::restore),
        )
        .route(
            "/app/kb/categories",
            get(categories::show_list).post(categories::create),
        )
        .route(
            "/app/kb/categories/{id}",
            get(categories::show_edit).post(categories::update),
        )
        .route(
            "/app/kb/categories/{id}/delete",
            get(categories::confirm_delete).post(categories::delete),
        )
}

/// The public help center of a workspace.
pub fn public_router() -> Router<AppState> {
    Router::new()
        .route("/help/{workspace}", get(help::show_home))
        .route("/help/{workspace}/articles/{slug}", get(help::show_article))
        .route(
            "/help/{workspace}/categories/{id}",
            get(help::show_category),
        )
        .route("/help/{workspace}/articles/{slug}/vote", post(help::vote))
        .route("/help/{workspace}/suggestions", get(help::show_suggestions))
        .route("/help/{workspace}/sitemap.xml", get(help::sitemap))
}

/// An article as its form gives it, parsed.
pub struct ArticleInput {
    pub title: String,
    /// `None`: made from the title.
    pub slug: Option<Slug>,
    pub category_id: Option<Uuid>,
    pub body: String,
    pub status: Status,
}

/// The slug the form asked for is another article's.
pub struct SlugTaken;

/// Creates (a new `id`) or updates the article, rendering its body and keeping a revision;
/// the one way articles are written, by the panel and by the demo seed alike. Returns the
/// slug it got.
pub async fn save_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    id: Uuid,
    input: &ArticleInput,
    at: OffsetDateTime,
) -> sqlx::Result<Result<String, SlugTaken>> {
    let slug = match &input.slug {
        Some(slug) if db::slug_taken(conn, account_id, slug.as_str(), Some(id)).await? => {
            return Ok(Err(SlugTaken));
        }
        Some(slug) => slug.as_str().to_owned(),
        None => free_slug(conn, account_id, id, &slugify(&input.title, id)).await?,
    };
    let rendered = markdown::render(&input.body);
    let saved = db::SavedArticle {
        id,
        category_id: input.category_id,
        title: &input.title,
        slug: &slug,
        body: &input.body,
        body_html: &rendered.html,
        body_text: &rendered.text,
        summary: &rendered.summary,
        status: input.status,
        agent_id,
        at,
    };
    match db::upsert_article(conn, account_id, &saved).await {
        // Another save took the slug between the check and the write.
        Err(error) if db::is_unique_violation(&error, "kb_articles_slug_key") => Ok(Err(SlugTaken)),
        result => result.map(|()| Ok(slug)),
    }
}

const SLUG_MAX: usize = 40;

/// The title's ASCII words in lowercase, joined by dashes, at most `SLUG_MAX` characters
/// (`退款 FAQ 2026` gives `faq-2026`). A title without two such characters, a Chinese one,
/// gives `article-` and the last eight hex digits of the article's id (random in a UUIDv7):
/// valid, and the same on every save. Pinyin would need a dictionary of words, not of
/// characters (重置 reads chóng zhì, while 重 alone reads zhòng), too big a dependency for a
/// slug.
pub fn slugify(title: &str, id: Uuid) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(SLUG_MAX);
    let slug = slug.trim_end_matches('-');
    if slug.len() < 2 {
        format!("article-{}", &id.simple().to_string()[24..])
    } else {
        slug.to_owned()
    }
}

/// `base`, or `base-2`, `base-3`... whichever no other article of the workspace has.
async fn free_slug(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    base: &str,
) -> sqlx::Result<String> {
    let mut candidate = base.to_owned();
    for n in 2..100 {
        if !db::slug_taken(conn, account_id, &candidate, Some(id)).await? {
            return Ok(candidate);
        }
        let suffix = format!("-{n}");
        let stem = &base[..base.len().min(SLUG_MAX - suffix.len())];
        candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
    }
    // A hundred articles of one title: the id makes it unique.
    let suffix = format!("-{}", &id.simple().to_string()[24..]);
    let stem = &base[..base.len().min(SLUG_MAX - suffix.len())];
    Ok(format!("{}{suffix}", stem.trim_end_matches('-')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_made_of_the_titles_ascii_words() {
        let id = Uuid::now_v7();
        assert_eq!(
            slugify("How do I reset my password?", id),
            "how-do-i-reset-my-password"
        );
        assert_eq!(
            slugify("  Refunds & returns -- 2026 ", id),
            "refunds-returns-2026"
        );
        assert_eq!(slugify("退款 FAQ 2026", id), "faq-2026");
        assert_eq!(slugify("「退款」FAQ：到账", id), "faq");
        let long = slugify(&"word ".repeat(20), id);
        assert!(long.len() <= SLUG_MAX && !long.ends_with('-'), "{long}");
        assert!(Slug::parse(&long).is_ok());
    }

    #[test]
    fn a_title_without_ascii_words_gets_a_stable_slug_of_its_id() {
        let id = Uuid::now_v7();
        for title in ["如何重置密码", "退款 A", "😀", "パスワード", "—"] {
            let slug = slugify(title, id);
            assert!(slug.starts_with("article-"), "{slug}");
            assert_eq!(slug, slugify(title, id));
            assert!(Slug::parse(&slug).is_ok(), "{slug}");
        }
        assert_ne!(
            slugify("如何重置密码", id),
            slugify("如何重置密码", Uuid::now_v7())
        );
    }
}
