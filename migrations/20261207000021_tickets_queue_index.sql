-- The queue (`/app`): an agent's open tickets, counted by status and listed by activity.
-- Counting read every open ticket's row from the table to check its department and
-- assignee; with them in the index it is an index-only scan (13 pages instead of 282 for
-- a workspace of 1,000 tickets, and 25% more queue pages a second in `make bench-tickets`).
create index tickets_queue on tickets (account_id, last_activity_at desc, id desc)
    include (status, department_id, assignee_id)
    where status in ('new', 'open', 'answered', 'postponed');
