-- What Citus (`frontdesk citus-ddl`) needs of the workspace tables beyond `account_id`
-- leading their keys.
--
-- A distributed table can only keep a unique key that includes `account_id`. The tokens
-- below are 256 random bits (or their digest), unique by construction; the key keeps the
-- token first, so a lookup by token alone still uses its index.
alter table tickets drop constraint tickets_customer_token_key;
alter table tickets add constraint tickets_customer_token_key unique (customer_token, account_id);
alter table chats drop constraint chats_visitor_token_key;
alter table chats add constraint chats_visitor_token_key unique (visitor_token, account_id);
alter table password_resets drop constraint password_resets_token_hash_key;
alter table password_resets add constraint password_resets_token_hash_key
    unique (token_hash, account_id);

-- Citus refuses `on delete set null` on a foreign key that includes `account_id`, even
-- with PostgreSQL 15's column list. Deleting a department or a category now sets its
-- references to null itself, in the same transaction (departments::db::delete,
-- kb::db::delete_category); the keys still refuse a reference to a missing one.
alter table tickets drop constraint tickets_account_id_department_id_fkey;
alter table tickets add constraint tickets_account_id_department_id_fkey
    foreign key (account_id, department_id) references departments (account_id, id);
alter table messages drop constraint messages_account_id_department_id_fkey;
alter table messages add constraint messages_account_id_department_id_fkey
    foreign key (account_id, department_id) references departments (account_id, id);
alter table kb_articles drop constraint kb_articles_account_id_category_id_fkey;
alter table kb_articles add constraint kb_articles_account_id_category_id_fkey
    foreign key (account_id, category_id) references kb_categories (account_id, id);
