//! `/app`, the agent's queue (assigned to them, or unassigned in their departments, still
//! to do), and `/app/tickets`, every ticket they may see with filters, search and keyset
//! pagination.
use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{
    Channel, IssueType, Status,
    bulk::BulkBar,
    db::{self, AssigneeFilter, ListFilter, ListedTicket, QueueCounts, SlaFilter, Viewer},
};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    directory::Names,
    input::Choice,
    sla, tags,
    web::{PageContext, connection::Db, extract::Query},
};

/// Tickets per page.
const PAGE_SIZE: i64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "tickets/queue.html")]
pub(super) struct QueuePage {
    ctx: PageContext,
    agent: CurrentAgent,
    counts: QueueCounts,
    tickets: Vec<ListedTicket>,
    more: bool,
    /// The free plan's lists reach back 7 days; the page says so.
    free_plan_window: bool,
    bulk: BulkBar,
    query: QueueQuery,
}

/// `?select=all`: every row of the page ticked, for the action bar without JavaScript;
/// `sort=due` and `sla` as on the list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct QueueQuery {
    #[serde(default)]
    select: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    sla: String,
}

impl QueuePage {
    /// A count as shown: exact below the cap, "999+" at it.
    pub fn count(&self, count: &i64) -> String {
        self.counts.shown(*count)
    }
}

pub(super) async fn show_queue(
    State(state): State<AppState>,
    Db(mut conn): Db,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<QueueQuery>,
) -> Result<QueuePage, AppError> {
    let viewer = Viewer::of(&agent);
    let filter = ListFilter {
        queue: true,
        sla: SlaFilter::parse(&query.sla),
        due_first: query.sort == "due",
        ..ListFilter::default()
    };
    let (counts, mut tickets) = db::queue_page(&mut *conn, &viewer, &filter, PAGE_SIZE + 1).await?;
    let more = tickets.len() > PAGE_SIZE as usize;
    tickets.truncate(PAGE_SIZE as usize);
    sla::label_due(&ctx, &mut tickets, state.clock.now());
    let names = named(&state, &mut conn, agent.account_id, &mut tickets).await?;
    let bulk = BulkBar::new(&ctx, &names, "/app".to_owned(), query.select == "all");
    Ok(QueuePage {
        free_plan_window: viewer.listed_days.is_some(),
        ctx,
        agent,
        counts,
        tickets,
        more,
        bulk,
        query,
    })
}

/// The workspace's names (the directory's), with each ticket's department and assignee
/// named from them, and the few they do not list (a deleted agent of a closed ticket, an
/// agent newer than the names kept) read by id.
async fn named(
    state: &AppState,
    conn: &mut PgConnection,
    account_id: Uuid,
    tickets: &mut [ListedTicket],
) -> Result<Arc<Names>, AppError> {
    let names = state.directory.names(conn, account_id).await?;
    let missing = db::name_rows(tickets, &names.departments, &names.agents);
    if !missing.is_empty() {
        let found = db::names_by_id(conn, account_id, &missing).await?;
        db::name_rows(tickets, &found, &found);
    }
    Ok(names)
}

/// The list's filters as typed; what is not a valid value filters nothing.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    assignee: String,
    #[serde(default, rename = "type")]
    issue_type: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
    /// `all`: every row ticked, for the action bar without JavaScript.
    #[serde(default)]
    select: String,
    /// `due`: tickets with a running SLA clock, due first first.
    #[serde(default)]
    sort: String,
    /// `breached` or `due_soon`.
    #[serde(default)]
    sla: String,
}

impl ListQuery {
    fn filter(&self, agent: &CurrentAgent) -> ListFilter {
        ListFilter {
            queue: false,
            status: Status::parse(&self.status).ok(),
            department: self.department.parse().ok(),
            assignee: match self.assignee.as_str() {
                "me" => AssigneeFilter::Agent(agent.id),
                "none" => AssigneeFilter::Nobody,
                id => id
                    .parse()
                    .map_or(AssigneeFilter::Anyone, AssigneeFilter::Agent),
            },
            issue_type: IssueType::parse(&self.issue_type).ok(),
            channel: Channel::parse(&self.channel).ok(),
            tag: tags::parse_name(&self.tag).ok(),
            search: Some(self.q.trim().chars().take(200).collect::<String>())
                .filter(|q| !q.is_empty()),
            after: db::parse_cursor(&self.after),
            sla: SlaFilter::parse(&self.sla),
            due_first: self.sort == "due",
        }
    }

    /// This list's address continued after `cursor` (from the start when it is empty).
    fn address(&self, cursor: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("status", &self.status)
            .append_pair("department", &self.department)
            .append_pair("assignee", &self.assignee)
            .append_pair("type", &self.issue_type)
            .append_pair("channel", &self.channel)
            .append_pair("tag", &self.tag)
            .append_pair("q", &self.q)
            .append_pair("sla", &self.sla)
            .append_pair("sort", &self.sort)
            .append_pair("after", cursor)
            .finish();
        format!("/app/tickets?{query}")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "tickets/list.html")]
pub(super) struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    tickets: Vec<ListedTicket>,
    next: Option<String>,
    free_plan_window: bool,
    statuses: Vec<Choice>,
    departments: Vec<Choice>,
    assignees: Vec<Choice>,
    types: Vec<Choice>,
    channels: Vec<Choice>,
    bulk: BulkBar,
}

pub(super) async fn show_list(
    State(state): State<AppState>,
    Db(mut conn): Db,
    ctx: PageContext,
    agent: CurrentAgent,
    Query(query): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let viewer = Viewer::of(&agent);
    let filter = query.filter(&agent);
    let mut tickets = db::list(&mut *conn, &viewer, &filter, PAGE_SIZE + 1).await?;
    let next = (tickets.len() > PAGE_SIZE as usize).then(|| {
        tickets.truncate(PAGE_SIZE as usize);
        tickets
            .last()
            .map(|last| query.address(&last.cursor(filter.due_first)))
            .unwrap_or_default()
    });
    let names = named(&state, &mut conn, agent.account_id, &mut tickets).await?;
    sla::label_due(&ctx, &mut tickets, state.clock.now());
    let departments = Choice::rows(names.departments.clone(), |id| {
        filter.department == Some(id)
    });
    let mut assignees = vec![
        Choice::new("me", ctx.t("tickets-assignee-me"), query.assignee == "me"),
        Choice::new(
            "none",
            ctx.t("tickets-assignee-none"),
            query.assignee == "none",
        ),
    ];
    assignees.extend(Choice::rows(names.agents.clone(), |id| {
        query.assignee == id.to_string()
    }));
    let statuses = Status::choices(ctx.locale, filter.status);
    let types = IssueType::choices(ctx.locale, filter.issue_type);
    let channels = Channel::choices(ctx.locale, filter.channel);
    let bulk = BulkBar::new(
        &ctx,
        &names,
        query.address(&query.after),
        query.select == "all",
    );
    Ok(ListPage {
        free_plan_window: viewer.listed_days.is_some(),
        ctx,
        query,
        tickets,
        next,
        statuses,
        departments,
        assignees,
        types,
        channels,
        bulk,
    })
}
