#!/usr/bin/env bash
# Runs every test: the Rust workspace, then the interop suites against independent clients.
# Installs what those clients need (Python and npm packages, Debian packages) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
cargo test --workspace --no-fail-fast || status=1

# ---------------------------------------------------------------------------------------
# Interop: grpcio, connect-node, buf curl and hand-built HTTP against the library test
# server (tests/interop/run.sh installs its own Python venv and npm packages).
echo "== interop suites"
tests/interop/run.sh || status=1

exit $status
