#!/usr/bin/env bash
# Measures the agents' working tools at the scale of issue 20, on a release build: a bulk
# action on 1,000 tickets (goal: under 2 s), the page of a ticket with 200 messages and 100
# attachments (goal: under 100 ms), and the memory that downloads of a 25 MiB file take
# (goal: they stream, not 25 MiB each). Its database `frontdesk_tools` (next to the one
# scripts/db.sh gives) is filled once: one workspace of 1,000 tickets (`frontdesk seed
# --workspaces 1 --tickets 1000`) and bench/tools-seed.sql.
# Usage: bench/tools.sh   (or make bench-tools)
# Environment: BENCH_DURATION (10s), BENCH_PORT (3931), FRONTDESK_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${BENCH_DURATION:-10s}

bench_require_wrk
bench_load_database frontdesk_tools
bench_build
"$bin" migrate
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = 'load-0001'")" ]; then
  "$bin" seed --workspaces 1 --tickets 1000
fi
psql "$DATABASE_URL" -f bench/tools-seed.sql
bench_serve "$bin" "${BENCH_PORT:-3931}"
cookie=$(bench_log_in load-0001 admin@load.example load-test-password)
bench_check_ok "$cookie" /app/tickets/1

echo "== the ticket page: 200 messages, 100 attachments"
bench_measure ticket /app/tickets/1 "$cookie" 8 "$duration"
bench_report "ticket 1 of load-0001, 8 connections"

echo "== bulk: status of 1,000 tickets, in one request"
token=$(curl -s -H "Cookie: $cookie" "$base/app/tickets" \
  | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
numbers=$(psql "$DATABASE_URL" -c "select string_agg('tickets=' || number, '&' order by number)
  from tickets t join accounts a on a.id = t.account_id where a.slug = 'load-0001'")
for status in resolved open resolved open; do
  body="csrf_token=$token&action=status&status=$status&$numbers"
  read -r code seconds < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H "Cookie: $cookie" --data "$body" "$base/app/tickets/bulk")
  [ "$code" = 303 ] || { echo "the bulk action answered $code" >&2; exit 1; }
  echo "status $status on 1,000 tickets: $seconds s"
done
echo "tickets now $(psql "$DATABASE_URL" -c "select status || ' ' || count(*) from tickets group by status")"

echo "== downloads: 8 at once of a 25 MiB file"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
before=$(rss)
peak=$before
downloads=()
answers=$(mktemp)
bench_files+=("$answers")
for _ in 1 2 3 4 5 6 7 8; do
  curl -s -o /dev/null -w '%{http_code} %{size_download}\n' -H "Cookie: $cookie" \
    "$base/app/attachments/00000000-0000-7000-8000-000000000025" >>"$answers" &
  downloads+=($!)
done
running() { for download in "${downloads[@]}"; do kill -0 "$download" 2>/dev/null && return; done; return 1; }
while running; do
  now=$(rss)
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.05
done
wait "${downloads[@]}"
[ "$(sort -u "$answers")" = "200 26214400" ] || { echo "downloads answered: $(sort -u "$answers")" >&2; exit 1; }
echo "server memory (RSS): $((before / 1024)) MiB before, $((peak / 1024)) MiB at most during" \
  "8 downloads of 25 MiB (a whole copy each would be 200 MiB more)"
