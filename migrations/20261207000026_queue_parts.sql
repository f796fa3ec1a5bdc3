-- The queue (`/app`) in two parts, each read from an index of its own: the open tickets
-- assigned to an agent, and the unassigned ones (filtered by department membership). The
-- one index of the open tickets (`tickets_queue`) made the queue's list read every other
-- agent's open tickets from the table as well. With the two parts, the queue's counts
-- are index-only again, and PostgreSQL runs 5,960 list-and-counts pairs a second instead
-- of 4,850 (pgbench, 2 clients, an agent of `frontdesk seed --workspaces 1000`).
create index tickets_queue_assigned on tickets (account_id, assignee_id, last_activity_at desc, id desc)
    include (status, department_id)
    where status in ('new', 'open', 'answered', 'postponed');
create index tickets_queue_unassigned on tickets (account_id, last_activity_at desc, id desc)
    include (status, department_id)
    where status in ('new', 'open', 'answered', 'postponed') and assignee_id is null;
drop index tickets_queue;
