-- The application's clock as SQL sees it. `app_now()` is the time that the application fixed
-- for this connection (tests, and commands run "as of" a time, set `frontdesk.now` when they
-- check a connection out of the pool), else the transaction's `now()`. Rules compare with it
-- and rows are stamped with it, so that a fixed clock decides every "now", in Rust and in SQL.
create function app_now() returns timestamptz
language sql stable parallel safe
as $$ select coalesce(nullif(current_setting('frontdesk.now', true), '')::timestamptz, now()) $$;

-- The outbox keeps the database's own time: its schedule is the worker's, not a rule's.
alter table accounts alter column created_at set default app_now();
alter table agents alter column created_at set default app_now();
alter table logins alter column created_at set default app_now();
alter table password_resets alter column created_at set default app_now();
alter table login_attempts alter column attempted_at set default app_now();
alter table departments alter column created_at set default app_now();
alter table audit_log alter column created_at set default app_now();
alter table tickets alter column last_activity_at set default app_now();
alter table tickets alter column created_at set default app_now();
alter table messages alter column created_at set default app_now();
alter table recovery_codes alter column created_at set default app_now();
alter table agent_preferences alter column updated_at set default app_now();
alter table kb_categories alter column created_at set default app_now();
alter table kb_articles alter column created_at set default app_now();
alter table kb_votes alter column created_at set default app_now();
