//! `frontdesk seed`: a demo workspace on the small plan with an owner, an admin, two agents,
//! two departments, three tickets and a few knowledge-base articles, created once with the same queries the panel uses.
//! Their generated passwords are printed and kept in `var/demo-logins.txt` (git-ignored),
//! so that later runs can print them again.
use std::path::Path;

use anyhow::Context;
use sqlx::{ConnectOptions, Executor, PgPool, postgres::PgPoolOptions};
use time::OffsetDateTime;

use crate::{
    agents::{self, Gender, db::NewAgent},
    auth::{Role, password},
    billing::{self, Plan},
    config::Config,
    crypto, departments,
    i18n::Locale,
    kb, signup,
    tickets::{self, Channel, IssueType, Status},
};

const SLUG: &str = "demo";
const LOGINS_FILE: &str = "var/demo-logins.txt";
const DEPARTMENTS: [(&str, &str); 2] = [
    ("Support", "Questions about using the product."),
    ("Billing", "Invoices, refunds and plan changes."),
];
/// A ticket of the demo, as a customer would have written it in.
struct DemoTicket {
    customer: &'static str,
    email: &'static str,
    subject: &'static str,
    issue_type: IssueType,
    /// An index into `DEPARTMENTS`.
    department: Option<usize>,
    message: &'static str,
}

const TICKETS: [DemoTicket; 3] = [
    DemoTicket {
        customer: "Carla Customer",
        email: "carla@customer.example",
        subject: "Refund for order 1042",
        issue_type: IssueType::Refund,
        department: Some(1),
        message: "Hello, I returned the item two weeks ago and have not seen a refund yet. Could you check?",
    },
    DemoTicket {
        customer: "Dan Developer",
        email: "dan@customer.example",
        subject: "Export to CSV fails",
        issue_type: IssueType::Bug,
        department: Some(0),
        message: "Exporting my report to CSV gives an empty file since yesterday.",
    },
    DemoTicket {
        customer: "Erin Example",
        email: "erin@customer.example",
        subject: "Dark mode?",
        issue_type: IssueType::Feature,
        department: None,
        message: "Do you plan a dark mode? My team works late.",
    },
];
/// Name, email, role and the departments (indexes into `DEPARTMENTS`) of each person.
const PEOPLE: [(&str, &str, Role, &[usize]); 4] = [
    ("Olivia Owner", "owner@demo.example", Role::Owner, &[]),
    ("Adam Admin", "admin@demo.example", Role::Admin, &[0, 1]),
    ("Alice Agent", "alice@demo.example", Role::Agent, &[0]),
    ("Bob Agent", "bob@demo.example", Role::Agent, &[1]),
];

