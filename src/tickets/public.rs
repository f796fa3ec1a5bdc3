//! The customer's side: the workspace's contact form `/help/{workspace}/contact`, and the
//! private page of their ticket `/help/{workspace}/tickets/{token}` where they follow the
//! thread (never internal notes) and answer.
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

use super::{
    Channel, IssueType, Status, add_customer_message,
    conversation::{Opened, acknowledge},
    db::{self, CustomerTicket, MailWorkspace, NewMessage, NewTicket, ThreadMessage},
};
use crate::{
    AppError, AppState, attachments,
    auth::throttle::{self, Scope},
    crypto,
    error::Found,
    input::{Choice, EmailAddress, FieldErrors, required_long_text, required_text},
    kb,
    notifications::{self, Change},
    rules,
    web::{
        PageContext,
        client::ClientAddr,
        csrf,
        extract::{FormWithFiles, Path, Query},
        flash,
    },
};

/// Longest message a customer may send through a form.
pub const MESSAGE_LIMIT: usize = 50_000;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    subject: String,
    #[serde(default, rename = "type")]
    issue_type: String,
    #[serde(default)]
    message: String,
    /// Set by the button that looks for articles answering the subject: nothing is sent.
    #[serde(default)]
    suggest: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/contact.html")]
pub(super) struct ContactPage {
    ctx: PageContext,
    workspace: MailWorkspace,
    form: ContactForm,
    types: Vec<Choice>,
    /// Knowledge-base articles that may answer the subject.
    suggestions: Vec<kb::db::Hit>,
    errors: FieldErrors,
}

async fn contact_page(
    conn: &mut PgConnection,
    ctx: PageContext,
    workspace: MailWorkspace,
    form: ContactForm,
    errors: FieldErrors,
) -> Result<ContactPage, AppError> {
    let ctx = ctx.for_workspace(workspace.language, &workspace.time_zone);
    let types = IssueType::choices(ctx.locale, IssueType::parse(&form.issue_type).ok());
    let suggestions = kb::suggestions_for(conn, workspace.id, &form.subject).await?;
    Ok(ContactPage {
        ctx,
        workspace,
        form,
        types,
        suggestions,
        errors,
    })
}

/// The contact form's link may carry a subject, as the help center's search gives it.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ContactPrefill {
    #[serde(default)]
    subject: String,
}

pub(super) async fn show_contact(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    Query(prefill): Query<ContactPrefill>,
) -> Result<ContactPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = db::workspace_by_slug(&mut conn, &slug).await.found()?;
    let form = ContactForm {
        subject: prefill.subject.chars().take(300).collect(),
        issue_type: IssueType::Other.as_str().to_owned(),
        ..ContactForm::default()
    };
    contact_page(&mut conn, ctx, workspace, form, FieldErrors::default()).await
}

