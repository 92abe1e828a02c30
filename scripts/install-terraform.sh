#!/usr/bin/env bash
# install-terraform.sh VERSION DEST: puts the Terraform CLI of VERSION at
# DEST unless it is there already, for the acceptance tests under other
# Terraform versions (.ci/run, make testacc-cli TF_CLI=DEST).
#
# Terraform is a Go module: versions the Go module proxy serves (up to
# 1.13.3) are built from source with go install, which takes a few minutes.
# Newer ones come from ../shared/tools/terraform-VERSION/install.sh beside
# the clone (a build of Terraform's source, see its SOURCE.md), since
# Terraform's release downloads are out of reach of CI here.
set -euo pipefail

version=${1:?usage: install-terraform.sh VERSION DEST}
dest=${2:?usage: install-terraform.sh VERSION DEST}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
go=${GO:-go}

# The whole output first: with pipefail, a pipe into head would fail when
# head exits before terraform has written its other lines (SIGPIPE).
installed() {
	[[ -x $dest ]] || return 1
	local out
	out=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$dest" version 2>/dev/null) || return 1
	[[ ${out%%$'\n'*} == "Terraform v$version" ]]
}
installed && exit 0

mkdir -p "$(dirname "$dest")"
shared=$repo/../shared/tools/terraform-$version/install.sh
if [[ -x $shared ]]; then
	"$shared" "$dest"
else
	echo "building Terraform v$version into $dest (takes a few minutes)" >&2
	work=$(mktemp -d "${TMPDIR:-/tmp}/install-terraform.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	# Outside any module, so nothing is added to ours.
	(cd "$work" && GOBIN=$work CGO_ENABLED=0 "$go" install -trimpath "github.com/hashicorp/terraform@v$version")
	mv "$work/terraform" "$dest"
fi
installed || { echo "install-terraform: $dest does not report Terraform v$version" >&2; exit 1; }