pub async fn seed_demo(db: &PgPool, config: &Config) -> anyhow::Result<()> {
    if signup::db::slug_taken(&mut *db.acquire().await?, SLUG).await? {
        match std::fs::read_to_string(LOGINS_FILE) {
            Ok(logins) => println!("The demo workspace exists already.\n{logins}"),
            Err(_) => println!(
                "The demo workspace exists already; its passwords were printed when it was created."
            ),
        }
        return Ok(());
    }

    let mut tx = db.begin().await?;
    // The team starts with the workspace: seats at the start of its first period.
    let created_at = OffsetDateTime::now_utc();
    let account_id =
        signup::db::insert_account(&mut tx, SLUG, "Demo Company", Locale::En, created_at).await?;
    billing::db::set_plan(&mut tx, account_id, Plan::Small).await?;
    let mut department_ids = Vec::new();
    for (name, description) in DEPARTMENTS {
        department_ids.push(departments::db::insert(&mut tx, account_id, name, description).await?);
    }
    let mut logins = format!(
        "Log in at {} with workspace `{SLUG}` and one of:\n",
        config.link(&format!("/login?workspace={SLUG}"))
    );
    let mut owner_id = None;
    for (name, email, role, departments) in PEOPLE {
        let generated = crypto::generated_password();
        let hash = password::hash(&generated).await?;
        let agent = NewAgent {
            email,
            name,
            alias: None,
            gender: Gender::Unspecified,
            role,
            password_hash: &hash,
            language: None,
            temporary_password_expires_at: None,
            created_at,
        };
        let agent_id = agents::db::insert_agent(&mut tx, account_id, &agent).await?;
        owner_id = owner_id.or((role == Role::Owner).then_some(agent_id));
        let departments: Vec<_> = departments.iter().map(|&i| department_ids[i]).collect();
        agents::db::set_departments(&mut tx, account_id, agent_id, &departments).await?;
        logins.push_str(&format!(
            "  {:<6} {email:<22} password {generated}\n",
            role.as_str()
        ));
    }
    for demo in TICKETS {
        let ticket = tickets::db::insert_ticket(
            &mut tx,
            account_id,
            &tickets::db::NewTicket {
                subject: demo.subject,
                customer_name: demo.customer,
                customer_email: demo.email,
                channel: Channel::Form,
                status: Status::New,
                issue_type: demo.issue_type,
                department_id: demo.department.map(|i| department_ids[i]),
                assignee_id: None,
            },
        )
        .await?;
        let customer = tickets::db::NewMessage::customer(demo.customer, demo.message);
        tickets::add_customer_message(&mut tx, account_id, ticket.id, &customer).await?;
    }
    let owner_id = owner_id.context("the demo has an owner")?;
    kb::demo::seed(&mut tx, account_id, owner_id, created_at).await?;
    tx.commit().await?;

    // Printed first: should the file fail, the passwords are still on the screen.
    println!("Created the demo workspace.\n{logins}");
    if let Some(dir) = Path::new(LOGINS_FILE).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(LOGINS_FILE, &logins).with_context(|| format!("writing {LOGINS_FILE}"))?;
    Ok(())
}

/// The password of every agent of the load-test workspaces.
pub const LOAD_PASSWORD: &str = "load-test-password";
/// Tickets created per transaction: large enough for set-based SQL to pay off, small enough
/// that an interrupted run loses little and progress shows.
const LOAD_BATCH_TICKETS: u32 = 25_000;

/// The slug of load-test workspace `n` (1-based): `load-0001`.
pub fn load_slug(n: u32) -> String {
    format!("load-{n:04}")
}

