-- Mail about tickets: where customers' answers go, auto-reply marking, and the
-- acknowledgement's Message-ID so that the first reply threads with it.

-- The workspace's support address (forwarded to its inbound address): Reply-To of the
-- mail about its tickets. Null: customers answer the sender address.
alter table accounts add column support_address text check (length(support_address) <= 254);

alter table outbox
    add column reply_to text,
    -- RFC 3834: an automatic message (an acknowledgement), which other systems don't answer.
    add column auto_submitted boolean not null default false;

alter table tickets add column acknowledgement_message_id text;
