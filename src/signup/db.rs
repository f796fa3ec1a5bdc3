//! Queries of the signup module.
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::forms::NewWorkspace;
use crate::{
    agents::{self, Gender, db::NewAgent},
    auth::Role,
    i18n::Locale,
};

pub struct CreatedWorkspace {
    pub account_id: Uuid,
    pub owner_id: Uuid,
}

pub async fn slug_taken(conn: &mut PgConnection, slug: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from accounts where slug = $1) as "taken!""#,
        slug,
    )
    .fetch_one(conn)
    .await
}

/// A workspace on the free plan, with nobody in it yet, speaking `language` by default.
/// Its billing periods run monthly from `created_at`.
pub async fn insert_account(
    conn: &mut PgConnection,
    slug: &str,
    company: &str,
    language: Locale,
    created_at: OffsetDateTime,
) -> sqlx::Result<Uuid> {
    let account_id = Uuid::now_v7();
    sqlx::query!(
        "insert into accounts (id, slug, company, language, created_at)
         values ($1, $2, $3, $4, $5)",
        account_id,
        slug,
        company,
        language.code(),
        created_at,
    )
    .execute(conn)
    .await?;
    Ok(account_id)
}

pub async fn create_workspace(
    conn: &mut PgConnection,
    workspace: &NewWorkspace,
    password_hash: &str,
    language: Locale,
    created_at: OffsetDateTime,
) -> sqlx::Result<CreatedWorkspace> {
    let account_id = insert_account(
        conn,
        workspace.slug.as_str(),
        &workspace.company,
        language,
        created_at,
    )
    .await?;
    let owner_id = agents::db::insert_agent(
        conn,
        account_id,
        &NewAgent {
            email: workspace.owner_email.as_str(),
            name: &workspace.owner_name,
            alias: None,
            gender: Gender::Unspecified,
            role: Role::Owner,
            password_hash,
            // The owner reads the workspace's default, the language they signed up in.
            language: None,
            temporary_password_expires_at: None,
            created_at,
        },
    )
    .await?;
    Ok(CreatedWorkspace {
        account_id,
        owner_id,
    })
}

pub fn is_slug_conflict(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .is_some_and(|constraint| constraint == "accounts_slug_key")
}
