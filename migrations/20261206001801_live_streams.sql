-- The open event streams (the live panel's and the chats'), one row each, so that every
-- `serve` process keeps an agent, or a chat's visitor, to a few streams: opening one more
-- ends the oldest wherever it runs. A stream's row goes when the stream ends. A process
-- that dies leaves its rows behind; they count no longer than a stream can live and are
-- deleted then. Unlogged: after a crash of PostgreSQL no stream is open anyway.
create unlogged table live_streams (
    account_id  uuid not null references accounts (id) on delete cascade,
    id          uuid not null,
    -- The agent, or for a visitor's stream the chat (its ticket's id).
    holder_id   uuid not null,
    opened_at   timestamptz not null default now(),
    primary key (account_id, id)
);

create index live_streams_holder on live_streams (account_id, holder_id, opened_at);

-- Ending a login (logout, password change, deletion, a new login of the same session),
-- changing an agent's role and deleting an agent tell every `serve` process at commit,
-- whichever route did it: the agent's open streams read the agent again and end when
-- the login or the role they were opened with is gone.
create function live_agent_changed() returns trigger language plpgsql as $$
declare
    agent uuid;
begin
    if tg_table_name = 'logins' then
        agent := new.agent_id;
    else
        agent := new.id;
    end if;
    perform pg_notify('frontdesk_streams', json_build_object(
        'agent_changed', json_build_object('account_id', new.account_id, 'agent_id', agent)
    )::text);
    return null;
end
$$;

create trigger logins_end_live_streams after update of ended_at on logins
    for each row when (old.ended_at is null and new.ended_at is not null)
    execute function live_agent_changed();

create trigger agents_end_live_streams after update of role, deleted_at on agents
    for each row
    when (old.role is distinct from new.role or old.deleted_at is distinct from new.deleted_at)
    execute function live_agent_changed();