/// `frontdesk seed --workspaces N --tickets M`: N workspaces `load-0001`... on the medium
/// plan, each with an owner, an admin and four agents (`owner@load.example`,
/// `admin@load.example`, `agent1@load.example`... all with `LOAD_PASSWORD`), two
/// departments, and M tickets of 2-4 messages over the last 90 days.
///
/// Everything is made by set-based SQL, a batch of workspaces per transaction on as many
/// connections as there are cores. `load-0001` comes last, alone: when it exists the run
/// finished, and a run that was interrupted picks up where it stopped (workspaces made
/// already are skipped).
pub async fn seed_load(db: &PgPool, workspaces: u32, tickets: u32) -> anyhow::Result<()> {
    anyhow::ensure!(
        workspaces >= 1 && tickets >= 1,
        "--workspaces and --tickets must be at least 1"
    );
    if signup::db::slug_taken(&mut *db.acquire().await?, &load_slug(1)).await? {
        println!(
            "The load-test workspaces exist already ({} is there); nothing to do.",
            load_slug(1)
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let hash = password::hash(LOAD_PASSWORD).await?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    // Its own connections, without logging each batch's long script as a slow statement.
    let options = db
        .connect_options()
        .as_ref()
        .clone()
        .disable_statement_logging();
    let db = &PgPoolOptions::new()
        .max_connections(u32::try_from(workers)?)
        .connect_with(options)
        .await?;

    // Workspaces 2..=N in batches, shared by the workers; then workspace 1.
    let per_batch = (LOAD_BATCH_TICKETS / tickets).max(1);
    let batches: Vec<(u32, u32)> = (2..=workspaces)
        .step_by(per_batch as usize)
        .map(|first| (first, (first + per_batch - 1).min(workspaces)))
        .collect();
    let batches = std::sync::Arc::new(std::sync::Mutex::new(batches.into_iter()));
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (db, batches, hash) = (db.clone(), batches.clone(), hash.clone());
        running.spawn(async move {
            loop {
                // The lock is released before the batch runs.
                let next = batches.lock().ok().and_then(|mut b| b.next());
                let Some((first, last)) = next else {
                    return anyhow::Ok(());
                };
                load_batch(&db, first, last, tickets, &hash).await?;
                println!("  workspaces {first}-{last} done");
            }
        });
    }
    while let Some(worker) = running.join_next().await {
        worker??;
    }
    load_batch(db, 1, 1, tickets, &hash).await?;

    // Now rather than during a benchmark: autovacuum would soon visit a million new rows
    // and their first readers would write hint bits. The planner needs statistics too.
    for table in [
        "accounts",
        "agents",
        "departments",
        "department_agents",
        "tickets",
        "messages",
    ] {
        sqlx::raw_sql(&format!("vacuum (analyze) {table}"))
            .execute(db)
            .await?;
    }
    println!(
        "Created {workspaces} load-test workspaces ({}..{}) with {tickets} tickets each in {:.0?}.\n\
         Log in with workspace {}, email agent1@load.example (an agent of Support) or \
         admin@load.example, owner@load.example, and the password {LOAD_PASSWORD}",
        load_slug(1),
        load_slug(workspaces),
        started.elapsed(),
        load_slug(1),
    );
    Ok(())
}

/// Creates load-test workspaces `first..=last` (those that do not exist) in one
/// transaction.
async fn load_batch(
    db: &PgPool,
    first: u32,
    last: u32,
    tickets: u32,
    password_hash: &str,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    // A string without arguments goes by the simple protocol, which runs many statements
    // at once (`raw_sql` would too, but its future is not `Send` for `spawn`).
    (&mut *tx).execute(LOAD_SETUP_SQL).await?;
    sqlx::query(
        "insert into load_batch values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                                        $13, $14, $15, $16, $17)",
    )
    .bind(i32::try_from(first)?)
    .bind(i32::try_from(last)?)
    .bind(i32::try_from(tickets)?)
    .bind(password_hash)
    .bind(&words::TEMPLATES[..])
    .bind(&words::OBJECTS[..])
    .bind(&words::VERBS[..])
    .bind(&words::SYMPTOMS[..])
    .bind(&words::EVENTS[..])
    .bind(&words::GREETINGS[..])
    .bind(&words::CUSTOMER_SENTENCES[..])
    .bind(&words::REPLY_SENTENCES[..])
    .bind(&words::NOTE_SENTENCES[..])
    .bind(&words::FIRST_NAMES[..])
    .bind(&words::LAST_NAMES[..])
    .bind(&words::DOMAINS[..])
    .bind(&words::COMPANIES[..])
    .execute(&mut *tx)
    .await?;
    (&mut *tx).execute(LOAD_BATCH_SQL).await?;
    tx.commit().await?;
    Ok(())
}

/// Helpers and the batch's parameters, for the session (functions) and the transaction
/// (tables).
const LOAD_SETUP_SQL: &str = r#"
-- JIT would spend more time compiling these long expressions than running them; the sorts
-- of a batch fit in memory.
set local jit = off;
set local work_mem = '64MB';

-- A UUIDv7 for time `at` (PostgreSQL 15 has no uuidv7()): a random (v4) uuid whose first
-- 48 bits become the Unix time in milliseconds, and whose version nibble turns from 0100
-- into 0111 (bits 52 and 53, counted from the right of each byte). The variant stays.
create or replace function pg_temp.uuid7(at timestamptz) returns uuid language sql volatile as $$
    select encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    placing substring(int8send((extract(epoch from at) * 1000)::bigint) from 3)
                    from 1 for 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

-- The element of `list` that `r` (0 <= r < 1) falls on.
create or replace function pg_temp.pick(list anyarray, r float8) returns anyelement
language sql immutable as $$
    select list[1 + floor(r * cardinality(list))::int]
$$;

create temp table load_batch (
    first_w int, last_w int, tickets int, password_hash text,
    templates text[], objects text[], verbs text[], symptoms text[], events text[],
    greetings text[], customer_sentences text[], reply_sentences text[], note_sentences text[],
    first_names text[], last_names text[], domains text[], companies text[]
) on commit drop;
"#;

/// One batch of workspaces, from the row of `load_batch`. Staging tables hold the tickets
/// and messages first: a ticket's search text needs its messages, which need the ticket.
const LOAD_BATCH_SQL: &str = r#"
-- The workspaces; a slug taken already (by an interrupted run) is skipped.
create temp table load_ws (account_id uuid, w int, created_at timestamptz) on commit drop;
with created as (
    insert into accounts (id, slug, company, plan, created_at, last_ticket_number)
    select pg_temp.uuid7(now() - interval '120 days'),
           'load-' || lpad(w::text, greatest(4, length(w::text)), '0'),
           pg_temp.pick(b.companies, random()) || ' ' || w,
           'medium', now() - interval '120 days', b.tickets
    from load_batch b cross join generate_series(b.first_w, b.last_w) w
    on conflict (slug) do nothing
    returning id, slug, created_at
)
insert into load_ws select id, substring(slug from 6)::int, created_at from created;

-- The team: an owner, an admin and four agents.
create temp table load_team on commit drop as
select ws.account_id, pg_temp.uuid7(ws.created_at) as id, p.k, p.role, p.email,
       b.first_names[1 + (ws.w * 7 + p.k) % cardinality(b.first_names)] || ' ' ||
       b.last_names[1 + (ws.w * 5 + p.k * 3) % cardinality(b.last_names)] as name
from load_ws ws cross join load_batch b
cross join (values (1, 'owner', 'owner@load.example'), (2, 'admin', 'admin@load.example'),
                   (3, 'agent', 'agent1@load.example'), (4, 'agent', 'agent2@load.example'),
                   (5, 'agent', 'agent3@load.example'), (6, 'agent', 'agent4@load.example'))
    as p (k, role, email);
insert into agents (account_id, id, email, name, role, password_hash, created_at)
select t.account_id, t.id, t.email, t.name, t.role, b.password_hash, ws.created_at
from load_team t join load_ws ws using (account_id) cross join load_batch b;

create temp table load_dept on commit drop as
select ws.account_id, pg_temp.uuid7(ws.created_at) as id, d.k, d.name, d.description,
       ws.created_at
from load_ws ws
cross join (values (1, 'Support', 'Questions about using the product.'),
                   (2, 'Billing', 'Invoices, refunds and plan changes.')) as d (k, name, description);
insert into departments (account_id, id, name, description, created_at)
select account_id, id, name, description, created_at from load_dept;
-- The admin and agent4 are in both, agent1 and agent2 in Support, agent3 in Billing; the
-- owner in none (owners and admins see every ticket anyway).
insert into department_agents (account_id, department_id, agent_id)
select t.account_id, d.id, t.id
from load_team t join load_dept d using (account_id)
join (values (2, 1), (2, 2), (3, 1), (4, 1), (5, 2), (6, 1), (6, 2)) as m (agent_k, dept_k)
    on m.agent_k = t.k and m.dept_k = d.k;

-- Who may take a department's tickets: its agents (anyone for tickets without one).
create temp table load_pool on commit drop as
select ws.account_id, s.id as support_id, bl.id as billing_id,
       array(select agent_id from department_agents da
             where da.account_id = ws.account_id and da.department_id = s.id) as support_agents,
       array(select agent_id from department_agents da
             where da.account_id = ws.account_id and da.department_id = bl.id) as billing_agents,
       array(select id from load_team t where t.account_id = ws.account_id) as everyone
from load_ws ws
join load_dept s on s.account_id = ws.account_id and s.k = 1
join load_dept bl on bl.account_id = ws.account_id and bl.k = 2;

create temp table load_ticket on commit drop as
with dice as materialized (
    -- Every random choice of a ticket, drawn once (materialized, so drawn once indeed).
    select p.*, n, b.tickets as per_workspace,
           random() as r_time, random() as r_activity, random() as r_dept, random() as r_type,
           random() as r_state, random() as r_resolved, random() as r_status,
           random() as r_priority, random() as r_channel, random() as r_assigned,
           random() as r_agent, random() as r_first, random() as r_last, random() as r_domain,
           random() as r_template, random() as r_object, random() as r_verb,
           random() as r_symptom, random() as r_event, random() as r_count,
           random() as r_postponed
    from load_pool p cross join load_batch b cross join generate_series(1, b.tickets) n
),
dated as (
    -- Numbers follow creation over the last 90 days; the last activity comes within six
    -- days (and before now), mostly soon. Old tickets are mostly resolved, recent ones mostly not.
    select d.*, created_at,
           created_at + r_activity * r_activity * least(interval '6 days', now() - created_at)
               as last_activity_at,
           case when r_state < 0.04 then 'spam'
                when r_state < 0.07 then 'postponed'
                when r_resolved < case when created_at < now() - interval '14 days'
                                       then 0.85 else 0.3 end then 'resolved'
                else pg_temp.pick(array['new', 'open', 'answered', 'answered'], r_status)
           end as status,
           case when r_dept < 0.5 then 'support' when r_dept < 0.8 then 'billing' end as dept
    from dice d
    cross join lateral (
        select now() - interval '90 days'
               + (n - r_time) * (interval '90 days' / per_workspace) as created_at
    ) c
),
shaped as (
    select d.*,
           case dept when 'support' then support_id when 'billing' then billing_id end
               as department_id,
           pg_temp.pick(case dept when 'support' then support_agents
                                  when 'billing' then billing_agents
                                  else everyone end, r_agent) as responder_id,
           -- Nobody has taken most new tickets and spam yet.
           r_assigned < case when status in ('new', 'spam') then 0.2 else 0.85 end as assigned,
           2 + floor(r_count * 3)::int as message_count,
           pg_temp.pick(b.first_names, r_first) as customer_first,
           pg_temp.pick(b.last_names, r_last) as customer_last,
           pg_temp.pick(b.objects, r_object) as object,
           pg_temp.pick(b.verbs, r_verb) as verb,
           pg_temp.pick(b.symptoms, r_symptom) as symptom,
           pg_temp.pick(b.events, r_event) as event,
           b.templates, b.domains
    from dated d cross join load_batch b
)
select s.account_id, pg_temp.uuid7(s.created_at) as id, s.n as number,
       upper(left(subject, 1)) || substr(subject, 2) as subject,
       customer_first, customer_first || ' ' || customer_last as customer_name,
       lower(customer_first || '.' || customer_last) || (s.n % 100) || '@'
           || pg_temp.pick(domains, r_domain) as customer_email,
       -- 256 random bits, like the application's tokens.
       replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') as customer_token,
       case when r_channel < 0.5 then 'email' when r_channel < 0.8 then 'form'
            when r_channel < 0.9 then 'chat' else 'agent' end as channel,
       status,
       case when r_priority < 0.2 then 'low' when r_priority < 0.8 then 'normal'
            when r_priority < 0.95 then 'high' else 'urgent' end as priority,
       case when dept = 'billing'
            then pg_temp.pick(array['billing', 'refund', 'dispute'], r_type)
            else pg_temp.pick(array['bug', 'bug', 'feature', 'usability', 'other', 'billing'], r_type)
       end as issue_type,
       department_id,
       case when assigned then responder_id end as assignee_id,
       responder_id, a.name as responder_name,
       -- Postponed into the future, so that the scheduler does not wake them all at once.
       case when status = 'postponed'
            then now() + interval '1 day' + r_postponed * interval '20 days' end as postponed_until,
       s.last_activity_at, s.created_at,
       object, verb, symptom, event,
       -- The thread by kind: who wrote in which order fits the status.
       (case when status in ('answered', 'resolved', 'postponed')
             then array['{customer,reply}', '{customer,note,reply}',
                        '{customer,reply,customer,reply}']
             when status = 'open'
             then array['{customer,reply,customer}', '{customer,reply,customer}',
                        '{customer,reply,note,customer}']
             else array['{customer,note}', '{customer,customer,note}',
                        '{customer,note,customer,customer}']
        end)[message_count - 1]::text[] as kinds
from shaped s
join load_team a on a.id = s.responder_id
cross join lateral (
    select format(pg_temp.pick(templates, r_template), object, verb, symptom, event) as subject
) t;
analyze load_ticket;

-- The messages, spread evenly from the ticket's creation to its last activity.
create temp table load_message on commit drop as
select t.account_id, pg_temp.uuid7(m.at) as id, t.id as ticket_id, m.kind,
       case when m.kind <> 'customer' then t.responder_id end as author_agent_id,
       case when m.kind = 'customer' then t.customer_name else t.responder_name end as author_name,
       case m.kind
           when 'customer' then
               pg_temp.pick(b.greetings, random()) || ' '
               || format(pg_temp.pick(b.customer_sentences, random()), t.object, t.verb, t.symptom, t.event) || ' '
               || format(pg_temp.pick(b.customer_sentences, random()), t.object, t.verb, t.symptom, t.event) || ' '
               || format(pg_temp.pick(b.customer_sentences, random()), t.object, t.verb, t.symptom, t.event)
               || E'\n\nThanks,\n' || t.customer_first
           when 'reply' then
               'Hi ' || t.customer_first || E',\n\n'
               || format(pg_temp.pick(b.reply_sentences, random()), t.object, t.verb, t.symptom, t.event) || ' '
               || format(pg_temp.pick(b.reply_sentences, random()), t.object, t.verb, t.symptom, t.event) || ' '
               || format(pg_temp.pick(b.reply_sentences, random()), t.object, t.verb, t.symptom, t.event)
               || E'\n\nBest regards,\n' || t.responder_name
           else
               format(pg_temp.pick(b.note_sentences, random()), t.object, t.verb, t.symptom, t.event) || ' '
               || format(pg_temp.pick(b.note_sentences, random()), t.object, t.verb, t.symptom, t.event)
       end as body_text,
       -- Mail has Message-IDs: the customer's for inbound email, ours for replies.
       case when m.kind = 'customer' and t.channel = 'email'
            then '<' || gen_random_uuid() || '@' || split_part(t.customer_email, '@', 2) || '>'
            when m.kind = 'reply'
            then '<' || gen_random_uuid() || '@load.frontdesk.example>' end as message_id,
       m.at as created_at
from load_ticket t cross join load_batch b
cross join lateral (
    select k.kind,
           t.created_at + (t.last_activity_at - t.created_at)
                          * ((k.pos - 1)::float8 / (cardinality(t.kinds) - 1)) as at
    from unnest(t.kinds) with ordinality as k (kind, pos)
) m;
analyze load_message;

-- In time order, so that a heap page holds the tickets of several workspaces, as it
-- would after months of use. The search text is made as the application makes it.
insert into tickets (account_id, id, number, subject, customer_name, customer_email,
                     customer_token, channel, status, priority, issue_type, department_id,
                     assignee_id, postponed_until, last_activity_at, updated_at, created_at,
                     search)
select t.account_id, t.id, t.number, t.subject, t.customer_name, t.customer_email,
       t.customer_token, t.channel, t.status, t.priority, t.issue_type, t.department_id,
       t.assignee_id, t.postponed_until, t.last_activity_at, t.last_activity_at, t.created_at,
       setweight(search_document(t.subject), 'A')
       || setweight(search_document(m.bodies), 'B')
from load_ticket t
join (select ticket_id, string_agg(body_text, E'\n' order by created_at) as bodies
      from load_message group by ticket_id) m on m.ticket_id = t.id
order by t.created_at;

insert into messages (account_id, id, ticket_id, kind, author_agent_id, author_name,
                      body_text, message_id, department_id, assignee_id, created_at)
select m.account_id, m.id, m.ticket_id, m.kind, m.author_agent_id, m.author_name, m.body_text,
       m.message_id, t.department_id, t.assignee_id, m.created_at
from load_message m join load_ticket t on t.id = m.ticket_id
order by m.created_at;
"#;

/// What the load-test tickets are made of. Templates and sentences are `format()` strings
/// over an object (`%1$s`), a verb (`%2$s`), a symptom (`%3$s`) and an event (`%4$s`).
mod words {
    pub const TEMPLATES: [&str; 14] = [
        "cannot %2$s my %1$s",
        "question about my %1$s",
        "my %1$s %3$s",
        "%1$s %3$s after %4$s",
        "how do I %2$s the %1$s?",
        "problem with the %1$s since %4$s",
        "need help to %2$s a %1$s",
        "urgent: %1$s %3$s",
        "refund request for the %1$s",
        "feature request: %2$s every %1$s at once",
        "is it possible to %2$s the %1$s?",
        "the %1$s %3$s",
        "%1$s: unable to %2$s",
        "still waiting: %1$s %3$s",
    ];
    pub const OBJECTS: [&str; 20] = [
        "invoice",
        "account",
        "password",
        "subscription",
        "order",
        "export",
        "dashboard",
        "API key",
        "mobile app",
        "monthly report",
        "Slack integration",
        "payment",
        "shipping label",
        "team seat",
        "webhook",
        "calendar sync",
        "credit card",
        "contact form",
        "email notification",
        "two-factor login",
    ];
    pub const VERBS: [&str; 12] = [
        "update", "cancel", "export", "download", "reset", "delete", "share", "import", "connect",
        "change", "renew", "find",
    ];
    pub const SYMPTOMS: [&str; 10] = [
        "is not loading",
        "shows the wrong total",
        "keeps timing out",
        "was charged twice",
        "is missing",
        "looks broken on mobile",
        "fails with error 500",
        "is very slow",
        "shows an old version",
        "does not arrive",
    ];
    pub const EVENTS: [&str; 7] = [
        "the last update",
        "yesterday's maintenance",
        "changing my plan",
        "the migration",
        "logging in on a new laptop",
        "renewing the subscription",
        "adding a new user",
    ];
    pub const GREETINGS: [&str; 5] = ["Hello,", "Hi there,", "Good morning,", "Hi team,", "Hey,"];
    pub const CUSTOMER_SENTENCES: [&str; 12] = [
        "My %1$s %3$s and I need it for a meeting tomorrow.",
        "I tried to %2$s the %1$s twice, but nothing happened.",
        "It started right after %4$s.",
        "Could you tell me what I am doing wrong?",
        "Several people on my team see the same thing.",
        "I attached a screenshot of the error.",
        "We are on the annual plan, if that matters.",
        "Please let me know if you need more details.",
        "This is the third time I am writing about the %1$s.",
        "Is there a workaround until it is fixed?",
        "The help article about how to %2$s the %1$s did not help.",
        "I use the latest Firefox on Windows.",
    ];
    pub const REPLY_SENTENCES: [&str; 10] = [
        "Thank you for writing to us about your %1$s.",
        "I have looked into your account and found the cause.",
        "Could you try to %2$s the %1$s again? It should work now.",
        "Our engineers fixed the problem that appeared after %4$s.",
        "I have issued a refund; it shows up within five business days.",
        "Our guide explains how to %2$s the %1$s step by step.",
        "I am sorry for the trouble this caused.",
        "Let me know if anything else comes up.",
        "I have passed this on to our billing team.",
        "You can now %2$s the %1$s from the settings page.",
    ];
    pub const NOTE_SENTENCES: [&str; 8] = [
        "Checked the logs: the %1$s job failed overnight.",
        "Customer is on the annual plan; be generous.",
        "Asked engineering about this in the bugs channel.",
        "Possible duplicate of an older ticket about the %1$s.",
        "Refund approved by billing.",
        "Waiting for the customer's screenshot.",
        "Reproduced it on staging after %4$s.",
        "Important customer, answer within the hour.",
    ];
    pub const FIRST_NAMES: [&str; 24] = [
        "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Mateo",
        "Chloe", "Leo", "Hana", "Ravi", "Amara", "Jonas", "Ines", "Wei", "Fatima", "Pavel", "Lena",
        "Kofi", "Yuki", "Diego",
    ];
    pub const LAST_NAMES: [&str; 24] = [
        "Smith", "Garcia", "Muller", "Rossi", "Novak", "Kim", "Silva", "Dubois", "Jensen",
        "Tanaka", "Kowalski", "Okafor", "Nguyen", "Haddad", "Larsen", "Costa", "Ivanova", "Chen",
        "Patel", "Moreau", "Schmidt", "Lopez", "Brown", "Wilson",
    ];
    pub const DOMAINS: [&str; 6] = [
        "example.com",
        "example.org",
        "example.net",
        "mail.example",
        "shop.example",
        "corp.example",
    ];
    pub const COMPANIES: [&str; 8] = [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wonka",
    ];
}
