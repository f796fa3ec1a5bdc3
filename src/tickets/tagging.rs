//! `POST /app/tickets/{number}/tags`: the agent gives the ticket its set of tags, typed
//! comma-separated (suggested from the workspace's tags). What was added and what was
//! taken off are system events of the thread.
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    db,
    page::{Drafts, ticket_page_again, visible_locked},
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    input::FieldErrors,
    tags,
    web::{
        PageContext,
        extract::{Form, Path},
        flash,
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct TagsForm {
    #[serde(default)]
    tags: String,
}

pub(super) async fn set_tags(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Form(form): Form<TagsForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    // The workspace's tags first, then the ticket: the order every change of tags takes.
    tags::db::lock(&mut tx, agent.account_id).await?;
    let ticket = visible_locked(&mut tx, &agent, &number).await?;
    let mut errors = FieldErrors::default();
    let Some(names) = errors.check("tags", tags::parse_list(&form.tags)) else {
        drop(tx);
        let drafts = Drafts {
            tags: Some(form.tags),
            ..Drafts::default()
        };
        let page = ticket_page_again(&state, ctx, &agent, ticket, drafts, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let before = tags::db::of_ticket(&mut tx, agent.account_id, ticket.id).await?;
    tags::db::set_ticket_tags(&mut tx, agent.account_id, ticket.id, &names).await?;
    let added: Vec<&str> = names
        .iter()
        .filter(|name| !before.contains(name))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = before
        .iter()
        .filter(|name| !names.contains(name))
        .map(String::as_str)
        .collect();
    for (event, changed) in [("tagged", added), ("untagged", removed)] {
        if !changed.is_empty() {
            let value = changed.join(", ");
            db::insert_event(
                &mut tx,
                agent.account_id,
                ticket.id,
                db::By::Agent(agent.id),
                event,
                &value,
            )
            .await?;
        }
    }
    tx.commit().await?;
    flash::success(&session, "ticket-tags-saved").await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", ticket.number)).into_response())
}
