-- Fills workspace :'slug' (made by `frontdesk seed --workspaces 1 --tickets 1`) for the
-- reports benchmark: 50 agents in all, and 100,000 tickets of 10 log rows each (1,000,000
-- rows) spread evenly over the two years before now. Each ticket: the customer writes,
-- it is assigned, answered, noted, postponed, woken by the customer's second message,
-- answered again and resolved, by one of the 50 agents, in one of the two departments.
\set ON_ERROR_STOP on
begin;
-- The rows are consistent by construction: skipping the foreign-key triggers (4 checks a
-- row, queued to the statement's end) makes the fill minutes faster.
set local session_replication_role = replica;
create temp table bench_ws on commit drop as
select a.id as account_id, (select password_hash from agents where account_id = a.id limit 1) as hash
from accounts a where a.slug = :'slug';

insert into agents (account_id, id, email, name, role, password_hash, created_at)
select w.account_id, gen_random_uuid(), 'bench' || n || '@load.example', 'Bench agent ' || n,
       'agent', w.hash, now() - interval '2 years'
from bench_ws w, generate_series(1, 50 - (select count(*) from agents a, bench_ws w
                                           where a.account_id = w.account_id)) n;

create temp table bench_agent on commit drop as
select row_number() over (order by a.id) - 1 as k, a.id, a.name
from agents a join bench_ws w using (account_id);
create temp table bench_dept on commit drop as
select row_number() over (order by d.id) - 1 as k, d.id
from departments d join bench_ws w using (account_id);

create temp table bench_ticket on commit drop as
select w.account_id, gen_random_uuid() as id, n as number,
       now() - interval '730 days' + (n - 1) * interval '730 days' / 100000 as created_at,
       (select id from bench_agent where k = n % 50) as agent_id,
       (select name from bench_agent where k = n % 50) as agent_name,
       (select id from bench_dept where k = n % 2) as department_id
from bench_ws w, generate_series(1, 100000) n;

insert into tickets (account_id, id, number, subject, customer_name, customer_email,
                     customer_token, channel, status, issue_type, department_id, assignee_id,
                     last_activity_at, created_at)
select t.account_id, t.id, 1000 + t.number, 'Benchmark ticket ' || t.number, 'Customer',
       'customer' || t.number % 5000 || '@example.com', md5(t.id::text) || t.number,
       (array['email', 'form'])[1 + t.number % 2], 'resolved',
       (array['billing', 'refund', 'bug', 'other'])[1 + t.number % 4],
       t.department_id, t.agent_id, t.created_at + interval '12 hours', t.created_at
from bench_ticket t;

update accounts a set last_ticket_number = 1000 + 100000 from bench_ws w where a.id = w.account_id;

insert into messages (account_id, id, ticket_id, kind, author_agent_id, author_name, body_text,
                      event, event_value, department_id, assignee_id, created_at)
select t.account_id, gen_random_uuid(), t.id, r.kind,
       case when r.by_agent then t.agent_id end,
       case when r.by_agent then t.agent_name else 'Customer' end,
       case when r.kind = 'event' then '' else 'Benchmark message' end,
       r.event, r.value, t.department_id,
       case when r.minute >= 5 then t.agent_id end,
       t.created_at + r.minute * interval '1 minute'
from bench_ticket t
cross join (values
    (0, 'customer', false, null, null),
    (5, 'event', true, 'assigned', 'Agent'),
    (30, 'reply', true, null, null),
    (30, 'event', true, 'status', 'answered'),
    (40, 'note', true, null, null),
    (60, 'event', true, 'postponed', '2030-01-01'),
    (600, 'event', false, 'status', 'open'),
    (600, 'customer', false, null, null),
    (660, 'reply', true, null, null),
    (720, 'event', true, 'status', 'resolved')
) as r (minute, kind, by_agent, event, value)
order by 12;
commit;
vacuum (analyze) agents, tickets, messages;
