#!/usr/bin/env bash
# Writes ZITADEL's published API (npm @zitadel/proto, pinned in package.json)
# as a serialized google.protobuf.FileDescriptorSet.
#
#   tests/zitadel/extract.sh OUT.binpb [--only zitadel/admin.proto,...] [--services]
#
# Installs the pinned packages with `npm ci` first when node_modules is
# missing or was installed from a different package-lock.json. Needs node >= 18.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "extract.sh: node and npm (node >= 18) are required" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "extract.sh: node >= 18 required, found $(node --version)" >&2
  exit 1
fi

# node_modules is current when it was installed from this exact lockfile.
stamp="$here/node_modules/.protogate-lock.sha256"
want="$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha256").update(f.readFileSync(process.argv[1])).digest("hex"))' "$here/package-lock.json")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d "$here/node_modules/@zitadel/proto/es" ]; then
  echo "extract.sh: npm ci in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  printf '%s' "$want" >"$stamp"
fi

exec node "$here/extract.mjs" "$@"
