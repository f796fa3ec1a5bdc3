//! The visitor's side: the start form `/help/{workspace}/chat`, and the chat's page
//! `/help/{workspace}/chat/{token}` where the visitor reads the lines and writes (without
//! JavaScript by reloading; `static/chat.js` adds the live stream). A chat nobody accepted
//! within the workspace's wait offers to leave an email address instead.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use time::Duration;
use uuid::Uuid;

use super::{ChatState, MESSAGE_LIMIT, add_line, announce, db};
use crate::{
    AppError, AppState,
    auth::throttle::{self, Scope},
    crypto, departments,
    error::Found,
    input::{Choice, EmailAddress, FieldErrors, optional_text, required_long_text},
    live::EventKind,
    tickets::{
        self, Channel, IssueType, Status,
        db::{MailWorkspace, NewMessage, NewTicket},
    },
    web::{
        PageContext,
        extract::{Form, Path, Query},
    },
};

/// Lines shown on the page; older ones are in the ticket.
const PAGE_LINES: i64 = 500;

#[derive(Debug, Default, Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    message: String,
    /// The page of the company's site the visitor came from (the widget passes it).
    #[serde(default)]
    page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "chat/start.html")]
pub(super) struct StartPage {
    ctx: PageContext,
    workspace: MailWorkspace,
    form: StartForm,
    departments: Vec<Choice>,
    errors: FieldErrors,
}

