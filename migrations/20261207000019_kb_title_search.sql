-- Titles alone, as the search column indexes them: a search takes its title matches from
-- this index, a bounded number of them, instead of reading and ranking every article that
-- has a word of the search anywhere (see `kb::db::search`). Stored rather than an index on
-- the expression: a match is checked against the row, and splitting a Chinese title into
-- its pairs again takes most of a millisecond.
alter table kb_articles
    add column title_search tsvector generated always as (search_document(title)) stored;

create index kb_articles_title_search on kb_articles using gin (account_id, title_search);
