#!/usr/bin/env bash
# install-tofu.sh [DEST]: builds OpenTofu's CLI from source into DEST
# (default bin/tofu) unless the right version is already there.
#
# OpenTofu is a Go module, so its source comes through the Go module proxy
# like any dependency: no other download site is needed. The module cache is
# read-only, hence the copy into a scratch directory to build from.
set -euo pipefail

version=${TOFU_VERSION:-1.12.6}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$repo/bin/tofu}
go=${GO:-go}

if [[ -x $dest ]] && CHECKPOINT_DISABLE=1 "$dest" version 2>/dev/null | grep -qx "OpenTofu v$version"; then
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/install-tofu.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" # outside any module, so nothing is added to ours

echo "building OpenTofu v$version into $dest (takes a few minutes)" >&2
src=$("$go" mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n $src && -d $src ]] || { echo "install-tofu: could not download github.com/opentofu/opentofu@v$version" >&2; exit 1; }
cp -R "$src/." src
chmod -R u+w src
mkdir -p "$(dirname "$dest")"
# version.dev=no is what OpenTofu's release build sets: without it the
# binary calls itself "v$version-dev".
(cd src && CGO_ENABLED=0 "$go" build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$dest" ./cmd/tofu)
CHECKPOINT_DISABLE=1 "$dest" version 2>/dev/null | grep -x "OpenTofu v.*" >&2
