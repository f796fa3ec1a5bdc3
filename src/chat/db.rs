//! Queries of chats and their numbered lines. Every one is bounded by the workspace
//! (`account_id`); the visitor's come in by the workspace's slug and the chat's token.
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::ChatState;
use crate::{i18n::Locale, tickets::MessageKind};

/// A chat as its visitor's page and stream need it.
pub struct VisitorChat {
    pub account_id: Uuid,
    pub id: Uuid,
    pub number: i64,
    pub state: ChatState,
    pub customer_name: String,
    pub customer_email: String,
    pub created_at: OffsetDateTime,
    /// The workspace's wait before an unanswered chat offers to leave a message.
    pub wait_seconds: i32,
    /// Who accepted it, by the name customers see.
    pub agent: Option<String>,
    /// The workspace's language and time zone, in which the visitor reads the page.
    pub language: Locale,
    pub time_zone: String,
}

pub async fn by_token(
    conn: &mut PgConnection,
    workspace: &str,
    token: &str,
) -> sqlx::Result<Option<VisitorChat>> {
    sqlx::query_as!(
        VisitorChat,
        r#"select c.account_id, c.id, t.number, c.state as "state: ChatState",
                  t.customer_name, t.customer_email, c.created_at,
                  w.chat_wait_seconds as wait_seconds,
                  coalesce(a.alias, a.name) as agent,
                  w.language as "language: Locale", w.time_zone
           from chats c
           join accounts w on w.id = c.account_id
           join tickets t on t.account_id = c.account_id and t.id = c.id
           left join agents a on a.account_id = c.account_id and a.id = c.accepted_by
           where w.slug = $1 and c.visitor_token = $2"#,
        workspace,
        token,
    )
    .fetch_optional(conn)
    .await
}

