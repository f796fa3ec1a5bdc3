//! Queries of agent rows and their departments.
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Gender;
use crate::{
    auth::Role,
    i18n::Locale,
    profile::{Avatar, Device},
};

pub struct NewAgent<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub alias: Option<&'a str>,
    pub gender: Gender,
    pub role: Role,
    pub password_hash: &'a str,
    /// `None`: the workspace's default.
    pub language: Option<Locale>,
    /// For an invitation: when its temporary password stops working.
    pub temporary_password_expires_at: Option<OffsetDateTime>,
    /// When the agent's seat starts counting (the application's clock).
    pub created_at: OffsetDateTime,
}

/// Inserts the agent; a taken email fails on `agents_email_key` (see `is_email_taken`).
pub async fn insert_agent(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent: &NewAgent<'_>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into agents (account_id, id, email, name, alias, gender, role, password_hash,
                             language, temporary_password_expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        account_id,
        id,
        agent.email,
        agent.name,
        agent.alias,
        agent.gender as Gender,
        agent.role as Role,
        agent.password_hash,
        agent.language.map(Locale::code),
        agent.temporary_password_expires_at,
        agent.created_at,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

pub fn is_email_taken(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .is_some_and(|constraint| constraint == "agents_email_key")
}

/// Serializes changes to the team of a workspace (agents, roles, departments) for the rest
/// of the transaction, so that two owners demoting each other at once cannot leave it
/// without an owner. `no key update` leaves inserts that refer to the account unblocked.
pub async fn lock_team(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "select id from accounts where id = $1 for no key update",
        account_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Makes `departments` the agent's departments; they must be the workspace's.
pub async fn set_departments(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    departments: &[Uuid],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from department_agents
         where account_id = $1 and agent_id = $2 and department_id <> all($3)",
        account_id,
        agent_id,
        departments,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into department_agents (account_id, department_id, agent_id)
         select $1, d, $2 from unnest($3::uuid[]) d
         on conflict do nothing",
        account_id,
        agent_id,
        departments,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What narrows the team list.
#[derive(Default)]
pub struct TeamFilter {
    pub role: Option<Role>,
    pub department: Option<Uuid>,
    /// Part of a name, alias or email.
    pub search: Option<String>,
}

pub struct ListedAgent {
    pub id: Uuid,
    pub name: String,
    pub alias: Option<String>,
    pub email: String,
    pub role: Role,
    pub invited: bool,
    /// Invited, and the temporary password no longer works.
    pub invitation_expired: bool,
    pub last_login_at: Option<OffsetDateTime>,
    pub departments: Vec<String>,
    pub photo_updated_at: Option<OffsetDateTime>,
    pub device: Device,
    pub extension: String,
}

impl ListedAgent {
    pub fn avatar(&self) -> Avatar {
        Avatar::new(self.id, &self.name, self.photo_updated_at)
    }
}

pub async fn team(
    db: &PgPool,
    account_id: Uuid,
    filter: &TeamFilter,
) -> sqlx::Result<Vec<ListedAgent>> {
    let pattern = filter.search.as_deref().map(like_pattern);
    sqlx::query_as!(
        ListedAgent,
        r#"select a.id, a.name, a.alias, a.email, a.role as "role: Role",
                  a.temporary_password_expires_at is not null as "invited!",
                  coalesce(a.temporary_password_expires_at <= app_now(), false)
                      as "invitation_expired!",
                  a.last_login_at,
                  array(select d.name from department_agents da
                        join departments d on d.account_id = da.account_id and d.id = da.department_id
                        where da.account_id = a.account_id and da.agent_id = a.id
                        order by lower(d.name)) as "departments!",
                  a.photo_updated_at, a.device as "device: Device", a.extension
           from agents a
           where a.account_id = $1 and a.deleted_at is null
             and ($2::text is null or a.role = $2)
             and ($3::uuid is null or exists (
                   select 1 from department_agents da
                   where da.account_id = a.account_id and da.agent_id = a.id
                     and da.department_id = $3))
             and ($4::text is null or a.name ilike $4 or a.email ilike $4 or a.alias ilike $4)
           order by lower(a.name), a.id"#,
        account_id,
        filter.role.map(Role::as_str),
        filter.department,
        pattern,
    )
    .fetch_all(db)
    .await
}

/// `%text%` for ILIKE, with the pattern's own special characters taken literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// An agent as the edit and delete pages need them.
pub struct TeamMember {
    pub id: Uuid,
    pub name: String,
    pub alias: Option<String>,
    pub email: String,
    pub role: Role,
    pub gender: Gender,
    pub language: Locale,
    pub invited: bool,
    pub invitation_expired: bool,
}

pub async fn member(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<TeamMember>> {
    sqlx::query_as!(
        TeamMember,
        r#"select a.id, a.name, a.alias, a.email, a.role as "role: Role",
                  a.gender as "gender: Gender",
                  coalesce(a.language, w.language) as "language!: Locale",
                  a.temporary_password_expires_at is not null as "invited!",
                  coalesce(a.temporary_password_expires_at <= app_now(), false)
                      as "invitation_expired!"
           from agents a join accounts w on w.id = a.account_id
           where a.account_id = $1 and a.id = $2 and a.deleted_at is null"#,
        account_id,
        id,
    )
    .fetch_optional(conn)
    .await
}

pub async fn department_ids(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "select department_id from department_agents where account_id = $1 and agent_id = $2",
        account_id,
        agent_id,
    )
    .fetch_all(conn)
    .await
}

pub async fn owners(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "owners!" from agents
           where account_id = $1 and role = 'owner' and deleted_at is null"#,
        account_id,
    )
    .fetch_one(conn)
    .await
}

pub struct MemberUpdate<'a> {
    pub name: &'a str,
    pub alias: Option<&'a str>,
    pub gender: Gender,
    pub role: Role,
}

pub async fn update_member(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    update: &MemberUpdate<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set name = $3, alias = $4, gender = $5, role = $6
         where account_id = $1 and id = $2 and deleted_at is null",
        account_id,
        id,
        update.name,
        update.alias,
        update.gender as Gender,
        update.role as Role,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the agent: the row stays for their messages' sake, their logins end, their
/// departments let go of them and their email is free again. Their seat counts until the
/// billing period holding `at` ends.
pub async fn delete_member(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set deleted_at = $3, temporary_password_expires_at = null
         where account_id = $1 and id = $2 and deleted_at is null",
        account_id,
        id,
        at,
    )
    .execute(&mut *conn)
    .await?;
    end_logins(&mut *conn, account_id, id).await?;
    // Their open tickets go back to the queue; closed ones keep their name.
    sqlx::query!(
        "update tickets set assignee_id = null
         where account_id = $1 and assignee_id = $2 and status not in ('resolved', 'spam')",
        account_id,
        id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from department_agents where account_id = $1 and agent_id = $2",
        account_id,
        id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A new temporary password for an invited agent; the old one and its sessions end.
pub async fn renew_invitation(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    password_hash: &str,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update agents set password_hash = $3, temporary_password_expires_at = $4
         where account_id = $1 and id = $2 and deleted_at is null",
        account_id,
        id,
        password_hash,
        expires_at,
    )
    .execute(&mut *conn)
    .await?;
    end_logins(conn, account_id, id).await
}

pub(super) async fn end_logins(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update logins set ended_at = app_now()
         where account_id = $1 and agent_id = $2 and ended_at is null",
        account_id,
        agent_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The workspace's agents as choices for a department's members.
pub async fn names(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "select id, name from agents where account_id = $1 and deleted_at is null
         order by lower(name), id",
        account_id,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.name)).collect())
}

/// How many of `ids` are agents of the workspace, to refuse forged ones.
pub async fn count_members(
    conn: &mut PgConnection,
    account_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from agents
           where account_id = $1 and id = any($2) and deleted_at is null"#,
        account_id,
        ids,
    )
    .fetch_one(conn)
    .await
}
