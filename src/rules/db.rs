//! Queries of rules, and of a ticket as their conditions read it.
use sqlx::{PgConnection, Postgres, postgres::PgArguments, query::Query, types::Json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Action, Condition, Event, RuleSettings};
use crate::ordering::{self, Ordered};

#[derive(Debug)]
pub struct Rule {
    pub id: Uuid,
    pub settings: RuleSettings,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: Uuid,
    name: String,
    enabled: bool,
    event: Event,
    hours: Option<i32>,
    stop: bool,
    conditions: Json<Vec<Condition>>,
    actions: Json<Vec<Action>>,
}

impl From<RuleRow> for Rule {
    fn from(row: RuleRow) -> Self {
        Self {
            id: row.id,
            settings: RuleSettings {
                name: row.name,
                enabled: row.enabled,
                event: row.event,
                hours: row.hours,
                stop: row.stop,
                conditions: row.conditions.0,
                actions: row.actions.0,
            },
        }
    }
}

const COLUMNS: &str = "id, name, enabled, event, hours, stop, conditions, actions";

/// The workspace's rules in the admins' order; with `event`, only the enabled ones that
/// it starts.
pub async fn rules(
    conn: &mut PgConnection,
    account_id: Uuid,
    event: Option<Event>,
) -> sqlx::Result<Vec<Rule>> {
    let rows: Vec<RuleRow> = sqlx::query_as(&format!(
        "select {COLUMNS} from rules
         where account_id = $1 and ($2::text is null or (event = $2 and enabled))
         order by position, id"
    ))
    .bind(account_id)
    .bind(event)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Rule::from).collect())
}

/// The rules `(account_id, id)`, of several workspaces: time rules run for all at once.
pub async fn rules_by_id(
    conn: &mut PgConnection,
    keys: &[(Uuid, Uuid)],
) -> sqlx::Result<Vec<Rule>> {
    let (accounts, ids): (Vec<Uuid>, Vec<Uuid>) = keys.iter().copied().unzip();
    let rows: Vec<RuleRow> = sqlx::query_as(&format!(
        "select {COLUMNS} from rules
         where (account_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))"
    ))
    .bind(&accounts)
    .bind(&ids)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Rule::from).collect())
}

pub async fn rule(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Rule>> {
    let row: Option<RuleRow> = sqlx::query_as(&format!(
        "select {COLUMNS} from rules where account_id = $1 and id = $2"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Rule::from))
}

/// Binds what the rule says, in the order of its columns from `name` to `actions`.
fn bind_settings<'q>(
    query: Query<'q, Postgres, PgArguments>,
    rule: &'q RuleSettings,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(&rule.name)
        .bind(rule.enabled)
        .bind(rule.event)
        .bind(rule.hours)
        .bind(rule.stop)
        .bind(Json(&rule.conditions))
        .bind(Json(&rule.actions))
}

/// A new rule, last in the order.
pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    rule: &RuleSettings,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    let position = ordering::next_position(conn, Ordered::Rules, account_id).await?;
    let insert = sqlx::query(
        "insert into rules (account_id, id, position, name, enabled, event, hours, stop,
                            conditions, actions)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(account_id)
    .bind(id)
    .bind(position);
    bind_settings(insert, rule).execute(conn).await?;
    Ok(id)
}

/// Saves the rule. A time rule keeps the moment it has looked up to: tickets already
/// passed are not looked at again, the others are under the new settings.
pub async fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    rule: &RuleSettings,
) -> sqlx::Result<()> {
    let update = sqlx::query(
        "update rules set name = $3, enabled = $4, event = $5, hours = $6, stop = $7,
                          conditions = $8, actions = $9
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id);
    bind_settings(update, rule).execute(conn).await.map(drop)
}

/// A ticket as conditions read it.
#[derive(Debug, sqlx::FromRow)]
pub struct Facts {
    pub id: Uuid,
    pub number: i64,
    pub channel: String,
    pub department_id: Option<Uuid>,
    pub issue_type: String,
    pub priority: String,
    pub status: String,
    pub tags: Vec<String>,
    pub assignee_id: Option<Uuid>,
    pub subject: String,
    /// The message that started the rules, or else the customer's latest.
    pub body: String,
    pub customer_email: String,
    pub customer_name: String,
    pub customer_token: String,
    pub updated_at: OffsetDateTime,
}

/// The query of `Facts` of the tickets `from` names (as `t`), with `body` for the message.
fn facts_query(body: &str, from: &str) -> String {
    format!(
        "select t.id, t.number, t.channel, t.department_id, t.issue_type, t.priority, t.status,
                array(select g.name from ticket_tags tt
                      join tags g on g.account_id = tt.account_id and g.id = tt.tag_id
                      where tt.account_id = t.account_id and tt.ticket_id = t.id) as tags,
                t.assignee_id, t.subject, {body} as body,
                t.customer_email, t.customer_name, t.customer_token, t.updated_at
         from {from}"
    )
}

