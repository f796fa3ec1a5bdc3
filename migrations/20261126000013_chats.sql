-- Live chat: a chat is a ticket of channel 'chat' plus this row, which holds what only a
-- chat has (the visitor's secret token, who accepted it and when, its lines in order).

-- Whether an agent wants to be rung for chats; set in the panel's header.
alter table agents add column availability text not null default 'offline'
    check (availability in ('online', 'away', 'offline'));

-- How long a chat waits for an agent before the visitor is offered to leave a message.
alter table accounts add column chat_wait_seconds integer not null default 120
    check (chat_wait_seconds between 10 and 3600),
    -- Origins of the company's sites that may frame the chat pages (`frame-ancestors`),
    -- such as https://www.example.com.
    add column chat_origins text[] not null default '{}'
    check (cardinality(chat_origins) <= 20);

alter table login_attempts drop constraint login_attempts_scope_check;
alter table login_attempts add constraint login_attempts_scope_check
    check (scope in ('account', 'ip', 'signup', 'reset', 'contact', 'two_factor',
                     'vote', 'chat_start', 'chat_message'));

create table chats (
    account_id      uuid not null,
    -- The ticket's id: a chat is that ticket.
    id              uuid not null,
    -- The visitor's page /help/<workspace>/chat/<token>: whoever holds it is the visitor.
    visitor_token   text not null unique,
    state           text not null default 'waiting'
                        check (state in ('waiting', 'active', 'ended', 'missed')),
    -- The page of the company's site the visitor started from (the widget says).
    page_url        text not null default '' check (length(page_url) <= 2000),
    accepted_by     uuid,
    accepted_at     timestamptz,
    ended_at        timestamptz,
    -- The last line's number: lines are numbered under the chat's row lock, so their
    -- order is the order in which they commit and a stream resumes after a number.
    last_line       bigint not null default 0,
    created_at      timestamptz not null,
    primary key (account_id, id),
    foreign key (account_id, id) references tickets (account_id, id) on delete cascade,
    foreign key (account_id, accepted_by) references agents (account_id, id),
    check (state <> 'active' or accepted_by is not null)
);

create index chats_waiting on chats (account_id, state, created_at) where state in ('waiting', 'active');

-- The messages the visitor sees, numbered per chat.
create table chat_lines (
    account_id  uuid not null,
    id          uuid not null,
    chat_id     uuid not null,
    line        bigint not null,
    primary key (account_id, id),
    unique (account_id, chat_id, line),
    foreign key (account_id, chat_id) references chats (account_id, id) on delete cascade,
    foreign key (account_id, id) references messages (account_id, id) on delete cascade
);

-- Whether visitors may start chats with the department: a visitor chooses among those
-- that do, when there are several.
alter table departments add column chat boolean not null default true;

-- An agent's report reads the chats they accepted like their assignments: by assignee.
drop index messages_assignments;
create index messages_assignments on messages (account_id, assignee_id, created_at)
    where kind = 'event' and event in ('assigned', 'accepted');
