//! `frontdesk citus-ddl`: every workspace table is distributed and every other one placed,
//! from the live schema; what Citus would refuse is refused; and no query of `src/` joins
//! workspace tables except on `account_id`, which is what lets Citus route it to one node.
use std::collections::BTreeSet;

use frontdesk::citus::{Placement, Plan, PlanError, plan};
use sqlx::PgPool;

use crate::harness::{rust_files, source_dir};

async fn plan_of(db: &PgPool) -> Result<Plan, PlanError> {
    plan(&mut db.acquire().await.unwrap()).await
}

/// Tables of the public and the sessions' schema, by the name `regclass` prints, split by
/// whether they have `account_id`.
async fn tables(db: &PgPool) -> (BTreeSet<String>, BTreeSet<String>) {
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "select format('%I.%I', table_schema, table_name)::regclass::text,
                bool_or(column_name = 'account_id')
         from information_schema.columns
         where table_schema in ('public', 'tower_sessions')
         group by table_schema, table_name",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let workspace = rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
    let global = rows.iter().filter(|r| !r.1).map(|r| r.0.clone()).collect();
    (workspace, global)
}

#[sqlx::test]
async fn citus_ddl_distributes_every_workspace_table_and_places_every_other(db: PgPool) {
    let plan = plan_of(&db).await.unwrap();
    let text = plan.to_string();
    let (workspace, global) = tables(&db).await;
    assert!(workspace.len() > 20, "{workspace:?}");
    for table in &workspace {
        let distributed = text.lines().any(|line| {
            line.starts_with(&format!(
                "select create_distributed_table('{table}', 'account_id'"
            ))
        });
        assert!(distributed, "{table} is not distributed:\n{text}");
    }
    for table in &global {
        let reference = format!("select create_reference_table('{table}');");
        let local = format!("-- local: {table}: ");
        assert!(
            text.lines()
                .any(|line| line == reference || line.starts_with(&local)),
            "{table} is neither a reference table nor left local with a reason:\n{text}"
        );
    }
    // Workspace tables point at accounts: it must be everywhere, and placed first.
    let statements = plan.statements();
    assert_eq!(statements[0], "begin;");
    let first = statements.iter().find(|s| s.starts_with("select create_"));
    assert_eq!(first.unwrap(), "select create_reference_table('accounts');");
    assert_eq!(statements.last().unwrap(), "commit;");
    // One co-location group: the first distributed table, the others with it.
    let (anchor, _) = plan
        .tables
        .iter()
        .find(|(_, p)| matches!(p, Placement::Distributed { .. }))
        .unwrap();
    for (table, placement) in &plan.tables {
        if let Placement::Distributed {
            colocate_with: Some(with),
        } = placement
        {
            assert_eq!(with, anchor, "{table}");
        }
    }
    // Each table after those its foreign keys point at.
    let position = |table: &str| {
        statements
            .iter()
            .position(|s| s.contains(&format!("('{table}'")))
    };
    for (child, parent) in [
        ("tickets", "departments"),
        ("messages", "tickets"),
        ("chat_lines", "chats"),
        ("chats", "tickets"),
        ("kb_revisions", "kb_articles"),
        ("invoice_lines", "invoices"),
    ] {
        assert!(
            position(parent) < position(child),
            "{parent} before {child}"
        );
    }
    for (table, reason) in [
        ("_sqlx_migrations", "migrations"),
        ("login_attempts", "no workspace table refers to it"),
        ("tower_sessions.session", "no workspace table refers to it"),
    ] {
        assert!(
            text.contains(&format!("-- local: {table}: ")) && text.contains(reason),
            "{table}:\n{text}"
        );
    }
    // The live panel's triggers are named, since Citus runs them on the workers.
    assert!(text.contains("set local citus.enable_unsafe_triggers to on;"));
    assert!(text.contains("-- warning: trigger agents_end_live_streams on agents"));
}

#[sqlx::test]
async fn citus_ddl_is_read_from_the_live_schema_so_a_new_table_is_not_forgotten(db: PgPool) {
    sqlx::raw_sql(
        "create table colours (id int primary key);
         create table widgets (
             account_id uuid not null references accounts (id),
             id uuid not null,
             colour int references colours (id),
             primary key (account_id, id));
         create table widget_parts (
             account_id uuid not null,
             widget_id uuid not null,
             part int not null,
             primary key (account_id, widget_id, part),
             foreign key (account_id, widget_id) references widgets (account_id, id));",
    )
    .execute(&db)
    .await
    .unwrap();
    let statements = plan_of(&db).await.unwrap().statements();
    let at = |line: &str| {
        statements
            .iter()
            .position(|s| s.starts_with(line))
            .unwrap_or_else(|| panic!("no {line}:\n{}", statements.join("\n")))
    };
    let widgets = at("select create_distributed_table('widgets', 'account_id', colocate_with => ");
    let parts =
        at("select create_distributed_table('widget_parts', 'account_id', colocate_with => ");
    let colours = at("select create_reference_table('colours');");
    assert!(colours < widgets && widgets < parts);
}

