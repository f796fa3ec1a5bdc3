-- Social channels (DESIGN.md, Social channels): a Telegram bot, a WhatsApp number or a
-- Facebook page connected to a workspace. Their conversations become tickets of channel
-- `telegram`, `whatsapp` or `messenger`; agents' replies go out through the outbox.

alter table tickets drop constraint tickets_channel_check;
alter table tickets add constraint tickets_channel_check
    check (channel in ('email', 'form', 'chat', 'agent', 'call', 'telegram', 'whatsapp', 'messenger'));

-- A connection. Tokens and app secrets are sealed with SECRET_KEY (secrets.rs) and cleared
-- when it is disconnected; the row stays for its tickets' history. The webhook address
-- carries `channel_token` (256 random bits). Telegram echoes our `secret_token` in a
-- header: only its SHA-256 is kept. Meta's verify token is shown to the admin to paste.
create table social_channels (
    account_id      uuid not null references accounts (id) on delete cascade,
    id              uuid not null,
    kind            text not null check (kind in ('telegram', 'whatsapp', 'messenger')),
    channel_token   text not null,
    -- The bot's id, the phone number id, the page id.
    external_id     text not null check (external_id ~ '^[0-9]{1,30}$'),
    -- @bot name, the number as shown, the page's name.
    name            text not null check (length(name) <= 200),
    department_id   uuid,
    access_token    bytea,
    app_secret      bytea,
    secret_digest   bytea,
    verify_token    text not null default '',
    -- Setting the webhook (Telegram) or subscribing the page (Messenger) failed: why.
    webhook_error   text,
    -- The provider refused the token: replies wait until it is connected again.
    broken_at       timestamptz,
    broken_reason   text,
    created_at      timestamptz not null default now(),
    removed_at      timestamptz,
    primary key (account_id, id),
    unique (channel_token, account_id),
    -- One row per bot, number or page in a workspace: connected again after a disconnect,
    -- it keeps its address, contacts and conversations.
    unique (account_id, kind, external_id),
    -- Deleting the department sets this to null itself (departments::db::delete): Citus
    -- refuses `on delete set null` here.
    foreign key (account_id, department_id) references departments (account_id, id),
    check (removed_at is not null or access_token is not null),
    check (kind = 'telegram' or removed_at is not null or app_secret is not null)
);

-- Someone who writes on a channel: found again by the channel's id for them (Telegram's
-- chat id, WhatsApp's wa_id, Messenger's page-scoped id).
create table social_contacts (
    account_id       uuid not null,
    id               uuid not null,
    channel_id       uuid not null,
    external_id      text not null check (length(external_id) between 1 and 64),
    name             text not null default '' check (length(name) <= 200),
    -- WhatsApp lets a business answer freely within 24 hours of this.
    last_inbound_at  timestamptz not null,
    primary key (account_id, id),
    unique (account_id, channel_id, external_id),
    foreign key (account_id, channel_id) references social_channels (account_id, id) on delete cascade
);

alter table tickets add column social_contact_id uuid,
    add foreign key (account_id, social_contact_id) references social_contacts (account_id, id);
create index tickets_by_social_contact on tickets (account_id, social_contact_id, created_at desc)
    where social_contact_id is not null;

-- What became of each reply sent on a channel. `external_id` is the provider's id of its
-- first part, by which its status reports find it.
create table social_deliveries (
    account_id   uuid not null,
    message_id   uuid not null,
    channel_id   uuid not null,
    contact_id   uuid not null,
    state        text not null default 'queued'
                     check (state in ('queued', 'sent', 'delivered', 'read', 'failed')),
    external_id  text,
    error        text check (length(error) <= 1000),
    -- A reply goes out in parts (its text cut to the provider's length, each file): a
    -- retry goes on after those already sent, never sending one twice.
    parts_sent   integer not null default 0,
    -- Just before its first part went out: Messenger's read and delivery watermarks (the
    -- provider's time of the newest message seen) cover the replies sent before them.
    first_sent_at timestamptz,
    -- Every part went out.
    sent_at      timestamptz,
    updated_at   timestamptz not null default now(),
    primary key (account_id, message_id),
    foreign key (account_id, message_id) references messages (account_id, id) on delete cascade,
    foreign key (account_id, channel_id) references social_channels (account_id, id) on delete cascade,
    foreign key (account_id, contact_id) references social_contacts (account_id, id) on delete cascade
);
create index social_deliveries_by_external on social_deliveries (account_id, channel_id, external_id)
    where external_id is not null;
create index social_deliveries_by_contact on social_deliveries (account_id, contact_id, first_sent_at)
    where first_sent_at is not null;

-- States only move forward as reports come, in whatever order: a failure reported after
-- `sent` counts, one after `delivered` does not.
create function social_delivery_rank(state text) returns integer
    language sql immutable parallel safe
    return case state when 'queued' then 0 when 'sent' then 10 when 'failed' then 15
                      when 'delivered' then 20 when 'read' then 30 end;

-- Webhook deliveries, checked and stored as they came, between the provider's answer and
-- their processing (social::inbox): providers retry answers that are slow, so the answer
-- waits for nothing else. A delivery that fails is tried again later, never dropped.
create table social_inbox (
    account_id       uuid not null references accounts (id) on delete cascade,
    id               uuid not null,
    channel_id       uuid not null,
    body             bytea not null,
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    claimed_until    timestamptz,
    last_error       text,
    primary key (account_id, id),
    foreign key (account_id, channel_id) references social_channels (account_id, id) on delete cascade
);
create index social_inbox_due on social_inbox (next_attempt_at, id);

-- The outbox's third lane: replies sent to a provider's API and media fetched from it,
-- described by `payload`.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('email', 'webhook', 'social'));
alter table outbox drop constraint outbox_webhook_target;
alter table outbox add constraint outbox_webhook_target check (
    kind = 'email' or sent_at is not null or failed_at is not null
    or (kind = 'webhook' and url is not null and payload is not null)
    or (kind = 'social' and payload is not null));

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
    'calls_configured', 'call_number_added', 'call_number_removed',
    'channel_connected', 'channel_disconnected'));