/// The chat of ticket `id`, if the ticket is one.
pub async fn state(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<ChatState>> {
    sqlx::query_scalar!(
        r#"select state as "state: ChatState" from chats where account_id = $1 and id = $2"#,
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    visitor_token: &str,
    page_url: &str,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into chats (account_id, id, visitor_token, page_url, created_at)
         values ($1, $2, $3, $4, $5)",
        account_id,
        ticket_id,
        visitor_token,
        page_url,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Numbers message `message_id` as the chat's next line. The chat's row stays locked
/// until the caller commits, so lines commit in the order of their numbers.
pub async fn add_line(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<i64> {
    let line = sqlx::query_scalar!(
        "update chats set last_line = last_line + 1 where account_id = $1 and id = $2
         returning last_line",
        account_id,
        chat_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into chat_lines (account_id, id, chat_id, line) values ($1, $2, $3, $4)",
        account_id,
        message_id,
        chat_id,
        line,
    )
    .execute(conn)
    .await?;
    Ok(line)
}

/// One message of the chat as the visitor and the live pages show it.
#[derive(Debug, serde::Serialize)]
pub struct Line {
    pub line: i64,
    pub kind: MessageKind,
    /// The agent's alias or name; empty for the visitor.
    pub author: String,
    pub body: String,
    #[serde(skip)]
    pub created_at: OffsetDateTime,
}

/// The chat's lines after line `after`, oldest first, at most `limit`.
pub async fn lines_after(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<Line>> {
    sqlx::query_as!(
        Line,
        r#"select l.line, m.kind as "kind: MessageKind",
                  case when m.kind = 'customer' then ''
                       else coalesce(a.alias, a.name, m.author_name) end as "author!",
                  m.body_text as body, m.created_at
           from chat_lines l
           join messages m on m.account_id = l.account_id and m.id = l.id
           left join agents a on a.account_id = m.account_id and a.id = m.author_agent_id
           where l.account_id = $1 and l.chat_id = $2 and l.line > $3
           order by l.line
           limit $4"#,
        account_id,
        chat_id,
        after,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Gives the waiting chat to `agent_id`: one statement, so that of two agents (on any
/// `serve` process) exactly one gets it. `false` when it was not waiting any more.
pub async fn accept(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
    agent_id: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let accepted = sqlx::query_scalar!(
        "update chats set state = 'active', accepted_by = $3, accepted_at = $4
         where account_id = $1 and id = $2 and state = 'waiting'
         returning id",
        account_id,
        chat_id,
        agent_id,
        now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(accepted.is_some())
}

/// The name of whoever has the chat, and its state.
pub async fn holder(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
) -> sqlx::Result<(ChatState, Option<String>)> {
    let row = sqlx::query!(
        r#"select c.state as "state: ChatState", a.name as "name?"
           from chats c
           left join agents a on a.account_id = c.account_id and a.id = c.accepted_by
           where c.account_id = $1 and c.id = $2"#,
        account_id,
        chat_id,
    )
    .fetch_one(conn)
    .await?;
    Ok((row.state, row.name))
}

/// Ends a chat that is waiting or going on; `false` when it had ended already.
pub async fn end(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let ended = sqlx::query_scalar!(
        "update chats set state = 'ended', ended_at = $3
         where account_id = $1 and id = $2 and state in ('waiting', 'active')
         returning id",
        account_id,
        chat_id,
        now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(ended.is_some())
}

/// A chat in the agents' list.
pub struct OpenChat {
    pub number: i64,
    pub state: ChatState,
    pub customer_name: String,
    pub customer_email: String,
    pub subject: String,
    pub department: Option<String>,
    pub agent: Option<String>,
    pub page_url: String,
    pub created_at: OffsetDateTime,
}

/// Waiting and ongoing chats that the agent may see: of their departments, or of none
/// (admins and owners see all), oldest first.
pub async fn open_chats(
    conn: &mut PgConnection,
    viewer: &crate::tickets::db::Viewer,
) -> sqlx::Result<Vec<OpenChat>> {
    sqlx::query_as!(
        OpenChat,
        r#"select t.number, c.state as "state: ChatState", t.customer_name, t.customer_email,
                  t.subject, d.name as "department?", a.name as "agent?", c.page_url,
                  c.created_at
           from chats c
           join tickets t on t.account_id = c.account_id and t.id = c.id
           left join departments d on d.account_id = t.account_id and d.id = t.department_id
           left join agents a on a.account_id = c.account_id and a.id = c.accepted_by
           where c.account_id = $1 and c.state in ('waiting', 'active')
             and ($2 or t.department_id is null or exists (
                   select 1 from department_agents da
                   where da.account_id = t.account_id and da.department_id = t.department_id
                     and da.agent_id = $3))
           order by c.created_at, c.id
           limit 200"#,
        viewer.account_id,
        viewer.sees_all,
        viewer.agent_id,
    )
    .fetch_all(conn)
    .await
}

/// Sets the agent's availability.
pub async fn set_availability(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    availability: super::Availability,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set availability = $3 where account_id = $1 and id = $2",
        account_id,
        agent_id,
        availability as super::Availability,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn availability(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<super::Availability> {
    sqlx::query_scalar!(
        r#"select availability as "availability: super::Availability" from agents
           where account_id = $1 and id = $2"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

/// A waiting chat whose wait has passed becomes an email ticket: `false` when it was not
/// waiting any more (an agent took it meanwhile).
pub async fn miss(
    conn: &mut PgConnection,
    account_id: Uuid,
    chat_id: Uuid,
    email: &str,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let missed = sqlx::query_scalar!(
        "update chats set state = 'missed', ended_at = $3
         where account_id = $1 and id = $2 and state = 'waiting'
         returning id",
        account_id,
        chat_id,
        now,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if missed.is_none() {
        return Ok(false);
    }
    sqlx::query!(
        "update tickets set channel = 'email', customer_email = $3
         where account_id = $1 and id = $2",
        account_id,
        chat_id,
        email,
    )
    .execute(conn)
    .await?;
    Ok(true)
}
