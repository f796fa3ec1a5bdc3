-- Two-factor login with TOTP: the agent's secret and the last time step used (a code is
-- accepted once), one-time recovery codes, a workspace switch that requires 2FA, and
-- throttling of code guesses.
alter table agents
    add column totp_secret       bytea,
    add column totp_last_step    bigint,
    add column totp_enabled_at   timestamptz,
    add constraint agents_totp_check
        check ((totp_secret is null) = (totp_enabled_at is null)
               and (totp_secret is not null or totp_last_step is null));

-- SHA-256 of each code: the codes are random, so a fast digest is enough.
create table recovery_codes (
    account_id  uuid not null,
    id          uuid not null,
    agent_id    uuid not null,
    code_hash   bytea not null,
    used_at     timestamptz,
    created_at  timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, agent_id) references agents (account_id, id) on delete cascade
);

create index recovery_codes_agent on recovery_codes (account_id, agent_id, code_hash);

alter table accounts add column require_2fa boolean not null default false;

alter table login_attempts drop constraint login_attempts_scope_check;
alter table login_attempts add constraint login_attempts_scope_check
    check (scope in ('account', 'ip', 'signup', 'reset', 'contact', 'two_factor'));

alter table audit_log drop constraint audit_log_action_check;
alter table audit_log add constraint audit_log_action_check check (action in (
    'login', 'agent_invited', 'invitation_resent', 'agent_updated',
    'role_changed', 'agent_deleted', 'department_created',
    'department_updated', 'department_deleted', 'settings_changed',
    'plan_changed', 'billing_details_changed',
    'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset'));
