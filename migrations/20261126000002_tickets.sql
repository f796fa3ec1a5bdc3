-- Tickets: the conversations of a workspace with its customers, their threads and
-- attachments; the inbound address; threading headers of outgoing mail.

-- Random secrets for workspaces that exist already; new ones get theirs from the application.
alter table accounts
    -- The secret part of the workspace's inbound address /inbound/email/<token>.
    add column inbound_token text not null unique
        default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    -- Signs our Message-IDs, so that a forged In-Reply-To cannot attach mail to a ticket.
    add column message_id_key bytea not null
        default decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'),
    -- Ticket numbers run per workspace; this is the last one given.
    add column last_ticket_number bigint not null default 0;

-- Appended to every reply the agent sends (edited on the profile page).
alter table agents add column signature text not null default '' check (length(signature) <= 2000);

alter table outbox
    add column message_id text,
    add column in_reply_to text,
    add column "references" text;

alter table login_attempts drop constraint login_attempts_scope_check;
alter table login_attempts add constraint login_attempts_scope_check
    check (scope in ('account', 'ip', 'signup', 'reset', 'contact'));

create table tickets (
    account_id        uuid not null references accounts (id) on delete cascade,
    id                uuid not null,
    number            bigint not null,
    subject           text not null check (length(subject) between 1 and 300),
    customer_name     text not null default '' check (length(customer_name) <= 200),
    -- Empty when an inbound message named no sender.
    customer_email    text not null check (length(customer_email) <= 254),
    -- The customer's private page /help/<workspace>/tickets/<token>.
    customer_token    text not null unique,
    channel           text not null check (channel in ('email', 'form', 'chat', 'agent')),
    status            text not null default 'new'
                          check (status in ('new', 'open', 'answered', 'postponed', 'resolved', 'spam')),
    priority          text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
    issue_type        text not null default 'other'
                          check (issue_type in ('billing', 'refund', 'bug', 'dispute', 'feature', 'usability', 'other')),
    department_id     uuid,
    assignee_id       uuid,
    postponed_until   timestamptz,
    last_activity_at  timestamptz not null default now(),
    created_at        timestamptz not null default now(),
    -- Subject (weight A) and every message (B), for full-text search.
    search            tsvector not null default ''::tsvector,
    primary key (account_id, id),
    unique (account_id, number),
    foreign key (account_id, department_id) references departments (account_id, id)
        on delete set null (department_id),
    foreign key (account_id, assignee_id) references agents (account_id, id),
    check ((status = 'postponed') = (postponed_until is not null))
);

-- Lists are newest activity first, filtered by status, department or assignee.
create index tickets_activity on tickets (account_id, last_activity_at desc, id desc);
create index tickets_status on tickets (account_id, status, last_activity_at desc, id desc);
create index tickets_department on tickets (account_id, department_id, last_activity_at desc, id desc);
create index tickets_assignee on tickets (account_id, assignee_id, last_activity_at desc, id desc);
create index tickets_search on tickets using gin (search);
create index tickets_postponed on tickets (postponed_until) where status = 'postponed';

create table messages (
    account_id        uuid not null,
    id                uuid not null,
    ticket_id         uuid not null,
    -- customer: from the customer; reply: emailed to them; note: internal; event: a change.
    kind              text not null check (kind in ('customer', 'reply', 'note', 'event')),
    author_agent_id   uuid,
    author_name       text not null default '',
    body_text         text not null default '',
    -- Sanitized HTML of an inbound email, when it had an HTML part.
    body_html         text,
    -- For events: what changed (status, assignee, ...) and to what, as codes or names.
    event             text,
    event_value       text,
    -- The email's Message-ID: theirs for inbound mail (a second copy adds nothing), ours
    -- for replies.
    message_id        text,
    created_at        timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, ticket_id) references tickets (account_id, id) on delete cascade,
    foreign key (account_id, author_agent_id) references agents (account_id, id)
);

create index messages_thread on messages (account_id, ticket_id, created_at, id);
create unique index messages_message_id on messages (account_id, message_id) where message_id is not null;

create table attachments (
    account_id    uuid not null,
    id            uuid not null,
    message_id    uuid not null,
    filename      text not null,
    content_type  text not null,
    size          integer not null,
    data          bytea not null,
    primary key (account_id, id),
    foreign key (account_id, message_id) references messages (account_id, id) on delete cascade
);

create index attachments_message on attachments (account_id, message_id);