#[sqlx::test]
async fn citus_ddl_refuses_what_citus_cannot_distribute(db: PgPool) {
    for (table, problem) in [
        (
            "create table gadgets (id uuid primary key, account_id uuid not null references accounts (id))",
            "gadgets: its primary key (id) does not start with account_id",
        ),
        (
            "create table gadgets (account_id uuid not null, id uuid not null, code text unique,
                                   primary key (account_id, id))",
            "gadgets: unique key gadgets_code_key does not include account_id",
        ),
        (
            "create table gadgets (account_id uuid not null, id uuid not null, ticket_id uuid
                                   references tickets (id), primary key (account_id, id))",
            // Only a key that includes account_id can point at tickets at all.
            "",
        ),
        (
            "create table gadgets (account_id uuid not null, id uuid not null, department_id uuid,
                                   primary key (account_id, id),
                                   foreign key (account_id, department_id)
                                       references departments (account_id, id) on delete set null)",
            "gadgets: foreign key gadgets_account_id_department_id_fkey sets columns on delete",
        ),
        (
            "create table gadgets (id uuid primary key, agent_account uuid, agent_id uuid,
                                   foreign key (agent_account, agent_id) references agents (account_id, id))",
            "gadgets: foreign key gadgets_agent_account_agent_id_fkey points at the workspace table agents",
        ),
    ] {
        let mut tx = db.begin().await.unwrap();
        if sqlx::raw_sql(table).execute(&mut *tx).await.is_err() {
            assert_eq!(problem, "", "{table}");
            continue;
        }
        match plan(&mut tx).await {
            Err(PlanError::Unsuitable(problems)) => assert!(
                problems.iter().any(|p| p.starts_with(problem)),
                "{problems:?} lacks {problem}"
            ),
            other => panic!("{table} was not refused: {other:?}"),
        }
        tx.rollback().await.unwrap();
    }
}

/// Joins of `src/` that may leave `account_id` out, each with its reason.
const JOIN_EXCEPTIONS: &[(&str, &str)] = &[];

