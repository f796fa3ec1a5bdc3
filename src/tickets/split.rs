//! `POST /app/tickets/{number}/messages/{id}/split`: a customer message that is a matter
//! of its own (and, with `with_later`, everything after it) leaves the ticket for a new
//! ticket of the same customer, with the ticket's properties. Both threads record it.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    MessageKind, Status,
    db::{self, NewTicket},
    page::visible_locked,
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    sla,
    web::{
        extract::{Form, Path},
        flash,
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct SplitForm {
    /// A checkbox: the messages after this one go too.
    with_later: Option<String>,
}

pub(super) async fn split(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Path((number, message)): Path<(String, String)>,
    Form(form): Form<SplitForm>,
) -> Result<Response, AppError> {
    let message: Uuid = message.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let ticket = visible_locked(&mut tx, &agent, &number).await?;
    let moving = db::messages_from(
        &mut tx,
        agent.account_id,
        ticket.id,
        message,
        form.with_later.is_some(),
    )
    .await?;
    match moving.first() {
        None => return Err(AppError::NotFound),
        Some((_, kind)) if *kind != MessageKind::Customer => {
            return Err(AppError::Unprocessable("ticket-split-customer-only"));
        }
        Some(_) => {}
    }
    let ids: Vec<Uuid> = moving.iter().map(|(id, _)| *id).collect();
    if !db::keeps_a_message(&mut tx, agent.account_id, ticket.id, &ids).await? {
        return Err(AppError::Unprocessable("ticket-split-everything"));
    }
    let created = db::insert_ticket(
        &mut tx,
        agent.account_id,
        &NewTicket {
            subject: &ticket.subject,
            customer_name: &ticket.customer_name,
            customer_email: &ticket.customer_email,
            channel: ticket.channel,
            status: Status::Open,
            issue_type: ticket.issue_type,
            department_id: ticket.department_id,
            assignee_id: ticket.assignee_id,
        },
    )
    .await?;
    db::move_messages(&mut tx, agent.account_id, &ids, created.id).await?;
    // A messaging app's conversation goes on in both: either is answered on its channel.
    crate::social::db::same_conversation(&mut tx, agent.account_id, ticket.id, created.id).await?;
    let new = format!("#{}", created.number);
    db::insert_event(
        &mut tx,
        agent.account_id,
        ticket.id,
        db::By::Agent(agent.id),
        "split",
        &new,
    )
    .await?;
    let old = format!("#{}", ticket.number);
    db::insert_event(
        &mut tx,
        agent.account_id,
        created.id,
        db::By::Agent(agent.id),
        "split-from",
        &old,
    )
    .await?;
    for id in [ticket.id, created.id] {
        sla::refresh(&mut tx, agent.account_id, id).await?;
    }
    tx.commit().await?;
    flash::success_with(
        &session,
        "ticket-split-done",
        &[("number", created.number.to_string())],
    )
    .await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", created.number)).into_response())
}
