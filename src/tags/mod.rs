//! Tags: agents put them on tickets (`POST /app/tickets/{number}/tags`, in `tickets`),
//! the ticket list filters by them, and admins rename and delete them at
//! `/app/config/tags`. Names are lower-case, so that `VIP` and `vip` are one tag; renaming
//! a tag to another's name merges the two.
pub mod db;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    error::Found,
    input::{self, FieldErrors},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

/// Longest tag, in characters.
const NAME_LIMIT: usize = 50;
/// Most tags on one ticket.
pub const TICKET_LIMIT: usize = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/config/tags", get(show_tags))
        .route("/app/config/tags/{id}", post(rename_tag))
        .route("/app/config/tags/{id}/delete", post(delete_tag))
}

/// One tag as typed: trimmed and lower-cased, 1 to `NAME_LIMIT` characters, no commas
/// (they separate tags) and no control characters.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim().to_lowercase();
    input::text_characters(&name)?;
    match name.chars().count() {
        0 => Err("input-required"),
        n if n > NAME_LIMIT => Err("tags-too-long"),
        _ if name.contains(',') => Err("tags-comma"),
        _ => Ok(name),
    }
}

/// A ticket's tags as typed, comma-separated: each once, in the order given, at most
/// `TICKET_LIMIT`. Empty pieces (`a,,b`, a trailing comma) are passed over.
pub fn parse_list(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut names: Vec<String> = Vec::new();
    for piece in raw.split(',').filter(|piece| !piece.trim().is_empty()) {
        let name = parse_name(piece)?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.len() > TICKET_LIMIT {
        return Err("tags-too-many");
    }
    Ok(names)
}

#[derive(Template, WebTemplate)]
#[template(path = "tags/index.html")]
struct TagsPage {
    ctx: PageContext,
    tags: Vec<db::Tag>,
    /// The tag whose rename failed, with what was typed.
    failed: Option<(Uuid, String)>,
    errors: FieldErrors,
}

impl TagsPage {
    /// What the tag's name field shows: what was typed, where a rename failed.
    fn typed<'a>(&'a self, tag: &'a db::Tag) -> &'a str {
        match &self.failed {
            Some((id, typed)) if *id == tag.id => typed,
            _ => &tag.name,
        }
    }

    fn error(&self, tag: &db::Tag) -> Option<String> {
        match &self.failed {
            Some((id, _)) if *id == tag.id => self.ctx.field_error(&self.errors, "name"),
            _ => None,
        }
    }
}

async fn tags_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    failed: Option<(Uuid, String)>,
    errors: FieldErrors,
) -> Result<TagsPage, AppError> {
    let tags = db::list(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(TagsPage {
        ctx,
        tags,
        failed,
        errors,
    })
}

async fn show_tags(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<TagsPage, AppError> {
    tags_page(&state, ctx, &agent, None, FieldErrors::default()).await
}

#[derive(Debug, Deserialize)]
struct RenameForm {
    #[serde(default)]
    name: String,
}

async fn rename_tag(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<RenameForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::lock(&mut tx, agent.account_id).await?;
    let old = db::find(&mut tx, agent.account_id, id).await.found()?;
    let mut errors = FieldErrors::default();
    let Some(name) = errors.check("name", parse_name(&form.name)) else {
        drop(tx);
        let page = tags_page(&state, ctx, &agent, Some((id, form.name)), errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let message = match db::rename(&mut tx, agent.account_id, id, &name).await? {
        db::Renamed::Renamed => "tags-renamed",
        db::Renamed::Merged => "tags-merged",
    };
    if old != name {
        let detail = format!("{old} → {name}");
        let entry = Entry::new(&agent, Action::TagRenamed, client)
            .subject(&old)
            .detail(&detail);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, message).await?;
    Ok(Redirect::to("/app/config/tags").into_response())
}

async fn delete_tag(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::lock(&mut tx, agent.account_id).await?;
    let name = db::find(&mut tx, agent.account_id, id).await.found()?;
    db::delete(&mut tx, agent.account_id, id).await?;
    let entry = Entry::new(&agent, Action::TagDeleted, client).subject(&name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "tags-deleted").await?;
    Ok(Redirect::to("/app/config/tags").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lower_case_each_once_and_bounded() {
        assert_eq!(
            parse_list(" VIP, billing,,vip , Rückerstattung,").unwrap(),
            ["vip", "billing", "rückerstattung"]
        );
        assert_eq!(parse_list("").unwrap(), Vec::<String>::new());
        assert_eq!(parse_list(&"x".repeat(51)), Err("tags-too-long"));
        let many: Vec<String> = (0..21).map(|n| format!("t{n}")).collect();
        assert_eq!(parse_list(&many.join(",")), Err("tags-too-many"));
        assert_eq!(parse_list(&many[..20].join(",")).unwrap().len(), 20);
        assert_eq!(parse_name(","), Err("tags-comma"));
    }
}
