#!/usr/bin/env bash
# Prints a DATABASE_URL that works. When DATABASE_URL is unset (in the environment and in
# .env), it creates and starts a private PostgreSQL cluster under var/pg from the system's
# PostgreSQL binaries, installing them with apt-get when they are missing and we are root.
# The cluster listens on 127.0.0.1 only, with a generated password kept in var/pg/password.
# Progress goes to stderr; stdout carries only the URL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ] && [ -f .env ]; then
  DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1 | tr -d '"'"'")
fi
if [ -n "${DATABASE_URL:-}" ]; then
  printf '%s\n' "$DATABASE_URL"
  exit 0
fi

home="$PWD/var/pg"
say() { printf 'db.sh: %s\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The newest installed PostgreSQL that has a server (a newer client alone does not count).
pg_bin() {
  local dir found=""
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && found=$dir
  done
  printf '%s' "$found"
}

bin=$(pg_bin)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "PostgreSQL is not installed; installing it with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(pg_bin)
  fi
  if [ -z "$bin" ]; then
    say "the PostgreSQL server (initdb, pg_ctl) is not installed."
    say "Install it (sudo apt-get install postgresql) or set DATABASE_URL to a server you have."
    exit 1
  fi
fi

mkdir -p "$home"
# The cluster keeps the port it was given. A new one takes the first free port from 25432
# on, below the ephemeral range (32768-60999), where an outgoing connection could hold it
# at the moment the server binds; another checkout's cluster may have 25432 already.
if [ -n "${FRONTDESK_PG_PORT:-}" ]; then
  port=$FRONTDESK_PG_PORT
elif [ -f "$home/port" ]; then
  port=$(cat "$home/port")
else
  port=25432
  while listening "$port"; do
    port=$((port + 1))
    [ "$port" -lt 25532 ] || { say "no free port in 25432-25531; set FRONTDESK_PG_PORT"; exit 1; }
  done
  printf '%s\n' "$port" > "$home/port"
fi
data="$home/data"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user, in
# a folder it can reach (a checkout under a private home folder is out of its reach).
run_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  run_pg() { (cd / && runuser -u postgres -- "$@"); }
  chown postgres: "$home"
  if ! run_pg test -w "$home"; then
    data="/var/lib/postgresql/frontdesk-$(printf '%s' "$PWD" | sha256sum | cut -c1-12)/data"
    mkdir -p "$(dirname "$data")"
    chown postgres: "$(dirname "$data")"
  fi
fi
log="$(dirname "$data")/server.log"
password_file="$home/password"

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a private PostgreSQL cluster in $data"
  (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$password_file")
  pwfile=$(mktemp)
  cp "$password_file" "$pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
  run_pg "$bin/initdb" -D "$data" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi
# A cluster made before passwords were used trusts local connections.
password=$(cat "$password_file" 2>/dev/null || true)
export PGPASSWORD="$password"

ours_running() { run_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
port_answers() { "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; }
# `start` or `restart`, with the options given here (a restart would otherwise repeat the
# last start's).
server() {
  if ! run_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300" \
      "$1" >/dev/null; then
    say "PostgreSQL did not $1; the end of $log follows"
    tail -n 20 "$log" >&2
    exit 1
  fi
}
if ! { ours_running && port_answers; }; then
  if port_answers; then
    say "another PostgreSQL (another checkout's?) answers on port $port, this cluster's port;"
    say "stop it, or move this cluster with FRONTDESK_PG_PORT=<port> (or set DATABASE_URL)"
    exit 1
  fi
  say "starting PostgreSQL on 127.0.0.1:$port"
  server start
fi

psql=("$bin/psql" -X -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq)

# fsync: the cluster may hold real tickets (`make run`), so it writes through to disk unless
# the caller asks for speed instead with FRONTDESK_PG_FSYNC=off (`make test`: its databases
# are thrown away); not while another client (a `make run` server) uses the database.
want=${FRONTDESK_PG_FSYNC:-on}
case $want in
  on | off) ;;
  *) say "FRONTDESK_PG_FSYNC is on or off, not $want"; exit 1 ;;
esac
fsync_setting() { "${psql[@]}" -F ' ' -c "select setting, source from pg_settings where name = 'fsync'"; }
read -r have source <<<"$(fsync_setting)"
# Clusters started by earlier versions of this script have fsync=off on their command line,
# which no configuration overrides.
if [ "$source" = "command line" ]; then
  say "restarting PostgreSQL without fsync=off on its command line"
  server restart
  read -r have source <<<"$(fsync_setting)"
fi
if [ "$want" = off ] && [ "$have" = on ] && [ "$("${psql[@]}" -c "select count(*) from pg_stat_activity
    where datname = 'frontdesk' and backend_type = 'client backend'")" != 0 ]; then
  say "the database is in use (by make run?): fsync stays on"
  want=on
fi
if [ "$have" != "$want" ]; then
  say "fsync $want"
  "${psql[@]}" -c "alter system set fsync = $want" -c "select pg_reload_conf()" >/dev/null
  # What was written without fsync may still be only in the kernel's cache: PostgreSQL's
  # advice is to write it all out once fsync is back on.
  [ "$want" = off ] || { "${psql[@]}" -c checkpoint && run_pg sync --file-system "$data"; }
fi
if [ -z "$("${psql[@]}" -c "select 1 from pg_database where datname = 'frontdesk'")" ]; then
  "${psql[@]}" -c "create database frontdesk" >&2
fi
printf 'postgres://postgres%s@127.0.0.1:%s/frontdesk\n' "${password:+:$password}" "$port"
