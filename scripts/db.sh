#!/usr/bin/env bash
# Prints a DATABASE_URL that works. When DATABASE_URL is unset (in the environment and in
# .env), it creates and starts a private PostgreSQL cluster under var/pg from the system's
# PostgreSQL binaries, installing them with apt-get when they are missing and we are root.
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

port=${FRONTDESK_PG_PORT:-55432}
cluster="$PWD/var/pg"
say() { printf 'db.sh: %s\n' "$*" >&2; }
# The newest installed server's bin folder, or nothing (never a failure: see set -e).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

bin=$(pg_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "PostgreSQL is not installed; installing it with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin=$(pg_bin)
  else
    say "PostgreSQL server binaries (initdb, pg_ctl) were not found."
    say "Install them (sudo apt-get install postgresql) or set DATABASE_URL to a server you have."
    exit 1
  fi
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
run_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  run_pg() { runuser -u postgres -- "$@"; }
fi

mkdir -p "$cluster"
[ "$(id -u)" = 0 ] && chown postgres: "$cluster"
if ! run_pg test -w "$cluster"; then
  say "the postgres user cannot write $cluster (is a parent folder private?); set DATABASE_URL instead"
  exit 1
fi

if [ ! -f "$cluster/data/PG_VERSION" ]; then
  say "creating a private PostgreSQL cluster in $cluster/data"
  run_pg "$bin/initdb" -D "$cluster/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

if ! run_pg "$bin/pg_ctl" -D "$cluster/data" status >/dev/null 2>&1; then
  say "starting PostgreSQL on 127.0.0.1:$port"
  if ! run_pg "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 -c fsync=off" \
      start >/dev/null; then
    say "PostgreSQL did not start; its log follows"
    tail -n 20 "$cluster/server.log" >&2
    exit 1
  fi
fi

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq)
if [ -z "$("${psql[@]}" -c "select 1 from pg_database where datname = 'frontdesk'")" ]; then
  "${psql[@]}" -c "create database frontdesk" >&2
fi
printf 'postgres://postgres@127.0.0.1:%s/frontdesk\n' "$port"
