#!/usr/bin/env bash
# The outbox benchmark: emails queued by SQL in the demo workspace of their own database
# (`frontdesk_outbox_load`, seeded once), drained by one release `frontdesk serve` into a
# loopback SMTP sink (bench/smtp_sink.py, Python's standard library only) that answers 250
# to each and counts them. Prints emails per second from the moment they are committed to
# the moment the sink has the last one, checks that none arrived twice and all are marked
# sent; then the same after an SMTP outage: the sink stopped, emails queued and failing for
# a while, the sink back.
# Usage: bench/outbox.sh   (or make bench-outbox)
# Environment: OUTBOX_DATABASE (frontdesk_outbox_load), OUTBOX_EMAILS (5000),
# OUTAGE_EMAILS (1000), OUTAGE_SECONDS (30; 0 skips the outage), BENCH_PORT (3911),
# SMTP_PORT (2625; or the next free one), FRONTDESK_BIN (a binary to measure instead of a
# fresh release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

emails=${OUTBOX_EMAILS:-5000}
outage_emails=${OUTAGE_EMAILS:-1000}
outage_seconds=${OUTAGE_SECONDS:-30}

bench_load_database "${OUTBOX_DATABASE:-frontdesk_outbox_load}"
bench_build
"$bin" migrate
if [ -z "$(psql "$DATABASE_URL" -c "select 1 from accounts where slug = 'demo'")" ]; then
  "$bin" seed >/dev/null
fi
account=$(psql "$DATABASE_URL" -c "select id from accounts where slug = 'demo'")
psql "$DATABASE_URL" -c "delete from outbox"

smtp_port=${SMTP_PORT:-2625}
while (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; do smtp_port=$((smtp_port + 1)); done
export SMTP_URL="smtp://127.0.0.1:$smtp_port"
count_file=$(mktemp)
bench_files+=("$count_file")
sink=
start_sink() {
  echo 0 >"$count_file"
  python3 bench/smtp_sink.py "$smtp_port" "$count_file" &
  sink=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && return
    sleep 0.05
  done
  echo "the SMTP sink did not start" >&2
  exit 1
}
stop_sink() {
  kill "$sink"
  wait "$sink" 2>/dev/null || true
}
received() { cat "$count_file" 2>/dev/null || echo 0; }
now() { date +%s.%N; }

# `queue count`: that many emails, due now, in one committed statement.
queue() {
  psql "$DATABASE_URL" -c "insert into outbox (account_id, id, to_address, subject, text_body, html_body)
    select '$account', gen_random_uuid(), 'customer' || n || '@example.com', 'Bench mail ' || n,
           repeat('Plain text of a notice. ', 20), '<p>' || repeat('HTML of a notice. ', 20) || '</p>'
    from generate_series(1, $1) as n"
}

# `drain count started`: waits until the sink (since it started) holds `count` messages, then
# prints the rate since `started` and checks that every row is marked sent and none arrived
# twice.
drain() {
  local total=$1 started=$2 deadline=$((SECONDS + 600)) finished
  while [ "$(received)" -lt "$total" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "only $(received) of $total emails in 10 minutes" >&2; exit 1; }
    kill -0 "$pid" 2>/dev/null || { echo "frontdesk serve exited" >&2; exit 1; }
    sleep 0.02
  done
  finished=$(now)
  while [ "$(psql "$DATABASE_URL" -c "select count(*) from outbox where sent_at is null")" != 0 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "delivered but not all marked sent" >&2; exit 1; }
    sleep 0.1
  done
  sleep 1
  [ "$(received)" = "$total" ] || { echo "the sink received $(received) of $total: some twice" >&2; exit 1; }
  awk -v n="$total" -v s="$started" -v f="$finished" \
    'BEGIN { printf "%d emails in %.2f s: %.0f emails/s\n", n, f - s, n / (f - s) }'
}

start_sink
BENCH_RUST_LOG=error bench_serve "$bin" "${BENCH_PORT:-3911}"
trap 'kill "$pid" "$sink" 2>/dev/null; rm -f "${bench_files[@]}"' EXIT

echo "== $emails emails queued at once, one serve process, $(nproc) cores"
started=$(now)
queue "$emails"
drain "$emails" "$started"

if [ "$outage_seconds" -gt 0 ]; then
  echo "== $outage_emails emails queued during a ${outage_seconds} s SMTP outage"
  stop_sink
  outage_started=$SECONDS
  queue "$outage_emails"
  left=$((outage_seconds - (SECONDS - outage_started)))
  [ "$left" -le 0 ] || sleep "$left"
  echo "failed attempts during the outage: $(psql "$DATABASE_URL" -c "select coalesce(sum(attempts), 0) from outbox where sent_at is null")"
  start_sink
  drain "$outage_emails" "$(now)"
fi
