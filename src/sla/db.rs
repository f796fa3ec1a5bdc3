use sqlx::{PgConnection, Postgres, postgres::PgArguments, query::Query};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::calendar::Range;
use crate::ordering::{self, Ordered};
use crate::tickets::MessageKind;

/// The workspace's open hours as `(weekday, range)`, Monday 0, in each day's order.
pub async fn hours(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<(usize, Range)>> {
    let rows: Vec<(i16, i16, i16)> = sqlx::query_as(
        "select weekday, starts_at, ends_at from business_hours
         where account_id = $1 order by weekday, position",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(weekday, start, end)| {
            (
                weekday as usize,
                Range {
                    start: start as u16,
                    end: end as u16,
                },
            )
        })
        .collect())
}

pub async fn holidays(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Date>> {
    sqlx::query_scalar("select day from holidays where account_id = $1 order by day")
        .bind(account_id)
        .fetch_all(conn)
        .await
}

/// Replaces the workspace's hours and holidays (in the caller's transaction).
pub async fn replace_hours(
    conn: &mut PgConnection,
    account_id: Uuid,
    week: &[Vec<Range>; 7],
    holidays: &[Date],
) -> sqlx::Result<()> {
    sqlx::query("delete from business_hours where account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("delete from holidays where account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    let (mut weekdays, mut positions, mut starts, mut ends) = (vec![], vec![], vec![], vec![]);
    for (weekday, ranges) in week.iter().enumerate() {
        for (position, range) in ranges.iter().enumerate() {
            weekdays.push(weekday as i16);
            positions.push(position as i16);
            starts.push(range.start as i16);
            ends.push(range.end as i16);
        }
    }
    sqlx::query(
        "insert into business_hours (account_id, weekday, position, starts_at, ends_at)
         select $1, * from unnest($2::smallint[], $3::smallint[], $4::smallint[], $5::smallint[])",
    )
    .bind(account_id)
    .bind(&weekdays)
    .bind(&positions)
    .bind(&starts)
    .bind(&ends)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into holidays (account_id, day) select $1, * from unnest($2::date[])
         on conflict do nothing",
    )
    .bind(account_id)
    .bind(holidays)
    .execute(conn)
    .await?;
    Ok(())
}

/// An SLA policy as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Policy {
    pub id: Uuid,
    #[sqlx(flatten)]
    pub settings: PolicySettings,
}

/// What an admin sets on a policy: its conditions (`None` holds for every ticket) and
/// targets in minutes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PolicySettings {
    pub name: String,
    pub priority: Option<String>,
    pub department_id: Option<Uuid>,
    pub issue_type: Option<String>,
    pub channel: Option<String>,
    pub first_response: Option<i32>,
    pub next_response: Option<i32>,
    pub resolution: Option<i32>,
    pub business_hours: bool,
}

/// Binds the policy's fields as `$3` to `$11`, in the order of its columns.
fn bind_input<'q>(
    query: Query<'q, Postgres, PgArguments>,
    input: &'q PolicySettings,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(&input.name)
        .bind(&input.priority)
        .bind(input.department_id)
        .bind(&input.issue_type)
        .bind(&input.channel)
        .bind(input.first_response)
        .bind(input.next_response)
        .bind(input.resolution)
        .bind(input.business_hours)
}

const POLICY_COLUMNS: &str = "id, name, priority, department_id, issue_type, channel,
    first_response, next_response, resolution, business_hours";

