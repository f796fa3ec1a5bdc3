-- Notifications: each agent's choices of email, Slack and sound notifications, and Slack
-- webhooks delivered through the outbox beside email.

-- An agent without a row has the defaults: every switch on, no Slack webhook.
create table agent_preferences (
    account_id            uuid not null,
    agent_id              uuid not null,
    email_new_ticket      boolean not null default true,
    email_assigned        boolean not null default true,
    email_customer_reply  boolean not null default true,
    -- An incoming-webhook address (https, or http on loopback); null when none.
    slack_webhook_url     text check (length(slack_webhook_url) <= 2000),
    sound_new_call            boolean not null default true,
    sound_new_chat            boolean not null default true,
    sound_new_message         boolean not null default true,
    sound_new_system_message  boolean not null default true,
    sound_new_ticket          boolean not null default true,
    updated_at            timestamptz not null default now(),
    primary key (account_id, agent_id),
    foreign key (account_id, agent_id) references agents (account_id, id) on delete cascade
);

-- The outbox holds webhook posts too: a JSON payload for a URL. Email rows stay as they
-- are (kind 'email'); a webhook row's email columns are empty. Like email bodies, the
-- payload and the URL (a Slack webhook address is a secret) are cleared once the row is
-- sent or given up.
alter table outbox
    add column kind text not null default 'email' check (kind in ('email', 'webhook')),
    add column url text,
    add column payload jsonb,
    add constraint outbox_webhook_target check (
        kind = 'email' or sent_at is not null or failed_at is not null
        or (url is not null and payload is not null)
    );
