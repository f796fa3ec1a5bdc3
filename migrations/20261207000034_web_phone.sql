-- The web phone: agents whose device is `web_phone` take calls in a browser window through
-- the provider's browser SDK, which logs in with an access token signed by one of the
-- provider account's API keys. The key's secret is sealed with SECRET_KEY like the auth
-- token; without a key the workspace has no web phones.
alter table voice_settings
    add column api_key_sid text not null default '',
    add column api_key_secret bytea,
    add constraint voice_settings_api_key check ((api_key_sid = '') = (api_key_secret is null));

-- When it was settled what becomes of an incoming call's ticket, once however often and in
-- whatever order the provider reports: the ringing ended answered (its answerer has it),
-- or nobody answered and the ticket went through the new-ticket rules and round-robin.
alter table calls add column settled_at timestamptz;
