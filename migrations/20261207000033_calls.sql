-- Calls through a voice provider that speaks Twilio's webhook protocol: the workspace's
-- connection, the numbers it owns (each routed to a department), and each call's log.
-- Every call is a ticket of channel `call`.

alter table tickets drop constraint tickets_channel_check;
alter table tickets add constraint tickets_channel_check
    check (channel in ('email', 'form', 'chat', 'agent', 'call'));
-- The caller's number: the next call from it finds the customer again.
alter table tickets add column customer_phone text not null default '';
create index tickets_by_customer_phone on tickets (account_id, customer_phone, created_at)
    where customer_phone <> '';

-- One connection per workspace. `auth_token` is sealed with SECRET_KEY (secrets.rs); the
-- webhook addresses carry `channel_token`, 256 random bits (unique with `account_id`, as
-- Citus needs; a lookup by the token alone uses the key's index).
create table voice_settings (
    account_id     uuid primary key references accounts (id) on delete cascade,
    channel_token  text not null,
    account_sid    text not null,
    auth_token     bytea not null,
    sip_domain     text not null default '',
    greeting       text not null default '',
    record         boolean not null default false,
    updated_at     timestamptz not null default now(),
    unique (channel_token, account_id)
);

create table voice_numbers (
    account_id     uuid not null references accounts (id) on delete cascade,
    id             uuid not null,
    number         text not null check (number ~ '^\+[1-9][0-9]{6,14}$'),
    department_id  uuid not null,
    primary key (account_id, id),
    unique (account_id, number),
    foreign key (account_id, department_id) references departments (account_id, id) on delete cascade
);

-- A call's state follows from its times, whatever order the provider's callbacks arrive
-- in: ringing until answered or ended; missed when it ended unanswered.
create table calls (
    account_id        uuid not null references accounts (id) on delete cascade,
    id                uuid not null,
    call_sid          text not null,
    direction         text not null check (direction in ('inbound', 'outbound')),
    from_number       text not null,
    to_number         text not null,
    department_id     uuid,
    ticket_id         uuid not null,
    agent_id          uuid,
    rang_at           timestamptz not null,
    answered_at       timestamptz,
    ended_at          timestamptz,
    duration_seconds  integer check (duration_seconds >= 0),
    recording_url     text,
    voicemail_url     text,
    state             text generated always as (
        case when ended_at is null and answered_at is null then 'ringing'
             when ended_at is null then 'in_progress'
             when answered_at is null then 'missed'
             else 'completed' end) stored,
    primary key (account_id, id),
    unique (account_id, call_sid),
    foreign key (account_id, ticket_id) references tickets (account_id, id) on delete cascade,
    foreign key (account_id, department_id) references departments (account_id, id),
    foreign key (account_id, agent_id) references agents (account_id, id)
);
create index calls_by_time on calls (account_id, rang_at desc);
create index calls_by_ticket on calls (account_id, ticket_id);

-- What each agent receives of each department of theirs: tickets always; its chats and its
-- calls unless they switch them off (`/app/profile/receive`).
alter table department_agents
    add column receives_chats boolean not null default true,
    add column receives_calls boolean not null default true;

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed',
    'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
    'tag_renamed', 'tag_deleted',
    'business_hours_changed', 'sla_policy_created', 'sla_policy_updated',
    'sla_policy_deleted', 'rule_created', 'rule_updated', 'rule_deleted', 'rule_failed',
    'calls_configured', 'call_number_added', 'call_number_removed'));
