//! Moving to Citus: `frontdesk citus-ddl` reads the live schema and prints the statements
//! that distribute every workspace table by `account_id`, co-located, and make the global
//! tables that they refer to reference tables. It is derived from the catalog, not from a
//! list, so that a new table cannot be forgotten; what Citus would refuse is reported
//! instead of printed.
use std::{collections::BTreeMap, fmt};

use sqlx::PgConnection;

/// The column every workspace table is distributed by.
pub const DISTRIBUTION_COLUMN: &str = "account_id";

/// Where one table goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Copied to every node: global tables that workspace tables refer to.
    Reference,
    /// Sharded by `account_id`, co-located with `colocate_with` (`None`: the first one,
    /// which the others are co-located with).
    Distributed { colocate_with: Option<String> },
    /// Stays an ordinary table on the coordinator, for the reason given.
    Local { reason: String },
}

/// The placement of every table, in the order the statements must run: reference tables
/// first, then the distributed ones, each after the tables its foreign keys point at.
#[derive(Debug)]
pub struct Plan {
    pub tables: Vec<(String, Placement)>,
    /// Triggers on distributed tables: Citus runs them on the worker that holds the row.
    pub triggers: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the schema cannot be distributed by account_id:\n  {}", .0.join("\n  "))]
    Unsuitable(Vec<String>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One table as the catalog describes it.
#[derive(Debug, Default)]
struct Table {
    has_account_id: bool,
    primary_key: Vec<String>,
    /// Unique indexes (and exclusion constraints) other than the primary key.
    unique_keys: Vec<(String, bool)>,
    foreign_keys: Vec<ForeignKey>,
}

#[derive(Debug)]
struct ForeignKey {
    name: String,
    target: String,
    /// (column here, column there), in the key's order.
    pairs: Vec<(String, String)>,
    /// `on delete set null` or `set default`.
    sets_on_delete: bool,
}

#[derive(sqlx::FromRow)]
struct ForeignKeyRow {
    table: String,
    name: String,
    target: String,
    here: Vec<String>,
    there: Vec<String>,
    sets_on_delete: bool,
}

/// Reads the live schema and places every table; the migration bookkeeping stays local.
pub async fn plan(conn: &mut PgConnection) -> Result<Plan, PlanError> {
    let tables = read_schema(&mut *conn).await?;
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "select t.tgrelid::regclass::text, t.tgname::text from pg_trigger t
         where not t.tgisinternal and t.tgrelid = any($1::regclass[])
         order by 1, 2",
    )
    .bind(tables.keys().cloned().collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    let mut plan = place(&tables)?;
    plan.triggers = triggers
        .into_iter()
        .filter(|(table, _)| tables.get(table).is_some_and(|t| t.has_account_id))
        .map(|(table, trigger)| format!("{trigger} on {table}"))
        .collect();
    Ok(plan)
}

/// Every ordinary table of the database that no extension owns, by its name as
/// `regclass` prints it (schema-qualified outside the search path).
async fn read_schema(conn: &mut PgConnection) -> sqlx::Result<BTreeMap<String, Table>> {
    let names: Vec<(String, bool)> = sqlx::query_as(
        "select c.oid::regclass::text,
                exists (select 1 from pg_attribute a where a.attrelid = c.oid
                        and a.attname = $1 and a.attnum > 0 and not a.attisdropped)
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and not c.relispartition
           and n.nspname not in ('pg_catalog', 'information_schema')
           and n.nspname not like 'pg\\_%'
           and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                           and d.objid = c.oid and d.deptype = 'e')",
    )
    .bind(DISTRIBUTION_COLUMN)
    .fetch_all(&mut *conn)
    .await?;
    let mut tables: BTreeMap<String, Table> = names
        .into_iter()
        .map(|(name, has_account_id)| {
            let table = Table {
                has_account_id,
                ..Table::default()
            };
            (name, table)
        })
        .collect();

    let keys: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(
        "select i.indrelid::regclass::text, i.indexrelid::regclass::text, i.indisprimary,
                array(select coalesce(a.attname::text, '(expression)')
                      from unnest(i.indkey::int2[]) with ordinality k(attnum, position)
                      left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                      order by k.position)
         from pg_index i
         where (i.indisunique or i.indisexclusion) and i.indrelid = any($1::regclass[])",
    )
    .bind(tables.keys().cloned().collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    for (table, index, primary, columns) in keys {
        let Some(table) = tables.get_mut(&table) else {
            continue;
        };
        if primary {
            table.primary_key = columns;
        } else {
            let includes = columns.iter().any(|c| c == DISTRIBUTION_COLUMN);
            table.unique_keys.push((index, includes));
        }
    }

    let foreign_keys: Vec<ForeignKeyRow> = sqlx::query_as(
        "select c.conrelid::regclass::text as table, c.conname::text as name,
                    c.confrelid::regclass::text as target,
                    array(select a.attname::text from unnest(c.conkey) with ordinality k(n, p)
                          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n
                          order by k.p) as here,
                    array(select a.attname::text from unnest(c.confkey) with ordinality k(n, p)
                          join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n
                          order by k.p) as there,
                    c.confdeltype in ('n', 'd') as sets_on_delete
             from pg_constraint c
             where c.contype = 'f' and c.conrelid = any($1::regclass[])
             order by 1, 2",
    )
    .bind(tables.keys().cloned().collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?;
    for key in foreign_keys {
        if let Some(table) = tables.get_mut(&key.table) {
            table.foreign_keys.push(ForeignKey {
                name: key.name,
                target: key.target,
                pairs: key.here.into_iter().zip(key.there).collect(),
                sets_on_delete: key.sets_on_delete,
            });
        }
    }
    Ok(tables)
}

/// sqlx's record of applied migrations: the command that migrates runs on the coordinator.
const BOOKKEEPING: &str = "_sqlx_migrations";

fn place(tables: &BTreeMap<String, Table>) -> Result<Plan, PlanError> {
    let workspace = |name: &str| tables.get(name).is_some_and(|t| t.has_account_id);
    let mut problems = Vec::new();
    for (name, table) in tables.iter().filter(|(_, t)| t.has_account_id) {
        if table.primary_key.first().map(String::as_str) != Some(DISTRIBUTION_COLUMN) {
            problems.push(format!(
                "{name}: its primary key ({}) does not start with account_id",
                table.primary_key.join(", ")
            ));
        }
        for (index, includes) in &table.unique_keys {
            if !includes {
                problems.push(format!(
                    "{name}: unique key {index} does not include account_id"
                ));
            }
        }
        for key in &table.foreign_keys {
            if !workspace(&key.target) {
                continue;
            }
            let paired = key
                .pairs
                .iter()
                .any(|(here, there)| here == DISTRIBUTION_COLUMN && there == DISTRIBUTION_COLUMN);
            if !paired {
                problems.push(format!(
                    "{name}: foreign key {} to {} does not pair account_id with account_id",
                    key.name, key.target
                ));
            } else if key.sets_on_delete {
                problems.push(format!(
                    "{name}: foreign key {} sets columns on delete, which Citus refuses on a key that includes account_id",
                    key.name
                ));
            }
        }
    }

    // Global tables that a workspace table (or another such global table) points at must
    // be on every node; the others stay on the coordinator.
    let mut reference: Vec<String> = Vec::new();
    let mut pending: Vec<&str> = tables
        .values()
        .filter(|t| t.has_account_id)
        .flat_map(|t| t.foreign_keys.iter().map(|k| k.target.as_str()))
        .collect();
    while let Some(target) = pending.pop() {
        if workspace(target) || reference.iter().any(|r| r == target) {
            continue;
        }
        reference.push(target.to_owned());
        if let Some(table) = tables.get(target) {
            pending.extend(table.foreign_keys.iter().map(|k| k.target.as_str()));
        }
    }
    for (name, table) in tables.iter().filter(|(_, t)| !t.has_account_id) {
        for key in table.foreign_keys.iter().filter(|k| workspace(&k.target)) {
            problems.push(format!(
                "{name}: foreign key {} points at the workspace table {}, but {name} has no account_id",
                key.name, key.target
            ));
        }
    }
    if !problems.is_empty() {
        return Err(PlanError::Unsuitable(problems));
    }

    let mut placed = Vec::new();
    for name in in_key_order(tables, |name| reference.iter().any(|r| r == name)) {
        placed.push((name, Placement::Reference));
    }
    let mut anchor: Option<String> = None;
    for name in in_key_order(tables, workspace) {
        let colocate_with = anchor.clone();
        anchor.get_or_insert_with(|| name.clone());
        placed.push((name, Placement::Distributed { colocate_with }));
    }
    for name in tables.keys() {
        if workspace(name) || reference.contains(name) {
            continue;
        }
        let reason = if name == BOOKKEEPING {
            "sqlx's record of applied migrations; `frontdesk migrate` runs on the coordinator"
        } else {
            "no workspace table refers to it and no query joins it with one; \
             every query of it goes to the coordinator, and a reference table would make each write a transaction on every node"
        };
        placed.push((
            name.clone(),
            Placement::Local {
                reason: reason.to_owned(),
            },
        ));
    }
    Ok(Plan {
        tables: placed,
        triggers: Vec::new(),
    })
}

/// The tables that `chosen` selects, each after those its foreign keys point at (among the
/// chosen), by name where the keys leave the order free.
fn in_key_order(tables: &BTreeMap<String, Table>, chosen: impl Fn(&str) -> bool) -> Vec<String> {
    let mut left: Vec<&String> = tables.keys().filter(|name| chosen(name)).collect();
    let mut ordered: Vec<String> = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|name| {
                tables[*name].foreign_keys.iter().all(|key| {
                    &key.target == *name || !chosen(&key.target) || ordered.contains(&key.target)
                })
            })
            // A cycle of foreign keys: Citus takes them in any order within a transaction.
            .unwrap_or(0);
        ordered.push(left.remove(ready).clone());
    }
    ordered
}

impl Plan {
    /// The statements to run on the coordinator, one per line, in one transaction.
    pub fn statements(&self) -> Vec<String> {
        let mut lines = vec![
            "begin;".to_owned(),
            // Distributing a table with a foreign key to a reference table in a
            // transaction requires it (Citus says so and refuses otherwise).
            "set local citus.multi_shard_modify_mode to 'sequential';".to_owned(),
        ];
        if !self.triggers.is_empty() {
            lines.push("set local citus.enable_unsafe_triggers to on;".to_owned());
        }
        for (table, placement) in &self.tables {
            match placement {
                Placement::Reference => {
                    lines.push(format!(
                        "select create_reference_table({});",
                        literal(table)
                    ));
                }
                Placement::Distributed { colocate_with } => lines.push(match colocate_with {
                    None => format!(
                        "select create_distributed_table({}, {});",
                        literal(table),
                        literal(DISTRIBUTION_COLUMN)
                    ),
                    Some(anchor) => format!(
                        "select create_distributed_table({}, {}, colocate_with => {});",
                        literal(table),
                        literal(DISTRIBUTION_COLUMN),
                        literal(anchor)
                    ),
                }),
                Placement::Local { .. } => {}
            }
        }
        lines.push("commit;".to_owned());
        lines
    }
}

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "-- Frontdesk on Citus, from the live schema: run on the coordinator after\n\
             -- `create extension citus` and adding the workers."
        )?;
        for (table, placement) in &self.tables {
            if let Placement::Local { reason } = placement {
                writeln!(f, "-- local: {table}: {reason}")?;
            }
        }
        for trigger in &self.triggers {
            writeln!(
                f,
                "-- warning: trigger {trigger} will run on the worker that holds the row; \
                 a pg_notify there does not reach the `serve` processes listening on the coordinator"
            )?;
        }
        for statement in self.statements() {
            writeln!(f, "{statement}")?;
        }
        Ok(())
    }
}
