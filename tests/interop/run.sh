#!/usr/bin/env bash
# Interop suites: clients we did not write against protogate servers.
#
#   tests/interop/run.sh            # everything
#   tests/interop/run.sh python     # library server: pytest (grpcio, REST, gRPC-Web, Connect,
#                                   #   bad input)
#   tests/interop/run.sh node       # library server: connect-node, buf curl, raw HTTP/2
#   tests/interop/run.sh phone      # verify-phone server: the phone endpoints on every protocol,
#                                   #   with the Python clients, connect-node and buf curl
#
# Installs what it needs on first use: a Python venv under target/interop-venv (grpcio,
# grpcio-tools for protoc, grpcio-status, protobuf, pytest) and the npm packages of
# tests/interop/node (from its package-lock.json). Builds the servers, starts each on a free
# port (`--addr 127.0.0.1:0`; the first stdout line says where), runs the suites against it,
# and stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WHICH=${1:-all}
case $WHICH in all | python | node | phone) ;; *) echo "usage: $0 [python|node|phone]" >&2; exit 2 ;; esac
wants() { [ "$WHICH" = all ] || [ "$WHICH" = "$1" ]; }

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV=$TARGET/interop-venv
OUT=$TARGET/interop
mkdir -p "$OUT"

apt_install() {
  echo "interop: apt-get install $*" >&2
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# --- Python ----------------------------------------------------------------------------
command -v python3 >/dev/null 2>&1 || apt_install python3
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
PY_PACKAGES="grpcio grpcio-tools grpcio-status protobuf pytest"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import grpc, grpc_tools, grpc_status, google.protobuf, pytest' 2>/dev/null; then
  echo "interop: creating $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check $PY_PACKAGES
fi
PY=$VENV/bin/python

# --- Node ------------------------------------------------------------------------------
if wants node || wants phone; then
  command -v node >/dev/null 2>&1 || apt_install nodejs
  command -v npm >/dev/null 2>&1 || apt_install npm
  if [ ! -x tests/interop/node/node_modules/.bin/buf ] \
    || [ tests/interop/node/package-lock.json -nt tests/interop/node/node_modules/.package-lock.json ]; then
    echo "interop: npm ci in tests/interop/node" >&2
    (cd tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# --- Schemas, as descriptor sets every client loads --------------------------------------
SITE=$("$PY" -c 'import google.rpc, os; print(os.path.dirname(os.path.dirname(google.rpc.__path__[0])))')
WKT=$("$PY" -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
descriptors() { # OUTPUT INCLUDE_DIR FILE...
  local out=$1 dir=$2
  shift 2
  "$PY" -m grpc_tools.protoc -I "$dir" -I schemas/proto -I "$WKT" -I "$SITE" \
    --include_imports --descriptor_set_out="$out" "$@" \
    google/rpc/status.proto google/rpc/error_details.proto
}

# --- Servers ---------------------------------------------------------------------------
PIDS=()
stop_servers() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}
trap stop_servers EXIT

# start_server NAME COMMAND...: starts it, waits for its `listening on [http://]ADDR` line and
# sets SERVER_ADDR and SERVER_PID.
start_server() {
  local name=$1
  shift
  "$@" >"$OUT/$name.out" 2>"$OUT/$name.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_ADDR=
  for _ in $(seq 1 200); do
    SERVER_ADDR=$(sed -n 's#^.*listening on \(http://\)\{0,1\}\([0-9.:]*\).*#\2#p' "$OUT/$name.out" | head -n1)
    [ -n "$SERVER_ADDR" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "interop: $name exited early:" >&2
      cat "$OUT/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [ -z "$SERVER_ADDR" ]; then
    echo "interop: $name did not report its address" >&2
    exit 1
  fi
  echo "interop: $name on $SERVER_ADDR"
}

# still_alive NAME PID: a server that died during a suite fails the run.
still_alive() {
  if ! kill -0 "$2" 2>/dev/null; then
    echo "interop: $1 died during the run:" >&2
    tail -n 50 "$OUT/$1.log" >&2
    return 1
  fi
}

status=0

# --- Library server: every HttpRule and streaming construct ---------------------------
if wants python || wants node; then
  descriptors "$OUT/library.binpb" codegen/tests/fixtures/library \
    library/v1/books.proto library/v1/shelves.proto library/v1/authors.proto \
    library/v1/loans.proto library/admin/v1/admin.proto
  cargo build --quiet -p protogate-build-rs-test --bin library-server
  start_server library-server "$TARGET/debug/library-server" --addr 127.0.0.1:0
  LIBRARY_PID=$SERVER_PID
  export INTEROP_ADDR=$SERVER_ADDR INTEROP_DESCRIPTORS=$OUT/library.binpb
  if wants python; then
    echo "== interop: python (grpcio, REST, gRPC-Web, Connect, bad input)"
    (cd tests/interop/python && "$PY" -m pytest -q -p no:cacheprovider .) || status=1
  fi
  if wants node; then
    echo "== interop: node (connect-node, buf curl, raw HTTP/2)"
    (cd tests/interop/node && node --test --test-reporter=spec test/*.test.mjs) || status=1
  fi
  still_alive library-server "$LIBRARY_PID" || status=1
fi

# --- verify-phone server: ZITADEL's phone endpoints ------------------------------------
if wants phone; then
  descriptors "$OUT/phone.binpb" schemas/proto zitadel/auth.proto zitadel/message.proto
  cargo build --quiet -p verify-phone --bin verify-phone
  PHONE_DATA_DIR=$OUT/phone-data
  rm -rf "$PHONE_DATA_DIR"
  mkdir -p "$PHONE_DATA_DIR"
  # The suites send codes on every protocol, faster than the default send limits allow; the
  # limits have tests of their own (generated-example/tests/e2e/limits.rs).
  start_server verify-phone "$TARGET/debug/verify-phone" --data-dir "$PHONE_DATA_DIR" \
    serve --addr 127.0.0.1:0 --sends-per-phone 0 --sends-per-user 0 --resend-interval 0
  PHONE_PID=$SERVER_PID
  echo "== interop: phone (grpcio, REST, hand-built gRPC-Web and Connect)"
  (
    cd tests/interop/phone
    INTEROP_ADDR=$SERVER_ADDR INTEROP_DESCRIPTORS=$OUT/phone.binpb \
      PHONE_SERVER_BIN=$TARGET/debug/verify-phone PHONE_DATA_DIR=$PHONE_DATA_DIR \
      PYTHONPATH=$ROOT/tests/interop/python \
      "$PY" -m pytest -q -p no:cacheprovider .
  ) || status=1
  echo "== interop: phone (connect-node, buf curl)"
  (
    cd tests/interop/node
    INTEROP_ADDR=$SERVER_ADDR INTEROP_DESCRIPTORS=$OUT/phone.binpb \
      PHONE_SERVER_BIN=$TARGET/debug/verify-phone PHONE_DATA_DIR=$PHONE_DATA_DIR \
      node --test --test-reporter=spec phone/*.test.mjs
  ) || status=1
  still_alive verify-phone "$PHONE_PID" || status=1
fi

exit $status
