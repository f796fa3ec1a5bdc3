//! `/app/tickets/{number}/merge`: ticket A goes into ticket B after a confirmation that
//! shows both. A's messages move into B's thread (in time order, as the thread is sorted),
//! A becomes `merged` for good, and A's number, its customer's link and mail answering A
//! lead to B from then on. A ticket is never merged into itself, into a merged one, or
//! while its chat is still going on; another workspace's number is not found.
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
    Replier, ReplyTarget, Status,
    db::{self, Ticket, Viewer},
    page::visible,
    reply_to_customer,
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    chat,
    config::Config,
    sla,
    web::{
        PageContext,
        extract::{Form, Path, Query},
        flash,
    },
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct MergeForm {
    /// The number of the ticket to merge into, `#` or not.
    #[serde(default)]
    into: String,
    /// A checkbox: tell the customer of the merged ticket.
    notify: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/merge.html")]
pub(super) struct MergePage {
    ctx: PageContext,
    ticket: Ticket,
    into: String,
    /// The ticket to merge into, once the agent named one that can take it.
    target: Option<Ticket>,
    /// Why the named ticket cannot take it (a catalog key).
    error: Option<&'static str>,
}

impl MergePage {
    fn new(
        ctx: PageContext,
        ticket: Ticket,
        into: String,
        target: Result<Ticket, &'static str>,
    ) -> Self {
        let (target, error) = match target {
            Ok(target) => (Some(target), None),
            Err(key) => (None, Some(key)),
        };
        Self {
            ctx,
            ticket,
            into,
            target,
            error,
        }
    }

    /// The page that asks which ticket to merge into.
    fn asking(ctx: PageContext, ticket: Ticket) -> Self {
        Self {
            ctx,
            ticket,
            into: String::new(),
            target: None,
            error: None,
        }
    }

    /// The two tickets come from different addresses: merging shows each customer the
    /// other's messages, and the page says so.
    pub fn different_customers(&self) -> bool {
        self.target.as_ref().is_some_and(|target| {
            !target
                .customer_email
                .eq_ignore_ascii_case(&self.ticket.customer_email)
        })
    }
}

/// Whether `ticket` may be merged at all: a merged one is done, and a chat going on
/// would lose its lines.
async fn mergeable(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    ticket: &Ticket,
) -> Result<Result<(), &'static str>, AppError> {
    if ticket.status == Status::Merged {
        return Ok(Err("ticket-merge-already"));
    }
    if chat::live_chat(conn, agent.account_id, ticket.id)
        .await?
        .is_some()
    {
        return Ok(Err("ticket-merge-live-chat"));
    }
    Ok(Ok(()))
}

/// The ticket numbered `raw` that `ticket` may be merged into.
async fn target(
    conn: &mut PgConnection,
    agent: &CurrentAgent,
    ticket: &Ticket,
    raw: &str,
) -> Result<Result<Ticket, &'static str>, AppError> {
    let Ok(number) = raw.trim().trim_start_matches('#').parse::<i64>() else {
        return Ok(Err("ticket-merge-number"));
    };
    if number == ticket.number {
        return Ok(Err("ticket-merge-itself"));
    }
    let Some(target) = db::visible_ticket(conn, &Viewer::of(agent), number).await? else {
        return Ok(Err("ticket-merge-not-found"));
    };
    if target.status == Status::Merged {
        return Ok(Err("ticket-merge-into-merged"));
    }
    Ok(Ok(target))
}

pub(super) async fn show_merge(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Query(query): Query<MergeForm>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let ticket = visible(&mut conn, &agent, &number).await?;
    let checked = match mergeable(&mut conn, &agent, &ticket).await? {
        Err(key) => Err(key),
        Ok(()) if query.into.trim().is_empty() => {
            return Ok(MergePage::asking(ctx, ticket).into_response());
        }
        Ok(()) => target(&mut conn, &agent, &ticket, &query.into).await?,
    };
    let status = if checked.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, MergePage::new(ctx, ticket, query.into, checked)).into_response())
}

pub(super) async fn merge(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    Path(number): Path<String>,
    Form(form): Form<MergeForm>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let ticket = visible(&mut tx, &agent, &number).await?;
    let checked = match mergeable(&mut tx, &agent, &ticket).await? {
        Err(key) => Err(key),
        Ok(()) => target(&mut tx, &agent, &ticket, &form.into).await?,
    };
    let target = match checked {
        Ok(target) => target,
        Err(key) => {
            drop(tx);
            let page = MergePage::new(ctx, ticket, form.into, Err(key));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // Both locked, the lower number first (as every change of several tickets does), and
    // read again after the locks: a merge that went first is seen.
    let mut locked = [ticket.id, target.id];
    if ticket.number > target.number {
        locked.reverse();
    }
    for id in locked {
        db::lock_ticket(&mut tx, agent.account_id, id).await?;
    }
    let viewer = Viewer::of(&agent);
    let (Some(ticket), Some(target)) = (
        db::visible_ticket(&mut tx, &viewer, ticket.number).await?,
        db::visible_ticket(&mut tx, &viewer, target.number).await?,
    ) else {
        return Err(AppError::NotFound);
    };
    if ticket.status == Status::Merged || target.status == Status::Merged {
        drop(tx);
        let page = MergePage::new(ctx, ticket, form.into, Err("ticket-merge-into-merged"));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    merge_into(
        &mut tx,
        &state.config,
        &agent,
        &ticket,
        &target,
        form.notify.is_some(),
    )
    .await?;
    tx.commit().await?;
    flash::success_with(
        &session,
        "ticket-merged",
        &[
            ("from", ticket.number.to_string()),
            ("into", target.number.to_string()),
        ],
    )
    .await?;
    Ok(Redirect::to(&format!("/app/tickets/{}", target.number)).into_response())
}

/// Merges `from` into `into`, both checked and locked by the caller: the thread of each
/// records it, and with `notify` the customer of `from` is told by email, as a reply on
/// `into` that their answers thread back to.
pub(super) async fn merge_into(
    conn: &mut PgConnection,
    config: &Config,
    agent: &CurrentAgent,
    from: &Ticket,
    into: &Ticket,
    notify: bool,
) -> Result<(), AppError> {
    db::merge_tickets(conn, agent.account_id, from.id, into.id).await?;
    // The target has the merged thread now, and the merged ticket's clocks stop.
    for id in [from.id, into.id] {
        sla::refresh(conn, agent.account_id, id).await?;
    }
    let merged = format!("#{} {}", from.number, from.subject);
    db::insert_event(
        conn,
        agent.account_id,
        into.id,
        db::By::Agent(agent.id),
        "merged",
        &merged,
    )
    .await?;
    let target = format!("#{}", into.number);
    db::insert_event(
        conn,
        agent.account_id,
        from.id,
        db::By::Agent(agent.id),
        "merged-into",
        &target,
    )
    .await?;
    if notify && let Some(address) = from.reply_address() {
        let body = agent.workspace_language.t_args(
            "ticket-merged-email",
            &[
                ("from", &from.number.to_string()),
                ("into", &into.number.to_string()),
            ],
        );
        let target = ReplyTarget {
            id: into.id,
            number: into.number,
            subject: &from.subject,
            customer_name: &from.customer_name,
            customer_email: &address,
            customer_token: &from.customer_token,
        };
        reply_to_customer(conn, config, Replier::Agent(agent), &target, &body, &[]).await?;
    }
    Ok(())
}
