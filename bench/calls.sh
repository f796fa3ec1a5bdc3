#!/usr/bin/env bash
# Calls at scale (`make bench-calls`): a separate database (`frontdesk_calls_load`) with
# the load seed's workspaces, a release `serve`, and bench/calls.py: CALLS calls (1000)
# across WORKSPACES connected workspaces (20), started within RAMP seconds (5), so that
# about CALLS ring at once, each with its four signed webhooks.
# Environment: CALLS, WORKSPACES, RAMP, FRONTDESK_BIN, BENCH_PORT (3961).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

workspaces=${WORKSPACES:-20}
bench_load_database frontdesk_calls_load
bench_build
"$bin" migrate
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = 'load-0001'")" ]; then
  "$bin" seed --workspaces "$workspaces" --tickets 20
fi
# Every run starts from no calls and no connection.
psql "$DATABASE_URL" -c "delete from tickets where channel = 'call'; delete from voice_settings; delete from voice_numbers"
SECRET_KEY=$(head -c 32 /dev/urandom | base64) bench_serve "$bin" "${BENCH_PORT:-3961}"
python3 bench/calls.py "$base" "$DATABASE_URL" "$pid" "${CALLS:-1000}" "$workspaces" "${RAMP:-5}"
