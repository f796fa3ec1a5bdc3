-- Full-text search that finds Chinese (and Japanese, Korean) words without an extension.
--
-- PostgreSQL's parser splits text at spaces and punctuation, so `退款没有到账` is one word
-- and a search for `退款` found nothing. These functions, the one implementation that
-- tickets and articles use, index every run of CJK characters as its overlapping
-- two-character pieces ("bigrams": 退款 款没 没有 有到 到账) in the `simple` configuration,
-- beside the rest of the text in `english` as before. A search's CJK runs become the same
-- pieces, all of which must match, so `退款` finds the ticket and `到退` does not.

-- Han (with 々〆〇 and compatibility ideographs), Hiragana, Katakana (with ー, without the
-- ・ punctuation), Hangul and half-width Katakana; CJK punctuation and full-width forms
-- are not in it and separate runs like spaces do.
create function cjk_pattern() returns text
    language sql immutable parallel safe
    return '[\u1100-\u11ff\u3005-\u3007\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3130-\u318f'
           '\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff'
           '\uff66-\uff9f\U00020000-\U0003134f]+';

-- The runs of CJK characters of a text, in order.
create function cjk_runs(doc text) returns text[]
    language sql immutable strict parallel safe
    return array(select m[1] from regexp_matches(doc, cjk_pattern(), 'g') with ordinality r (m, n)
                 order by n);

-- The text with its CJK runs as spaces: what the `english` configuration reads.
create function without_cjk(doc text) returns text
    language sql immutable strict parallel safe
    return regexp_replace(doc, cjk_pattern(), ' ', 'g');

-- The words indexed for the CJK runs of the first 20,000 characters (a tsvector holds at
-- most 1 MB): each character with the next one, and the run's last character alone, so
-- that a search for one character finds it anywhere by prefix (`退` is a prefix of `退款`,
-- and `撤退` ends with `退` alone). Characters are taken from an array, not by `substr`,
-- which would count from the run's start for every one. Text without CJK, most of it,
-- is settled by one regular expression match.
create function cjk_words(doc text) returns text
    language sql immutable strict parallel safe
    return case when doc !~ cjk_pattern() then '' else (
        select coalesce(string_agg(c.first || coalesce(c.second, ''), ' ' order by r.n, c.i), '')
        from unnest(cjk_runs(left(doc, 20000))) with ordinality r (run, n),
             string_to_array(r.run, null) chars,
             unnest(chars, chars[2:]) with ordinality c (first, second, i)) end;

-- The document to index for a text; callers weight it (subjects and titles A, bodies B).
create function search_document(doc text) returns tsvector
    language sql immutable strict parallel safe
    return to_tsvector('english', without_cjk(doc)) || to_tsvector('simple', cjk_words(doc));

-- The terms a search's CJK runs look for: a run's bigrams, or a one-character run itself.
create function cjk_terms(query text) returns text[]
    language sql immutable strict parallel safe
    return case when query !~ cjk_pattern() then '{}' else array(
        select case when char_length(r.run) = 1 then r.run else substr(r.run, i, 2) end
        from unnest(cjk_runs(query)) with ordinality r (run, n),
             generate_series(1, greatest(char_length(r.run) - 1, 1)) i
        order by r.n, i) end;

-- What a search looks for: `websearch_to_tsquery('english', …)` of its other words (which
-- takes any input without an error) and its CJK terms, all of them (`any_word` false) or
-- any one of either (`any_word` true, for the contact form's suggestions). The bigrams are
-- ANDed, not a phrase: positions stop at 16,383, so a phrase deep in a long text would
-- never match, and a match needs no second look at the row.
create function search_query(query text, any_word boolean) returns tsquery
    language sql immutable strict parallel safe
    -- Most searches have no CJK: one regular expression test settles them, and the pairs'
    -- array work (about a quarter of a millisecond) is left out.
    return case when query !~ cjk_pattern() then (
        case when query ~ '[[:alnum:]]' then websearch_to_tsquery('english', query)
             else ''::tsquery end
    ) else (
        with parts as (
            select case when without_cjk(query) ~ '[[:alnum:]]'
                        then websearch_to_tsquery('english', without_cjk(query))
                        else ''::tsquery end as english,
                   coalesce((select to_tsquery('simple', string_agg(
                                 case when char_length(term) = 1 then term || ':*' else term end,
                                 case when any_word then ' | ' else ' & ' end
                                 order by n))
                             from unnest(cjk_terms(query)) with ordinality t (term, n)),
                            ''::tsquery) as cjk
        )
        select case when any_word then english || cjk else english && cjk end from parts
    ) end;

-- Articles: the generated search column, re-made with the functions (which re-indexes
-- every article). Its storage settings are those of the knowledge base's migration.
alter table kb_articles
    drop column search,
    add column search tsvector generated always as (
        setweight(search_document(title), 'A')
        || setweight(search_document(left(body_text, 200000)), 'B')) stored,
    alter column search set storage main,
    alter column search set compression lz4;
create index kb_articles_search on kb_articles using gin (account_id, search);

-- Tickets: only those with CJK text index differently now; they are indexed again from
-- their subject and messages, as the application builds the search text.
update tickets t
set search = setweight(search_document(t.subject), 'A')
             || coalesce((select setweight(search_document(
                                     left(string_agg(m.body_text, E'\n' order by m.created_at), 200000)), 'B')
                          from messages m
                          where m.account_id = t.account_id and m.ticket_id = t.id
                            and m.kind <> 'event'), '')
where t.subject ~ cjk_pattern()
   or exists (select 1 from messages m
              where m.account_id = t.account_id and m.ticket_id = t.id
                and m.kind <> 'event' and m.body_text ~ cjk_pattern());
