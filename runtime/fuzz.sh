#!/usr/bin/env bash
# The cargo-fuzz targets of runtime/fuzz, one after another.
#
#   runtime/fuzz.sh                  bounded for CI: a debug build, each target for FUZZ_SECONDS
#                                  (default 15) from its seeds
#   runtime/fuzz.sh --full           release build, each target until FUZZ_RUNS executions
#                                  (default 10,000,000) or FUZZ_MAX_SECONDS (default 7200)
#   runtime/fuzz.sh [--full] NAME…   only the named targets
#
# Installs cargo-fuzz when missing. cargo-fuzz passes nightly-only compiler flags;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. No sanitizer (`-s none`): the code
# under test is safe Rust, and AddressSanitizer would cost half the executions. Builds go to
# the workspace's target directory (target/fuzz), the corpora to target/fuzz-corpus/NAME,
# seeded from runtime/fuzz/seeds/NAME; crashes land in runtime/fuzz/artifacts/NAME. Runs at the
# lowest priority. Exits non-zero when a target crashes or does not build.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
full=0
targets=()
for arg in "$@"; do
  case $arg in
    --full) full=1 ;;
    -*) echo "usage: $0 [--full] [TARGET...]" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(grpc_frame grpc_web_frame rest_path rest_query rest_body json_decode validators)
fi

if ! cargo fuzz --version > /dev/null 2>&1; then
  echo "fuzz: cargo install cargo-fuzz" >&2
  cargo install --locked cargo-fuzz@0.13.2
fi
export RUSTC_BOOTSTRAP=1

profile=(--dev)
if [[ $full == 1 ]]; then
  profile=(--release)
fi
common=(--fuzz-dir "$root/runtime/fuzz" --target-dir "$target/fuzz" -s none "${profile[@]}")

cd "$root/runtime"
nice -n 19 cargo fuzz build "${common[@]}"

status=0
for name in "${targets[@]}"; do
  corpus="$target/fuzz-corpus/$name"
  mkdir -p "$corpus"
  if [[ -d "$root/runtime/fuzz/seeds/$name" ]]; then
    cp -n "$root/runtime/fuzz/seeds/$name"/* "$corpus"/ 2> /dev/null || true
  fi
  if [[ $full == 1 ]]; then
    limits=(-runs="${FUZZ_RUNS:-10000000}" -max_total_time="${FUZZ_MAX_SECONDS:-7200}")
  else
    limits=(-max_total_time="${FUZZ_SECONDS:-15}")
  fi
  echo "== fuzz $name: ${limits[*]}"
  log="$target/fuzz/$name.log"
  start=$(date +%s)
  if nice -n 19 cargo fuzz run "${common[@]}" "$name" "$corpus" -- \
    "${limits[@]}" -print_final_stats=1 > "$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  echo "fuzz $name: $result, ${runs:-?} executions, ${rate:-?}/s, $(($(date +%s) - start)) s (log $log)"
done
exit $status
