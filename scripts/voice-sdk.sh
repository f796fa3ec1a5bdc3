#!/usr/bin/env bash
# Installs the voice provider's browser SDK (Twilio Voice JavaScript SDK, npm package
# @twilio/voice-sdk) where the web phone's window loads it: static/vendor/twilio.min.js,
# served by Frontdesk itself, never from a CDN. It is not committed: npm fetches the pinned
# version under var/voice-sdk. Without npm, or without the registry, web phones stay
# unavailable (their window and the calls settings say so) and everything else works.
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.18.5
sdk=static/vendor/twilio.min.js
package=var/voice-sdk/node_modules/@twilio/voice-sdk

if [ -f "$sdk" ] && grep -q "\"version\": \"$version\"" "$package/package.json" 2>/dev/null; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "voice-sdk.sh: npm is not installed; web phones will be unavailable" >&2
  exit 0
fi
echo "voice-sdk.sh: installing @twilio/voice-sdk@$version with npm under var/voice-sdk" >&2
if ! npm install --prefix var/voice-sdk --no-save --no-audit --no-fund "@twilio/voice-sdk@$version" >&2; then
  echo "voice-sdk.sh: npm could not install the SDK; web phones will be unavailable" >&2
  exit 0
fi
mkdir -p static/vendor
cp "$package/dist/twilio.min.js" "$sdk.partial"
cp "$package/LICENSE.md" static/vendor/twilio-LICENSE.md
mv "$sdk.partial" "$sdk"
