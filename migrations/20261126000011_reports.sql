-- Reports: the thread is the ticket's event log. Each row now also records the ticket's
-- department and assignee at the moment it was written, so that a report can count a reply
-- for the department it was written in, and an assignment for the agent it went to, even
-- after the ticket moved on.

alter table accounts
    -- An IANA name (checked against pg_timezone_names by the application): report buckets
    -- are this zone's days, weeks, months and hours.
    add column time_zone text not null default 'UTC' check (length(time_zone) between 1 and 64);

alter table messages
    add column department_id uuid,
    add column assignee_id uuid,
    add foreign key (account_id, department_id) references departments (account_id, id)
        on delete set null (department_id),
    add foreign key (account_id, assignee_id) references agents (account_id, id);

-- What the rows written so far can tell: an assignment names its agent; everything else
-- takes the ticket's department and assignee of today.
update messages m
set department_id = t.department_id,
    assignee_id = case
        when m.kind = 'event' and m.event = 'assigned' then
            (select a.id from agents a
             where a.account_id = m.account_id and a.name = m.event_value
             order by a.deleted_at nulls first limit 1)
        else t.assignee_id end
from tickets t
where t.account_id = m.account_id and t.id = m.ticket_id;

-- The bucket (its first instant) that `at` falls in: a day, week (from Monday) or month of
-- the zone `zone` starts at its local midnight; an hour starts at the local full hour, so
-- the hour repeated when clocks go back is two buckets, not one.
create function report_bucket(at timestamptz, period text, zone text) returns timestamptz
    language sql stable parallel safe
    return case period
        when 'hour' then at - ((at at time zone zone) - date_trunc('hour', at at time zone zone))
        else date_trunc(period, at at time zone zone) at time zone zone
    end;

-- A report reads one range of the log: the workspace's rows by time, an agent's by time.
create index messages_by_time on messages (account_id, created_at);
create index messages_by_author on messages (account_id, author_agent_id, created_at)
    where author_agent_id is not null;
create index messages_assignments on messages (account_id, assignee_id, created_at)
    where kind = 'event' and event = 'assigned';
-- The status changes of a resolved ticket, to take its postponed time out of its resolution
-- time: read from the index alone.
create index messages_status_changes on messages (account_id, ticket_id, created_at)
    include (id, event, event_value)
    where kind = 'event' and event in ('status', 'postponed', 'reopened');
create index tickets_created on tickets (account_id, created_at);