async fn start_page(
    state: &AppState,
    ctx: PageContext,
    workspace: MailWorkspace,
    form: StartForm,
    errors: FieldErrors,
) -> Result<StartPage, AppError> {
    let names = departments::db::chat_names(&mut *state.db.acquire().await?, workspace.id).await?;
    // One department that takes chats, or none: nothing to choose.
    let departments = if names.len() > 1 {
        Choice::rows(names, |id| form.department == id.to_string())
    } else {
        Vec::new()
    };
    Ok(StartPage {
        ctx: ctx.for_workspace(workspace.language, &workspace.time_zone),
        workspace,
        form,
        departments,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct StartQuery {
    #[serde(default)]
    page: String,
}

pub(super) async fn show_start(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    Query(query): Query<StartQuery>,
) -> Result<StartPage, AppError> {
    let workspace = tickets::db::workspace_by_slug(&mut *state.db.acquire().await?, &slug)
        .await
        .found()?;
    let form = StartForm {
        page: query.page,
        ..StartForm::default()
    };
    start_page(&state, ctx, workspace, form, FieldErrors::default()).await
}

/// The first line of the message, shortened, is the ticket's subject.
fn subject_of(message: &str) -> String {
    let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut subject: String = first.trim().chars().take(80).collect();
    if first.trim().chars().count() > 80 {
        subject.push('…');
    }
    subject
}

pub(super) async fn start(
    State(state): State<AppState>,
    client: crate::web::client::ClientAddr,
    ctx: PageContext,
    Path(slug): Path<String>,
    Form(form): Form<StartForm>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let workspace = tickets::db::workspace_by_slug(&mut conn, &slug)
        .await
        .found()?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", optional_text(&form.name, 200));
    let email = if form.email.trim().is_empty() {
        Some(None)
    } else {
        errors
            .check("email", EmailAddress::parse(&form.email))
            .map(Some)
    };
    let department = errors.check(
        "department",
        chat_department(&mut conn, workspace.id, form.department.trim()).await?,
    );
    let message = errors.check("message", required_long_text(&form.message, MESSAGE_LIMIT));
    let page_url = errors.check("page", optional_text(&form.page, 2000));
    drop(conn);
    let (Some(name), Some(email), Some(department), Some(message), Some(page_url)) =
        (name, email, department, message, page_url)
    else {
        let page = start_page(&state, ctx, workspace, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if !throttle::allow(&state.db, Scope::ChatStart, client.0).await? {
        return Err(AppError::TooManyAttempts);
    }
    let name = name.unwrap_or_default();
    let email = email.map(|e| e.as_str().to_owned()).unwrap_or_default();
    let now = state.clock.now();

    let mut tx = state.db.begin().await?;
    tickets::db::lock_numbering(&mut tx, workspace.id).await?;
    let ticket = tickets::db::insert_ticket(
        &mut tx,
        workspace.id,
        &NewTicket {
            subject: &subject_of(&message),
            customer_name: &name,
            customer_email: &email,
            channel: Channel::Chat,
            status: Status::New,
            issue_type: IssueType::Other,
            department_id: department,
            assignee_id: None,
        },
    )
    .await?;
    let token = crypto::random_token();
    db::insert(
        &mut tx,
        workspace.id,
        ticket.id,
        &token,
        &page_url.unwrap_or_default(),
        now,
    )
    .await?;
    let first = NewMessage::customer(&name, &message);
    add_line(&mut tx, workspace.id, ticket.id, &first, None).await?;
    // The log's record of a chat received (reports count it).
    tickets::db::insert_event(
        &mut tx,
        workspace.id,
        ticket.id,
        tickets::db::By::System,
        "chat",
        "",
    )
    .await?;
    // The panel's new-chat event, not a new ticket's: the chat sound rings instead.
    announce(&mut tx, workspace.id, ticket.id, EventKind::NewChat, None).await?;
    tx.commit().await?;
    tracing::info!(account_id = %workspace.id, number = ticket.number, "chat started");
    Ok(Redirect::to(&format!("/help/{}/chat/{token}", workspace.slug)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "chat/visitor.html")]
pub(super) struct ChatPage {
    ctx: PageContext,
    workspace: String,
    token: String,
    chat: db::VisitorChat,
    lines: Vec<db::Line>,
    last_line: i64,
    /// Nobody accepted it within the wait: the visitor may leave an address instead.
    offer_message: bool,
    /// Seconds until that offer, while the chat waits (the script reloads the page then).
    wait_left: i64,
    message: String,
    email: String,
    errors: FieldErrors,
}

async fn chat_page(
    state: &AppState,
    ctx: PageContext,
    (workspace, token): (String, String),
    (message, email): (String, String),
    errors: FieldErrors,
) -> Result<ChatPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let chat = db::by_token(&mut conn, &workspace, &token).await.found()?;
    let lines = db::lines_after(&mut conn, chat.account_id, chat.id, 0, PAGE_LINES).await?;
    let waited = state.clock.now() - chat.created_at;
    let wait_left = (i64::from(chat.wait_seconds) - waited.whole_seconds()).max(0);
    let offer_message = chat.state == ChatState::Waiting && wait_left == 0;
    Ok(ChatPage {
        wait_left,
        last_line: lines.last().map_or(0, |l| l.line),
        ctx: ctx.for_workspace(chat.language, &chat.time_zone),
        workspace,
        token,
        lines,
        offer_message,
        email: if email.is_empty() {
            chat.customer_email.clone()
        } else {
            email
        },
        chat,
        message,
        errors,
    })
}

pub(super) async fn show_chat(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(path): Path<(String, String)>,
) -> Result<ChatPage, AppError> {
    chat_page(
        &state,
        ctx,
        path,
        (String::new(), String::new()),
        FieldErrors::default(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct MessageForm {
    #[serde(default)]
    message: String,
}

pub(super) async fn send(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((workspace, token)): Path<(String, String)>,
    Form(form): Form<MessageForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let message = errors.check("message", required_long_text(&form.message, MESSAGE_LIMIT));
    let mut tx = state.db.begin().await?;
    let chat = db::by_token(&mut tx, &workspace, &token).await.found()?;
    if matches!(chat.state, ChatState::Ended | ChatState::Missed) {
        errors.add("message", "chat-closed");
    }
    let Some(message) = message.filter(|_| errors.is_empty()) else {
        drop(tx);
        let page = chat_page(
            &state,
            ctx,
            (workspace, token),
            (form.message, String::new()),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // Per chat: a visitor behind a shared address (an office) is not held back by others.
    if !throttle::allow_key(&state.db, Scope::ChatMessage, &token).await? {
        return Err(AppError::TooManyAttempts);
    }
    let line = NewMessage::customer(&chat.customer_name, &message);
    add_line(&mut tx, chat.account_id, chat.id, &line, None).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/help/{workspace}/chat/{token}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct LeaveForm {
    #[serde(default)]
    email: String,
}

/// The unanswered chat becomes an email ticket: agents answer it to `email`.
pub(super) async fn leave_message(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((workspace, token)): Path<(String, String)>,
    Form(form): Form<LeaveForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let mut tx = state.db.begin().await?;
    let chat = db::by_token(&mut tx, &workspace, &token).await.found()?;
    let Some(email) = email else {
        drop(tx);
        let page = chat_page(
            &state,
            ctx,
            (workspace, token),
            (String::new(), form.email),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let now = state.clock.now();
    let waited = now - chat.created_at;
    if waited >= Duration::seconds(i64::from(chat.wait_seconds))
        && db::miss(&mut tx, chat.account_id, chat.id, email.as_str(), now).await?
    {
        tickets::db::insert_event(
            &mut tx,
            chat.account_id,
            chat.id,
            tickets::db::By::System,
            "missed",
            email.as_str(),
        )
        .await?;
        announce(&mut tx, chat.account_id, chat.id, EventKind::Updated, None).await?;
        tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/help/{workspace}/chat/{token}")).into_response())
}

/// The department a new chat goes to: the visitor's choice among those that take chats,
/// the only one that does when there is one, or none (then every online agent is rung).
async fn chat_department(
    conn: &mut PgConnection,
    account_id: Uuid,
    raw: &str,
) -> sqlx::Result<Result<Option<Uuid>, &'static str>> {
    let taking = departments::db::chat_names(conn, account_id).await?;
    Ok(match (raw, taking.as_slice()) {
        ("", [(only, _)]) => Ok(Some(*only)),
        ("", _) => Ok(None),
        (raw, _) => raw
            .parse::<Uuid>()
            .ok()
            .filter(|id| taking.iter().any(|(taking, _)| taking == id))
            .map(Some)
            .ok_or("input-choice-invalid"),
    })
}

#[cfg(test)]
mod tests {
    use super::subject_of;

    #[test]
    fn the_subject_is_the_first_line_shortened() {
        assert_eq!(subject_of("\n  Hello there \nsecond"), "Hello there");
        let long = "x".repeat(100);
        assert_eq!(subject_of(&long).chars().count(), 81);
    }
}
