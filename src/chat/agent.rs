//! The agents' side: `/app/chats` lists the waiting and ongoing chats the agent may see;
//! `accept` gives a waiting chat to the first agent who asks (one conditional update, on
//! any `serve` process), `end` closes it and mails the transcript to a visitor who gave an
//! address; `/app/availability` says whether the agent is rung for new chats.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;

use super::{Availability, ChatState, announce, db};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    error::Found,
    format::{self, Zone},
    input::EmailAddress,
    live::EventKind,
    mail,
    tickets::{
        self,
        conversation::{TicketMail, customer_link},
        db::{Ticket, Viewer},
    },
    web::{
        PageContext,
        extract::{Form, Path},
        flash,
    },
};

#[derive(Template, WebTemplate)]
#[template(path = "chat/list.html")]
pub(super) struct ChatsPage {
    ctx: PageContext,
    chats: Vec<db::OpenChat>,
    /// Why the last accept failed: "already taken by …".
    refusal: Option<String>,
}

async fn chats_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    refusal: Option<String>,
) -> Result<ChatsPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let chats = db::open_chats(&mut conn, &Viewer::of(agent)).await?;
    Ok(ChatsPage {
        ctx,
        chats,
        refusal,
    })
}

pub(super) async fn show_chats(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<ChatsPage, AppError> {
    chats_page(&state, ctx, &agent, None).await
}

/// The chat ticket `raw` if the agent may see it; anything else is 404.
async fn visible_chat(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    raw: &str,
) -> Result<Ticket, AppError> {
    let number: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
    let ticket = tickets::db::visible_ticket(conn, &Viewer::of(agent), number)
        .await
        .found()?;
    db::state(conn, agent.account_id, ticket.id).await.found()?;
    Ok(ticket)
}

pub(super) async fn accept(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let ticket = visible_chat(&mut tx, &agent, &number).await?;
    let now = state.clock.now();
    if !db::accept(&mut tx, agent.account_id, ticket.id, agent.id, now).await? {
        let (chat_state, holder) = db::holder(&mut tx, agent.account_id, ticket.id).await?;
        drop(tx);
        let refusal = match (chat_state, holder) {
            (ChatState::Active | ChatState::Ended, Some(name)) => {
                ctx.t_args("chat-taken", &[("name", name.as_str())])
            }
            _ => ctx.t("chat-not-waiting"),
        };
        let page = chats_page(&state, ctx, &agent, Some(refusal)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    // Whoever accepts the chat has its ticket.
    let properties = tickets::db::Properties {
        status: ticket.status,
        priority: ticket.priority,
        issue_type: ticket.issue_type,
        department_id: ticket.department_id,
        assignee_id: Some(agent.id),
        postponed_until: ticket.postponed_until,
    };
    tickets::db::set_properties(&mut tx, agent.account_id, ticket.id, &properties).await?;
    tickets::db::insert_event(
        &mut tx,
        agent.account_id,
        ticket.id,
        tickets::db::By::Agent(agent.id),
        "accepted",
        &agent.name,
    )
    .await?;
    announce(
        &mut tx,
        agent.account_id,
        ticket.id,
        EventKind::Assigned,
        Some(&agent),
    )
    .await?;
    tx.commit().await?;
    flash::success(&session, "chat-accepted").await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", ticket.number)).into_response())
}

pub(super) async fn end(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let ticket = visible_chat(&mut tx, &agent, &number).await?;
    if db::end(&mut tx, agent.account_id, ticket.id, state.clock.now()).await? {
        tickets::db::insert_event(
            &mut tx,
            agent.account_id,
            ticket.id,
            tickets::db::By::Agent(agent.id),
            "ended",
            &agent.name,
        )
        .await?;
        if let Some(address) = ticket.reply_address() {
            mail_transcript(&mut tx, &state, &agent, &ticket, &address).await?;
        }
        announce(
            &mut tx,
            agent.account_id,
            ticket.id,
            EventKind::Updated,
            Some(&agent),
        )
        .await?;
        tx.commit().await?;
        flash::success(&session, "chat-ended").await?;
    }
    Ok(Redirect::to(&format!("/app/tickets/{}", ticket.number)).into_response())
}

/// Puts the chat's transcript in the outbox for its visitor. Its Message-ID is signed
/// with the ticket's number like every reply's, so an answer threads into the ticket.
async fn mail_transcript(
    conn: &mut PgConnection,
    state: &AppState,
    agent: &CurrentAgent,
    ticket: &Ticket,
    to: &EmailAddress,
) -> Result<(), AppError> {
    const TRANSCRIPT_LINES: i64 = 5_000;
    let workspace = tickets::db::workspace_by_id(conn, agent.account_id).await?;
    let (locale, zone) = (workspace.language, Zone::named(&workspace.time_zone));
    let lines = db::lines_after(conn, agent.account_id, ticket.id, 0, TRANSCRIPT_LINES).await?;
    let visitor = if ticket.customer_name.is_empty() {
        locale.t("chat-visitor")
    } else {
        ticket.customer_name.clone()
    };
    let mut text = locale.t("chat-transcript-intro");
    for line in &lines {
        let author = if line.author.is_empty() {
            &visitor
        } else {
            &line.author
        };
        let when = format::datetime(locale, &zone, line.created_at);
        text.push_str(&format!("\n\n[{when}] {author}:\n{}", line.body));
    }
    let (shown_name, _) = tickets::db::reply_identity(conn, agent.account_id, agent.id).await?;
    let link = customer_link(&state.config, &workspace.slug, &ticket.customer_token);
    let transcript = TicketMail {
        locale,
        company: &workspace.company,
        customer_name: &ticket.customer_name,
        number: ticket.number,
        body: &text,
        author: &shown_name,
        link: &link,
    };
    let email = transcript.email(&state.config, &workspace, to, &ticket.subject, None, &[])?;
    mail::enqueue(conn, agent.account_id, &email).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AvailabilityForm {
    #[serde(default)]
    availability: String,
}

/// The header's small form; back to the panel page it was sent from.
pub(super) async fn set_availability(
    State(state): State<AppState>,
    agent: CurrentAgent,
    headers: HeaderMap,
    Form(form): Form<AvailabilityForm>,
) -> Result<Response, AppError> {
    let availability = Availability::parse(&form.availability).map_err(|_| AppError::NotFound)?;
    db::set_availability(
        &mut *state.db.acquire().await?,
        agent.account_id,
        agent.id,
        availability,
    )
    .await?;
    Ok(Redirect::to(&back_to(&state.config.base_url, &headers)).into_response())
}

/// The path of the panel page that sent a form (its Referer, when that is one of our
/// `/app` pages), else `/app/chats`.
fn back_to(base_url: &str, headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|referer| referer.strip_prefix(base_url))
        .filter(|path| path.starts_with("/app") && !path.contains("//") && !path.contains('\\'))
        .unwrap_or("/app/chats")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_availability_form_returns_only_to_our_own_panel_pages() {
        let back = |referer: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
            back_to("https://desk.example", &headers)
        };
        assert_eq!(back("https://desk.example/app/tickets/7"), "/app/tickets/7");
        assert_eq!(back("https://desk.example/help/acme"), "/app/chats");
        assert_eq!(back("https://evil.example/app"), "/app/chats");
        assert_eq!(back("https://desk.example//evil.example/app"), "/app/chats");
        assert_eq!(
            back_to("https://desk.example", &HeaderMap::new()),
            "/app/chats"
        );
    }
}
