#!/usr/bin/env bash
# Makes sure the browser tests can run: Debian's Chromium and its WebDriver, installed with
# apt-get when they are missing and we are root. Without them the browser tests say so and
# pass over themselves; everything else still runs.
set -euo pipefail

if command -v chromedriver >/dev/null && command -v chromium >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "browser.sh: installing chromium and chromium-driver with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium chromium-driver >&2
else
  echo "browser.sh: chromium and chromium-driver are not installed; browser tests will be skipped" >&2
  echo "browser.sh: install them with: sudo apt-get install chromium chromium-driver" >&2
fi
