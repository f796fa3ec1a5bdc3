//! Queries of the agent's own profile; each is of the logged-in agent in their workspace.
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Device, Theme};
use crate::{agents::Gender, i18n::Locale};

/// The profile as stored.
pub struct Profile {
    pub name: String,
    pub alias: Option<String>,
    pub gender: Gender,
    pub signature: String,
    pub theme: Theme,
    /// `None`: the workspace's default.
    pub language: Option<Locale>,
    pub device: Device,
    pub extension: String,
}

pub async fn profile(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Profile> {
    sqlx::query_as!(
        Profile,
        r#"select name, alias, gender as "gender: Gender", signature, theme as "theme: Theme",
                  language as "language: Locale", device as "device: Device", extension
           from agents where account_id = $1 and id = $2"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await
}

pub async fn save(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    profile: &Profile,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set name = $3, alias = $4, gender = $5, signature = $6, theme = $7,
                           language = $8, device = $9, extension = $10
         where account_id = $1 and id = $2",
        account_id,
        agent_id,
        profile.name,
        profile.alias,
        profile.gender as Gender,
        profile.signature,
        profile.theme as Theme,
        profile.language.map(Locale::code),
        profile.device as Device,
        profile.extension,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_photo(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    photo: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set photo = $3, photo_updated_at = case when $3::bytea is null
                                                             then null else app_now() end
         where account_id = $1 and id = $2",
        account_id,
        agent_id,
        photo,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The photo of an agent of the workspace (deleted agents' too: their messages stay).
pub async fn photo(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar!(
        "select photo from agents where account_id = $1 and id = $2",
        account_id,
        agent_id,
    )
    .fetch_optional(conn)
    .await?
    .flatten())
}
