//! Queries of the settings module.
use sqlx::PgPool;
use uuid::Uuid;

pub async fn rename_company(db: &PgPool, account_id: Uuid, company: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set company = $2 where id = $1",
        account_id,
        company,
    )
    .execute(db)
    .await?;
    Ok(())
}
