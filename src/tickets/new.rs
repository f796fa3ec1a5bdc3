//! `/app/tickets/new`: an agent starts a ticket for a customer; its first message is
//! emailed like a reply.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    Channel, IssueType, Replier, ReplyTarget, Status,
    db::{self, NewTicket},
    page::BODY_LIMIT,
    reply_to_customer,
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    departments,
    input::{Choice, EmailAddress, FieldErrors, optional_text, required_long_text, required_text},
    notifications::{self, Change},
    rules, sla,
    web::{PageContext, extract::Form, flash},
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct NewTicketForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default, rename = "type")]
    issue_type: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/new.html")]
pub(super) struct NewTicketPage {
    ctx: PageContext,
    form: NewTicketForm,
    types: Vec<Choice>,
    departments: Vec<Choice>,
    errors: FieldErrors,
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: NewTicketForm,
    errors: FieldErrors,
) -> Result<NewTicketPage, AppError> {
    let departments = state
        .directory
        .department_choices(&state.db, agent.account_id, &form.department)
        .await?;
    let types = IssueType::choices(ctx.locale, IssueType::parse(&form.issue_type).ok());
    Ok(NewTicketPage {
        ctx,
        form,
        types,
        departments,
        errors,
    })
}

pub(super) async fn show_new(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<NewTicketPage, AppError> {
    let form = NewTicketForm {
        issue_type: IssueType::Other.as_str().to_owned(),
        ..NewTicketForm::default()
    };
    new_page(&state, ctx, &agent, form, FieldErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<NewTicketForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", optional_text(&form.name, 200));
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let subject = errors.check("subject", required_text(&form.subject, 300));
    let issue_type = errors.check("type", IssueType::parse(&form.issue_type));
    let body = errors.check("body", required_long_text(&form.body, BODY_LIMIT));
    let mut tx = state.db.begin().await?;
    let department_id = errors.check(
        "department",
        departments::db::choice(&mut tx, agent.account_id, &form.department).await?,
    );
    let (Some(name), Some(email), Some(subject), Some(issue_type), Some(body), Some(department_id)) =
        (name, email, subject, issue_type, body, department_id)
    else {
        drop(tx);
        let page = new_page(&state, ctx, &agent, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let name = name.unwrap_or_default();
    // Whoever starts a ticket takes it, if the department's rule lets them.
    let assignee_id = db::may_be_assigned(&mut tx, agent.account_id, agent.id, department_id)
        .await?
        .then_some(agent.id);
    let ticket = db::insert_ticket(
        &mut tx,
        agent.account_id,
        &NewTicket {
            subject: &subject,
            customer_name: &name,
            customer_email: email.as_str(),
            channel: Channel::Agent,
            status: Status::Answered,
            issue_type,
            department_id,
            assignee_id,
        },
    )
    .await?;
    // Taking it is an assignment like any other: the thread and the reports show it.
    if assignee_id.is_some() {
        db::insert_event(
            &mut tx,
            agent.account_id,
            ticket.id,
            db::By::Agent(agent.id),
            "assigned",
            &agent.name,
        )
        .await?;
    }
    let target = ReplyTarget {
        id: ticket.id,
        number: ticket.number,
        subject: &subject,
        customer_name: &name,
        customer_email: &email,
        customer_token: &ticket.customer_token,
    };
    reply_to_customer(
        &mut tx,
        &state.config,
        Replier::Agent(&agent),
        &target,
        &body,
        &[],
    )
    .await?;
    rules::ticket_created(&mut tx, &state.config, agent.account_id, ticket.id, &body).await?;
    let change = Change::Created;
    notifications::ticket_changed(
        &mut tx,
        &state.config,
        agent.account_id,
        ticket.id,
        change,
        Some(&agent),
    )
    .await?;
    sla::refresh(&mut tx, agent.account_id, ticket.id).await?;
    tx.commit().await?;
    flash::success(&session, "ticket-created").await?;
    // A ticket of a department the agent is not in is out of their sight once made.
    let visible = db::visible_ticket(
        &mut *state.db.acquire().await?,
        &db::Viewer::of(&agent),
        ticket.number,
    )
    .await?
    .is_some();
    let next = if visible {
        format!("/app/tickets/{}", ticket.number)
    } else {
        "/app/tickets".to_owned()
    };
    Ok(Redirect::to(&next).into_response())
}
