//! The yardstick of `make bench-tickets`: the agent's ticket list as bare as axum, sqlx
//! and askama make it. It runs the list's own query (`tickets::db::list`, the same SQL
//! and the same pool settings and allocator as `serve`) for one agent fixed at start,
//! names departments and assignees from the workspace's names read at start (as `serve`
//! does from its directory), and renders a plain table: no session, no login, no permission
//! check, no layers. The real pages are measured against it in the same run.
//! Usage: bare-tickets LISTEN_ADDR WORKSPACE_SLUG AGENT_EMAIL (DATABASE_URL in the
//! environment).
use std::net::SocketAddr;

use anyhow::Context;
use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, routing::get};
use frontdesk::{
    agents, departments,
    directory::Names,
    tickets::db::{self, ListFilter, ListedTicket, Viewer},
};
use sqlx::PgPool;
use uuid::Uuid;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What the list page shows of each ticket, in a plain table.
#[derive(Template, WebTemplate)]
#[template(
    ext = "html",
    source = "<!doctype html><title>Tickets</title><table>
{% for t in tickets %}<tr><td>{{ t.number }}</td><td>{{ t.subject }}</td>\
<td>{{ t.customer_name }}</td><td>{{ t.customer_email }}</td><td>{{ t.status.as_str() }}</td>\
<td>{{ t.priority.as_str() }}</td><td>{{ t.department.as_deref().unwrap_or_default() }}</td>\
<td>{{ t.assignee.as_deref().unwrap_or_default() }}</td><td>{{ t.last_activity_at }}</td></tr>
{% endfor %}</table>"
)]
struct BareList {
    tickets: Vec<ListedTicket>,
}

#[derive(Clone)]
struct Bare {
    db: PgPool,
    viewer: std::sync::Arc<Viewer>,
    names: std::sync::Arc<Names>,
}

async fn list(State(bare): State<Bare>) -> Result<BareList, String> {
    let mut tickets = db::list(&bare.db, &bare.viewer, &ListFilter::default(), 51)
        .await
        .map_err(|error| error.to_string())?;
    db::name_rows(&mut tickets, &bare.names.departments, &bare.names.agents);
    Ok(BareList { tickets })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bare-tickets LISTEN_ADDR WORKSPACE_SLUG AGENT_EMAIL";
    let addr: SocketAddr = args.next().context(usage)?.parse()?;
    let slug = args.next().context(usage)?;
    let email = args.next().context(usage)?;
    let url = std::env::var("DATABASE_URL").context("DATABASE_URL")?;
    let db = frontdesk::startup::pool_options().connect(&url).await?;
    let (account_id, agent_id, role, plan): (Uuid, Uuid, String, String) = sqlx::query_as(
        "select a.account_id, a.id, a.role, w.plan from agents a join accounts w on w.id = a.account_id
         where w.slug = $1 and a.email = $2",
    )
    .bind(&slug)
    .bind(&email)
    .fetch_one(&db)
    .await
    .context("the agent")?;
    let viewer = Viewer {
        account_id,
        agent_id,
        sees_all: role != "agent",
        listed_days: (plan == "free").then_some(7),
    };
    let mut conn = db.acquire().await?;
    let names = Names {
        departments: departments::db::names(&mut conn, account_id).await?,
        agents: agents::db::names(&mut conn, account_id).await?,
    };
    drop(conn);
    let app = Router::new().route("/tickets", get(list)).with_state(Bare {
        db,
        viewer: std::sync::Arc::new(viewer),
        names: std::sync::Arc::new(names),
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
