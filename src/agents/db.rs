//! Queries of agent rows.
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{auth::Role, i18n::Locale};

pub struct NewAgent<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub language: Locale,
}

pub async fn insert_agent(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent: &NewAgent<'_>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into agents (account_id, id, email, name, role, password_hash, language)
         values ($1, $2, $3, $4, $5, $6, $7)",
        account_id,
        id,
        agent.email,
        agent.name,
        agent.role.as_str(),
        agent.password_hash,
        agent.language.code(),
    )
    .execute(conn)
    .await?;
    Ok(id)
}
