#!/usr/bin/env bash
# Measures a release `frontdesk serve`: resident memory when idle, then throughput and
# latency under wrk on loopback for the health check, the login page (a new anonymous
# session per request) and a logged-in panel page, then memory again.
# Usage: scripts/bench.sh  (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
bench_require_wrk

DATABASE_URL="$(scripts/db.sh)"
export DATABASE_URL
bench_build
"$bin" seed >/dev/null

bench_serve "$bin" "${BENCH_PORT:-3900}"
jar=$(mktemp)
bench_files+=("$jar")
sleep 2
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "idle RSS: $(rss)"

# Log in as the demo admin with the password the seed printed.
password=$(awk '/admin@demo.example/ {print $4}' var/demo-logins.txt)
token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "workspace=demo" --data-urlencode "email=admin@demo.example" \
  --data-urlencode "password=$password" "$base/login"
cookie=$(awk '$6 == "frontdesk" {print "frontdesk=" $7}' "$jar")

for path in /healthz /login; do
  echo "== GET $path"
  wrk -t2 -c32 -d10s --latency "$base$path" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
echo "== GET /app/config/settings (logged in as admin)"
wrk -t2 -c32 -d10s --latency -H "Cookie: $cookie" "$base/app/config/settings" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "RSS after load: $(rss)"
