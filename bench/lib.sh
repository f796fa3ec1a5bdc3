# Shared by the benchmark scripts (bench/kb.sh, bench/reports.sh, scripts/bench-tickets.sh,
# scripts/bench.sh):
# wrk, a load database beside the one scripts/db.sh gives, a release server on a free
# port, and wrk runs summed up in one table. Source it from the checkout's root.

# Installs wrk with apt-get when missing and allowed to.
bench_require_wrk() {
  command -v wrk >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing wrk with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2 \
      || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
  else
    echo "wrk is not installed (apt-get install wrk)" >&2
    exit 1
  fi
}

# Builds the release binaries every benchmark measures, once for all of them (the same
# features each time, so that one script's build is the next one's too), and sets `bin`
# and `bare_bin`; FRONTDESK_BIN names a `frontdesk` binary to measure instead.
bench_build() {
  if [ -n "${FRONTDESK_BIN:-}" ]; then
    bin=$FRONTDESK_BIN
  else
    SQLX_OFFLINE=${SQLX_OFFLINE:-true} cargo build --release --features bench --bin frontdesk --bin bare-tickets
    bin=${CARGO_TARGET_DIR:-target}/release/frontdesk
  fi
  bare_bin=${CARGO_TARGET_DIR:-target}/release/bare-tickets
}

psql_bin=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
psql() { "$psql_bin" -X -v ON_ERROR_STOP=1 -tAq "$@"; }

# Points DATABASE_URL at database $1 on the server of scripts/db.sh, creating it if needed,
# so that tests and the demo workspace never see the load data.
bench_load_database() {
  local main_url
  main_url=$(scripts/db.sh)
  DATABASE_URL=$(printf '%s' "$main_url" | sed -E "s#/[^/?]*(\?.*)?\$#/$1\1#")
  export DATABASE_URL
  if [ -z "$(psql "$main_url" -c "select 1 from pg_database where datname = '$1'")" ]; then
    psql "$main_url" -c "create database $1"
  fi
}

# Serves binary $1 from port $2 (or the next free one) until the script exits; sets
# `base` and `pid`, and removes the files named in `bench_files` at exit. It logs warnings,
# or what BENCH_RUST_LOG says.
bench_files=()
bench_serve() {
  local port=$2
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  base="http://127.0.0.1:$port"
  LISTEN_ADDR="127.0.0.1:$port" BASE_URL="$base" RUST_LOG=${BENCH_RUST_LOG:-warn} "$1" serve &
  pid=$!
  trap 'kill "$pid" 2>/dev/null; rm -f "${bench_files[@]}"' EXIT
  for _ in $(seq 150); do
    curl -fs "$base/healthz" >/dev/null && return
    kill -0 "$pid" 2>/dev/null || { echo "frontdesk serve exited" >&2; exit 1; }
    sleep 0.2
  done
  echo "frontdesk serve did not answer in 30 s" >&2
  exit 1
}

# `bench_log_in workspace email password`: prints the session cookie of that login.
bench_log_in() {
  local jar token
  jar=$(mktemp)
  token=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "workspace=$1" --data-urlencode "email=$2" \
    --data-urlencode "password=$3" "$base/login"
  awk '$6 == "frontdesk" {print "frontdesk=" $7}' "$jar"
  rm -f "$jar"
}

# `bench_check_ok cookie path...`: every page answers 200 to the session, not a redirect.
bench_check_ok() {
  local cookie=$1 path status
  shift
  for path in "$@"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
    [ "$status" = 200 ] || { echo "GET $path answered $status, not 200" >&2; exit 1; }
  done
}

# `bench_measure name path cookie connections duration`: wrk on $base$path with the
# cookie, its figures printed and a row added to the summary.
bench_summary=$(mktemp)
bench_files+=("$bench_summary")
bench_measure() {
  local name=$1 path=$2 cookie=$3 connections=$4 duration=$5 out
  echo "== GET $path ($name): wrk -t2 -c$connections -d$duration"
  # A few seconds first, not counted: the pool opens its connections and prepares the
  # page's statements, as a server that has been up a while has done.
  wrk -t2 -c"$connections" -d3s -H "Cookie: $cookie" "$base$path" >/dev/null
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" "$base$path")
  grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors" <<<"$out" || true
  awk -v page="$name" '
    /Requests\/sec/ {rps = $2}
    $1 == "50%" {p50 = $2}
    $1 == "99%" {p99 = $2}
    /Non-2xx/ {bad = $NF}
    END {printf "%-8s %10s %10s %10s %8s\n", page, rps, p50, p99, bad + 0}' <<<"$out" >>"$bench_summary"
}

# For each row of the summary after a `bare` row: its requests/s and p99 as a share of
# that bare row's (the goal: requests/s at least 0.6, p99 at most 2).
bench_ratios() {
  awk '
    function ms(t) { if (t ~ /us$/) return t / 1000; if (t ~ /ms$/) return t + 0; return t * 1000 }
    $1 == "bare" {rps = $2; p99 = ms($4); next}
    rps > 0 {printf "%-8s req/s %.2f of bare, p99 %.1fx bare\n", $1, $2 / rps, ms($4) / p99}
  ' "$bench_summary"
}

# The summary table under the title $1.
bench_report() {
  echo
  echo "== $1, $(nproc) cores"
  printf '%-8s %10s %10s %10s %8s\n' page "req/s" p50 p99 non-2xx
  cat "$bench_summary"
}
