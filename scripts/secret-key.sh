#!/usr/bin/env bash
# Prints a SECRET_KEY that works: the environment's or .env's when set, else the one kept in
# var/secret_key, made on first use (32 random bytes, base64, readable by its owner only).
# Provider tokens are sealed with it: losing the file means entering them again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SECRET_KEY:-}" ] && [ -f .env ]; then
  SECRET_KEY=$(sed -n 's/^SECRET_KEY=//p' .env | tail -n 1 | tr -d '"'"'")
fi
if [ -n "${SECRET_KEY:-}" ]; then
  printf '%s\n' "$SECRET_KEY"
  exit 0
fi
if [ ! -s var/secret_key ]; then
  mkdir -p var
  (umask 077 && head -c 32 /dev/urandom | base64 > var/secret_key)
  printf 'secret-key.sh: made a new SECRET_KEY in var/secret_key\n' >&2
fi
cat var/secret_key
