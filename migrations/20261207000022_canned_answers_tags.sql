-- Agents' working tools: canned answers and tags.

-- A canned answer is an agent's own (`owner_id`) or shared by the whole workspace (null,
-- written by admins), then possibly offered only on one department's tickets. `uses`
-- counts the replies sent with it: the most used come first.
create table canned_answers (
    account_id     uuid not null references accounts (id) on delete cascade,
    id             uuid not null,
    owner_id       uuid,
    department_id  uuid,
    title          text not null check (length(title) between 1 and 100),
    body           text not null check (length(body) between 1 and 10000),
    uses           integer not null default 0,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, owner_id) references agents (account_id, id) on delete cascade,
    -- Deleting a department makes its answers the whole workspace's (departments::db::delete).
    foreign key (account_id, department_id) references departments (account_id, id),
    check (owner_id is null or department_id is null)
);

create index canned_answers_list on canned_answers (account_id, owner_id, uses desc);

-- Tags are lower-cased when written, so that `Billing` and `billing` are one tag.
create table tags (
    account_id  uuid not null references accounts (id) on delete cascade,
    id          uuid not null,
    name        text not null check (length(name) between 1 and 50 and name = lower(name)),
    created_at  timestamptz not null default now(),
    primary key (account_id, id),
    unique (account_id, name)
);

create table ticket_tags (
    account_id  uuid not null,
    ticket_id   uuid not null,
    tag_id      uuid not null,
    primary key (account_id, ticket_id, tag_id),
    foreign key (account_id, ticket_id) references tickets (account_id, id) on delete cascade,
    foreign key (account_id, tag_id) references tags (account_id, id) on delete cascade
);

-- The list's filter by tag, and a tag's ticket count.
create index ticket_tags_tag on ticket_tags (account_id, tag_id, ticket_id);

-- Admins renaming (or merging) and deleting tags change every ticket that carries them.
alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed',
    'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
    'tag_renamed', 'tag_deleted'));