/// The customer's latest message of ticket `t`.
const LATEST_CUSTOMER_MESSAGE: &str = "(select m.body_text from messages m
     where m.account_id = t.account_id and m.ticket_id = t.id and m.kind = 'customer'
     order by m.created_at desc, m.id desc limit 1)";

/// The ticket as it stands in the transaction, `body` standing for its message.
pub async fn facts(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    body: Option<&str>,
) -> sqlx::Result<Option<Facts>> {
    sqlx::query_as(&facts_query(
        &format!("coalesce($3, {LATEST_CUSTOMER_MESSAGE}, '')"),
        "tickets t where t.account_id = $1 and t.id = $2",
    ))
    .bind(account_id)
    .bind(ticket_id)
    .bind(body)
    .fetch_optional(conn)
    .await
}

/// The tickets `(account_id, id)` as they stand, in one statement; the customer's latest
/// message is read only `with_body` (else the body is empty).
pub async fn facts_of(
    conn: &mut PgConnection,
    tickets: &[(Uuid, Uuid)],
    with_body: bool,
) -> sqlx::Result<Vec<Facts>> {
    let (accounts, ids): (Vec<Uuid>, Vec<Uuid>) = tickets.iter().copied().unzip();
    sqlx::query_as(&facts_query(
        &format!("case when $3 then coalesce({LATEST_CUSTOMER_MESSAGE}, '') else '' end"),
        "unnest($1::uuid[], $2::uuid[]) as k (account_id, id)
         join tickets t on t.account_id = k.account_id and t.id = k.id",
    ))
    .bind(&accounts)
    .bind(&ids)
    .bind(with_body)
    .fetch_all(conn)
    .await
}

/// A ticket whose quiet period under a time rule ended: the rule, the ticket, and the
/// moment it ended (its last update plus the rule's hours).
#[derive(Debug, sqlx::FromRow)]
pub struct DueTicket {
    pub account_id: Uuid,
    pub rule_id: Uuid,
    pub ticket_id: Uuid,
    pub updated_at: OffsetDateTime,
    pub due_at: OffsetDateTime,
}

/// The enabled time rules of every workspace.
pub async fn count_time_rules(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from rules where enabled and event = 'hours_since_update'")
        .fetch_one(conn)
        .await
}

/// Tickets whose quiet period under a time rule ended after what the rule has looked at
/// and by now, the earliest first: up to `per_rule` of each rule, `limit` in all (so each
/// rule's are the first of its own). Each rule reads a range of `tickets_updated`, so a
/// pass costs what has come due, not the number of tickets.
pub async fn due_tickets(
    conn: &mut PgConnection,
    per_rule: i64,
    limit: i64,
) -> sqlx::Result<Vec<DueTicket>> {
    sqlx::query_as(
        "select r.account_id, r.id as rule_id, t.id as ticket_id, t.updated_at,
                t.updated_at + make_interval(hours => r.hours) as due_at
         from rules r
         cross join lateral (
             select t.id, t.updated_at from tickets t
             where t.account_id = r.account_id and t.status <> 'merged'
               and t.updated_at <= app_now() - make_interval(hours => r.hours)
               -- The range's start, for the index; the row comparison settles ties.
               and t.updated_at >= coalesce(r.checked_until - make_interval(hours => r.hours),
                                            '-infinity')
               and (r.checked_until is null
                    or (t.updated_at, t.id) > (r.checked_until - make_interval(hours => r.hours),
                                               r.checked_ticket))
             order by t.updated_at, t.id
             limit $1
         ) t
         where r.enabled and r.event = 'hours_since_update'
         order by due_at, t.id
         limit $2",
    )
    .bind(per_rule)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Locks the time rule for a ticket's turn, unless another process holds it, and says up
/// to where it has looked (the moment and the ticket).
pub async fn lock_time_rule(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<(Option<OffsetDateTime>, Option<Uuid>)>> {
    sqlx::query_as(
        "select checked_until, checked_ticket from rules
         where account_id = $1 and id = $2 and enabled and event = 'hours_since_update'
         for update skip locked",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn mark_checked(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    until: OffsetDateTime,
    ticket_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "update rules set checked_until = $3, checked_ticket = $4
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id)
    .bind(until)
    .bind(ticket_id)
    .execute(conn)
    .await
    .map(drop)
}

/// Locks the ticket (waiting at most for the statement an agent is running) and says when
/// it was last updated; `None` once it is gone.
pub async fn lock_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<OffsetDateTime>> {
    sqlx::query_scalar(
        "select updated_at from tickets where account_id = $1 and id = $2 and status <> 'merged'
         for update",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_optional(conn)
    .await
}

/// Puts back the ticket's last update: what a time rule did is not an update that starts
/// the hours again (else it would run again and again).
pub async fn keep_updated_at(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    updated_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query("update tickets set updated_at = $3 where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(ticket_id)
        .bind(updated_at)
        .execute(conn)
        .await
        .map(drop)
}
