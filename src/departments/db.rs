//! Queries of departments and their agents.
use sqlx::PgConnection;
use uuid::Uuid;

pub struct Department {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// Visitors may start chats with it.
    pub chat: bool,
}

pub struct ListedDepartment {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub agents: Vec<String>,
}

pub async fn list(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<ListedDepartment>> {
    sqlx::query_as!(
        ListedDepartment,
        r#"select d.id, d.name, d.description,
                  array(select a.name from department_agents da
                        join agents a on a.account_id = da.account_id and a.id = da.agent_id
                        where da.account_id = d.account_id and da.department_id = d.id
                          and a.deleted_at is null
                        order by lower(a.name)) as "agents!"
           from departments d where d.account_id = $1
           order by lower(d.name), d.id"#,
        account_id,
    )
    .fetch_all(conn)
    .await
}

/// The workspace's departments as choices: id and name.
pub async fn names(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from departments where account_id = $1 order by lower(name), id",
        account_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.name)).collect())
}

/// How many of `ids` are departments of the workspace, to refuse forged ones.
pub async fn count_existing(
    conn: &mut PgConnection,
    account_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from departments where account_id = $1 and id = any($2)"#,
        account_id,
        ids,
    )
    .fetch_one(conn)
    .await
}

/// A department picked in a form: none for an empty choice, else one of the workspace's.
pub async fn choice(
    conn: &mut PgConnection,
    account_id: Uuid,
    raw: &str,
) -> sqlx::Result<Result<Option<Uuid>, &'static str>> {
    if raw.is_empty() {
        return Ok(Ok(None));
    }
    let Ok(id) = raw.parse::<Uuid>() else {
        return Ok(Err("input-choice-invalid"));
    };
    Ok(if count_existing(conn, account_id, &[id]).await? == 1 {
        Ok(Some(id))
    } else {
        Err("input-choice-invalid")
    })
}

pub async fn count(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from departments where account_id = $1"#,
        account_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn find(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Department>> {
    sqlx::query_as!(
        Department,
        "select id, name, description, chat from departments where account_id = $1 and id = $2",
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// The department's agents (not deleted).
pub async fn agent_ids(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "select da.agent_id from department_agents da
         join agents a on a.account_id = da.account_id and a.id = da.agent_id
         where da.account_id = $1 and da.department_id = $2 and a.deleted_at is null",
        account_id,
        id,
    )
    .fetch_all(conn)
    .await
}

/// Inserts the department; a name already in use fails on `departments_name_key`.
pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    name: &str,
    description: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into departments (account_id, id, name, description) values ($1, $2, $3, $4)",
        account_id,
        id,
        name,
        description,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// How the department takes work: chats, and new tickets handed out in turn.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Routing {
    pub chat: bool,
    pub round_robin: bool,
    /// Most tickets still to do that round-robin gives one agent.
    pub max_open: Option<i32>,
}

pub async fn routing(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> sqlx::Result<Routing> {
    sqlx::query_as(
        "select chat, round_robin, max_open from departments where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id)
    .fetch_one(conn)
    .await
}

pub async fn set_routing(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    routing: Routing,
) -> sqlx::Result<()> {
    sqlx::query(
        "update departments set chat = $3, round_robin = $4, max_open = $5
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id)
    .bind(routing.chat)
    .bind(routing.round_robin)
    .bind(routing.max_open)
    .execute(conn)
    .await
    .map(drop)
}

/// The departments visitors may start chats with, by name.
pub async fn chat_names(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from departments where account_id = $1 and chat order by lower(name)",
        account_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.name)).collect())
}

pub async fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    name: &str,
    description: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update departments set name = $3, description = $4 where account_id = $1 and id = $2",
        account_id,
        id,
        name,
        description,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub fn is_name_taken(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .is_some_and(|constraint| constraint == "departments_name_key")
}

/// Makes `agents` the department's agents; they must be the workspace's.
pub async fn set_agents(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    agents: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from department_agents
         where account_id = $1 and department_id = $2 and agent_id <> all($3)",
        account_id,
        id,
        agents,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into department_agents (account_id, department_id, agent_id)
         select $1, $2, a from unnest($3::uuid[]) a
         on conflict do nothing",
        account_id,
        id,
        agents,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the department; its memberships go with it. Its tickets and messages stay,
/// without a department: set here, not by the foreign key, because Citus refuses
/// `on delete set null` on a key that includes `account_id`. Run it in a transaction.
pub async fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    for statement in [
        "update tickets set department_id = null where account_id = $1 and department_id = $2",
        "update messages set department_id = null where account_id = $1 and department_id = $2",
        "update canned_answers set department_id = null
         where account_id = $1 and department_id = $2",
        "update calls set department_id = null where account_id = $1 and department_id = $2",
        "update social_channels set department_id = null
         where account_id = $1 and department_id = $2",
    ] {
        sqlx::query(statement)
            .bind(account_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let deleted = sqlx::query!(
        "delete from departments where account_id = $1 and id = $2",
        account_id,
        id,
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// A department of an agent, and whether its chats and its calls reach them (its tickets
/// always do).
#[derive(Debug, sqlx::FromRow)]
pub struct Receiving {
    pub department_id: Uuid,
    pub name: String,
    pub chats: bool,
    pub calls: bool,
}

pub async fn receiving(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Vec<Receiving>> {
    sqlx::query_as(
        "select d.id as department_id, d.name, m.receives_chats as chats,
                m.receives_calls as calls
         from department_agents m
         join departments d on d.account_id = m.account_id and d.id = m.department_id
         where m.account_id = $1 and m.agent_id = $2
         order by lower(d.name)",
    )
    .bind(account_id)
    .bind(agent_id)
    .fetch_all(conn)
    .await
}

/// The agent receives the chats of the departments in `chats` and the calls of those in
/// `calls`, of all their departments; ids of others change nothing.
pub async fn set_receiving(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    chats: &[Uuid],
    calls: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query(
        "update department_agents
         set receives_chats = department_id = any($3), receives_calls = department_id = any($4)
         where account_id = $1 and agent_id = $2",
    )
    .bind(account_id)
    .bind(agent_id)
    .bind(chats)
    .bind(calls)
    .execute(conn)
    .await?;
    Ok(())
}
