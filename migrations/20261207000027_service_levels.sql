-- Service levels (issue 21): a workspace's business hours and holidays, and its SLA
-- policies. Without hours the desk counts around the clock.

-- Open hours per weekday (0 is Monday) in minutes after midnight on the workspace's
-- clocks; a range whose end is not after its start ends the next day (a night shift).
create table business_hours (
    account_id  uuid not null references accounts (id) on delete cascade,
    weekday     smallint not null check (weekday between 0 and 6),
    position    smallint not null,
    starts_at   smallint not null check (starts_at between 0 and 1439),
    ends_at     smallint not null check (ends_at between 0 and 1440 and ends_at <> starts_at),
    primary key (account_id, weekday, position)
);

-- Days on which no range begins.
create table holidays (
    account_id  uuid not null references accounts (id) on delete cascade,
    day         date not null,
    primary key (account_id, day)
);

-- A ticket follows the first policy, in the admins' order, whose conditions all hold
-- (a null condition holds for every ticket). Targets are minutes, null for none.
create table sla_policies (
    account_id      uuid not null references accounts (id) on delete cascade,
    id              uuid not null,
    position        integer not null,
    name            text not null check (length(name) between 1 and 80),
    priority        text,
    department_id   uuid,
    issue_type      text,
    channel         text,
    first_response  integer check (first_response between 1 and 525600),
    next_response   integer check (next_response between 1 and 525600),
    resolution      integer check (resolution between 1 and 525600),
    business_hours  boolean not null default false,
    created_at      timestamptz not null default now(),
    primary key (account_id, id),
    -- A policy for a department goes with it.
    foreign key (account_id, department_id) references departments (account_id, id) on delete cascade
);

create index sla_policies_order on sla_policies (account_id, position);

-- Every `serve` process keeps a workspace's hours and policies beside its names
-- (`directory.rs`): their changes are announced like the names', and so is a new time zone.
create trigger business_hours_directory after insert or delete or update on business_hours
    for each row execute function directory_changed();
create trigger holidays_directory after insert or delete or update on holidays
    for each row execute function directory_changed();
create trigger sla_policies_directory after insert or delete or update on sla_policies
    for each row execute function directory_changed();

create function workspace_zone_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('frontdesk_directory', new.id::text);
    return null;
end
$$;

create trigger accounts_directory after update of time_zone on accounts
    for each row execute function workspace_zone_changed();

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed',
    'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
    'tag_renamed', 'tag_deleted',
    'business_hours_changed', 'sla_policy_created', 'sla_policy_updated',
    'sla_policy_deleted'));
