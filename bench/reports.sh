#!/usr/bin/env bash
# The reports benchmark: one workspace with 50 agents and 1,000,000 ticket log rows over
# two years (bench/reports.sql, in its own database `frontdesk_reports`, filled once),
# served by a release build. Prints the time of 20 requests (after 2 not counted) of the
# team report by day for 30 days, by hour for 7 days, and an agent's own report by day for
# a year: median and max, as curl measures them on loopback.
# Usage: bench/reports.sh   (or make bench-reports)
# Environment: REPORTS_DATABASE (frontdesk_reports), BENCH_PORT (3911).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_load_database "${REPORTS_DATABASE:-frontdesk_reports}"
bench_build
"$bin" migrate
slug=load-0001
password=load-test-password
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = '$slug'")" ]; then
  echo "== filling the database: 50 agents, 1,000,000 log rows over two years"
  started=$(date +%s)
  "$bin" seed --workspaces 1 --tickets 1
  psql "$DATABASE_URL" -v slug="$slug" -f bench/reports.sql
  echo "filled in $(($(date +%s) - started)) s"
fi
echo "log rows: $(psql "$DATABASE_URL" -c "select count(*) from messages")," \
  "database size: $(psql "$DATABASE_URL" -c "select pg_size_pretty(pg_database_size(current_database()))")"

bench_serve "$bin" "${BENCH_PORT:-3911}"
admin=$(bench_log_in "$slug" admin@load.example "$password")
agent=$(bench_log_in "$slug" agent1@load.example "$password")
today=$(date -u +%F)
days_ago() { date -u -d "$today - $1 days" +%F; }

# `measure name cookie path`: 20 timed requests after 2 that are not counted.
measure() {
  local times
  bench_check_ok "$2" "$3"
  curl -s -o /dev/null -H "Cookie: $2" "$base$3"
  times=$(for _ in $(seq 20); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $2" "$base$3"
  done | sort -n)
  printf '%-28s median %5.0f ms   max %5.0f ms\n' "$1" \
    "$(sed -n 10p <<<"$times" | awk '{print $1 * 1000}')" \
    "$(tail -n 1 <<<"$times" | awk '{print $1 * 1000}')"
}

echo "== 20 requests each, $(nproc) cores"
measure "team, by day, 30 days" "$admin" "/app/reports?period=day&from=$(days_ago 29)&to=$today"
measure "team, by hour, 7 days" "$admin" "/app/reports?period=hour&from=$(days_ago 6)&to=$today"
measure "own, by day, a year" "$agent" "/app/reports/me?period=day&from=$(days_ago 364)&to=$today"
measure "team CSV, by day, 30 days" "$admin" "/app/reports?period=day&from=$(days_ago 29)&to=$today&format=csv"
