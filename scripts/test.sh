#!/usr/bin/env bash
# Runs every test: the Rust workspace, then the interop suites against independent clients.
# Installs what those clients need (Python and npm packages, Debian packages) on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0

# PostgreSQL for the example's storage suite: installed from Debian and started on 127.0.0.1
# when none runs. Without it those tests only run against SQLite.
if url="$(scripts/postgres.sh)"; then
    export TEST_DATABASE_URL="$url"
else
    echo "warning: PostgreSQL could not be started; the PostgreSQL storage tests will be skipped" >&2
fi

cargo test --workspace --no-fail-fast || status=1

# ---------------------------------------------------------------------------------------
# Interop: grpcio, connect-node, buf curl and hand-built HTTP against the library test
# server (tests/interop/run.sh installs its own Python venv and npm packages).
echo "== interop suites"
tests/interop/run.sh || status=1

# ---------------------------------------------------------------------------------------
# protogate diff against its oracles: buf breaking (npm @bufbuild/buf, installed by the
# interop suite above) over seeded mutations of the example, the library fixture and ZITADEL's
# whole API (npm @zitadel/proto, extracted to a descriptor set), and oasdiff (go install,
# pinned) over mutations of the example's OpenAPI document. Every disagreement fails.
echo "== protogate diff vs buf breaking and oasdiff"
mkdir -p target/zitadel target/diff-oracles
command -v go > /dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
if [ ! -x target/diff-oracles/oasdiff ]; then
    GOBIN="$PWD/target/diff-oracles" go install github.com/oasdiff/oasdiff@v1.39.0 || status=1
fi
tests/zitadel/extract.sh target/zitadel/zitadel.binpb || status=1
PROTOGATE_ORACLE_REQUIRED=1 \
    PROTOGATE_BUF="$PWD/tests/interop/node/node_modules/.bin/buf" \
    PROTOGATE_ZITADEL_SET="$PWD/target/zitadel/zitadel.binpb" \
    PROTOGATE_OASDIFF="$PWD/target/diff-oracles/oasdiff" \
    cargo test -p protogate-codegen --test diff_buf --test diff_oasdiff -- --nocapture || status=1

# ---------------------------------------------------------------------------------------
# OpenAPI round trip on ZITADEL's whole API: `protogate openapi` over the descriptor set
# extracted above, then the drift check of the proto against that document: no error.
echo "== ZITADEL's API against its own emitted OpenAPI document"
PROTOGATE_ORACLE_REQUIRED=1 PROTOGATE_ZITADEL_SET="$PWD/target/zitadel/zitadel.binpb" \
    cargo test -p protogate-codegen --test openapi_roundtrip -- --nocapture || status=1

# ---------------------------------------------------------------------------------------
# ZITADEL's auth API generated into a crate (target/zitadel/api), compiled with warnings
# denied and served: one method of the service over REST and gRPC on a real socket.
# `cargo xtask zitadel` without --only does the same for all 30 services of the API.
echo "== ZITADEL's auth API generated, compiled and served"
cargo xtask zitadel --quick --only zitadel/auth.proto || status=1

# ---------------------------------------------------------------------------------------
# The official Connect conformance suite (connectconformance v1.0.5, server mode): every
# case of every feature tests/conformance/config.yaml declares; every case must pass.
echo "== Connect conformance suite"
tests/conformance/run.sh || status=1

# ---------------------------------------------------------------------------------------
# protovalidate's official conformance suite (protovalidate-conformance v1.2.2, built from the
# pinned Go module, with the strictest settings protovalidate-go passes): every one of its
# 2,872 cases must pass, none of them excused.
echo "== protovalidate conformance suite"
tests/pv-conformance/run.sh || status=1

# ---------------------------------------------------------------------------------------
# Validators: the differential test against PGV's Python runtime (PyPI protoc-gen-validate,
# which needs protobuf<6) and against protovalidate (PyPI protovalidate), each over >= 100,000
# random and boundary inputs: tests/validate/pgv_oracle.py answers for both.
# The venv lives under target/; the Rust test finds it there and fails if it is missing.
echo "== validator differential test"
venv=target/validate-oracle-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'protobuf<6' protoc-gen-validate==1.3.3 protovalidate==2.1.0 grpcio-tools
fi
PROTOGATE_ORACLE_REQUIRED=1 PROTOGATE_ORACLE_PYTHON="$PWD/$venv/bin/python" \
    cargo test -p protogate-validate-test --test pgv_differential --test pv_differential \
    -- --nocapture || status=1

# ---------------------------------------------------------------------------------------
# The emitted OpenAPI documents (`protogate openapi`): the golden 3.1 and 3.0 documents of the
# example and the library fixture, and the example's checked-in one, against
# openapi-spec-validator (PyPI, pinned; its venv under target/). An invalid document fails.
echo "== emitted OpenAPI documents vs openapi-spec-validator"
venv=target/openapi-validator-venv
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet openapi-spec-validator==0.9.0
fi
for doc in codegen/tests/golden/openapi/*.json generated-example/src/generated/openapi.yaml generated-example/src/generated/openapi.json; do
    "$venv/bin/openapi-spec-validator" "$doc" || status=1
done

# ---------------------------------------------------------------------------------------
# The example's reference pages in headless Chromium (Debian chromium, npm playwright-core
# pinned, installed under target/): /docs, Verify Phone and its constraint, and the try-it
# form answering an empty code with InvalidArgument. `--screenshot` refreshes
# docs/reference-pages.png; here the picture goes to target/browser/ only.
echo "== reference pages in a browser"
tests/browser/run.sh || status=1

# ---------------------------------------------------------------------------------------
# Reliability, bounded: schemathesis against the running example (50 examples per operation,
# its venv under target/) and every cargo-fuzz target of runtime/fuzz for 15 s from its seeds
# (a debug build under target/fuzz; cargo-fuzz is installed when missing). The full runs and
# their figures: BENCHMARKS.md, "Reliability".
echo "== schemathesis (bounded)"
bench/schemathesis.sh || status=1
# The document `protogate openapi` emits for the example drives it whole: >= 1,000 cases for
# every operation that takes input, 0 failures (~80 s).
echo "== schemathesis driven by the emitted OpenAPI document"
bench/schemathesis.sh --full --schema generated-example/src/generated/openapi.yaml \
    --min-cases 1000 || status=1
echo "== cargo-fuzz (bounded)"
runtime/fuzz.sh || status=1

exit $status
