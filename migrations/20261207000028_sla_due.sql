-- Each ticket's next SLA due time and which target it is (`first_response`,
-- `next_response`, `resolution`), as its clocks stood after its last change; null while
-- no clock runs (no policy, paused, met). Written in the transaction of every change of
-- the ticket (`sla::refresh`) and of every change of the workspace's hours and policies,
-- so that the queue and the list sort and filter by it from an index.
alter table tickets
    add column sla_due_at timestamptz,
    add column sla_target text check (sla_target in ('first_response', 'next_response', 'resolution'));

create index tickets_sla_due on tickets (account_id, sla_due_at, id) where sla_due_at is not null;
