-- A session names the login it carries in columns of its own, so that one query reads the
-- session and, through the login, its agent (auth::store). Rows saved before have none
-- until their next renewal; the login in their data still counts meanwhile.
-- Not `account_id`: sessions are not workspace data (a visitor's has no workspace).
alter table tower_sessions.session
    add column login_account_id uuid,
    add column login_id uuid;
