#!/usr/bin/env bash
# The compile-time cost of protogate's generated validators on the protovalidate benchmark's
# schemas (tests/cel/proto/celrules, tests/validate/proto/pvcases): generated lines, and rustc's
# wall time to build the generated code as a library with and without its `impl Validate`
# blocks (nothing else in the generated files belongs to the validators), against the
# dependencies the benchmark's build compiled. Rounds alternate the two variants.
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
mkdir -p "$work/with" "$work/without"
strip_validators='/^impl ::protogate::Validate for/{skip=1} skip&&/^}$/{skip=0; next} !skip'
for file in celrules pvcases; do
    cp "$out/$file.rs" "$work/with/$file.rs"
    awk "$strip_validators" "$out/$file.rs" > "$work/without/$file.rs"
done
for variant in with without; do
    printf 'pub mod celrules { include!("celrules.rs"); }\npub mod pvcases { include!("pvcases.rs"); }\n' \
        > "$work/$variant/lib.rs"
done

externs=()
for crate in protogate prost prost_types serde pbjson pbjson_types; do
    rlib=$(ls -t "$deps"/lib"$crate"-*.rlib 2>/dev/null | head -1)
    [[ -n $rlib ]] && externs+=(--extern "$crate=$rlib")
done

lines() { cat "$work/$1/celrules.rs" "$work/$1/pvcases.rs" | wc -l; }
echo "generated lines (celrules.rs + pvcases.rs): $(lines with) with validators, $(lines without) without"
if [[ -f $out/prost/validate_impl.rs ]]; then
    echo "prost-protovalidate-build's validate_impl.rs (messages without cel rules only): $(wc -l < "$out/prost/validate_impl.rs") lines"
fi

build() {
    local start end
    start=$(date +%s.%N)
    rustc --edition 2021 --crate-type lib --crate-name bench_schema -C opt-level="$opt_level" \
        -C codegen-units=16 -C embed-bitcode=no --cap-lints allow -L "dependency=$deps" \
        "${externs[@]}" --out-dir "$work/$1/target" "$work/$1/lib.rs"
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

echo "rustc -C opt-level=$opt_level, seconds per round (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq "$rounds"); do
    echo "round $round: with $(build with), without $(build without)"
done
