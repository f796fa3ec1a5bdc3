-- A missed SLA target also rings in the panel (issue 21), for whom it concerns, unless
-- the agent switched that sound off.
alter table agent_preferences add column sound_sla_breached boolean not null default true;
