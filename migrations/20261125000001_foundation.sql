-- Foundation: workspaces, their agents, password resets, login throttling and the outbox.
-- Schema rules (DESIGN.md): every table a workspace owns has account_id first in its
-- primary key and in its foreign keys; ids are UUIDv7 made by the application.

create table accounts (
    id          uuid primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9-]{2,40}$'),
    company     text not null check (length(company) between 1 and 120),
    plan        text not null default 'free' check (plan in ('free', 'small', 'medium', 'large')),
    created_at  timestamptz not null default now()
);

create table agents (
    account_id          uuid not null references accounts (id) on delete cascade,
    id                  uuid not null,
    email               text not null check (length(email) <= 254),
    name                text not null check (length(name) between 1 and 120),
    role                text not null check (role in ('agent', 'admin', 'owner')),
    password_hash       text not null,
    language            text not null default 'en' check (language in ('en', 'zh-CN')),
    last_login_at       timestamptz,
    deleted_at          timestamptz,
    created_at          timestamptz not null default now(),
    primary key (account_id, id)
);

-- An email is unique within a workspace whatever its case; a deleted agent frees it.
create unique index agents_email_key on agents (account_id, lower(email)) where deleted_at is null;

-- One row per login. A session refers to its login; ending the login (logout, a password
-- change, deletion of the agent) ends the session on the server even if its row lives on.
create table logins (
    account_id  uuid not null,
    id          uuid not null,
    agent_id    uuid not null,
    created_at  timestamptz not null default now(),
    ended_at    timestamptz,
    primary key (account_id, id),
    foreign key (account_id, agent_id) references agents (account_id, id) on delete cascade
);

create index logins_open on logins (account_id, agent_id) where ended_at is null;

create table password_resets (
    account_id  uuid not null,
    id          uuid not null,
    agent_id    uuid not null,
    -- SHA-256 of the emailed token: a database leak gives no working link.
    token_hash  bytea not null unique,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    created_at  timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, agent_id) references agents (account_id, id) on delete cascade
);

create index password_resets_agent on password_resets (account_id, agent_id, created_at);

-- Throttling counters: login attempts per workspace+email and per client network, signups
-- and reset requests per client network. Keys are SHA-256 digests. Not workspace data: the
-- workspace named in an attempt may not exist.
create table login_attempts (
    id            uuid primary key,
    scope         text not null check (scope in ('account', 'ip', 'signup', 'reset')),
    key           text not null,
    attempted_at  timestamptz not null default now()
);

create index login_attempts_lookup on login_attempts (scope, key, attempted_at);

create table outbox (
    account_id       uuid not null references accounts (id) on delete cascade,
    id               uuid not null,
    to_address       text not null,
    subject          text not null,
    text_body        text not null,
    html_body        text not null,
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_error       text,
    sent_at          timestamptz,
    failed_at        timestamptz,
    created_at       timestamptz not null default now(),
    primary key (account_id, id)
);

create index outbox_due on outbox (next_attempt_at) where sent_at is null and failed_at is null;

-- Sessions, in the layout tower-sessions-sqlx-store reads and writes.
create schema tower_sessions;
create table tower_sessions.session (
    id           text primary key not null,
    data         bytea not null,
    expiry_date  timestamptz not null
);
create index session_expiry on tower_sessions.session (expiry_date);
