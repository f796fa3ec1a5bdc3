//! Queries of the settings module.
use sqlx::PgConnection;
use uuid::Uuid;

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
