-- The outbox is claimed by a committed lease instead of a row lock held across the SMTP
-- conversation: a worker takes a batch of due messages by setting `claimed_until` (and its
-- own id in `claimed_by`) in one short statement, sends them outside any transaction and
-- marks each sent afterwards. Another worker skips a message until its lease has passed, so
-- a lost database connection after the server accepted a message no longer sends it again;
-- a worker that dies with messages claimed leaves them to be sent once the lease expires.
alter table outbox
    add column claimed_until timestamptz,
    add column claimed_by uuid;

-- Email and webhook rows are claimed separately (each kind keeps its own concurrency).
drop index outbox_due;
create index outbox_due on outbox (kind, next_attempt_at) where sent_at is null and failed_at is null;