pub(super) async fn contact(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    Path(slug): Path<String>,
    FormWithFiles { form, files }: FormWithFiles<ContactForm>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = db::workspace_by_slug(&mut conn, &slug).await.found()?;
    if form.suggest.is_some() {
        let page = contact_page(&mut conn, ctx, workspace, form, FieldErrors::default()).await?;
        return Ok(page.into_response());
    }
    // The files are only counted now; stored once everything else has passed.
    let mut errors = FieldErrors::default();
    errors.check("attachments", attachments::check(&files));
    let name = errors.check("name", required_text(&form.name, 200));
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let subject = errors.check("subject", required_text(&form.subject, 300));
    let issue_type = errors.check("type", IssueType::parse(&form.issue_type));
    let message = errors.check("message", required_long_text(&form.message, MESSAGE_LIMIT));
    let (Some(name), Some(email), Some(subject), Some(issue_type), Some(message), true) =
        (name, email, subject, issue_type, message, errors.is_empty())
    else {
        let page = contact_page(&mut conn, ctx, workspace, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    drop(conn);
    if !throttle::allow(&state.db, Scope::Contact, client).await? {
        return Err(AppError::TooManyAttempts);
    }
    let files = attachments::prepare(&state.config, files).await?;

    let mut tx = state.db.begin().await?;
    db::lock_numbering(&mut tx, workspace.id).await?;
    let session_digest = crypto::token_digest(&csrf::token(&session).await?);
    let submission = db::FormSubmission {
        customer_email: email.as_str(),
        subject: &subject,
        message: &message,
        session_digest: &session_digest,
    };
    if let Some(token) = db::just_opened(&mut tx, workspace.id, &submission).await? {
        return Ok(
            Redirect::to(&format!("/help/{}/tickets/{token}", workspace.slug)).into_response(),
        );
    }
    let ticket = db::insert_ticket(
        &mut tx,
        workspace.id,
        &NewTicket {
            subject: &subject,
            customer_name: &name,
            customer_email: email.as_str(),
            channel: Channel::Form,
            status: Status::New,
            issue_type,
            department_id: None,
            assignee_id: None,
        },
    )
    .await?;
    let customer = NewMessage::customer(&name, &message);
    if let Some(message_id) =
        add_customer_message(&mut tx, workspace.id, ticket.id, &customer).await?
    {
        attachments::store(&mut tx, workspace.id, message_id, &files).await?;
    }
    rules::ticket_created(&mut tx, &state.config, workspace.id, ticket.id, &message).await?;
    notifications::ticket_changed(
        &mut tx,
        &state.config,
        workspace.id,
        ticket.id,
        Change::Created,
        None,
    )
    .await?;
    db::set_form_session(&mut tx, workspace.id, ticket.id, &session_digest).await?;
    let opened = Opened {
        ticket: &ticket,
        subject: &subject,
        customer_name: &name,
        customer_email: &email,
        answering: None,
    };
    acknowledge(&mut tx, &state.config, &workspace, &opened).await?;
    tx.commit().await?;
    tracing::info!(account_id = %workspace.id, number = ticket.number, "contact form ticket");
    flash::success(&session, "contact-sent").await?;
    Ok(Redirect::to(&format!(
        "/help/{}/tickets/{}",
        workspace.slug, ticket.customer_token
    ))
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CustomerReplyForm {
    #[serde(default)]
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/customer_ticket.html")]
pub(super) struct CustomerTicketPage {
    ctx: PageContext,
    workspace: String,
    token: String,
    ticket: CustomerTicket,
    thread: Vec<ThreadMessage>,
    attachments: Vec<attachments::Shown>,
    message: String,
    errors: FieldErrors,
}

async fn customer_page(
    state: &AppState,
    ctx: PageContext,
    workspace: String,
    token: String,
    message: String,
    errors: FieldErrors,
) -> Result<CustomerTicketPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let ticket = db::customer_ticket(&mut conn, &workspace, &token)
        .await
        .found()?;
    let thread = db::thread(&mut conn, ticket.account_id, ticket.id, true).await?;
    let ctx = ctx.for_workspace(ticket.language, &ticket.time_zone);
    let files = attachments::db::of_ticket(&mut conn, ticket.account_id, ticket.id, true).await?;
    let base = format!("/help/{workspace}/tickets/{token}/attachments");
    let attachments = attachments::shown(files, &base, ctx.locale);
    Ok(CustomerTicketPage {
        ctx,
        attachments,
        workspace,
        token,
        ticket,
        thread,
        message,
        errors,
    })
}

pub(super) async fn show_ticket(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((workspace, token)): Path<(String, String)>,
) -> Result<CustomerTicketPage, AppError> {
    customer_page(
        &state,
        ctx,
        workspace,
        token,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

pub(super) async fn customer_reply(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    Path((workspace, token)): Path<(String, String)>,
    FormWithFiles { form, files }: FormWithFiles<CustomerReplyForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    errors.check("attachments", attachments::check(&files));
    let message = errors.check("message", required_long_text(&form.message, MESSAGE_LIMIT));
    let Some(message) = message.filter(|_| errors.is_empty()) else {
        let page = customer_page(&state, ctx, workspace, token, form.message, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if !throttle::allow(&state.db, Scope::Contact, client).await? {
        return Err(AppError::TooManyAttempts);
    }
    // Files are stored only for a ticket that exists.
    db::customer_ticket(&mut *state.db.acquire().await?, &workspace, &token)
        .await
        .found()?;
    let files = attachments::prepare(&state.config, files).await?;
    let mut tx = state.db.begin().await?;
    let ticket = db::customer_ticket(&mut tx, &workspace, &token)
        .await
        .found()?;
    db::lock_ticket(&mut tx, ticket.account_id, ticket.id).await?;
    if db::just_written(&mut tx, ticket.account_id, ticket.id, &message).await? {
        return Ok(Redirect::to(&format!("/help/{workspace}/tickets/{token}")).into_response());
    }
    let customer = NewMessage::customer(&ticket.customer_name, &message);
    if let Some(message_id) =
        add_customer_message(&mut tx, ticket.account_id, ticket.id, &customer).await?
    {
        attachments::store(&mut tx, ticket.account_id, message_id, &files).await?;
        let trigger = rules::Trigger {
            event: rules::Event::CustomerReplied,
            body: Some(&message),
        };
        rules::run(
            &mut tx,
            &state.config,
            ticket.account_id,
            ticket.id,
            trigger,
        )
        .await?;
        notifications::ticket_changed(
            &mut tx,
            &state.config,
            ticket.account_id,
            ticket.id,
            Change::CustomerReplied,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    flash::success(&session, "customer-reply-sent").await?;
    Ok(Redirect::to(&format!("/help/{workspace}/tickets/{token}")).into_response())
}
