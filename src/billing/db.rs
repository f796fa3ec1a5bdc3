//! Queries of the workspace's plan and seats.
use sqlx::PgConnection;
use uuid::Uuid;

use super::Plan;

pub async fn plan(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Plan> {
    sqlx::query_scalar!(
        r#"select plan as "plan: Plan" from accounts where id = $1"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn set_plan(conn: &mut PgConnection, account_id: Uuid, plan: Plan) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set plan = $2 where id = $1",
        account_id,
        plan as Plan
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every agent not deleted is a seat, pending invitations included.
pub async fn seats(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "seats!" from agents where account_id = $1 and deleted_at is null"#,
        account_id
    )
    .fetch_one(conn)
    .await
}
