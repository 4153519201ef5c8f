#!/usr/bin/env bash
# The reference pages in a real browser: headless Chromium (Debian `chromium`, driven by npm
# `playwright-core`, pinned) loads the example's /docs, finds Verify Phone and its constraint,
# sends an empty code through the try-it form with a bearer token the example accepts, and
# sees the InvalidArgument answer.
#
#   tests/browser/run.sh                 # the test; its screenshot goes to target/browser/
#   tests/browser/run.sh --screenshot    # also refreshes docs/reference-pages.png (checked in)
#
# playwright-core is installed under target/ so the repository stays clean; the example server
# runs on a free port with its state in a temporary directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

PLAYWRIGHT_CORE_VERSION=1.65.2
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/browser
DEPS=$OUT/node
mkdir -p "$OUT" "$DEPS"

update_screenshot=
case "${1:-}" in
  "") ;;
  --screenshot) update_screenshot=1 ;;
  *) echo "usage: $0 [--screenshot]" >&2; exit 2 ;;
esac

apt_install() {
  echo "browser: apt-get install $*" >&2
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || apt_install chromium
command -v node >/dev/null 2>&1 || apt_install nodejs npm

if [ "$(node -p "try { require('$DEPS/node_modules/playwright-core/package.json').version } catch { '' }")" != "$PLAYWRIGHT_CORE_VERSION" ]; then
  echo "browser: npm install playwright-core@$PLAYWRIGHT_CORE_VERSION into $DEPS" >&2
  [ -f "$DEPS/package.json" ] || echo '{"private": true}' > "$DEPS/package.json"
  npm install --silent --no-audit --no-fund --prefix "$DEPS" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
fi

cargo build --quiet -p verify-phone
SERVER_BIN=$TARGET/debug/verify-phone

STATE=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$STATE"
}
trap cleanup EXIT

# The banner's first line names the address; its `export TOKEN=` line, the demo user's token.
"$SERVER_BIN" serve --addr 127.0.0.1:0 --data-dir "$STATE/data" > "$STATE/banner" 2> "$STATE/log" &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q '^Stop with Ctrl-C' "$STATE/banner" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$STATE/log" >&2; echo "browser: the server did not start" >&2; exit 1; }
  sleep 0.1
done
BASE=$(sed -n '1s/^verify-phone listening on \(http:[^ ]*\).*/\1/p' "$STATE/banner")
TOKEN=$(sed -n 's/^  export TOKEN=//p' "$STATE/banner")
if [ -z "$BASE" ] || [ -z "$TOKEN" ]; then
  cat "$STATE/banner" >&2
  echo "browser: no address or token in the banner" >&2
  exit 1
fi

echo "browser: Chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}') against $BASE/docs" >&2
BASE=$BASE TOKEN=$TOKEN CHROMIUM=$CHROMIUM DEPS=$DEPS SCREENSHOT=$OUT/reference-pages.png \
  node tests/browser/docs.mjs

if [ -n "$update_screenshot" ]; then
  mkdir -p docs
  cp "$OUT/reference-pages.png" docs/reference-pages.png
  echo "browser: docs/reference-pages.png updated" >&2
fi
