-- SLA figures of the reports (issue 21): each first response and resolution that had a
-- target, met or missed, recorded by the change that did it; and each target missed,
-- recorded once, when it is announced. Both keep the agent and the department of their
-- moment, as the ticket log does.
create table sla_results (
    account_id     uuid not null,
    ticket_id      uuid not null,
    target         text not null check (target in ('first_response', 'resolution')),
    done_at        timestamptz not null,
    in_time        boolean not null,
    -- Who answered or resolved; none for a rule or the desk.
    agent_id       uuid,
    department_id  uuid,
    primary key (account_id, ticket_id, target, done_at),
    foreign key (account_id, ticket_id) references tickets (account_id, id) on delete cascade
);

create index sla_results_time on sla_results (account_id, done_at);

create table sla_breaches (
    account_id     uuid not null,
    ticket_id      uuid not null,
    target         text not null check (target in ('first_response', 'next_response', 'resolution')),
    due_at         timestamptz not null,
    -- The assignee when the target was missed.
    agent_id       uuid,
    department_id  uuid,
    primary key (account_id, ticket_id, target, due_at),
    foreign key (account_id, ticket_id) references tickets (account_id, id) on delete cascade
);

create index sla_breaches_time on sla_breaches (account_id, due_at);