/// The workspace's policies in the admins' order.
pub async fn policies(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Policy>> {
    sqlx::query_as(&format!(
        "select {POLICY_COLUMNS} from sla_policies where account_id = $1 order by position, id"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

pub async fn policy(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Policy>> {
    sqlx::query_as(&format!(
        "select {POLICY_COLUMNS} from sla_policies where account_id = $1 and id = $2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A new policy, last in the order.
pub async fn insert_policy(
    conn: &mut PgConnection,
    account_id: Uuid,
    input: &PolicySettings,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    let insert = sqlx::query(
        "insert into sla_policies (account_id, id, position, name, priority, department_id,
             issue_type, channel, first_response, next_response, resolution, business_hours)
         values ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(account_id)
    .bind(id);
    let position = ordering::next_position(conn, Ordered::SlaPolicies, account_id).await?;
    bind_input(insert, input)
        .bind(position)
        .execute(conn)
        .await?;
    Ok(id)
}

pub async fn update_policy(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    input: &PolicySettings,
) -> sqlx::Result<()> {
    let update = sqlx::query(
        "update sla_policies set name = $3, priority = $4, department_id = $5, issue_type = $6,
             channel = $7, first_response = $8, next_response = $9, resolution = $10,
             business_hours = $11
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id);
    bind_input(update, input).execute(conn).await.map(drop)
}

/// A ticket as its clocks need it, with what is stored of them, whether its workspace has
/// any policy, and the database's time (the app's clock).
#[derive(Debug, sqlx::FromRow)]
pub struct TicketForClocks {
    pub id: Uuid,
    pub priority: String,
    pub department_id: Option<Uuid>,
    pub issue_type: String,
    pub channel: String,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub sla_due_at: Option<OffsetDateTime>,
    pub sla_target: Option<String>,
    pub time_zone: String,
    pub has_policies: bool,
    pub now: OffsetDateTime,
}

const TICKET_FOR_CLOCKS: &str = "select t.id, t.priority, t.department_id, t.issue_type,
        t.channel, t.status, t.created_at, t.sla_due_at, t.sla_target, w.time_zone,
        exists (select 1 from sla_policies p where p.account_id = t.account_id) as has_policies,
        app_now() as now
    from tickets t join accounts w on w.id = t.account_id
    where t.account_id = $1";

pub async fn ticket_for_clocks(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<TicketForClocks>> {
    sqlx::query_as(&format!("{TICKET_FOR_CLOCKS} and t.id = $2"))
        .bind(account_id)
        .bind(ticket_id)
        .fetch_optional(conn)
        .await
}

/// The workspace's tickets still to do (new, open, answered, postponed).
pub async fn tickets_to_do(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<TicketForClocks>> {
    sqlx::query_as(&format!(
        "{TICKET_FOR_CLOCKS} and t.status in ('new', 'open', 'answered', 'postponed')"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// A message of the thread as the clocks read it, with its author.
#[derive(Debug, sqlx::FromRow)]
pub struct TimelineRow {
    pub kind: MessageKind,
    pub event: Option<String>,
    pub event_value: Option<String>,
    pub created_at: OffsetDateTime,
    pub author_agent_id: Option<Uuid>,
}

/// The ticket's customer messages, replies and status changes in the order they happened.
pub async fn timeline(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as(
        "select kind, event, event_value, created_at, author_agent_id from messages
         where account_id = $1 and ticket_id = $2
           and (kind = 'customer' or event in ('status', 'reopened', 'postponed')
                -- A rule's canned answer is the desk's, not an agent's response.
                or (kind = 'reply' and author_agent_id is not null))
         order by created_at, id",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await
}

pub async fn store_due(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    due: Option<(OffsetDateTime, &str)>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update tickets set sla_due_at = $3, sla_target = $4 where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(due.map(|(at, _)| at))
    .bind(due.map(|(_, target)| target))
    .execute(conn)
    .await
    .map(drop)
}

/// A first response or resolution that met or missed its target.
pub struct SlaResult {
    pub target: &'static str,
    pub done_at: OffsetDateTime,
    pub in_time: bool,
    pub agent_id: Option<Uuid>,
}

/// Records what a change did to the ticket's targets, in the department it is in now; a
/// result recorded already stays as it was.
pub async fn store_results(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    department_id: Option<Uuid>,
    results: &[SlaResult],
) -> sqlx::Result<()> {
    let targets: Vec<&str> = results.iter().map(|r| r.target).collect();
    let done: Vec<OffsetDateTime> = results.iter().map(|r| r.done_at).collect();
    let in_time: Vec<bool> = results.iter().map(|r| r.in_time).collect();
    let agents: Vec<Option<Uuid>> = results.iter().map(|r| r.agent_id).collect();
    sqlx::query(
        "insert into sla_results (account_id, ticket_id, target, done_at, in_time, agent_id,
                                  department_id)
         select $1, $2, r.target, r.done_at, r.in_time, r.agent_id, $3
         from unnest($4::text[], $5::timestamptz[], $6::boolean[], $7::uuid[])
              as r (target, done_at, in_time, agent_id)
         on conflict do nothing",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(department_id)
    .bind(&targets)
    .bind(&done)
    .bind(&in_time)
    .bind(&agents)
    .execute(conn)
    .await
    .map(drop)
}

/// Tickets whose due time has passed and was not announced yet, locked (others' skipped),
/// with the target that is due.
pub async fn breached(
    conn: &mut PgConnection,
    limit: i64,
) -> sqlx::Result<Vec<(Uuid, Uuid, String)>> {
    sqlx::query_as(
        "select account_id, id, sla_target from tickets
         where sla_due_at <= app_now() and sla_due_at is not null
           and sla_notified_due_at is distinct from sla_due_at
         order by sla_due_at
         limit $1
         for update skip locked",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Marks the ticket's due time announced, and records it as a target missed (for the
/// reports, with the assignee and department of this moment).
pub async fn mark_notified(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "with marked as (
             update tickets set sla_notified_due_at = sla_due_at
             where account_id = $1 and id = $2
             returning account_id, id, sla_target, sla_due_at, assignee_id, department_id
         )
         insert into sla_breaches (account_id, ticket_id, target, due_at, agent_id,
                                   department_id)
         select account_id, id, sla_target, sla_due_at, assignee_id, department_id from marked
         on conflict do nothing",
    )
    .bind(account_id)
    .bind(ticket_id)
    .execute(conn)
    .await
    .map(drop)
}
