#!/usr/bin/env bash
# make demo: examples/quickstart against a local Codat emulator, start to end.
#
# Needs only Terraform and the two binaries `make build` puts in bin/ (make
# demo builds them first). Nothing is downloaded: the provider is used through
# a dev_overrides CLI config, so `terraform init` is skipped. curl is used if
# present; otherwise bash's /dev/tcp talks to the emulator.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=${EPOCHREALTIME:-$SECONDS}

die() { echo "demo: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }
say() { printf '    %s\n' "$@"; }

command -v terraform >/dev/null || die "terraform is not on PATH: install Terraform 1.5 or later"
for bin in codat-emulator terraform-provider-codat; do
	[[ -x $repo/bin/$bin ]] || die "bin/$bin is missing: run make demo (it builds it) or make build"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/codat-demo.XXXXXX")
emulator_pid=""

stop_emulator() {
	if [[ -n $emulator_pid ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill -TERM "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	emulator_pid=""
}

# On any exit: stop the emulator; keep the files only when something failed.
on_exit() {
	local status=$?
	trap - EXIT
	stop_emulator
	if ((status != 0)); then
		echo "demo: failed (exit $status); Terraform and emulator logs are in $work" >&2
	else
		rm -rf "$work"
	fi
	exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- HTTP without dependencies ---------------------------------------------

# http METHOD URL: sets http_status and http_body. Plain http only (the
# emulator), which is all the demo needs.
http() {
	local method=$1 url=$2
	if command -v curl >/dev/null; then
		local out
		out=$(curl -sS -X "$method" -w '\n%{http_code}' "$url") || die "$method $url failed"
		http_status=${out##*$'\n'}
		http_body=${out%$'\n'*}
		return
	fi
	local rest=${url#http://}
	local hostport=${rest%%/*} path=/${rest#*/}
	[[ $rest == */* ]] || path=/
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || die "cannot connect to $hostport"
	printf '%s %s HTTP/1.0\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$method" "$path" "$hostport" >&3
	local response
	response=$(cat <&3)
	exec 3<&- 3>&-
	http_status=${response#HTTP/* }
	http_status=${http_status%% *}
	http_body=${response#*$'\r\n\r\n'}
}

# html_text ID: the text of the element with this id in http_body.
html_text() { sed -n "s/.*id=\"$1\"[^>]*>\([^<]*\)<.*/\1/p" <<<"$http_body" | head -n 1; }

# short: abbreviates UUIDs (27962058-6bf1-...) to their first 8 digits.
short() { sed -E 's/([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\1…/g'; }

# api_requests: what the emulator served since the last call (Codat API
# requests, and how many fetched the integrations catalogue), then resets.
api_requests() {
	http GET "$base_url/_emulator/requests"
	local total catalogue
	total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' <<<"$http_body")
	catalogue=$(sed -n 's/.*"GET \/integrations":\([0-9]*\).*/\1/p' <<<"$http_body")
	http DELETE "$base_url/_emulator/requests"
	say "(${total:-?} Codat API requests, ${catalogue:-0} of them GET /integrations)"
}

# --- Terraform --------------------------------------------------------------

# tf CMD ARGS...: runs terraform quietly, keeping its output in tf.log; on
# failure shows that output.
tf() {
	local cmd=$1
	shift
	if ! terraform "$cmd" -no-color "$@" >"$work/tf.log" 2>&1; then
		sed 's/^/    | /' "$work/tf.log" >&2
		die "terraform $cmd failed"
	fi
	cat "$work/tf.log" >>"$work/tf-all.log"
}

# show_summary: the quickstart's one-line-per-business output.
show_summary() {
	terraform output -no-color -raw summary 2>>"$work/tf-all.log" | short | sed 's/^/    /'
	echo
}

# --- 0. Emulator and Terraform setup ----------------------------------------

step "Start the Codat emulator and point Terraform at bin/"
"$repo/bin/codat-emulator" -addr 127.0.0.1:0 -sync-step 1s >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
line=""
for _ in $(seq 100); do
	[[ -s $work/emulator.out ]] && IFS= read -r line <"$work/emulator.out" && [[ -n $line ]] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; die "the emulator exited"; }
	sleep 0.1
done
# "codat-emulator listening on <base-url> api-key=<key>"
[[ $line =~ ^codat-emulator\ listening\ on\ (http://[^[:space:]]+)\ api-key=([^[:space:]]+)$ ]] ||
	die "unexpected first line from the emulator: '${line:-<none after 10s>}'"
base_url=${BASH_REMATCH[1]}
export CODAT_BASE_URL=$base_url CODAT_API_KEY=${BASH_REMATCH[2]}

cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "codat-community/codat" = "$repo/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE=$work/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_CLI_ARGS TF_CLI_ARGS_apply TF_CLI_ARGS_plan TF_CLI_ARGS_destroy TF_WORKSPACE TF_DATA_DIR
cp -R "$repo/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"
say "emulator   $base_url (pid $emulator_pid)" \
	"provider   $repo/bin/terraform-provider-codat (dev_overrides, no terraform init)" \
	"workdir    $work/quickstart"

# --- 1. Apply ---------------------------------------------------------------

step "1/4  terraform apply: a company per business, on platforms picked by codat_integrations"
tf apply -auto-approve
say "$(grep -m1 '^Apply complete' "$work/tf.log")"
show_summary
api_requests

# --- 2. The business authorises ----------------------------------------------

step "2/4  The bakery opens its link and clicks Authorise (plain HTTP, as its browser would)"
outputs=$(terraform output -no-color -json businesses 2>>"$work/tf-all.log")
link=$(sed -n 's/.*"bakery":{[^}]*"link_url":"\([^"]*\)".*/\1/p' <<<"$outputs")
[[ $link == http://* ]] || die "no link_url for the bakery in: $outputs"
http GET "$link"
[[ $http_status == 200 ]] || die "GET $link answered $http_status"
action=$(sed -n 's/.*<form method="post" action="\([^"]*\/authorize\)".*/\1/p' <<<"$http_body" | head -n 1)
[[ -n $action ]] || die "the link page has no Authorise form"
say "GET  $(short <<<"${link#"$base_url"}")  ->  $http_status: \"$(html_text platform-name)\" page, status $(html_text status)"
http POST "$action"
[[ $http_status == 303 || $http_status == 200 ]] || die "POST $action answered $http_status"
say "POST $(short <<<"${action#"$base_url"}")  ->  $http_status (the Authorise button)"
http GET "$link"
[[ $(html_text status) == Linked ]] || die "the link page says '$(html_text status)' after authorising, not Linked"
say "GET  $(short <<<"${link#"$base_url"}")  ->  status $(html_text status); the first sync starts"
http DELETE "$base_url/_emulator/requests" # link pages are not API requests

# --- 3. Apply again -----------------------------------------------------------

step "3/4  terraform apply -var read_company_info=true: refresh, then read codat_company_info"
tf apply -auto-approve -var read_company_info=true
say "$(grep -m1 '^Apply complete' "$work/tf.log")"
show_summary
grep -q '^bakery .* Linked ' <<<"$(terraform output -no-color -raw summary 2>/dev/null)" ||
	die "the bakery is not Linked after authorising"
api_requests

# --- 4. Destroy ---------------------------------------------------------------

step "4/4  terraform destroy"
tf destroy -auto-approve
say "$(grep -m1 '^Destroy complete' "$work/tf.log")"
api_requests

stop_emulator
finished=${EPOCHREALTIME:-$SECONDS}
printf '\nDone: emulator stopped, nothing left running. Total time %.1fs.\n' "$(awk "BEGIN { print $finished - $started }")"
