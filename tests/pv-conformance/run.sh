#!/usr/bin/env bash
# Runs protovalidate's official conformance suite against protogate's executor.
#
#   tests/pv-conformance/run.sh [--refresh] [harness flags, e.g. --suite string -v]
#
# Installs the pinned harness under target/pv-conformance/bin (Go needed, module proxy
# reachable), builds the executor, checks that cases.binpb is the descriptor set this harness
# sends, and runs every case with the strictest settings protovalidate-go passes
# (--strict_message --strict_error). --refresh rewrites cases.binpb from the harness first.
set -euo pipefail

VERSION=v1.2.2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/target/pv-conformance/bin"
harness="$bin/protovalidate-conformance-$VERSION"

if [[ ! -x "$harness" ]]; then
    mkdir -p "$bin"
    # `go install pkg@version` also asks which versions exist (for deprecation notices), which
    # the proxy does not answer for this module; downloading the pinned module (checked against
    # the checksum database) and building it is the same binary.
    dir="$(go mod download -json "github.com/bufbuild/protovalidate/tools@$VERSION" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    (cd "$dir" && GOFLAGS=-mod=mod go build -o "$harness" ./protovalidate-conformance)
fi

refresh=0
if [[ "${1:-}" == "--refresh" ]]; then
    refresh=1
    shift
fi

cd "$root"
cargo build -q -p protogate-pv-conformance
executor="$root/target/debug/protogate-pv-conformance"

fresh="$root/target/pv-conformance/cases.binpb"
# The harness exits with the number of failed cases, which is every case without an executor.
{ "$harness" --dump --proto 2>/dev/null || true; } | "$executor" fdset >"$fresh"
if ! cmp -s "$fresh" "$here/cases.binpb"; then
    if [[ $refresh == 1 ]]; then
        cp "$fresh" "$here/cases.binpb"
        cargo build -q -p protogate-pv-conformance
        echo "cases.binpb refreshed from the $VERSION harness" >&2
    else
        echo "cases.binpb is not the descriptor set of the $VERSION harness: run $0 --refresh" >&2
        exit 1
    fi
fi

"$harness" --strict_message --strict_error "$@" "$executor"
