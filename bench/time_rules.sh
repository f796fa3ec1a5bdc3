#!/usr/bin/env bash
# The time rules at scale, on the ticket benchmark's database (`frontdesk_load`, 1,000
# workspaces x 1,000 tickets, filled by `frontdesk seed` when empty). Every workspace gets
# a time rule that has been running (answered tickets left alone for 72 hours get the tag
# `stale` and a note), and `frontdesk time-rules` runs three passes, printing each one's
# time:
#   1. nothing has come due: what every minute costs at rest over 1,000,000 tickets;
#   2. one answered ticket per workspace came due within the minute (1,000 tickets);
#   3. ten workspaces add the rule anew: its first pass looks at their whole backlog.
# Usage: bench/time_rules.sh   (or make bench-time-rules)
# Environment: LOAD_DATABASE (frontdesk_load).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_load_database "${LOAD_DATABASE:-frontdesk_load}"
bench_build
"$bin" migrate
if [ "$(psql "$DATABASE_URL" -c "select count(*) from tickets")" -lt 1000000 ]; then
  echo "== seed: 1000 workspaces x 1000 tickets"
  "$bin" seed --workspaces 1000 --tickets 1000
fi
echo "tickets: $(psql "$DATABASE_URL" -c "select count(*) from tickets")," \
  "answered and quiet for 72 h: $(psql "$DATABASE_URL" -c "select count(*) from tickets
     where status = 'answered' and updated_at <= now() - interval '72 hours'")"

psql "$DATABASE_URL" <<'SQL'
delete from rules where name like 'Bench:%';
-- Rules that have been running: they looked at everything up to a minute ago.
insert into rules (account_id, id, position, name, event, hours, conditions, actions,
                   checked_until, checked_ticket)
select id, gen_random_uuid(), 1000, 'Bench: stale', 'hours_since_update', 72,
       '[{"field": "status", "op": "is", "value": "answered"}]',
       '[{"type": "add_tag", "value": "stale"},
         {"type": "add_note", "value": "Nothing since three days."}]',
       now() - interval '1 minute', 'ffffffff-ffff-ffff-ffff-ffffffffffff'
from accounts where slug like 'load-%';
SQL
echo "== 1. a pass with nothing due (1,000 rules)"
"$bin" time-rules
# One answered ticket per workspace came due in the last minute: its last update 72 hours
# and 30 seconds ago.
psql "$DATABASE_URL" <<'SQL'
update tickets t set status = 'answered', postponed_until = null
from (select distinct on (account_id) account_id, id from tickets
      where status in ('new', 'open') order by account_id, number desc) pick
where t.account_id = pick.account_id and t.id = pick.id;
update tickets t set updated_at = now() - interval '72 hours 30 seconds'
from (select distinct on (account_id) account_id, id from tickets
      where status = 'answered' and updated_at > now() - interval '1 hour'
      order by account_id, number desc) pick
where t.account_id = pick.account_id and t.id = pick.id;
SQL
echo "== 2. a pass with 1,000 tickets come due"
"$bin" time-rules
psql "$DATABASE_URL" <<'SQL'
insert into rules (account_id, id, position, name, event, hours, conditions, actions)
select id, gen_random_uuid(), 1001, 'Bench: backlog', 'hours_since_update', 72,
       '[{"field": "status", "op": "is", "value": "answered"}]',
       '[{"type": "add_tag", "value": "stale-backlog"}]'
from accounts where slug like 'load-%' order by slug limit 10;
SQL
echo "backlog of the ten workspaces: $(psql "$DATABASE_URL" -c "select count(*) from tickets
     where status = 'answered' and updated_at <= now() - interval '72 hours'
       and account_id in (select account_id from rules where name = 'Bench: backlog')")" \
  "answered tickets quiet for 72 h, of 10,000"
echo "== 3. the first pass of ten new rules"
"$bin" time-rules
