//! Lists that admins put in order (SLA policies, rules): the first that applies wins, so
//! the order is theirs to set, one step up or down at a time.
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::AppError;

/// A table of a workspace's ordered rows (`account_id`, `id`, `position`).
#[derive(Clone, Copy, Debug)]
pub enum Ordered {
    SlaPolicies,
    Rules,
}

impl Ordered {
    fn table(self) -> &'static str {
        match self {
            Self::SlaPolicies => "sla_policies",
            Self::Rules => "rules",
        }
    }
}

/// Locks the workspace's list for the rest of the transaction, so that changes of its
/// order do not cross.
pub async fn lock(conn: &mut PgConnection, list: Ordered, account_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended($1 || $2::text, 0))")
        .bind(list.table())
        .bind(account_id)
        .execute(conn)
        .await
        .map(drop)
}

/// The position after the last row, for a new one.
pub async fn next_position(
    conn: &mut PgConnection,
    list: Ordered,
    account_id: Uuid,
) -> sqlx::Result<i32> {
    sqlx::query_scalar(&format!(
        "select coalesce(max(position), 0) + 1 from {} where account_id = $1",
        list.table()
    ))
    .bind(account_id)
    .fetch_one(conn)
    .await
}

/// Swaps row `id` with its neighbour above (`up`) or below; at either end, nothing.
pub async fn move_row(
    conn: &mut PgConnection,
    list: Ordered,
    account_id: Uuid,
    id: Uuid,
    up: bool,
) -> sqlx::Result<()> {
    let table = list.table();
    let order: Vec<Uuid> = sqlx::query_scalar(&format!(
        "select id from {table} where account_id = $1 order by position, id"
    ))
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let Some(index) = order.iter().position(|other| *other == id) else {
        return Ok(());
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|next| *next < order.len())
    };
    let Some(other) = other else {
        return Ok(());
    };
    let mut reordered = order;
    reordered.swap(index, other);
    // Positions 1..n in the new order, which also mends any gaps.
    sqlx::query(&format!(
        "update {table} r set position = o.position
         from unnest($2::uuid[]) with ordinality as o(id, position)
         where r.account_id = $1 and r.id = o.id"
    ))
    .bind(account_id)
    .bind(&reordered)
    .execute(conn)
    .await
    .map(drop)
}

pub async fn delete_row(
    conn: &mut PgConnection,
    list: Ordered,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "delete from {} where account_id = $1 and id = $2",
        list.table()
    ))
    .bind(account_id)
    .bind(id)
    .execute(conn)
    .await
    .map(drop)
}

/// The form of a list's ↑ and ↓ buttons.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    direction: String,
}

impl MoveForm {
    /// Whether the row goes up (`up`) or down (`down`); no form of ours sends another.
    pub fn up(&self) -> Result<bool, AppError> {
        match self.direction.as_str() {
            "up" => Ok(true),
            "down" => Ok(false),
            _ => Err(AppError::BadRequest("input-choice-invalid")),
        }
    }
}
