#!/usr/bin/env bash
# Measures the ticket pages at scale: fills a separate database (`frontdesk_load`, next to
# the one scripts/db.sh gives) with LOAD_WORKSPACES x LOAD_TICKETS tickets once, serves it
# with a release build, logs in as an agent (role agent, in the Support department) and
# loads the queue, the list, a search and a ticket page with wrk. Before each page it loads
# the bare list (bench/bare_tickets.rs: the list's query and a plain table, no session)
# for the same agent, and prints each page's requests/s and p99 against it.
# Usage: scripts/bench-tickets.sh   (or make bench-tickets)
# Environment: LOAD_WORKSPACES (1000), LOAD_TICKETS (1000), LOAD_DATABASE (frontdesk_load),
# BENCH_WORKSPACE (the middle one), BENCH_QUERY (invoice), BENCH_DURATION (15s),
# BENCH_CONNECTIONS (32), BENCH_PORT (3901).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

workspaces=${LOAD_WORKSPACES:-1000}
tickets=${LOAD_TICKETS:-1000}
duration=${BENCH_DURATION:-15s}
connections=${BENCH_CONNECTIONS:-32}
query=${BENCH_QUERY:-invoice}
# The seed's agent of the Support department, and the password of all its agents.
email=agent1@load.example
password=load-test-password
workspace=${BENCH_WORKSPACE:-$(printf 'load-%04d' $(((workspaces + 1) / 2)))}

bench_require_wrk

# The load data lives in its own database on the same server.
bench_load_database "${LOAD_DATABASE:-frontdesk_load}"

bench_build

echo "== seed: $workspaces workspaces x $tickets tickets"
seed_started=$(date +%s)
"$bin" seed --workspaces "$workspaces" --tickets "$tickets"
echo "seed took $(($(date +%s) - seed_started)) s"
echo "database size: $(psql "$DATABASE_URL" -c "select pg_size_pretty(pg_database_size(current_database()))")," \
  "tickets: $(psql "$DATABASE_URL" -c "select count(*) from tickets")," \
  "messages: $(psql "$DATABASE_URL" -c "select count(*) from messages")"

bench_serve "$bin" "${BENCH_PORT:-3901}"

echo "== log in: workspace $workspace, $email (role agent)"
cookie=$(bench_log_in "$workspace" "$email" "$password")

# A ticket the agent may open: the first of their list.
number=$(curl -s -H "Cookie: $cookie" "$base/app/tickets" | grep -o 'href="/app/tickets/[0-9]*"' \
  | head -n 1 | grep -o '[0-9]*' || true)
[ -n "$number" ] || { echo "the agent's ticket list shows no ticket: not logged in?" >&2; exit 1; }

paths=("/app" "/app/tickets" "/app/tickets?q=$query" "/app/tickets/$number")
names=("queue" "list" "search" "ticket")
bench_check_ok "$cookie" "${paths[@]}"

frontdesk_base=$base
bare_port=$((${BENCH_PORT:-3901} + 50))
while (exec 3<>"/dev/tcp/127.0.0.1/$bare_port") 2>/dev/null; do bare_port=$((bare_port + 1)); done
"$bare_bin" "127.0.0.1:$bare_port" "$workspace" "$email" &
bare_pid=$!
trap 'kill "$pid" "$bare_pid" 2>/dev/null; rm -f "${bench_files[@]}"' EXIT
bare_base="http://127.0.0.1:$bare_port"
for _ in $(seq 50); do curl -fs "$bare_base/tickets" >/dev/null && break; sleep 0.2; done

# Alternately, so that both see the same machine: the bare list, then the page.
for i in "${!paths[@]}"; do
  base=$bare_base bench_measure "bare" "/tickets" "" "$connections" "$duration"
  base=$frontdesk_base bench_measure "${names[$i]}" "${paths[$i]}" "$cookie" "$connections" "$duration"
done
bench_report "$workspaces workspaces x $tickets tickets, $connections connections"
echo
echo "== each page against the bare list measured just before it"
bench_ratios
