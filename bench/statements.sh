#!/usr/bin/env bash
# Counts the statements a logged-in agent's page views send to PostgreSQL: a small seed in
# its own database (`frontdesk_statements`) with `log_statement = all` for that database
# only, one `serve`, and for each page the statements PostgreSQL logged during ten views
# (after one view that fills the caches), divided by ten. BEGIN and COMMIT count: each is
# a round trip.
# Needs the private cluster of scripts/db.sh, whose log is var/pg/server.log.
# Usage: bench/statements.sh   (or make bench-statements)
# Environment: FRONTDESK_BIN (a binary to measure instead of a fresh release build),
# BENCH_PORT (3921).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

database=frontdesk_statements
log=var/pg/server.log
bench_load_database "$database"
[ -f "$log" ] || { echo "no $log: this script needs the cluster of scripts/db.sh" >&2; exit 1; }
bench_build
"$bin" migrate
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts limit 1")" ]; then
  "$bin" seed --workspaces 2 --tickets 200 >/dev/null
fi
# New connections of this database log every statement; serve's pool opens them after this.
psql "$DATABASE_URL" -c "alter database $database set log_statement = 'all'"
trap 'psql "$DATABASE_URL" -c "alter database $database reset log_statement"' EXIT

BENCH_RUST_LOG=error bench_serve "$bin" "${BENCH_PORT:-3921}"
trap 'kill "$pid" 2>/dev/null; psql "$DATABASE_URL" -c "alter database $database reset log_statement"' EXIT
cookie=$(bench_log_in load-0001 agent1@load.example load-test-password)
number=$(curl -s -H "Cookie: $cookie" "$base/app/tickets" | grep -o 'href="/app/tickets/[0-9]*"' \
  | head -n 1 | grep -o '[0-9]*' || true)
[ -n "$number" ] || { echo "the agent's ticket list shows no ticket: not logged in?" >&2; exit 1; }

paths=("/app" "/app/tickets" "/app/tickets?q=invoice" "/app/tickets/$number" "/app/profile" "/app/reports/me")
bench_check_ok "$cookie" "${paths[@]}"
views=10
printf '%-28s %s\n' page "statements per view"
for path in "${paths[@]}"; do
  curl -s -o /dev/null -H "Cookie: $cookie" "$base$path"
  sleep 0.3
  before=$(stat -c %s "$log")
  for _ in $(seq "$views"); do
    curl -s -o /dev/null -H "Cookie: $cookie" "$base$path"
  done
  sleep 0.3
  statements=$(tail -c +"$((before + 1))" "$log" | grep -cE 'LOG:  (statement|execute [^:]*):' || true)
  awk -v p="$path" -v s="$statements" -v n="$views" 'BEGIN { printf "%-28s %.1f\n", p, s / n }'
done
