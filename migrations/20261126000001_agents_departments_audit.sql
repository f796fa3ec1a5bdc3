-- Agents and departments: invitations, profile fields, departments with their agents, and
-- the audit log of who changed what.

alter table agents
    -- Null: no alias. Customers see the alias instead of the name once replies exist.
    add column alias text check (length(alias) between 1 and 120),
    add column gender text not null default 'unspecified'
        check (gender in ('female', 'male', 'other', 'unspecified')),
    -- Set while the password is the temporary one an invitation emailed: it stops working
    -- at this time, and until it is replaced every /app page leads to /app/password.
    add column temporary_password_expires_at timestamptz;

create index agents_of_account on agents (account_id, role) where deleted_at is null;

create table departments (
    account_id   uuid not null references accounts (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 80),
    description  text not null default '' check (length(description) <= 500),
    created_at   timestamptz not null default now(),
    primary key (account_id, id)
);

create unique index departments_name_key on departments (account_id, lower(name));

create table department_agents (
    account_id     uuid not null,
    department_id  uuid not null,
    agent_id       uuid not null,
    primary key (account_id, department_id, agent_id),
    foreign key (account_id, department_id) references departments (account_id, id) on delete cascade,
    foreign key (account_id, agent_id) references agents (account_id, id) on delete cascade
);

create index department_agents_agent on department_agents (account_id, agent_id);

-- Append-only. `subject` and `detail` are snapshots in words (a name, "agent → admin"), so
-- an entry still reads right after its subject was renamed or deleted.
create table audit_log (
    account_id  uuid not null references accounts (id) on delete cascade,
    id          uuid not null,
    actor_id    uuid,
    action      text not null check (action in (
                    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
                    'role_changed', 'agent_deleted', 'department_created',
                    'department_updated', 'department_deleted', 'settings_changed')),
    subject     text not null default '',
    detail      text not null default '',
    ip          text,
    created_at  timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, actor_id) references agents (account_id, id)
);
