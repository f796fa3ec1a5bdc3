//! Queries of the settings module.
use sqlx::PgConnection;
use uuid::Uuid;

pub async fn inbound_token(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        "select inbound_token from accounts where id = $1",
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn rename_company(
    conn: &mut PgConnection,
    account_id: Uuid,
    company: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set company = $2 where id = $1",
        account_id,
        company,
    )
    .execute(conn)
    .await?;
    Ok(())
}
