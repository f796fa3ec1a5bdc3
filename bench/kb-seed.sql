-- Load data for bench/kb.sh: 1,000 workspaces (kb-0001 ... kb-1000), each with an owner;
-- kb-0001 holds 10,000 published articles in 20 categories and 2,000 Chinese ones, every
-- other workspace 10.
-- Articles are made by SQL from word lists, not through the application's Markdown
-- renderer: their bodies are plain paragraphs, so the stored HTML is the text in <p>.
-- Runs once: it does nothing when kb-0001 exists.
\set ON_ERROR_STOP on
select exists (select 1 from accounts where slug = 'kb-0001') as seeded \gset
\if :seeded
\echo 'the knowledge-base load data exists already'
\quit
\endif

begin;

create temporary table words (n int primary key, word text not null) on commit drop;
insert into words
select row_number() over (), w from unnest(string_to_array(
    'account address answer billing browser cancel card change charge checkout coupon '
    'delivery discount download email error export invoice language login mobile '
    'notification order parcel password payment plan printer privacy profile receipt '
    'refund report reset return security settings shipping signup subscription '
    'support tax team tracking transfer upgrade voucher warranty', ' ')) w;
-- Everyday words besides the topics: 4,000 made-up ones.
insert into words
select 48 + k, translate(substr(md5('w' || k), 1, 7), '0123456789', 'ghijklmnop')
from generate_series(1, 4000) k;

create temporary table workspaces on commit drop as
select ids.id, n, format('kb-%s', lpad(n::text, 4, '0')) as slug
from generate_series(1, 1000) n,
     lateral (select (lpad(to_hex(n), 12, '0') || '70008000' || substr(md5(n::text), 1, 12))::uuid
              as id) ids;

insert into accounts (id, slug, company)
select id, slug, format('Company %s', n) from workspaces;

insert into agents (account_id, id, email, name, role, password_hash)
select id, id, 'owner@kb.example', 'Owner', 'owner', 'not-a-hash: nobody logs in' from workspaces;

insert into kb_categories (account_id, id, name, description, position)
select w.id, md5(w.n::text || '-' || c)::uuid, initcap(word.word) || ' questions', '', c
from workspaces w, generate_series(1, 20) c
join words word on word.n = c
where w.n = 1 or c <= 2;

-- Title: four of the 48 topic words; body: 150 words of all 4,048, about a short help
-- article's length. A topic word is in about one title in twelve and one body in thirty.
insert into kb_articles (account_id, id, category_id, title, slug, body, body_html,
                         body_text, summary, status, updated_by, updated_at)
select w.id, md5(w.n::text || '/' || a)::uuid,
       md5(w.n::text || '-' || (1 + a % case when w.n = 1 then 20 else 2 end))::uuid,
       t.title, format('article-%s', a), t.body, '<p>' || t.body || '</p>', t.body,
       left(t.body, 160), 'published', w.id, now() - make_interval(mins => a)
from workspaces w
cross join lateral generate_series(1, case when w.n = 1 then 10000 else 10 end) a
cross join lateral (
    select initcap(string_agg(word, ' ' order by i) filter (where i <= 4)) as title,
           string_agg(word, ' ' order by i) filter (where i > 4) || '.' as body
    from (select i, (select word from words
                     where words.n = 1 + abs(hashint4(a * 131 + i * 7 + w.n))
                                         % case when i <= 4 then 48 else 4048 end) as word
          from generate_series(1, 154) i) picked
) t;

-- 2,000 Chinese articles in kb-0001 besides, so that Chinese search is measured on the same
-- workspace: titles of four topic words, bodies of 150 everyday ones, without spaces, as
-- Chinese is written (the search splits them into character pairs).
create temporary table zh_words (n int primary key, word text not null) on commit drop;
insert into zh_words
select row_number() over (), w from unnest(string_to_array(
    '退款 发票 密码 重置 订单 物流 账户 登录 支付 优惠 配送 退货 会员 积分 地址 手机 '
    '邮箱 验证 取消 升级 套餐 发货 快递 售后', ' ')) w;
-- Everyday words: pairs of 60 common characters, 3,600 of them.
insert into zh_words
select 24 + row_number() over (), a || b
from unnest(string_to_array('的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力', NULL)) a
cross join unnest(string_to_array('里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么', NULL)) b
limit 3600;

insert into kb_articles (account_id, id, category_id, title, slug, body, body_html,
                         body_text, summary, status, updated_by, updated_at)
select w.id, md5('zh/' || a)::uuid, md5('1-' || (1 + a % 20))::uuid,
       t.title, format('zh-article-%s', a), t.body, '<p>' || t.body || '</p>', t.body,
       left(t.body, 160), 'published', w.id, now() - make_interval(mins => a)
from workspaces w
cross join lateral generate_series(1, 2000) a
cross join lateral (
    select string_agg(word, '' order by i) filter (where i <= 4) as title,
           string_agg(word, '' order by i) filter (where i > 4) || '。' as body
    from (select i, (select word from zh_words
                     where zh_words.n = 1 + abs(hashint4(a * 131 + i * 7))
                                            % case when i <= 4 then 24 else 3624 end) as word
          from generate_series(1, 154) i) picked
) t
where w.n = 1;

commit;

vacuum (analyze) accounts;
vacuum (analyze) agents;
vacuum (analyze) kb_categories;
vacuum (analyze) kb_articles;