#[sqlx::test]
async fn citus_no_query_in_src_joins_workspace_tables_without_account_id(db: PgPool) {
    let plan = plan_of(&db).await.unwrap();
    let schema = Schema::of(&plan);
    let mut checked = 0;
    let mut offences = Vec::new();
    for file in rust_files(&source_dir()) {
        let code = std::fs::read_to_string(&file).unwrap();
        let name = file
            .strip_prefix(source_dir())
            .unwrap()
            .display()
            .to_string();
        for literal in string_literals(&code) {
            let sql = normalize(&literal);
            if !sql.contains("join ") && !sql.contains("from ") {
                continue;
            }
            checked += 1;
            for offence in schema.offences(&sql) {
                if !JOIN_EXCEPTIONS
                    .iter()
                    .any(|(fragment, _)| sql.contains(fragment))
                {
                    offences.push(format!("{name}: {offence}\n    in: {sql}"));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} SQL strings found");
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn citus_join_check_catches_joins_without_account_id() {
    let schema = Schema {
        workspace: ["tickets", "messages", "agents"].map(String::from).into(),
        local: ["login_attempts"].map(String::from).into(),
    };
    let good = [
        "select 1 from tickets t join messages m on m.account_id = t.account_id and m.ticket_id = t.id",
        "select 1 from tickets t join messages m on m.ticket_id = t.id and t.account_id = m.account_id",
        "select 1 from tickets t left join agents a on a.account_id = $1 and a.id = t.assignee_id",
        "select 1 from tickets t join messages m using (account_id, id)",
        "select 1 from agents a join accounts w on w.id = a.account_id",
        "select 1 from accounts w join agents a on a.account_id = w.id",
        "select 1 from messages m cross join lateral (select t.created_at from tickets t \
         where t.account_id = m.account_id and t.id = m.ticket_id) t",
        "select 1 from kb_articles, search_query($2, $5) q(query)",
    ];
    for sql in good {
        assert_eq!(
            Schema::offences(&schema, sql),
            Vec::<String>::new(),
            "{sql}"
        );
    }
    let bad = [
        "select 1 from tickets t join messages m on m.ticket_id = t.id",
        "select 1 from tickets t join messages m on m.ticket_id = t.id where m.account_id = $1",
        "select 1 from tickets t left join agents a on a.id = t.assignee_id and t.account_id = $1",
        "select 1 from tickets t join messages m using (id)",
        "select 1 from tickets t cross join messages m",
        "select 1 from tickets t, messages m where m.ticket_id = t.id",
        "select 1 from messages m cross join lateral (select t.created_at from tickets t \
         where t.id = m.ticket_id) t",
        "select 1 from login_attempts l join agents a on a.account_id = l.account_id",
    ];
    for sql in bad {
        assert_eq!(schema.offences(sql).len(), 1, "{sql}");
    }
    // What the source scan reads: string literals of Rust, raw or not, comments left out.
    let code = r###"let a = "from \"x\" join"; // "not this"
        let b = r#"select 1 from "t" join u on true"#; let c = '"'; fn f<'a>() {}
        /* "nor this" */ let d = "last";"###;
    assert_eq!(
        string_literals(code),
        [
            r#"from \"x\" join"#,
            r#"select 1 from "t" join u on true"#,
            "last"
        ]
    );
}

/// The tables as the plan places them.
struct Schema {
    workspace: BTreeSet<String>,
    local: BTreeSet<String>,
}

const CLAUSE_ENDS: &[&str] = &[
    "join",
    "left",
    "right",
    "inner",
    "full",
    "cross",
    "where",
    "group",
    "order",
    "limit",
    "union",
    "returning",
    "window",
    "having",
    "for",
    "on",
    "using",
    "as",
    "lateral",
    "natural",
    ";",
    ")",
    "(",
    ",",
];

impl Schema {
    fn of(plan: &Plan) -> Self {
        let named = |local: bool| {
            plan.tables
                .iter()
                .filter(|(_, p)| match p {
                    Placement::Distributed { .. } => !local,
                    Placement::Local { .. } => local,
                    Placement::Reference => false,
                })
                .map(|(t, _)| t.clone())
                .collect()
        };
        Self {
            workspace: named(false),
            local: named(true),
        }
    }

    fn is_workspace(&self, table: &str) -> bool {
        self.workspace.contains(table.trim_start_matches("public."))
    }

    /// What is wrong with the joins of one statement (lower case, one space apart).
    fn offences(&self, sql: &str) -> Vec<String> {
        let tokens = tokens(sql);
        let mut offences = Vec::new();
        let mut tables = Vec::new();
        for (at, token) in tokens.iter().enumerate() {
            let joined = token == "join";
            if !(joined || token == "from") {
                continue;
            }
            let Some(table) = tokens.get(at + 1) else {
                continue;
            };
            if table == "lateral" {
                if let Some(body) = parenthesized(&tokens, at + 2) {
                    let correlated = body.windows(3).any(|w| {
                        w[1] == "="
                            && [&w[0], &w[2]].iter().any(|t| t.ends_with("account_id"))
                            && [&w[0], &w[2]]
                                .iter()
                                .any(|t| t.starts_with('$') || t.ends_with(".account_id"))
                    });
                    let workspace = body
                        .windows(2)
                        .any(|w| w[0] == "from" && self.is_workspace(&w[1]));
                    if workspace && !correlated {
                        offences.push(
                            "a lateral subquery of a workspace table not correlated by account_id"
                                .into(),
                        );
                    }
                }
                continue;
            }
            if table == "(" {
                continue;
            }
            tables.push(table.clone());
            let mut next = at + 2;
            let mut alias = table.rsplit('.').next().unwrap_or(table).to_owned();
            if tokens.get(next).is_some_and(|t| t == "as") {
                next += 1;
            }
            if let Some(name) = tokens
                .get(next)
                .filter(|t| !CLAUSE_ENDS.contains(&t.as_str()))
            {
                alias.clone_from(name);
                next += 1;
            }
            if !joined {
                // A comma join: `from a x, b y`.
                if tokens.get(next).is_some_and(|t| t == ",")
                    && tokens.get(next + 1).is_some_and(|t| self.is_workspace(t))
                    && self.is_workspace(table)
                {
                    offences.push(format!(
                        "{table} and {} joined by a comma",
                        tokens[next + 1]
                    ));
                }
                continue;
            }
            if !self.is_workspace(table) {
                continue;
            }
            let ok = match tokens.get(next).map(String::as_str) {
                Some("using") => parenthesized(&tokens, next + 1)
                    .is_some_and(|columns| columns.iter().any(|c| c == "account_id")),
                Some("on") => {
                    let condition = condition(&tokens, next + 1);
                    let own = format!("{alias}.account_id");
                    condition.windows(3).any(|w| {
                        w[1] == "="
                            && ((w[0] == own && self.partner(&w[2], &alias, &tokens))
                                || (w[2] == own && self.partner(&w[0], &alias, &tokens)))
                    })
                }
                _ => false,
            };
            if !ok {
                offences.push(format!("{table} {alias} is joined without account_id"));
            }
        }
        let local: Vec<_> = tables.iter().filter(|t| self.local.contains(*t)).collect();
        if !local.is_empty() && tables.iter().any(|t| self.is_workspace(t)) {
            offences.push(format!(
                "the local table {} is joined with workspace tables",
                local[0]
            ));
        }
        offences
    }

    /// Whether `other` may stand beside `alias.account_id` in a join: another table's
    /// `account_id`, a parameter, or the `id` of a table that is not a workspace's (accounts).
    fn partner(&self, other: &str, alias: &str, tokens: &[String]) -> bool {
        if other.starts_with('$') {
            return true;
        }
        let Some((owner, column)) = other.split_once('.') else {
            return false;
        };
        if owner == alias {
            return false;
        }
        column == "account_id"
            || (column == "id"
                && tokens.windows(3).any(|w| {
                    (w[0] == "from" || w[0] == "join") && w[2] == owner && !self.is_workspace(&w[1])
                }))
    }
}

/// The tokens inside the parentheses that open at `at`.
fn parenthesized(tokens: &[String], at: usize) -> Option<&[String]> {
    if tokens.get(at).map(String::as_str) != Some("(") {
        return None;
    }
    let mut depth = 0;
    for (offset, token) in tokens[at..].iter().enumerate() {
        match token.as_str() {
            "(" => depth += 1,
            ")" if depth == 1 => return Some(&tokens[at + 1..at + offset]),
            ")" => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The tokens of a join condition: up to the next clause at its own depth.
fn condition(tokens: &[String], from: usize) -> &[String] {
    let mut depth = 0;
    for (offset, token) in tokens[from..].iter().enumerate() {
        match token.as_str() {
            "(" => depth += 1,
            ")" if depth == 0 => return &tokens[from..from + offset],
            ")" => depth -= 1,
            "join" | "left" | "right" | "inner" | "full" | "cross" | "where" | "group"
            | "order" | "limit" | "union" | "returning" | ";"
                if depth == 0 =>
            {
                return &tokens[from..from + offset];
            }
            _ => {}
        }
    }
    &tokens[from..]
}

/// Words (with their `alias.` prefix), `$n` parameters and punctuation.
fn tokens(sql: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in sql.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '.' | '$') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// Lower case, SQL comments left out, quoted names unquoted.
fn normalize(sql: &str) -> String {
    sql.lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\\\"", "")
        .replace('"', "")
        .to_lowercase()
}

/// The string literals of Rust source, raw ones included, as written (escapes kept).
fn string_literals(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut literals = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        let after_word = at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
        if c == '/' && chars.get(at + 1) == Some(&'/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && chars.get(at + 1) == Some(&'*') {
            at += 2;
            while at + 1 < chars.len() && !(chars[at] == '*' && chars[at + 1] == '/') {
                at += 1;
            }
            at += 2;
        } else if c == '\'' {
            // A char literal ('x', '\'', '"') or a lifetime ('a).
            if chars.get(at + 1) == Some(&'\\') {
                at += 2;
                while at < chars.len() && chars[at] != '\'' {
                    at += 1;
                }
                at += 1;
            } else if chars.get(at + 2) == Some(&'\'') {
                at += 3;
            } else {
                at += 1;
            }
        } else if c == 'r' && !after_word && matches!(chars.get(at + 1), Some('#' | '"')) {
            let hashes = chars[at + 1..].iter().take_while(|c| **c == '#').count();
            let open = at + 1 + hashes;
            if chars.get(open) != Some(&'"') {
                at += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let rest: String = chars[open + 1..].iter().collect();
            let end = rest.find(&close).unwrap_or(rest.len());
            literals.push(rest[..end].to_owned());
            at = open + 1 + rest[..end].chars().count() + close.chars().count();
        } else if c == '"' {
            let mut text = String::new();
            at += 1;
            while at < chars.len() && chars[at] != '"' {
                if chars[at] == '\\' {
                    text.push(chars[at]);
                    at += 1;
                }
                if let Some(c) = chars.get(at) {
                    text.push(*c);
                }
                at += 1;
            }
            literals.push(text);
            at += 1;
        } else {
            at += 1;
        }
    }
    literals
}
