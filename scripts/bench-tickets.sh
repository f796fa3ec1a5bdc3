#!/usr/bin/env bash
# Measures the ticket pages at scale: fills a separate database (`frontdesk_load`, next to
# the one scripts/db.sh gives) with LOAD_WORKSPACES x LOAD_TICKETS tickets once, serves it
# with a release build, logs in as an agent (role agent, in the Support department) and
# loads the queue, the list, a search and a ticket page with wrk.
# Usage: scripts/bench-tickets.sh   (or make bench-tickets)
# Environment: LOAD_WORKSPACES (1000), LOAD_TICKETS (1000), LOAD_DATABASE (frontdesk_load),
# BENCH_WORKSPACE (the middle one), BENCH_QUERY (invoice), BENCH_DURATION (15s),
# BENCH_CONNECTIONS (32), BENCH_PORT (3901).
set -euo pipefail
cd "$(dirname "$0")/.."

workspaces=${LOAD_WORKSPACES:-1000}
tickets=${LOAD_TICKETS:-1000}
duration=${BENCH_DURATION:-15s}
connections=${BENCH_CONNECTIONS:-32}
query=${BENCH_QUERY:-invoice}
# The seed's agent of the Support department, and the password of all its agents.
email=agent1@load.example
password=load-test-password
workspace=${BENCH_WORKSPACE:-$(printf 'load-%04d' $(((workspaces + 1) / 2)))}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
  else
    echo "wrk is not installed (apt-get install wrk)" >&2
    exit 1
  fi
fi

# The load data lives in its own database on the same server, so that tests and the demo
# workspace never see it.
main_url=$(scripts/db.sh)
load_db=${LOAD_DATABASE:-frontdesk_load}
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

echo "== seed: $workspaces workspaces x $tickets tickets into $load_db"
seed_started=$(date +%s)
"$bin" seed --workspaces "$workspaces" --tickets "$tickets"
echo "seed took $(($(date +%s) - seed_started)) s"
echo "database size: $(psql "$DATABASE_URL" -c "select pg_size_pretty(pg_database_size(current_database()))")," \
  "tickets: $(psql "$DATABASE_URL" -c "select count(*) from tickets")," \
  "messages: $(psql "$DATABASE_URL" -c "select count(*) from messages")"

port=${BENCH_PORT:-3901}
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
curl -fs "$base/healthz" >/dev/null || { echo "frontdesk serve did not answer in 30 s" >&2; exit 1; }

echo "== log in: workspace $workspace, $email (role agent)"
token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "workspace=$workspace" --data-urlencode "email=$email" \
  --data-urlencode "password=$password" "$base/login"
cookie=$(awk '$6 == "frontdesk" {print "frontdesk=" $7}' "$jar")

# A ticket the agent may open: the first of their list.
number=$(curl -s -H "Cookie: $cookie" "$base/app/tickets" | grep -o 'href="/app/tickets/[0-9]*"' \
  | head -n 1 | grep -o '[0-9]*' || true)
[ -n "$number" ] || { echo "the agent's ticket list shows no ticket: not logged in?" >&2; exit 1; }

paths=("/app" "/app/tickets" "/app/tickets?q=$query" "/app/tickets/$number")
names=("queue" "list" "search" "ticket")
# Every page answers 200 to this session, not a redirect to the login page.
for path in "${paths[@]}"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
  [ "$status" = 200 ] || { echo "GET $path answered $status, not 200" >&2; exit 1; }
done

summary=$(mktemp)
trap 'kill "$pid" 2>/dev/null; rm -f "$jar" "$summary"' EXIT
for i in "${!paths[@]}"; do
  path=${paths[$i]}
  echo "== GET $path (${names[$i]}): wrk -t2 -c$connections -d$duration"
  # A few seconds first, not counted: the pool opens its connections and prepares the
  # page's statements, as a server that has been up a while has done.
  wrk -t2 -c"$connections" -d3s -H "Cookie: $cookie" "$base$path" >/dev/null
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" "$base$path")
  grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors" <<<"$out" || true
  awk -v page="${names[$i]}" '
    /Requests\/sec/ {rps = $2}
    $1 == "50%" {p50 = $2}
    $1 == "99%" {p99 = $2}
    /Non-2xx/ {bad = $NF}
    END {printf "%-8s %10s %10s %10s %8s\n", page, rps, p50, p99, bad + 0}' <<<"$out" >>"$summary"
done

echo
echo "== $workspaces workspaces x $tickets tickets, $connections connections, $(nproc) cores"
printf '%-8s %10s %10s %10s %8s\n' page "req/s" p50 p99 non-2xx
cat "$summary"
