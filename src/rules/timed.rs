//! Time rules: a ticket left alone for a rule's hours (no message, no change of its
//! status, properties or tags) is looked at once, when that time is up. Each rule keeps the
//! moment up to which it has looked, so that a pass reads only what has come due since
//! (an index range per rule), and a pass after a restart catches up on what it missed.
use std::collections::HashMap;

use futures_util::{FutureExt, StreamExt};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    Field,
    db::{self, DueTicket, Facts, Rule},
    engine,
};
use crate::{AppError, config::Config};

/// Tickets read per round of a pass, shared among the time rules (at least `MIN_PER_RULE`
/// each): the statement then reads about that many rows however many rules there are.
const ROUND: i64 = 5000;
const MIN_PER_RULE: i64 = 200;
/// Rules worked through at once, each on a connection of its own.
const PARALLEL_RULES: usize = 4;

/// Looks at every ticket that has come due under a time rule and says on how many a rule
/// acted. The conditions are read for a round of tickets at once, without locks (any
/// change that could make them hold is an update, after which the ticket comes due again);
/// each ticket whose conditions hold then gets its own short transaction that locks it,
/// reads it again and acts. Any number of processes may run it at once: a rule another one
/// is working through is left to that one.
pub async fn run_time_rules(pool: &PgPool, config: &Config) -> Result<usize, AppError> {
    let mut acted = 0;
    loop {
        let mut conn = pool.acquire().await?;
        let per_rule = (ROUND / db::count_time_rules(&mut conn).await?.max(1)).max(MIN_PER_RULE);
        let due = db::due_tickets(&mut conn, per_rule, ROUND).await?;
        if due.is_empty() {
            return Ok(acted);
        }
        let mut keys: Vec<(Uuid, Uuid)> = due.iter().map(|d| (d.account_id, d.rule_id)).collect();
        keys.sort_unstable();
        keys.dedup();
        let rules: HashMap<Uuid, Rule> = db::rules_by_id(&mut conn, &keys)
            .await?
            .into_iter()
            .map(|rule| (rule.id, rule))
            .collect();
        let with_body = rules.values().any(|rule| {
            rule.settings
                .conditions
                .iter()
                .any(|c| c.field == Field::Body)
        });
        let tickets: Vec<(Uuid, Uuid)> = due.iter().map(|d| (d.account_id, d.ticket_id)).collect();
        let facts: HashMap<Uuid, Facts> = db::facts_of(&mut conn, &tickets, with_body)
            .await?
            .into_iter()
            .map(|facts| (facts.id, facts))
            .collect();
        drop(conn);
        // Rules are independent of each other (each has its own mark and lock): a few run
        // at once, so that the database's cores share the work.
        let facts = &facts;
        let mut passes = Vec::new();
        for (rule_id, items) in by_rule(&due) {
            if let Some(rule) = rules.get(&rule_id) {
                let pass = RulePass { pool, config, rule };
                // Boxed, so that the spawned task's future stays `Send` for every lifetime.
                passes.push(async move { pass.run(&items, facts).await }.boxed());
            }
        }
        let mut running = futures_util::stream::iter(passes).buffer_unordered(PARALLEL_RULES);
        let mut progressed = false;
        while let Some(result) = running.next().await {
            let (rule_acted, rule_progressed) = result?;
            acted += rule_acted;
            progressed |= rule_progressed;
        }
        if !progressed {
            return Ok(acted);
        }
    }
}

/// The round's tickets of each rule, in the order they came due.
fn by_rule(due: &[DueTicket]) -> Vec<(Uuid, Vec<&DueTicket>)> {
    let mut rules: Vec<(Uuid, Vec<&DueTicket>)> = Vec::new();
    for item in due {
        match rules.iter_mut().find(|(id, _)| *id == item.rule_id) {
            Some((_, items)) => items.push(item),
            None => rules.push((item.rule_id, vec![item])),
        }
    }
    rules
}

/// One rule's share of a round.
struct RulePass<'a> {
    pool: &'a PgPool,
    config: &'a Config,
    rule: &'a Rule,
}

impl RulePass<'_> {
    /// Acts on the tickets whose conditions hold, one transaction each, then marks the rule
    /// past the last ticket looked at. Says on how many it acted, and whether it got on.
    async fn run(
        &self,
        items: &[&DueTicket],
        facts: &HashMap<Uuid, Facts>,
    ) -> Result<(usize, bool), AppError> {
        let (mut acted, mut progressed) = (0, false);
        let mut unmarked: Option<&DueTicket> = None;
        for item in items {
            let holds = facts.get(&item.ticket_id).is_some_and(|facts| {
                facts.updated_at == item.updated_at
                    && self
                        .rule
                        .settings
                        .conditions
                        .iter()
                        .all(|c| engine::holds(c, facts))
            });
            if !holds {
                unmarked = Some(item);
                continue;
            }
            match self.act(item).await? {
                // Another process is working through this rule: the rest is its own.
                None => return Ok((acted, progressed)),
                Some(done) => {
                    acted += usize::from(done);
                    progressed = true;
                    unmarked = None;
                }
            }
        }
        if let Some(last) = unmarked {
            let mut tx = self.pool.begin().await?;
            if self.lock(&mut tx, last).await? {
                db::mark_checked(
                    &mut tx,
                    last.account_id,
                    last.rule_id,
                    last.due_at,
                    last.ticket_id,
                )
                .await?;
                tx.commit().await?;
                progressed = true;
            }
        }
        Ok((acted, progressed))
    }

    /// Runs the rule on the ticket in its own transaction and marks the rule past it:
    /// whether the rule acted, or `None` when another process holds the rule.
    async fn act(&self, item: &DueTicket) -> Result<Option<bool>, AppError> {
        let mut tx = self.pool.begin().await?;
        let locked: &mut PgConnection = &mut tx;
        // What it does and the rule's mark commit together: a transaction lost in a crash
        // is done again by the next pass, so it need not wait for the disk.
        sqlx::query("set local synchronous_commit = off")
            .execute(&mut *locked)
            .await?;
        if !self.lock(locked, item).await? {
            return Ok(None);
        }
        let still_quiet = db::lock_ticket(locked, item.account_id, item.ticket_id).await?
            == Some(item.updated_at);
        let acted = still_quiet
            && engine::apply(
                locked,
                self.config,
                item.account_id,
                item.ticket_id,
                std::slice::from_ref(self.rule),
                None,
            )
            .await?;
        if acted {
            db::keep_updated_at(locked, item.account_id, item.ticket_id, item.updated_at).await?;
        }
        db::mark_checked(
            locked,
            item.account_id,
            item.rule_id,
            item.due_at,
            item.ticket_id,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(acted))
    }

    /// Locks the rule for this ticket's turn: false when another process holds it, or has
    /// looked past the ticket already.
    async fn lock(&self, conn: &mut PgConnection, item: &DueTicket) -> Result<bool, AppError> {
        let Some(checked) = db::lock_time_rule(conn, item.account_id, item.rule_id).await? else {
            return Ok(false);
        };
        Ok(match checked {
            (Some(until), Some(ticket)) => (item.due_at, item.ticket_id) > (until, ticket),
            _ => true,
        })
    }
}
