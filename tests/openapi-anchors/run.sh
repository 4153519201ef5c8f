#!/usr/bin/env bash
# The OpenAPI emitter against its anchors: grpc-gateway's protoc-gen-openapiv3 (alpha) and
# protoc-gen-openapiv2 (what ZITADEL publishes), both pinned at v2.34.0 and run through
# `buf generate` (buf 1.75.0 from npm), on the example API and the library fixture. Writes
# every document under target/openapi-anchors/ and prints compare.py's table: what each
# document states of the schema (routes, security, required fields, validation keywords…).
# docs/openapi-comparison.md reads the table and says why each difference is ours to keep.
#
#   tests/openapi-anchors/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out="$target/openapi-anchors"
mkdir -p "$out/bin"
command -v go > /dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"

for plugin in protoc-gen-openapiv3 protoc-gen-openapiv2; do
  if [[ ! -x $out/bin/$plugin ]]; then
    GOBIN="$out/bin" go install "github.com/grpc-ecosystem/grpc-gateway/v2/$plugin@v2.34.0"
  fi
done
if [[ ! -x $out/npm/node_modules/.bin/buf ]]; then
  mkdir -p "$out/npm"
  (cd "$out/npm" && echo '{"private":true}' > package.json &&
    npm install --silent --no-audit --no-fund @bufbuild/buf@1.75.0)
fi
buf="$out/npm/node_modules/.bin/buf"

cargo build -q --manifest-path "$root/Cargo.toml" -p protogate-codegen --bin protogate
protogate="$target/debug/protogate"

# anchor NAME MODULE_DIR... -- PATHS...: copies the include roots into one buf module and
# generates both anchors' documents for PATHS, then protogate's from the same files.
anchor() {
  local name=$1
  shift
  local module="$out/$name/module"
  rm -rf "$out/$name"
  mkdir -p "$module"
  while [[ $1 != -- ]]; do
    cp -r "$1"/. "$module"/
    shift
  done
  shift
  rm -f "$module"/README.md
  printf 'version: v2\n' > "$module/buf.yaml"
  cat > "$module/buf.gen.yaml" <<GEN
version: v2
plugins:
  - local: $out/bin/protoc-gen-openapiv3
    out: $out/$name/openapiv3
    strategy: all
  - local: $out/bin/protoc-gen-openapiv2
    out: $out/$name/openapiv2
    strategy: all
    opt: allow_merge=true,merge_file_name=$name
GEN
  local paths=() protos=()
  for p in "$@"; do
    paths+=(--path "$p")
    protos+=(--proto "$module/$p")
  done
  (cd "$module" && "$buf" generate "${paths[@]}")
  "$protogate" openapi "${protos[@]}" -I "$module" --out "$out/$name/protogate.openapi.json"
}

anchor example "$root/schemas/proto" -- zitadel/auth.proto
anchor library "$root/codegen/tests/fixtures/library" "$root/schemas/proto" -- \
  library/v1/books.proto library/v1/shelves.proto library/v1/authors.proto \
  library/v1/loans.proto library/admin/v1/admin.proto

for name in example library; do
  echo "== $name"
  python3 "$root/tests/openapi-anchors/compare.py" \
    "protogate=$out/$name/protogate.openapi.json" \
    "openapiv3=$out/$name/openapiv3" \
    "openapiv2=$out/$name/openapiv2/$name.swagger.json"
done
