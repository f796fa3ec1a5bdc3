-- Breach notifications (issue 21): each due time is announced once when it passes. The
-- due time last announced is kept beside it; a new due time (the next target, or a clock
-- that ran again) may be announced in its turn.
alter table tickets add column sla_notified_due_at timestamptz;

create index tickets_sla_breach on tickets (sla_due_at)
    where sla_due_at is not null and sla_notified_due_at is distinct from sla_due_at;

-- Agents choose whether a missed target reaches them by email, as for the other events.
alter table agent_preferences add column email_sla_breached boolean not null default true;
