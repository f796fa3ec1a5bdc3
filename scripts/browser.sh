#!/usr/bin/env bash
# Makes sure the browser tests can run: Debian's Chromium and its WebDriver, installed with
# apt-get when they are missing and we are root, and axe-core (the accessibility engine the
# tests run in each page), installed with npm under var/axe. Without them the browser tests
# say so and pass over themselves (or the accessibility check); with CI set they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! { command -v chromedriver >/dev/null && command -v chromium >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser.sh: installing chromium and chromium-driver with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium chromium-driver >&2
  else
    echo "browser.sh: chromium and chromium-driver are not installed; browser tests will be skipped" >&2
    echo "browser.sh: install them with: sudo apt-get install chromium chromium-driver" >&2
  fi
fi

axe=var/axe/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ]; then
  if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser.sh: installing npm with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq npm >&2
  fi
  if command -v npm >/dev/null; then
    echo "browser.sh: installing axe-core with npm under var/axe" >&2
    npm install --prefix var/axe --no-save --no-audit --no-fund axe-core@4 >&2
  else
    echo "browser.sh: npm is not installed; pages will not be checked with axe-core" >&2
  fi
fi
