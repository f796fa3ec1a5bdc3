-- The knowledge base: categories, articles with their revisions, and helpful votes.

-- Trigram matching of titles, for "did you mean" when full-text search finds nothing.
create extension if not exists pg_trgm;
-- The workspace in the search index: one index scan finds a workspace's matches, instead
-- of intersecting every match of every workspace with all of the workspace's articles.
create extension if not exists btree_gin;

create table kb_categories (
    account_id   uuid not null references accounts (id) on delete cascade,
    id           uuid not null,
    name         text not null check (length(name) between 1 and 80),
    description  text not null default '' check (length(description) <= 500),
    -- Categories are listed by position, then name.
    position     integer not null default 0,
    created_at   timestamptz not null default now(),
    primary key (account_id, id)
);

create unique index kb_categories_name_key on kb_categories (account_id, lower(name));

create table kb_articles (
    account_id   uuid not null references accounts (id) on delete cascade,
    id           uuid not null,
    category_id  uuid,
    title        text not null check (length(title) between 1 and 200),
    slug         text not null check (slug ~ '^[a-z0-9-]{2,40}$'),
    -- Markdown as written, and what the pages show: the HTML rendered from it and
    -- sanitized, its plain text (search, snippets) and its first paragraph (meta
    -- description), all made when the article is saved.
    body         text not null check (length(body) <= 100000),
    body_html    text not null,
    body_text    text not null,
    summary      text not null,
    status       text not null check (status in ('draft', 'published')),
    -- Title above body. 'english' stems words; the trigram index serves other languages'
    -- titles a little.
    search       tsvector generated always as (
                     setweight(to_tsvector('english', title), 'A')
                     || setweight(to_tsvector('english', left(body_text, 200000)), 'B')) stored,
    updated_by   uuid not null,
    updated_at   timestamptz not null,
    created_at   timestamptz not null default now(),
    primary key (account_id, id),
    foreign key (account_id, category_id) references kb_categories (account_id, id)
        on delete set null (category_id),
    foreign key (account_id, updated_by) references agents (account_id, id)
);

-- Ranking reads the search vector of every match: it stays in the row (lz4 when it must be
-- compressed), and the text columns, which only the shown hits read, go to TOAST storage
-- first.
alter table kb_articles alter column search set storage main;
alter table kb_articles alter column search set compression lz4;
alter table kb_articles set (toast_tuple_target = 4096);

create unique index kb_articles_slug_key on kb_articles (account_id, slug);
create index kb_articles_updated on kb_articles (account_id, updated_at desc, id desc);
create index kb_articles_category on kb_articles (account_id, category_id, title)
    where status = 'published';
create index kb_articles_search on kb_articles using gin (account_id, search);
create index kb_articles_title_trgm on kb_articles using gin (title gin_trgm_ops);

-- Every save of an article, so that any one can be looked at and restored.
create table kb_revisions (
    account_id   uuid not null,
    id           uuid not null,
    article_id   uuid not null,
    title        text not null,
    body         text not null,
    created_by   uuid not null,
    created_at   timestamptz not null,
    primary key (account_id, id),
    foreign key (account_id, article_id) references kb_articles (account_id, id) on delete cascade,
    foreign key (account_id, created_by) references agents (account_id, id)
);

create index kb_revisions_article on kb_revisions (account_id, article_id, created_at desc);

-- "Did this answer your question?": one vote per visitor (a digest of their session's
-- token) and article; voting again changes it.
create table kb_votes (
    account_id   uuid not null,
    article_id   uuid not null,
    visitor      bytea not null,
    helpful      boolean not null,
    created_at   timestamptz not null default now(),
    primary key (account_id, article_id, visitor),
    foreign key (account_id, article_id) references kb_articles (account_id, id) on delete cascade
);

alter table login_attempts drop constraint login_attempts_scope_check;
alter table login_attempts add constraint login_attempts_scope_check
    check (scope in ('account', 'ip', 'signup', 'reset', 'contact', 'two_factor', 'vote'));
