//! Queries of canned answers. An agent sees their own and the workspace's shared ones;
//! nobody else's own.
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, sqlx::FromRow)]
pub struct CannedAnswer {
    pub id: Uuid,
    /// `None` for a shared answer.
    pub owner_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub department: Option<String>,
    pub title: String,
    pub body: String,
    pub uses: i32,
}

impl CannedAnswer {
    pub fn is_shared(&self) -> bool {
        self.owner_id.is_none()
    }
}

/// What a form saves.
pub struct Fields {
    /// `None` for a shared answer.
    pub owner_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub title: String,
    pub body: String,
}

const SELECT: &str = "select c.id, c.owner_id, c.department_id, d.name as department, c.title,
                             c.body, c.uses
                      from canned_answers c
                      left join departments d
                        on d.account_id = c.account_id and d.id = c.department_id
                      where c.account_id = $1 and (c.owner_id = $2 or c.owner_id is null)";

/// The answers `agent_id` may use, the most used first. With `department`, only those
/// for every department or for that one (a ticket's).
pub async fn visible(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    department: Option<Option<Uuid>>,
) -> sqlx::Result<Vec<CannedAnswer>> {
    let for_department = match department {
        None => "",
        Some(_) => " and (c.department_id is null or c.department_id = $3)",
    };
    sqlx::query_as(&format!(
        "{SELECT}{for_department} order by c.uses desc, lower(c.title), c.id"
    ))
    .bind(account_id)
    .bind(agent_id)
    .bind(department.flatten())
    .fetch_all(conn)
    .await
}

/// Answer `id` if `agent_id` may see it.
pub async fn find(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<CannedAnswer>> {
    sqlx::query_as(&format!("{SELECT} and c.id = $3"))
        .bind(account_id)
        .bind(agent_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    fields: &Fields,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into canned_answers (account_id, id, owner_id, department_id, title, body)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(account_id)
    .bind(id)
    .bind(fields.owner_id)
    .bind(fields.department_id)
    .bind(&fields.title)
    .bind(&fields.body)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn update(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    fields: &Fields,
) -> sqlx::Result<()> {
    sqlx::query(
        "update canned_answers
         set owner_id = $3, department_id = $4, title = $5, body = $6, updated_at = now()
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id)
    .bind(fields.owner_id)
    .bind(fields.department_id)
    .bind(&fields.title)
    .bind(&fields.body)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from canned_answers where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts one use of each of `ids` that `agent_id` may use; others are passed over.
pub async fn count_uses(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query(
        "update canned_answers set uses = uses + 1
         where account_id = $1 and (owner_id = $2 or owner_id is null) and id = any($3)",
    )
    .bind(account_id)
    .bind(agent_id)
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}
