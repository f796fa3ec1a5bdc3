//! Queries of the knowledge base: categories, articles, revisions, votes and search.
use sqlx::{PgConnection, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Status, search::SearchText};

pub struct Category {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub position: i32,
}

pub struct ListedCategory {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub articles: i64,
}

pub async fn categories(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<ListedCategory>> {
    sqlx::query_as!(
        ListedCategory,
        r#"select c.id, c.name, c.description, c.position,
                  (select count(*) from kb_articles a
                   where a.account_id = c.account_id and a.category_id = c.id) as "articles!"
           from kb_categories c where c.account_id = $1
           order by c.position, lower(c.name), c.id"#,
        account_id,
    )
    .fetch_all(conn)
    .await
}

/// The workspace's categories as choices: id and name, in their order.
pub async fn category_names(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from kb_categories where account_id = $1
         order by position, lower(name), id",
        account_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.name)).collect())
}

pub async fn find_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Category>> {
    sqlx::query_as!(
        Category,
        "select id, name, description, position from kb_categories
         where account_id = $1 and id = $2",
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Inserts a category after the others; a name in use fails on `kb_categories_name_key`.
pub async fn insert_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    name: &str,
    description: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into kb_categories (account_id, id, name, description, position)
         select $1, $2, $3, $4, coalesce(max(position) + 1, 1)
         from kb_categories where account_id = $1",
        account_id,
        id,
        name,
        description,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    category: &Category,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update kb_categories set name = $3, description = $4, position = $5
         where account_id = $1 and id = $2",
        account_id,
        category.id,
        category.name,
        category.description,
        category.position,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the category; its articles stay, without a category: set here, not by the
/// foreign key, because Citus refuses `on delete set null` on a key that includes
/// `account_id`. Run it in a transaction.
pub async fn delete_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query(
        "update kb_articles set category_id = null where account_id = $1 and category_id = $2",
    )
    .bind(account_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let deleted = sqlx::query!(
        "delete from kb_categories where account_id = $1 and id = $2",
        account_id,
        id,
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

pub fn is_unique_violation(error: &sqlx::Error, constraint: &str) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .is_some_and(|c| c == constraint)
}

/// A row of the panel's article list.
pub struct ListedArticle {
    pub id: Uuid,
    pub title: String,
    pub status: Status,
    pub category: Option<String>,
    pub updated_by: String,
    pub updated_at: OffsetDateTime,
    pub helpful: i64,
    pub not_helpful: i64,
}

impl ListedArticle {
    /// The cursor that continues the list after this article.
    pub fn cursor(&self) -> String {
        format!(
            "{}.{}",
            self.updated_at.unix_timestamp_nanos() / 1000,
            self.id.simple()
        )
    }
}

/// Articles by last update, newest first, after the cursor `after`.
pub async fn articles(
    conn: &mut PgConnection,
    account_id: Uuid,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: i64,
) -> sqlx::Result<Vec<ListedArticle>> {
    let (after_at, after_id) = after.unzip();
    sqlx::query_as!(
        ListedArticle,
        r#"select a.id, a.title, a.status as "status: Status", c.name as "category?",
                  ag.name as updated_by, a.updated_at,
                  v.helpful as "helpful!", v.not_helpful as "not_helpful!"
           from kb_articles a
           left join kb_categories c on c.account_id = a.account_id and c.id = a.category_id
           join agents ag on ag.account_id = a.account_id and ag.id = a.updated_by
           cross join lateral (
               select count(*) filter (where helpful) as helpful,
                      count(*) filter (where not helpful) as not_helpful
               from kb_votes where account_id = a.account_id and article_id = a.id) v
           where a.account_id = $1
             and ($2::timestamptz is null or (a.updated_at, a.id) < ($2, $3))
           order by a.updated_at desc, a.id desc
           limit $4"#,
        account_id,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub struct Article {
    pub id: Uuid,
    pub category_id: Option<Uuid>,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub status: Status,
}

pub async fn find_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Article>> {
    sqlx::query_as!(
        Article,
        r#"select id, category_id, title, slug, body, status as "status: Status"
           from kb_articles where account_id = $1 and id = $2"#,
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// The article locked for the rest of the transaction.
pub async fn lock_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<bool> {
    let locked = sqlx::query!(
        "select 1 as one from kb_articles where account_id = $1 and id = $2 for update",
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(locked.is_some())
}

pub async fn slug_taken(
    conn: &mut PgConnection,
    account_id: Uuid,
    slug: &str,
    except: Option<Uuid>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from kb_articles
                          where account_id = $1 and slug = $2 and id is distinct from $3)
           as "taken!""#,
        account_id,
        slug,
        except,
    )
    .fetch_one(conn)
    .await
}

/// What a save writes: the article's fields, with the body already rendered.
pub struct SavedArticle<'a> {
    pub id: Uuid,
    pub category_id: Option<Uuid>,
    pub title: &'a str,
    pub slug: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub body_text: &'a str,
    pub summary: &'a str,
    pub status: Status,
    pub agent_id: Uuid,
    pub at: OffsetDateTime,
}

/// Inserts or updates the article; a slug in use fails on `kb_articles_slug_key`.
pub async fn upsert_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    article: &SavedArticle<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into kb_articles (account_id, id, category_id, title, slug, body, body_html,
                                  body_text, summary, status, updated_by, updated_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         on conflict (account_id, id) do update set
             category_id = excluded.category_id, title = excluded.title, slug = excluded.slug,
             body = excluded.body, body_html = excluded.body_html,
             body_text = excluded.body_text, summary = excluded.summary,
             status = excluded.status, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
        account_id,
        article.id,
        article.category_id,
        article.title,
        article.slug,
        article.body,
        article.body_html,
        article.body_text,
        article.summary,
        article.status as Status,
        article.agent_id,
        article.at,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into kb_revisions (account_id, id, article_id, title, body, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        account_id,
        Uuid::now_v7(),
        article.id,
        article.title,
        article.body,
        article.agent_id,
        article.at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "delete from kb_articles where account_id = $1 and id = $2",
        account_id,
        id,
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

pub struct Revision {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub author: String,
    pub created_at: OffsetDateTime,
}

/// The article's revisions, newest first.
pub async fn revisions(
    conn: &mut PgConnection,
    account_id: Uuid,
    article_id: Uuid,
) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as!(
        Revision,
        "select r.id, r.title, r.body, ag.name as author, r.created_at
         from kb_revisions r
         join agents ag on ag.account_id = r.account_id and ag.id = r.created_by
         where r.account_id = $1 and r.article_id = $2
         order by r.created_at desc, r.id desc",
        account_id,
        article_id,
    )
    .fetch_all(conn)
    .await
}

/// A revision of the article: its title and body.
pub struct RevisionContent {
    pub title: String,
    pub body: String,
}

pub async fn find_revision(
    conn: &mut PgConnection,
    account_id: Uuid,
    article_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<RevisionContent>> {
    sqlx::query_as!(
        RevisionContent,
        "select title, body from kb_revisions
         where account_id = $1 and article_id = $2 and id = $3",
        account_id,
        article_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// A published article as the help center shows it.
pub struct PublicArticle {
    pub id: Uuid,
    pub title: String,
    pub slug: String,
    pub body_html: String,
    pub summary: String,
    pub category_id: Option<Uuid>,
    pub category: Option<String>,
    pub updated_at: OffsetDateTime,
}

pub async fn published_article(
    conn: &mut PgConnection,
    account_id: Uuid,
    slug: &str,
) -> sqlx::Result<Option<PublicArticle>> {
    sqlx::query_as!(
        PublicArticle,
        r#"select a.id, a.title, a.slug, a.body_html, a.summary, a.category_id,
                  c.name as "category?", a.updated_at
           from kb_articles a
           left join kb_categories c on c.account_id = a.account_id and c.id = a.category_id
           where a.account_id = $1 and a.slug = $2 and a.status = 'published'"#,
        account_id,
        slug,
    )
    .fetch_optional(conn)
    .await
}

/// A link to a published article.
pub struct ArticleLink {
    pub id: Uuid,
    pub category_id: Option<Uuid>,
    pub title: String,
    pub slug: String,
}

/// Other published articles of the category, by title.
pub async fn related(
    conn: &mut PgConnection,
    account_id: Uuid,
    category_id: Uuid,
    except: Uuid,
    limit: i64,
) -> sqlx::Result<Vec<ArticleLink>> {
    sqlx::query_as!(
        ArticleLink,
        "select id, category_id, title, slug from kb_articles
         where account_id = $1 and category_id = $2 and status = 'published' and id <> $3
         order by title limit $4",
        account_id,
        category_id,
        except,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Up to `per_category` published articles of each category (and of none), by title: a
/// walk of the category index per category, however many articles there are.
pub async fn published_by_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    per_category: i64,
) -> sqlx::Result<Vec<ArticleLink>> {
    sqlx::query_as!(
        ArticleLink,
        r#"select id as "id!", category_id, title as "title!", slug as "slug!" from (
               select a.id, a.category_id, a.title, a.slug
               from kb_categories c
               cross join lateral (
                   select id, category_id, title, slug from kb_articles
                   where account_id = c.account_id and category_id = c.id
                     and status = 'published'
                   order by title limit $2) a
               where c.account_id = $1
               union all
               (select id, category_id, title, slug from kb_articles
                where account_id = $1 and category_id is null and status = 'published'
                order by title limit $2)) shown
           order by title"#,
        account_id,
        per_category,
    )
    .fetch_all(conn)
    .await
}

/// The category's published articles, by title, at most `limit`.
pub async fn published_in_category(
    conn: &mut PgConnection,
    account_id: Uuid,
    category_id: Uuid,
    limit: i64,
) -> sqlx::Result<Vec<ArticleLink>> {
    sqlx::query_as!(
        ArticleLink,
        "select id, category_id, title, slug from kb_articles
         where account_id = $1 and category_id = $2 and status = 'published'
         order by title, id limit $3",
        account_id,
        category_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Every published article's slug and last update, for the sitemap.
pub async fn published_slugs(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<(String, OffsetDateTime)>> {
    let rows = sqlx::query!(
        "select slug, updated_at from kb_articles
         where account_id = $1 and status = 'published' order by slug",
        account_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.updated_at)).collect())
}

/// Records the visitor's vote, replacing the one they gave before.
pub async fn vote(
    conn: &mut PgConnection,
    account_id: Uuid,
    article_id: Uuid,
    visitor: &[u8],
    helpful: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into kb_votes (account_id, article_id, visitor, helpful) values ($1, $2, $3, $4)
         on conflict (account_id, article_id, visitor)
         do update set helpful = excluded.helpful, created_at = app_now()",
        account_id,
        article_id,
        visitor,
        helpful,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The visitor's vote on the article, if they gave one.
pub async fn vote_of(
    conn: &mut PgConnection,
    account_id: Uuid,
    article_id: Uuid,
    visitor: &[u8],
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        "select helpful from kb_votes where account_id = $1 and article_id = $2 and visitor = $3",
        account_id,
        article_id,
        visitor,
    )
    .fetch_optional(conn)
    .await
}

/// One article found by a search.
#[derive(sqlx::FromRow)]
pub struct Hit {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub status: Status,
    /// The beginning of the article's text, where the snippet is taken from.
    pub text: String,
    /// The search's words as the text search configuration stems them.
    pub stems: Vec<String>,
    /// The search's CJK terms (two-character pieces), found inside the text's words.
    pub cjk_terms: Vec<String>,
}

/// Articles of each kind that a search ranks, at most: those whose title alone matches,
/// and any that match. Only these are read and ranked, however many articles match.
pub const MAX_CANDIDATES: i64 = 100;

/// Articles of each kind ranked for a page of `limit`: four times as many as it shows
/// (ranking is most of a search's cost), at most `MAX_CANDIDATES` and never fewer than the page.
fn candidates(limit: i64) -> i64 {
    (4 * limit).min(MAX_CANDIDATES).max(limit)
}

/// Articles matching `text` by full-text search (`TextQuery`), best first: articles whose
/// title matches the whole search, then the others, each by `ts_rank` (title words weigh
/// more than body words), then the most recently updated. Drafts only when `drafts` is set.
///
/// A common word matches a good part of a large workspace (1,155 of 12,000 articles for
/// "refund" in the benchmark), and ranking reads every match: so only a bounded set of
/// candidates is ranked, up to `candidates(limit)` title matches (from the titles' own index)
/// and as many matches of any kind, in index order. Title matches can thus never be crowded
/// out by body matches; among more title matches than that, the page shows the best
/// ranked of those read. The snippets are cut in Rust from the first 5,000 characters:
/// `ts_headline` would parse and stem every word of every hit.
pub async fn search(
    conn: &mut PgConnection,
    account_id: Uuid,
    text: &SearchText,
    drafts: bool,
    limit: i64,
) -> sqlx::Result<Vec<Hit>> {
    // A kept prepared statement: after five searches on a connection PostgreSQL keeps a
    // generic plan, made without the workspace or the words. Planning for each search's own
    // values took longer than running it.
    let query = text.query();
    let mut sql = QueryBuilder::new("with q as materialized (select ");
    query.push_tsquery(&mut sql);
    sql.push(
        " as query),
           candidate as (
               (select account_id, id from kb_articles, q
                where account_id = ",
    )
    .push_bind(account_id)
    .push(" and title_search @@ q.query and search @@ q.query and (")
    .push_bind(drafts)
    .push(" or status = 'published') limit ")
    .push_bind(candidates(limit))
    .push(
        ")
               union
               (select account_id, id from kb_articles, q
                where account_id = ",
    )
    .push_bind(account_id)
    .push(" and search @@ q.query and (")
    .push_bind(drafts)
    .push(" or status = 'published') limit ")
    .push_bind(candidates(limit))
    .push(
        ")
           ),
           best as (
               select a.account_id, a.id, a.title_search @@ q.query as in_title,
                      ts_rank(a.search, q.query) as rank, a.updated_at
               from candidate
               join kb_articles a on a.account_id = candidate.account_id and a.id = candidate.id
               cross join q
               order by in_title desc, rank desc, a.updated_at desc, a.id
               limit ",
    )
    .push_bind(limit)
    .push(
        "
           )
           select a.id, a.slug, a.title, a.status, left(a.body_text, 5000) as text, ",
    );
    query.push_stems(&mut sql);
    sql.push(" as stems, ")
        .push_bind(query.cjk_terms().to_vec())
        .push(
            " as cjk_terms
           from best
           join kb_articles a on a.account_id = best.account_id and a.id = best.id
           order by best.in_title desc, best.rank desc, best.updated_at desc, best.id",
        );
    sql.build_query_as::<Hit>().fetch_all(conn).await
}

/// Articles whose title holds a word like one of `text`'s: "did you mean" when the
/// full-text search found nothing (a typo, a word the stemmer does not know).
pub async fn similar_titles(
    conn: &mut PgConnection,
    account_id: Uuid,
    text: &SearchText,
    drafts: bool,
    limit: i64,
) -> sqlx::Result<Vec<ArticleLink>> {
    sqlx::query_as!(
        ArticleLink,
        "select id, category_id, title, slug from kb_articles
         where account_id = $1 and $2 <% title and ($3 or status = 'published')
         order by word_similarity($2, title) desc, title
         limit $4",
        account_id,
        text.as_str(),
        drafts,
        limit,
    )
    .fetch_all(conn)
    .await
}
