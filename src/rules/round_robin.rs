//! Round-robin: a department hands tickets to its online agents in turn. Whose turn it was
//! is a row per department, locked while the next agent is chosen, so that two `serve`
//! processes hand out tickets one after the other and never twice in a row to one agent.
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    AppError,
    config::Config,
    tickets::{self, Changer, Channel},
};

/// The department's next agent after the last one given a ticket: agents of it who are
/// `online` (away and offline are skipped), receive the ticket's channel from it (chats
/// and calls can be switched off per department, tickets cannot) and, with a cap, hold
/// fewer tickets still to do than it. `None` when nobody is: the ticket stays with the
/// department.
pub async fn next_agent(
    conn: &mut PgConnection,
    account_id: Uuid,
    department_id: Uuid,
    channel: Channel,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query(
        "insert into round_robin_turns (account_id, department_id) values ($1, $2)
         on conflict do nothing",
    )
    .bind(account_id)
    .bind(department_id)
    .execute(&mut *conn)
    .await?;
    let last: Option<Uuid> = sqlx::query_scalar(
        "select last_agent_id from round_robin_turns
         where account_id = $1 and department_id = $2 for update",
    )
    .bind(account_id)
    .bind(department_id)
    .fetch_one(&mut *conn)
    .await?;
    let ready: Vec<Uuid> = sqlx::query_scalar(
        "select a.id from department_agents da
         join departments d on d.account_id = da.account_id and d.id = da.department_id
         join agents a on a.account_id = da.account_id and a.id = da.agent_id
         where da.account_id = $1 and da.department_id = $2
           and a.deleted_at is null and a.availability = 'online'
           and case $3 when 'chat' then da.receives_chats
                       when 'call' then da.receives_calls else true end
           and (d.max_open is null or d.max_open > (
                 select count(*) from tickets t
                 where t.account_id = a.account_id and t.assignee_id = a.id
                   and t.status in ('new', 'open', 'answered', 'postponed')))
         order by a.id",
    )
    .bind(account_id)
    .bind(department_id)
    .bind(channel.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let next = last
        .and_then(|last| ready.iter().find(|agent| **agent > last))
        .or(ready.first())
        .copied();
    if let Some(agent) = next {
        sqlx::query(
            "update round_robin_turns set last_agent_id = $3
             where account_id = $1 and department_id = $2",
        )
        .bind(account_id)
        .bind(department_id)
        .bind(agent)
        .execute(conn)
        .await?;
    }
    Ok(next)
}

/// A new ticket of a department that hands out its tickets in turn, and that nobody has
/// taken: it goes to the next agent, if anyone is there.
pub async fn assign_new(
    conn: &mut PgConnection,
    config: &Config,
    account_id: Uuid,
    ticket_id: Uuid,
) -> Result<(), AppError> {
    let department: Option<(Uuid, Channel)> = sqlx::query_as(
        "select t.department_id, t.channel from tickets t
         join departments d on d.account_id = t.account_id and d.id = t.department_id
         where t.account_id = $1 and t.id = $2 and t.assignee_id is null and d.round_robin",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((department, channel)) = department else {
        return Ok(());
    };
    let Some(agent) = next_agent(conn, account_id, department, channel).await? else {
        return Ok(());
    };
    let ticket = tickets::db::ticket_by_id(conn, account_id, ticket_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut properties = tickets::current_properties(&ticket);
    properties.assignee_id = Some(agent);
    tickets::record_changes(
        conn,
        config,
        Changer::Desk(account_id),
        &ticket,
        &properties,
    )
    .await
}
