//! Queries of the reports: each reads one range of the ticket log (`messages`, whose rows
//! keep the ticket's department and assignee of their moment) by an index on time, on
//! author or on assignee, and buckets rows with `report_bucket` in the workspace's zone.
use sqlx::{PgConnection, Postgres, Transaction, postgres::PgArguments, query::QueryAs};
use time::{OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;

use super::{
    figures::{Activity, Target, Timing},
    range::{Period, ReportRange},
};
use crate::tickets::{Channel, IssueType};

/// Starts the read of a report: one snapshot for all its queries, each planned for its own
/// range and filters (a plan made for unknown values would scan the wrong index).
pub async fn begin(db: &sqlx::PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = db.begin().await?;
    sqlx::query!("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A range as instants: from the first day's local midnight to the midnight after the last.
#[derive(Clone, Debug)]
pub struct Window {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub period: Period,
    pub zone: String,
}

/// One row of a report's table: the bucket's first instant, and its local time.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub start: OffsetDateTime,
    pub local: PrimitiveDateTime,
}

/// The range's window and its buckets, empty ones included: days, weeks and months step in
/// local time (a day may last 23 or 25 hours), hours in real time.
pub async fn window(
    conn: &mut PgConnection,
    range: &ReportRange,
    zone: &str,
) -> sqlx::Result<(Window, Vec<Bucket>)> {
    let bounds = sqlx::query!(
        r#"select ($1::date::timestamp at time zone $3) as "start!",
                  (($2::date + 1)::timestamp at time zone $3) as "end!""#,
        range.from,
        range.to,
        zone,
    )
    .fetch_one(&mut *conn)
    .await?;
    let period = range.period.as_str();
    let buckets = sqlx::query_as!(
        Bucket,
        r#"select start as "start!", start at time zone $5 as "local!"
           from (select generate_series($1::timestamptz, $2::timestamptz - interval '1 hour',
                                        interval '1 hour') as start
                 where $4 = 'hour'
                 union all
                 select local_start at time zone $5
                 from generate_series(date_trunc($4, $3::date::timestamp),
                                      $6::date::timestamp,
                                      ('1 ' || $4)::interval) as local_start
                 where $4 <> 'hour') buckets
           order by start"#,
        bounds.start,
        bounds.end,
        range.from,
        period,
        zone,
        range.to,
    )
    .fetch_all(conn)
    .await?;
    let window = Window {
        start: bounds.start,
        end: bounds.end,
        period: range.period,
        zone: zone.to_owned(),
    };
    Ok((window, buckets))
}

/// Whose work a report shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope {
    /// One agent's work only (their report).
    pub agent_id: Option<Uuid>,
    /// What happened in one department only (the team report's filter).
    pub department_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
pub struct ActivityRow {
    pub bucket: OffsetDateTime,
    pub agent_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub activity: Activity,
    pub count: i64,
}

/// Messages counted in the window: customers' messages, replies and notes by their author,
/// assignments and accepted chats by their assignee, chats started and missed. An agent's scope leaves customers' messages out.
pub async fn activity(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as!(
        ActivityRow,
        r#"select report_bucket(m.created_at, $4, $5) as "bucket!",
                  case when m.kind = 'event' then m.assignee_id else m.author_agent_id end as agent_id,
                  m.department_id,
                  case when m.kind <> 'event' then m.kind
                       when m.event = 'chat' then 'chat_received'
                       when m.event = 'accepted' then 'chat_accepted'
                       when m.event = 'missed' then 'chat_missed'
                       else 'assigned' end as "activity!: Activity",
                  count(*) as "count!"
           from messages m
           where m.account_id = $1 and m.created_at >= $2 and m.created_at < $3
             and (m.kind in ('customer', 'reply', 'note')
                  or (m.kind = 'event' and m.event in ('assigned', 'chat', 'accepted', 'missed')))
             and ($6::uuid is null
                  or (m.kind in ('reply', 'note') and m.author_agent_id = $6)
                  or (m.kind = 'event' and m.event in ('assigned', 'accepted')
                      and m.assignee_id = $6))
             and ($7::uuid is null or m.department_id = $7)
           group by 1, 2, 3, 4"#,
        account_id,
        window.start,
        window.end,
        window.period.as_str(),
        window.zone,
        scope.agent_id,
        scope.department_id,
    )
    .fetch_all(conn)
    .await
}

#[derive(sqlx::FromRow)]
pub struct TimingRow {
    pub bucket: OffsetDateTime,
    pub agent_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub timing: Timing,
    pub seconds: i64,
}

/// First responses sent in the window: a ticket's first reply, for tickets customers
/// opened (an agent's own ticket starts with a reply), timed from the ticket's creation.
pub async fn first_responses(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<TimingRow>> {
    sqlx::query_as!(
        TimingRow,
        r#"select report_bucket(m.created_at, $4, $5) as "bucket!",
                  m.author_agent_id as agent_id, m.department_id,
                  'first_response' as "timing!: Timing",
                  extract(epoch from m.created_at - t.created_at)::bigint as "seconds!"
           from messages m
           -- One ticket looked up per reply (a plain join would read all the workspace's).
           cross join lateral (select t.created_at from tickets t
                               where t.account_id = m.account_id and t.id = m.ticket_id
                                 and t.channel <> 'agent'
                               limit 1) t
           where m.account_id = $1 and m.kind = 'reply' and m.created_at >= $2 and m.created_at < $3
             and ($6::uuid is null or m.author_agent_id = $6)
             and ($7::uuid is null or m.department_id = $7)
             and not exists (select 1 from messages e
                             where e.account_id = m.account_id and e.ticket_id = m.ticket_id
                               and e.kind = 'reply' and (e.created_at, e.id) < (m.created_at, m.id))"#,
        account_id,
        window.start,
        window.end,
        window.period.as_str(),
        window.zone,
        scope.agent_id,
        scope.department_id,
    )
    .fetch_all(conn)
    .await
}

/// Chats accepted in the window, timed from the chat's start to its acceptance (both by
/// the application's clock), for the accepting agent.
pub async fn chat_accepts(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<TimingRow>> {
    sqlx::query_as!(
        TimingRow,
        r#"select report_bucket(m.created_at, $4, $5) as "bucket!",
                  m.assignee_id as agent_id, m.department_id,
                  'chat_accept' as "timing!: Timing",
                  extract(epoch from c.accepted_at - c.created_at)::bigint as "seconds!"
           from messages m
           join chats c on c.account_id = m.account_id and c.id = m.ticket_id
           where m.account_id = $1 and m.kind = 'event' and m.event = 'accepted'
             and m.created_at >= $2 and m.created_at < $3 and c.accepted_at is not null
             and ($6::uuid is null or m.assignee_id = $6)
             and ($7::uuid is null or m.department_id = $7)"#,
        account_id,
        window.start,
        window.end,
        window.period.as_str(),
        window.zone,
        scope.agent_id,
        scope.department_id,
    )
    .fetch_all(conn)
    .await
}

/// Resolutions in the window (a ticket resolved twice counts twice), timed from the
/// ticket's creation less every stretch it spent postponed or resolved before.
pub async fn resolutions(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<TimingRow>> {
    sqlx::query_as!(
        TimingRow,
        r#"with resolved as (
               select m.id, m.ticket_id, m.created_at, m.author_agent_id, m.department_id
               from messages m
               where m.account_id = $1 and m.kind = 'event' and m.event = 'status'
                 and m.event_value = 'resolved' and m.created_at >= $2 and m.created_at < $3
                 and ($6::uuid is null or m.author_agent_id = $6)
                 and ($7::uuid is null or m.department_id = $7)
           ), stretches as (
               select s.ticket_id, s.created_at as since,
                      lead(s.created_at) over (partition by s.ticket_id order by s.created_at, s.id)
                          as until,
                      s.event = 'postponed' or s.event_value = 'resolved' as paused
               from messages s
               where s.account_id = $1 and s.kind = 'event'
                 and s.event in ('status', 'postponed', 'reopened') and s.created_at < $3
                 and s.ticket_id in (select ticket_id from resolved)
           )
           select report_bucket(r.created_at, $4, $5) as "bucket!",
                  r.author_agent_id as agent_id, r.department_id,
                  'resolution' as "timing!: Timing",
                  extract(epoch from (r.created_at - t.created_at)
                      - coalesce(sum(least(p.until, r.created_at) - p.since)
                                     filter (where p.paused and p.since < r.created_at),
                                 interval '0'))::bigint as "seconds!"
           from resolved r
           join tickets t on t.account_id = $1 and t.id = r.ticket_id
           left join stretches p on p.ticket_id = r.ticket_id
           group by r.id, r.created_at, r.author_agent_id, r.department_id, t.created_at"#,
        account_id,
        window.start,
        window.end,
        window.period.as_str(),
        window.zone,
        scope.agent_id,
        scope.department_id,
    )
    .fetch_all(conn)
    .await
}

/// First responses and resolutions against their SLA targets, met or not, by the agent
/// who answered or resolved.
#[derive(sqlx::FromRow)]
pub struct SlaResultRow {
    pub bucket: OffsetDateTime,
    pub agent_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub target: Target,
    pub in_time: bool,
    pub count: i64,
}

pub async fn sla_results(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<SlaResultRow>> {
    bind_range(
        sqlx::query_as(
            "select report_bucket(done_at, $4, $5) as bucket, agent_id, department_id, target,
                in_time, count(*) as count
         from sla_results
         where account_id = $1 and done_at >= $2 and done_at < $3
           and ($6::uuid is null or agent_id = $6)
           and ($7::uuid is null or department_id = $7)
         group by 1, 2, 3, 4, 5",
        ),
        account_id,
        window,
        scope,
    )
    .fetch_all(conn)
    .await
}

/// Targets missed in the window, for the assignee of that moment.
#[derive(sqlx::FromRow)]
pub struct BreachRow {
    pub bucket: OffsetDateTime,
    pub agent_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub count: i64,
}

pub async fn sla_breaches(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<BreachRow>> {
    bind_range(
        sqlx::query_as(
            "select report_bucket(due_at, $4, $5) as bucket, agent_id, department_id,
                count(*) as count
         from sla_breaches
         where account_id = $1 and due_at >= $2 and due_at < $3
           and ($6::uuid is null or agent_id = $6)
           and ($7::uuid is null or department_id = $7)
         group by 1, 2, 3",
        ),
        account_id,
        window,
        scope,
    )
    .fetch_all(conn)
    .await
}

/// Binds what every report query takes, as `$1` to `$7`: the workspace, the window's
/// start and end, its period and zone (for `report_bucket`), the agent and the department.
fn bind_range<'q, O>(
    query: QueryAs<'q, Postgres, O, PgArguments>,
    account_id: Uuid,
    window: &'q Window,
    scope: Scope,
) -> QueryAs<'q, Postgres, O, PgArguments> {
    query
        .bind(account_id)
        .bind(window.start)
        .bind(window.end)
        .bind(window.period.as_str())
        .bind(&window.zone)
        .bind(scope.agent_id)
        .bind(scope.department_id)
}

pub struct NewTicketsRow {
    pub bucket: OffsetDateTime,
    pub department_id: Option<Uuid>,
    pub channel: Channel,
    pub issue_type: IssueType,
    pub count: i64,
}

/// Tickets opened in the window, by channel and (present) issue type, in the department
/// they were opened in (their first message's).
pub async fn new_tickets(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    department_id: Option<Uuid>,
) -> sqlx::Result<Vec<NewTicketsRow>> {
    sqlx::query_as!(
        NewTicketsRow,
        r#"select report_bucket(t.created_at, $4, $5) as "bucket!",
                  opened.department_id,
                  t.channel as "channel: Channel",
                  t.issue_type as "issue_type: IssueType",
                  count(*) as "count!"
           from tickets t
           left join lateral (select m.department_id from messages m
                              where m.account_id = t.account_id and m.ticket_id = t.id
                              order by m.created_at, m.id limit 1) opened on true
           where t.account_id = $1 and t.created_at >= $2 and t.created_at < $3
             and ($6::uuid is null or opened.department_id = $6)
           group by 1, 2, 3, 4"#,
        account_id,
        window.start,
        window.end,
        window.period.as_str(),
        window.zone,
        department_id,
    )
    .fetch_all(conn)
    .await
}

/// Customers' messages in the window by local weekday (1 = Monday) and hour of day.
pub async fn customer_hours(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    department_id: Option<Uuid>,
) -> sqlx::Result<Vec<(i32, i32, i64)>> {
    let rows = sqlx::query!(
        r#"select extract(isodow from m.created_at at time zone $4)::int as "weekday!",
                  extract(hour from m.created_at at time zone $4)::int as "hour!",
                  count(*) as "count!"
           from messages m
           where m.account_id = $1 and m.kind = 'customer'
             and m.created_at >= $2 and m.created_at < $3
             and ($5::uuid is null or m.department_id = $5)
           group by 1, 2"#,
        account_id,
        window.start,
        window.end,
        window.zone,
        department_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.weekday, row.hour, row.count))
        .collect())
}

pub struct ReportAgent {
    pub id: Uuid,
    pub name: String,
    pub deleted: bool,
}

/// Every agent the workspace has had, deleted ones too (their work stays in the reports).
pub async fn agents(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<ReportAgent>> {
    sqlx::query_as!(
        ReportAgent,
        r#"select id, name, deleted_at is not null as "deleted!"
           from agents where account_id = $1 order by lower(name), id"#,
        account_id,
    )
    .fetch_all(conn)
    .await
}

/// One agent of the workspace, deleted or not.
pub async fn agent(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<ReportAgent>> {
    sqlx::query_as!(
        ReportAgent,
        r#"select id, name, deleted_at is not null as "deleted!"
           from agents where account_id = $1 and id = $2"#,
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Calls that rang in the window: each received and each missed for its department, each
/// answered for the agent who answered. An agent's scope counts only what they answered.
pub async fn calls(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<ActivityRow>> {
    let query = sqlx::query_as(
        "select report_bucket(c.rang_at, $4, $5) as bucket, k.agent_id, c.department_id,
                k.activity, count(*) as count
         from calls c
         cross join lateral (values ('call_received', null::uuid, true),
                                    ('call_answered', c.agent_id, c.answered_at is not null),
                                    ('call_missed', null::uuid, c.state = 'missed'))
                            k(activity, agent_id, applies)
         where c.account_id = $1 and c.direction = 'inbound'
           and c.rang_at >= $2 and c.rang_at < $3 and k.applies
           and ($6::uuid is null or (k.activity = 'call_answered' and k.agent_id = $6))
           and ($7::uuid is null or c.department_id = $7)
         group by 1, 2, 3, 4",
    );
    bind_range(query, account_id, window, scope)
        .fetch_all(conn)
        .await
}

/// Calls answered that rang in the window, timed from their ringing to their answer, for
/// the agent who answered.
pub async fn call_answers(
    conn: &mut PgConnection,
    account_id: Uuid,
    window: &Window,
    scope: Scope,
) -> sqlx::Result<Vec<TimingRow>> {
    let query = sqlx::query_as(
        "select report_bucket(c.rang_at, $4, $5) as bucket, c.agent_id, c.department_id,
                'call_answer' as timing,
                greatest(extract(epoch from c.answered_at - c.rang_at), 0)::bigint as seconds
         from calls c
         where c.account_id = $1 and c.direction = 'inbound' and c.answered_at is not null
           and c.rang_at >= $2 and c.rang_at < $3
           and ($6::uuid is null or c.agent_id = $6)
           and ($7::uuid is null or c.department_id = $7)",
    );
    bind_range(query, account_id, window, scope)
        .fetch_all(conn)
        .await
}
