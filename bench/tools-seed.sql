-- The working tools' benchmark data (bench/tools.sh), added once to the load workspace
-- load-0001 of `frontdesk seed --workspaces 1 --tickets 1000`: ticket 1 gets a long thread
-- of 200 messages with 100 attachments (a third of them pictures with thumbnails), and one
-- file of 25 MiB for the download.
\set ON_ERROR_STOP on
begin;

create temporary table target on commit drop as
select t.account_id, t.id as ticket_id
from tickets t join accounts a on a.id = t.account_id
where a.slug = 'load-0001' and t.number = 1
  and not exists (select 1 from attachments f where f.account_id = t.account_id);

insert into messages (account_id, id, ticket_id, kind, author_name, body_text, created_at)
select account_id, gen_random_uuid(), ticket_id,
       case when n % 2 = 0 then 'customer' else 'reply' end,
       case when n % 2 = 0 then 'Carla Customer' else 'Ada Agent' end,
       'Message ' || n || E' of a long conversation.\n\n' || repeat('Some words about the order. ', 20),
       now() - interval '1 day' + n * interval '1 minute'
from target, generate_series(1, 200) n;

-- One file on each of the first 100 messages: pictures (with a thumbnail), PDFs, text.
insert into attachments (account_id, id, message_id, filename, content_type, size, data, thumbnail)
select m.account_id, gen_random_uuid(), m.id,
       'file-' || m.n || case m.n % 3 when 0 then '.png' when 1 then '.pdf' else '.txt' end,
       case m.n % 3 when 0 then 'image/png' when 1 then 'application/pdf' else 'text/plain' end,
       20000, convert_to(repeat('x', 20000), 'UTF8'),
       case when m.n % 3 = 0 then convert_to(repeat('t', 8000), 'UTF8') end
from (
  select account_id, id, row_number() over (order by created_at) as n
  from messages
  where (account_id, ticket_id) in (select account_id, ticket_id from target)
) m
where m.n <= 100;

insert into attachments (account_id, id, message_id, filename, content_type, size, data)
select m.account_id, '00000000-0000-7000-8000-000000000025', m.id, 'large.bin',
       'application/octet-stream', 26214400, convert_to(repeat('y', 26214400), 'UTF8')
from messages m
where (m.account_id, m.ticket_id) in (select account_id, ticket_id from target)
order by m.created_at desc
limit 1;

commit;
