#!/usr/bin/env bash
# schemathesis against a started `verify-phone serve` (SQLite in a temporary directory), with
# schemas/auth.openapi.yaml and a bearer token from `verify-phone token` for a user of its own.
#
#   bench/schemathesis.sh          bounded: 50 examples per operation
#   bench/schemathesis.sh --full   1000 examples per operation
#   --schema FILE                  the document to drive it (default schemas/auth.openapi.yaml,
#                                  the hand-written one; the emitted one is
#                                  generated-example/src/generated/openapi.yaml)
#   --min-cases N                  fail unless every operation that takes input had N cases
#
# Checks: every schemathesis check except positive_data_acceptance, which demands 2xx for every
# schema-valid request; here a schema-valid code that is not the pending one is rightly 400.
# bench/schemathesis.toml turns off the probes with undeclared methods (see there why).
# Reports (JUnit, NDJSON) go to target/schemathesis/, a per-operation summary to stdout
# (schemathesis_summary.py). Exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
examples=${SCHEMATHESIS_MAX_EXAMPLES:-50}
schema="$root/schemas/auth.openapi.yaml"
min_cases=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --full) examples=${SCHEMATHESIS_MAX_EXAMPLES:-1000}; shift ;;
    --schema) schema=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --min-cases) min_cases=$2; shift 2 ;;
    *) echo "usage: bench/schemathesis.sh [--full] [--schema FILE] [--min-cases N]" >&2; exit 2 ;;
  esac
done
# The workspace's target directory (CARGO_TARGET_DIR when set) holds the venv and the reports.
target=${CARGO_TARGET_DIR:-$root/target}
venv="$target/schemathesis-venv"
apt_install() {
  echo "schemathesis: apt-get install $*" >&2
  local sudo=
  [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" > /dev/null
}
command -v curl > /dev/null 2>&1 || apt_install curl
command -v python3 > /dev/null 2>&1 || apt_install python3
python3 -c 'import venv, ensurepip' 2> /dev/null || apt_install python3-venv
if [[ ! -x "$venv/bin/schemathesis" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis==4.32.5
fi

cargo build -q --manifest-path "$root/Cargo.toml" -p verify-phone --bin verify-phone
bin="$target/debug/verify-phone"

work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd "$work"
"$bin" serve --addr "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/auth/v1/healthz" > /dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
token=$("$bin" token --user schemathesis --org schemathesis-org)

# One report directory per document, emptied first, so the summary reads this run's report.
report="$target/schemathesis/$(basename "$schema" | sed 's/\.[a-z]*$//')"
rm -rf "$report"
mkdir -p "$report"
status=0
"$venv/bin/schemathesis" --config-file "$root/bench/schemathesis.toml" \
  run "$schema" \
  --url "http://127.0.0.1:$port/auth/v1" \
  --header "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --seed 20261126 --workers 1 --continue-on-failure \
  --report junit,ndjson --report-dir "$report" || status=$?
# Cases, answers and failed checks per operation, from the run's NDJSON report.
latest=$(ls -t "$report"/ndjson-*.ndjson 2>/dev/null | head -n 1)
if [[ -n $latest ]]; then
  "$venv/bin/python" "$root/bench/schemathesis_summary.py" "$latest" \
    --schema "$schema" --min-cases "$min_cases" || status=1
else
  echo "schemathesis wrote no report" >&2
  status=1
fi
if grep -qE 'panicked|ERROR' "$work/server.log"; then
  echo "server log:" >&2
  grep -E 'panicked|ERROR' "$work/server.log" | head -20 >&2
  # A panic is a failure even when the answer looked right.
  if grep -q 'panicked' "$work/server.log"; then
    status=1
  fi
fi
exit "$status"
