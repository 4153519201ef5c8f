#!/usr/bin/env bash
# The compile-time cost of generated validators on the protovalidate benchmark's schemas
# (tests/cel/proto/celrules, tests/validate/proto/pvcases): generated lines, and rustc's wall time
# to build the generated code as a library with and without the validators, against the
# dependencies the benchmark's build compiled. protogate: its files with and without the
# `impl Validate` blocks (nothing else in them belongs to the validators); prost-protovalidate:
# prost-build's files with and without prost-protovalidate-build's `validate_impl.rs` (which
# covers only the messages without `cel` rules). Rounds alternate the variants.
#
# First: cargo bench -p protogate-cel-test --features compare --bench protovalidate --no-run
# Then:  tests/cel/validator-build-cost.sh [rounds (3)] [opt-level (3, the bench profile's)]
set -euo pipefail

rounds=${1:-3}
opt_level=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
deps=$root/target/release/deps

out=""
for dir in $(ls -td "$root"/target/release/build/protogate-cel-test-*/out 2>/dev/null); do
    if [[ -f $dir/pvcases.rs && -f $dir/celrules.rs ]]; then out=$dir; break; fi
done
[[ -n $out ]] || { echo "no benchmark build found: run the cargo bench --no-run command first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
strip_validators='/^impl ::protogate::Validate for/{skip=1} skip&&/^}$/{skip=0; next} !skip'
modules='pub mod celrules { include!("celrules.rs"); }\npub mod pvcases { include!("pvcases.rs"); }\n'
for variant in protogate-with protogate-without prost-with prost-without; do
    mkdir -p "$work/$variant"
    printf "$modules" > "$work/$variant/lib.rs"
done
for file in celrules pvcases; do
    cp "$out/$file.rs" "$work/protogate-with/$file.rs"
    awk "$strip_validators" "$out/$file.rs" > "$work/protogate-without/$file.rs"
    cp "$out/prost/$file.rs" "$work/prost-with/$file.rs"
    cp "$out/prost/$file.rs" "$work/prost-without/$file.rs"
done
cp "$out/prost/validate_impl.rs" "$work/prost-with/"
echo 'include!("validate_impl.rs");' >> "$work/prost-with/lib.rs"

externs=()
for crate in protogate prost prost_types serde pbjson pbjson_types prost_protovalidate; do
    rlib=$(ls -t "$deps"/lib"$crate"-*.rlib 2>/dev/null | head -1)
    [[ -n $rlib ]] && externs+=(--extern "$crate=$rlib")
done

lines() { cat "$work/$1"/*.rs | wc -l; }
echo "lines (generated files and the two-line lib.rs):"
for variant in protogate-with protogate-without prost-with prost-without; do
    echo "  $variant: $(lines "$variant")"
done

build() {
    local start end
    start=$(date +%s.%N)
    rustc --edition 2021 --crate-type lib --crate-name bench_schema -C opt-level="$opt_level" \
        -C codegen-units=16 -C embed-bitcode=no --cap-lints allow -L "dependency=$deps" \
        "${externs[@]}" --out-dir "$work/$1/target" "$work/$1/lib.rs"
    end=$(date +%s.%N)
    printf '%.2f' "$(echo "$end - $start" | bc)"
}

echo "rustc -C opt-level=$opt_level, seconds (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq "$rounds"); do
    line="round $round:"
    for variant in protogate-with protogate-without prost-with prost-without; do
        line="$line $variant $(build "$variant"),"
    done
    echo "${line%,}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
