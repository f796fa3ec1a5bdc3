//! Queries of the settings module.
use sqlx::PgConnection;
use uuid::Uuid;

pub struct StoredSettings {
    pub inbound_token: String,
    pub support_address: Option<String>,
}

pub async fn settings(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<StoredSettings> {
    sqlx::query_as!(
        StoredSettings,
        "select inbound_token, support_address from accounts where id = $1",
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn save(
    conn: &mut PgConnection,
    account_id: Uuid,
    company: &str,
    support_address: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set company = $2, support_address = $3 where id = $1",
        account_id,
        company,
        support_address,
    )
    .execute(conn)
    .await?;
    Ok(())
}
