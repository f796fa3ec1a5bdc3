//! Queries of the settings module.
use sqlx::PgConnection;
use uuid::Uuid;

pub struct StoredSettings {
    pub inbound_token: String,
    pub support_address: Option<String>,
    /// Every agent must use two-factor login.
    pub require_2fa: bool,
}

pub async fn settings(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<StoredSettings> {
    sqlx::query_as!(
        StoredSettings,
        "select inbound_token, support_address, require_2fa from accounts where id = $1",
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
    require_2fa: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set company = $2, support_address = $3, require_2fa = $4 where id = $1",
        account_id,
        company,
        support_address,
        require_2fa,
    )
    .execute(conn)
    .await?;
    Ok(())
}
