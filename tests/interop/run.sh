#!/usr/bin/env bash
# Interop suites: clients we did not write against the library test server.
#
#   tests/interop/run.sh            # everything
#   tests/interop/run.sh python     # only the pytest suites (grpcio, REST, gRPC-Web, bad input)
#   tests/interop/run.sh node       # only connect-node and buf curl
#
# Installs what it needs on first use: a Python venv under target/interop-venv (grpcio,
# grpcio-tools for protoc, grpcio-status, protobuf, pytest) and the npm packages of
# tests/interop/node (from its package-lock.json). Builds and starts
# `library-server --addr 127.0.0.1:0`, runs the suites, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WHICH=${1:-all}

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$TARGET/interop-venv
OUT=$TARGET/interop
mkdir -p "$OUT"

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "interop: installing $2 (for $1)" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

# --- Python ----------------------------------------------------------------------------
need python3 python3
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  need __python3_venv__ python3-venv
fi
PY_PACKAGES="grpcio grpcio-tools grpcio-status protobuf pytest"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import grpc, grpc_tools, grpc_status, google.protobuf, pytest' 2>/dev/null; then
  echo "interop: creating $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check $PY_PACKAGES
fi
PY=$VENV/bin/python

# --- Node ------------------------------------------------------------------------------
if [ "$WHICH" != python ]; then
  need node nodejs
  need npm npm
  if [ ! -x tests/interop/node/node_modules/.bin/buf ] \
    || [ tests/interop/node/package-lock.json -nt tests/interop/node/node_modules/.package-lock.json ]; then
    echo "interop: npm ci in tests/interop/node" >&2
    (cd tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# --- The schema, as a descriptor set every client loads ---------------------------------
FIXTURE=codegen/tests/fixtures/library
SITE=$("$PY" -c 'import google.rpc, os; print(os.path.dirname(os.path.dirname(google.rpc.__path__[0])))')
WKT=$("$PY" -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
"$PY" -m grpc_tools.protoc -I "$FIXTURE" -I schemas/proto -I "$WKT" -I "$SITE" \
  --include_imports --descriptor_set_out="$OUT/library.binpb" \
  library/v1/books.proto library/v1/shelves.proto library/v1/authors.proto \
  library/v1/loans.proto library/admin/v1/admin.proto \
  google/rpc/status.proto google/rpc/error_details.proto
export INTEROP_DESCRIPTORS=$OUT/library.binpb

# --- The server ------------------------------------------------------------------------
cargo build --quiet -p protogate-build-rs-test --bin library-server
SERVER_LOG=$OUT/library-server.log
"$TARGET/debug/library-server" --addr 127.0.0.1:0 >"$OUT/library-server.out" 2>"$SERVER_LOG" &
SERVER_PID=$!
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for _ in $(seq 1 100); do
  if grep -q '^listening on ' "$OUT/library-server.out" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "interop: library-server exited early:" >&2
    cat "$SERVER_LOG" >&2
    exit 1
  fi
  sleep 0.1
done
INTEROP_ADDR=$(sed -n 's/^listening on //p' "$OUT/library-server.out" | head -n1)
if [ -z "$INTEROP_ADDR" ]; then
  echo "interop: library-server did not report its address" >&2
  exit 1
fi
export INTEROP_ADDR
echo "interop: library-server on $INTEROP_ADDR"

# --- The suites ------------------------------------------------------------------------
status=0
if [ "$WHICH" != node ]; then
  echo "== interop: python (grpcio, REST, gRPC-Web, Connect, bad input)"
  (cd tests/interop/python && "$PY" -m pytest -q -p no:cacheprovider .) || status=1
fi
if [ "$WHICH" != python ]; then
  echo "== interop: node (connect-node, buf curl, raw HTTP/2)"
  (cd tests/interop/node && node --test --test-reporter=spec test/*.test.mjs) || status=1
fi

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "interop: library-server died during the run:" >&2
  tail -n 50 "$SERVER_LOG" >&2
  status=1
fi
exit $status
