#!/usr/bin/env bash
# Builds the grpc-gateway benchmark peer: grpc-go + grpc-gateway v1 serving
# zitadel.auth.v1.AuthService from schemas/proto, offline, from Debian's packages only.
#
#   bash bench/peers/grpc-gateway/build.sh OUT_DIR
#
# - Installs what is missing with apt-get (Go 1.19, grpc-go 1.33, grpc-gateway 1.6.4 and its
#   protoc plugin, golang/protobuf 1.3.5 and its protoc-gen-go, genproto, x/net).
# - Generates the Go code of schemas/proto into OUT_DIR/gopath/src/protogate.local/gen/ with
#   protoc-gen-go (plugins=grpc) and protoc-gen-grpc-gateway; nothing generated is committed.
# - Builds OUT_DIR/peer-grpc-gateway in GOPATH mode (GO111MODULE=off, GOPATH =
#   OUT_DIR/gopath:/usr/share/gocode), with no module proxy and no network.
#
# Re-runnable: the generated code is written afresh each time (it takes well under a second),
# and Go's build cache (OUT_DIR/go-cache) makes a rebuild of unchanged code quick.
set -euo pipefail

die() {
    echo "build.sh: error: $*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: $0 OUT_DIR"
HERE="$(cd "$(dirname "$0")" && pwd)"
PROTO="$(cd "$HERE/../../../schemas/proto" 2>/dev/null && pwd)" ||
    die "schemas/proto not found next to the repository ($HERE/../../../schemas/proto)"
[ -f "$PROTO/zitadel/auth.proto" ] || die "$PROTO/zitadel/auth.proto is missing"
mkdir -p "$1" || die "cannot create $1"
OUT="$(cd "$1" && pwd)"

# --- Debian packages --------------------------------------------------------------------
# golang-github-grpc-ecosystem-grpc-gateway-dev pulls golang-goprotobuf-dev, i.e. the
# golang/protobuf 1.3 stack (golang-github-golang-protobuf-1-3-dev, protoc-gen-go-1-3): the
# one grpc-gateway 1.6 was written for. It conflicts with golang-github-golang-protobuf-1-5-dev
# and Debian's APIv2 protoc-gen-go, which apt-get removes if they are installed.
PACKAGES=(
    golang-go
    protobuf-compiler
    libprotobuf-dev
    protoc-gen-go-1-3
    golang-goprotobuf-dev
    golang-google-grpc-dev
    golang-google-genproto-dev
    golang-golang-x-net-dev
    golang-github-grpc-ecosystem-grpc-gateway-dev
    golang-grpc-gateway
)
missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
    SUDO="$([ "$(id -u)" = 0 ] || echo sudo)"
    echo "build.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2 || die "apt-get update failed"
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
        die "apt-get install ${missing[*]} failed"
fi

GO=/usr/bin/go
PROTOC=/usr/bin/protoc
GEN_GO=/usr/bin/protoc-gen-go
GEN_GW=/usr/bin/protoc-gen-grpc-gateway
for tool in "$GO" "$PROTOC" "$GEN_GO" "$GEN_GW"; do
    [ -x "$tool" ] || die "$tool is missing after installing the packages"
done
GOCODE=/usr/share/gocode
for dir in github.com/grpc-ecosystem/grpc-gateway/runtime google.golang.org/grpc \
    github.com/golang/protobuf/proto golang.org/x/net/http2/h2c; do
    [ -d "$GOCODE/src/$dir" ] || die "$GOCODE/src/$dir is missing"
done
[ -f /usr/include/google/protobuf/descriptor.proto ] ||
    die "/usr/include/google/protobuf/descriptor.proto is missing (libprotobuf-dev)"

# --- Code generation --------------------------------------------------------------------
GOPATH_DIR="$OUT/gopath"
GEN_ROOT=protogate.local/gen
rm -rf "$GOPATH_DIR/src/$GEN_ROOT"
mkdir -p "$GOPATH_DIR/src"

# Where each .proto's Go code lives: ours under protogate.local/gen, the well-known types in
# golang/protobuf 1.3's packages (protobuf 3.21's own go_package options name APIv2 ones), and
# google/api in Debian's genproto.
MAP=(
    "google/protobuf/descriptor.proto=github.com/golang/protobuf/protoc-gen-go/descriptor"
    "google/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp"
    "google/protobuf/duration.proto=github.com/golang/protobuf/ptypes/duration"
    "google/protobuf/struct.proto=github.com/golang/protobuf/ptypes/struct"
    "google/protobuf/any.proto=github.com/golang/protobuf/ptypes/any"
    "google/api/annotations.proto=google.golang.org/genproto/googleapis/api/annotations"
    "google/api/http.proto=google.golang.org/genproto/googleapis/api/annotations"
    "google/api/field_behavior.proto=google.golang.org/genproto/googleapis/api/annotations"
    "validate/validate.proto=$GEN_ROOT/validate"
    "protoc-gen-openapiv2/options/annotations.proto=$GEN_ROOT/openapiv2/options"
    "protoc-gen-openapiv2/options/openapiv2.proto=$GEN_ROOT/openapiv2/options"
    "zitadel/auth.proto=$GEN_ROOT/zitadel/auth"
    "zitadel/object.proto=$GEN_ROOT/zitadel/object"
    "zitadel/message.proto=$GEN_ROOT/zitadel/message"
    "zitadel/options.proto=$GEN_ROOT/zitadel/option"
    "zitadel/user.proto=$GEN_ROOT/zitadel/user"
)
mopts=""
for m in "${MAP[@]}"; do mopts+=",M$m"; done

# Each generated file goes to the directory of its mapped import path (protoc-gen-go 1.3 names
# output files after go_package, not after M, so they are written source-relative into a
# staging directory and moved). google/api comes from genproto, so it is not generated.
# protoc-gen-go 1.3 takes one Go package per run.
STAGE="$OUT/gen-stage"
rm -rf "$STAGE"
mkdir -p "$STAGE"
generate() { # PLUGIN_FLAG_NAME PLUGIN OPTIONS SUFFIX FILE...
    local name="$1" plugin="$2" options="$3" suffix="$4"
    shift 4
    (cd "$PROTO" && "$PROTOC" -I "$PROTO" -I /usr/include \
        --plugin="protoc-gen-$name=$plugin" \
        --"$name"_out="$options,paths=source_relative${mopts}:$STAGE" "$@") ||
        die "protoc-gen-$name failed on $*"
    local f target
    for f in "$@"; do
        target=""
        for m in "${MAP[@]}"; do
            [ "${m%%=*}" = "$f" ] && target="${m#*=}"
        done
        [ -n "$target" ] || die "no Go import path for $f"
        mkdir -p "$GOPATH_DIR/src/$target"
        mv -f "$STAGE/${f%.proto}$suffix" "$GOPATH_DIR/src/$target/" ||
            die "protoc-gen-$name wrote no ${f%.proto}$suffix"
    done
}
generate go "$GEN_GO" plugins=grpc .pb.go validate/validate.proto
generate go "$GEN_GO" plugins=grpc .pb.go \
    protoc-gen-openapiv2/options/annotations.proto protoc-gen-openapiv2/options/openapiv2.proto
for f in zitadel/auth.proto zitadel/object.proto zitadel/message.proto zitadel/options.proto \
    zitadel/user.proto; do
    generate go "$GEN_GO" plugins=grpc .pb.go "$f"
done
generate grpc-gateway "$GEN_GW" logtostderr=true .pb.gw.go zitadel/auth.proto
rm -rf "$STAGE"

# --- Build ------------------------------------------------------------------------------
export GO111MODULE=off
export GOPATH="$GOPATH_DIR:$GOCODE"
export GOPROXY=off
export GOFLAGS=
export CGO_ENABLED=0
export GOCACHE="$OUT/go-cache"
(cd "$HERE" && "$GO" build -trimpath -o "$OUT/peer-grpc-gateway.tmp" .) ||
    die "go build failed"
mv -f "$OUT/peer-grpc-gateway.tmp" "$OUT/peer-grpc-gateway"
echo "build.sh: built $OUT/peer-grpc-gateway" >&2
