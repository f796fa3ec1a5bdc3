//! Queries of the settings module.
use sqlx::PgConnection;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::i18n::Locale;

pub struct StoredSettings {
    pub inbound_token: String,
    pub support_address: Option<String>,
    /// Every agent must use two-factor login.
    pub require_2fa: bool,
    pub time_zone: String,
}

pub async fn settings(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<StoredSettings> {
    sqlx::query_as!(
        StoredSettings,
        "select inbound_token, support_address, require_2fa, time_zone from accounts where id = $1",
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
    time_zone: Option<&str>,
    language: Option<Locale>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set company = $2, support_address = $3, require_2fa = $4,
                             time_zone = coalesce($5, time_zone), language = coalesce($6, language)
         where id = $1",
        account_id,
        company,
        support_address,
        require_2fa,
        time_zone,
        language.map(Locale::code),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The IANA names of the time zones PostgreSQL knows (the `posix/` and `right/` copies
/// left out), read once per process: the list is slow to read and never changes while the
/// server runs.
pub async fn zone_names(conn: &mut PgConnection) -> sqlx::Result<&'static [String]> {
    static ZONES: OnceCell<Vec<String>> = OnceCell::const_new();
    let zones = ZONES
        .get_or_try_init(|| {
            sqlx::query_scalar!(
                r#"select name as "name!" from pg_timezone_names
                   where name !~ '^(posix|right)/' and name ~ '^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$'
                   order by name"#
            )
            .fetch_all(conn)
        })
        .await?;
    Ok(zones)
}
