-- Billing (DESIGN.md, Plans and billing). Seats are read from agents.created_at and
-- deleted_at; plan changes are kept here; a closed period and its invoice never change.

-- The details printed on invoices; issued invoices keep a copy of what they were.
alter table accounts
    add column billing_company      text not null default '',
    add column billing_address      text not null default '',
    add column billing_country      text not null default '',
    add column billing_vat_id       text not null default '',
    add column billing_email        text not null default '',
    add column last_invoice_number  integer not null default 0;

create table plan_changes (
    account_id  uuid not null references accounts (id) on delete cascade,
    id          uuid not null,
    changed_at  timestamptz not null,
    old_plan    text not null check (old_plan in ('free', 'small', 'medium', 'large')),
    new_plan    text not null check (new_plan in ('free', 'small', 'medium', 'large')),
    changed_by  uuid,
    primary key (account_id, id),
    foreign key (account_id, changed_by) references agents (account_id, id)
);
create index plan_changes_at on plan_changes (account_id, changed_at);

-- Seats in a period: agents created before a time and not deleted before the period began.
create index agents_seats on agents (account_id, created_at);

create table invoices (
    account_id        uuid not null references accounts (id) on delete cascade,
    id                uuid not null,
    number            integer not null check (number > 0),
    period_start      date not null,
    period_end        date not null check (period_end > period_start),
    subtotal_cents    bigint not null,
    total_cents       bigint not null,
    issued_at         timestamptz not null,
    seller_name       text not null,
    seller_address    text not null,
    customer_company  text not null,
    customer_address  text not null,
    customer_country  text not null,
    customer_vat_id   text not null,
    customer_email    text not null,
    primary key (account_id, id),
    unique (account_id, number),
    -- One invoice per period, whatever number of closers run at once.
    unique (account_id, period_start)
);
create index invoices_recent on invoices (account_id, issued_at desc);

create table invoice_lines (
    account_id      uuid not null,
    invoice_id      uuid not null,
    position        smallint not null,
    kind            text not null check (kind in ('plan', 'seat_added', 'plan_changed')),
    occurred_on     date,
    plan            text not null check (plan in ('free', 'small', 'medium', 'large')),
    previous_plan   text check (previous_plan in ('free', 'small', 'medium', 'large')),
    subject         text not null default '',
    seats           integer not null,
    unit_cents      bigint not null,
    days_charged    integer not null,
    days_in_period  integer not null,
    amount_cents    bigint not null,
    primary key (account_id, invoice_id, position),
    foreign key (account_id, invoice_id) references invoices (account_id, id) on delete cascade
);

-- Every closed period, invoiced or not ($0): the primary key lets one closer through.
create table billing_periods (
    account_id  uuid not null references accounts (id) on delete cascade,
    starts_on   date not null,
    ends_on     date not null,
    closed_at   timestamptz not null,
    invoice_id  uuid,
    primary key (account_id, starts_on),
    foreign key (account_id, invoice_id) references invoices (account_id, id)
);

-- Workspaces older than billing: their periods that have already ended count as closed,
-- so that the first closer does not invoice months nobody was billed for.
insert into billing_periods (account_id, starts_on, ends_on, closed_at)
select distinct on (a.id) a.id, p.starts_on, p.ends_on, now()
from accounts a
cross join lateral (
    select (anchor + make_interval(months => n))::date as starts_on,
           (anchor + make_interval(months => n + 1))::date as ends_on
    from (select (a.created_at at time zone 'utc')::date as anchor) as d,
         generate_series(0, 600) as n
) as p
where p.ends_on <= (now() at time zone 'utc')::date
order by a.id, p.starts_on desc;

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed'));
