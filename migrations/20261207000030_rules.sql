-- Rules (issue 21): when something happens to a ticket and all of a rule's conditions
-- hold, its actions run, in the admins' order. Conditions and actions are lists of
-- `{"field", "op", "value"}` and `{"type", "value"}`, checked by the application.
create table rules (
    account_id      uuid not null references accounts (id) on delete cascade,
    id              uuid not null,
    position        integer not null,
    name            text not null check (length(name) between 1 and 80),
    enabled         boolean not null default true,
    event           text not null check (event in ('ticket_created', 'customer_replied',
                        'agent_replied', 'status_changed', 'hours_since_update')),
    -- Time rules: how long a ticket has been left alone.
    hours           integer check (hours between 1 and 8760),
    stop            boolean not null default false,
    conditions      jsonb not null default '[]',
    actions         jsonb not null default '[]' check (jsonb_array_length(actions) > 0),
    -- Time rules: the moment (last update + hours) up to which tickets were looked at,
    -- with the last ticket of that moment; null looks at every ticket left alone long
    -- enough. Kept across restarts, so that a pass after one catches up.
    checked_until   timestamptz,
    checked_ticket  uuid,
    created_at      timestamptz not null default now(),
    primary key (account_id, id),
    check ((event = 'hours_since_update') = (hours is not null))
);

-- A workspace has a few rules: its list, and those an event starts, read them all.
create index rules_order on rules (account_id, position);
-- Each pass of the time rules starts from these.
create index rules_timed on rules (account_id, id) where enabled and event = 'hours_since_update';

-- A ticket's last update: a message, or a change of its status, properties, subject or
-- tags (what a rule's conditions read). Time rules count hours from it.
alter table tickets add column updated_at timestamptz;
update tickets set updated_at = last_activity_at;
alter table tickets alter column updated_at set not null,
                    alter column updated_at set default app_now();
create index tickets_updated on tickets (account_id, updated_at, id);

create function ticket_updated() returns trigger language plpgsql as $$
begin
    if (new.status, new.priority, new.issue_type, new.department_id, new.assignee_id,
        new.subject, new.last_activity_at, new.postponed_until)
       is distinct from
       (old.status, old.priority, old.issue_type, old.department_id, old.assignee_id,
        old.subject, old.last_activity_at, old.postponed_until) then
        new.updated_at := app_now();
    end if;
    return new;
end
$$;

create trigger tickets_updated before update on tickets
    for each row execute function ticket_updated();

create function ticket_tags_updated() returns trigger language plpgsql as $$
declare
    changed record;
begin
    changed := coalesce(new, old);
    update tickets set updated_at = app_now()
    where account_id = changed.account_id and id = changed.ticket_id;
    return null;
end
$$;

create trigger ticket_tags_updated after insert or delete on ticket_tags
    for each row execute function ticket_tags_updated();

-- Round-robin: a department may hand its new tickets to its online agents in turn, each
-- holding at most `max_open` tickets still to do.
alter table departments add column round_robin boolean not null default false,
                        add column max_open integer check (max_open between 1 and 10000);

-- Whose turn it was last, per department: its row is the lock that makes two processes
-- hand out tickets one after the other (kept apart from `departments`, whose changes
-- every process reloads).
create table round_robin_turns (
    account_id     uuid not null,
    department_id  uuid not null,
    last_agent_id  uuid,
    primary key (account_id, department_id),
    foreign key (account_id, department_id) references departments (account_id, id) on delete cascade
);

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed',
    'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
    'tag_renamed', 'tag_deleted',
    'business_hours_changed', 'sla_policy_created', 'sla_policy_updated',
    'sla_policy_deleted', 'rule_created', 'rule_updated', 'rule_deleted', 'rule_failed'));
