//! Time rules: a ticket left alone for a rule's hours (no message, no change of its
//! status, properties or tags) is looked at once, when that time is up. Each rule keeps the
//! moment up to which it has looked, so that a pass reads only what has come due since
//! (an index range per rule), and a pass after a restart catches up on what it missed.
use std::collections::HashSet;

use sqlx::PgPool;
use uuid::Uuid;

use super::{db, engine};
use crate::{AppError, config::Config};

/// Looks at every ticket that has come due under a time rule, each in its own short
/// transaction (the ticket is locked only for it), and says on how many a rule acted. Any
/// number of processes may run it at once: a rule another one is working through is left
/// to that one.
pub async fn run_time_rules(pool: &PgPool, config: &Config) -> Result<usize, AppError> {
    const BATCH: i64 = 500;
    let mut acted = 0;
    loop {
        let due = db::due_tickets(&mut *pool.acquire().await?, BATCH).await?;
        // Rules another process holds: their later tickets are theirs too, for else this
        // one would mark a rule past a ticket that the other has not looked at yet.
        let mut elsewhere: HashSet<Uuid> = HashSet::new();
        let mut progressed = false;
        for item in &due {
            if elsewhere.contains(&item.rule_id) {
                continue;
            }
            let mut tx = pool.begin().await?;
            let Some(checked) = db::lock_time_rule(&mut tx, item.account_id, item.rule_id).await?
            else {
                elsewhere.insert(item.rule_id);
                continue;
            };
            if let (Some(until), Some(ticket)) = checked
                && (item.due_at, item.ticket_id) <= (until, ticket)
            {
                // Looked at meanwhile by another process.
                continue;
            }
            let still_quiet = db::lock_ticket(&mut tx, item.account_id, item.ticket_id).await?
                == Some(item.updated_at);
            if still_quiet
                && let Some(rule) = db::rule(&mut tx, item.account_id, item.rule_id).await?
                && engine::apply(
                    &mut tx,
                    config,
                    item.account_id,
                    item.ticket_id,
                    std::slice::from_ref(&rule),
                    None,
                )
                .await?
            {
                db::keep_updated_at(&mut tx, item.account_id, item.ticket_id, item.updated_at)
                    .await?;
                acted += 1;
            }
            // A ticket updated meanwhile comes due again later, from its new update.
            db::mark_checked(
                &mut tx,
                item.account_id,
                item.rule_id,
                item.due_at,
                item.ticket_id,
            )
            .await?;
            tx.commit().await?;
            progressed = true;
        }
        if !progressed {
            return Ok(acted);
        }
    }
}
