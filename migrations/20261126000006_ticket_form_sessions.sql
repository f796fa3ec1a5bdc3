-- A second click of the contact form's button leads to the ticket the first click opened,
-- but only for the browser session that opened it: the digest of that session's CSRF
-- token is kept with the ticket.
alter table tickets add column form_session_digest bytea;

-- Recent tickets of one address: the double-click check and the acknowledgement cap.
create index tickets_customer_recent on tickets (account_id, lower(customer_email), created_at);
