-- Ticket lists at scale (measured at 1,000 workspaces x 1,000 tickets with
-- scripts/bench-tickets.sh): what a list costs should depend on the workspace, not on how
-- many workspaces share the database.

-- The lists' visibility test (`exists (select 1 from department_agents da where
-- da.account_id = t.account_id and da.department_id = t.department_id and da.agent_id = $2)`)
-- is planned as a hashed subplan that looks the viewer's memberships up by agent_id alone.
-- Without this index that is a sequential scan of every workspace's memberships on every
-- list and queue page (7,000 rows at 1,000 workspaces, 0.3-2 ms). Agent ids are UUIDv7,
-- so agent_id alone is selective.
create index department_agents_by_agent on department_agents (agent_id);

-- Search is always within one workspace. A GIN index of the words alone answers "invoice"
-- with its matches in every workspace (50,000 at 1,000 workspaces, 11 ms) before the
-- workspace's are picked out; with account_id in the same GIN index (btree_gin, a trusted
-- extension shipped with PostgreSQL) the index intersects the two and reads only the
-- workspace's matches (0.1 ms). It replaces the words-only index, which nothing else uses.
create extension if not exists btree_gin;
create index tickets_account_search on tickets using gin (account_id, search);
drop index tickets_search;
