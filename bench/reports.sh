#!/usr/bin/env bash
# The reports benchmark: one workspace with 50 agents and 1,000,000 ticket log rows over
# two years (bench/reports.sql, in its own database `frontdesk_reports`, filled once),
# served by a release build. Prints the time of 20 requests (after 2 not counted) of the
# team report by day for 30 days, by hour for 7 days, and an agent's own report by day for
# a year: median and max, as curl measures them on loopback.
# Usage: bench/reports.sh   Environment: REPORTS_DATABASE, BENCH_PORT (3911).
set -euo pipefail
cd "$(dirname "$0")/.."

main_url=$(scripts/db.sh)
load_db=${REPORTS_DATABASE:-frontdesk_reports}
DATABASE_URL=$(printf '%s' "$main_url" | sed -E "s#/[^/?]*(\?.*)?\$#/$load_db\1#")
export DATABASE_URL
psql_bin=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
psql() { "$psql_bin" -X -v ON_ERROR_STOP=1 -tAq "$@"; }
if [ -z "$(psql "$main_url" -c "select 1 from pg_database where datname = '$load_db'")" ]; then
  psql "$main_url" -c "create database $load_db"
fi

export SQLX_OFFLINE=${SQLX_OFFLINE:-true}
cargo build --release --bin frontdesk
bin=${CARGO_TARGET_DIR:-target}/release/frontdesk
"$bin" migrate
slug=load-0001
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = '$slug'")" ]; then
  echo "== filling $load_db: 50 agents, 1,000,000 log rows over two years"
  started=$(date +%s)
  "$bin" seed --workspaces 1 --tickets 1
  psql "$DATABASE_URL" -v slug="$slug" -f bench/reports.sql
  echo "filled in $(($(date +%s) - started)) s"
fi
echo "log rows: $(psql "$DATABASE_URL" -c "select count(*) from messages")," \
  "database size: $(psql "$DATABASE_URL" -c "select pg_size_pretty(pg_database_size(current_database()))")"

port=${BENCH_PORT:-3911}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
jar=$(mktemp)
LISTEN_ADDR="127.0.0.1:$port" BASE_URL="$base" RUST_LOG=warn "$bin" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$jar"' EXIT
for _ in $(seq 150); do
  curl -fs "$base/healthz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "frontdesk serve exited" >&2; exit 1; }
  sleep 0.2
done

# Prints the session cookie of `email` of the workspace.
log_in() {
  rm -f "$jar"
  local token
  token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "workspace=$slug" --data-urlencode "email=$1" \
    --data-urlencode "password=load-test-password" "$base/login"
  awk '$6 == "frontdesk" {print "frontdesk=" $7}' "$jar"
}

today=$(date -u +%F)
days_ago() { date -u -d "$today - $1 days" +%F; }
admin=$(log_in admin@load.example)
agent=$(log_in agent1@load.example)

measure() {
  local name=$1 cookie=$2 path=$3 status times
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
  [ "$status" = 200 ] || { echo "GET $path answered $status" >&2; exit 1; }
  curl -s -o /dev/null -H "Cookie: $cookie" "$base$path"
  times=$(for _ in $(seq 20); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$base$path"
  done | sort -n)
  printf '%-34s median %6.0f ms   max %6.0f ms\n' "$name" \
    "$(sed -n 10p <<<"$times" | awk '{print $1 * 1000}')" \
    "$(tail -n 1 <<<"$times" | awk '{print $1 * 1000}')"
}

echo "== 20 requests each, $(nproc) cores"
measure "team, by day, 30 days" "$admin" "/app/reports?period=day&from=$(days_ago 29)&to=$today"
measure "team, by hour, 7 days" "$admin" "/app/reports?period=hour&from=$(days_ago 6)&to=$today"
measure "own report, by day, a year" "$agent" "/app/reports/me?period=day&from=$(days_ago 364)&to=$today"
measure "team CSV, by day, 30 days" "$admin" "/app/reports?period=day&from=$(days_ago 29)&to=$today&format=csv"
