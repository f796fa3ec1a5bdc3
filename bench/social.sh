#!/usr/bin/env bash
# Social channels' webhooks at scale (`make bench-social`): a separate database
# (`frontdesk_social_load`) with the load seed's workspaces, a release `serve` whose
# Telegram API is bench/social.py's stand-in, and RATE Telegram updates a second (500)
# for BENCH_SECONDS (20) across WORKSPACES connected bots (10).
# Environment: WORKSPACES, RATE, BENCH_SECONDS, FRONTDESK_BIN, BENCH_PORT (3971).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

workspaces=${WORKSPACES:-10}
bench_load_database frontdesk_social_load
bench_build
"$bin" migrate
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = 'load-0001'")" ]; then
  "$bin" seed --workspaces "$workspaces" --tickets 20
fi
# Every run starts from no conversation and no channel.
psql "$DATABASE_URL" -c "delete from outbox where kind = 'social'; delete from social_inbox; delete from tickets where channel = 'telegram'; delete from social_channels"
fake_port=$((${BENCH_PORT:-3971} + 50))
while (exec 3<>"/dev/tcp/127.0.0.1/$fake_port") 2>/dev/null; do fake_port=$((fake_port + 1)); done
python3 bench/social.py fake "$fake_port" &
fake_pid=$!
TELEGRAM_API_BASE="http://127.0.0.1:$fake_port" SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
  bench_serve "$bin" "${BENCH_PORT:-3971}"
trap 'kill "$pid" "$fake_pid" 2>/dev/null' EXIT
python3 bench/social.py load "$base" "$DATABASE_URL" "$pid" "http://127.0.0.1:$fake_port" \
  "$workspaces" "${RATE:-500}" "${BENCH_SECONDS:-20}"
