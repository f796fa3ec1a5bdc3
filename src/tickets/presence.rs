//! `POST /app/tickets/{number}/presence`: the ticket page says that its agent has it open,
//! is typing a reply, or left it. Nothing is stored: the other agents who may see the
//! ticket and have a panel open hear of it through the live channel, on every `serve`
//! process (see `live`), and their ticket page shows who else is there.
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;

use super::page::visible;
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    live::{self, PresenceEvent, PresenceState},
    web::extract::{Form, Path},
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct PresenceForm {
    /// `viewing`, `typing` or `left`.
    #[serde(default)]
    state: String,
}

pub(super) async fn announce(
    State(state): State<AppState>,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Form(form): Form<PresenceForm>,
) -> Result<StatusCode, AppError> {
    let presence = match form.state.as_str() {
        "viewing" => PresenceState::Viewing,
        "typing" => PresenceState::Typing,
        "left" => PresenceState::Left,
        _ => return Err(AppError::BadRequest("error-bad-request")),
    };
    let mut conn = state.db.acquire().await?;
    let ticket = visible(&mut conn, &agent, &number).await?;
    let event = PresenceEvent {
        account_id: agent.account_id,
        number: ticket.number,
        department_id: ticket.department_id,
        assignee_id: ticket.assignee_id,
        agent_id: agent.id,
        agent_name: agent.name.clone(),
        state: presence,
    };
    live::announce_presence(&mut conn, &event).await?;
    Ok(StatusCode::NO_CONTENT)
}
