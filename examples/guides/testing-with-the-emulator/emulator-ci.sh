#!/usr/bin/env bash
# Onboard a business against the local Codat emulator, fake it authorising,
# and check the configuration sees it Linked. Run it from the directory of
# your Terraform configuration, with codat-emulator and terraform on PATH.
set -euo pipefail

# 1. Start the emulator on a free port. Its first line is always
#    "codat-emulator listening on <base-url> api-key=<key>".
out=$(mktemp)
codat-emulator -addr 127.0.0.1:0 -sync-step 0 -quiet >"$out" &
emulator_pid=$!
trap 'kill "$emulator_pid"; rm -f "$out"' EXIT
for _ in $(seq 50); do
  [ -s "$out" ] && break
  sleep 0.1
done
read -r _ _ _ base_url key <"$out"
export CODAT_BASE_URL=$base_url CODAT_API_KEY=${key#api-key=}
export TF_IN_AUTOMATION=1 TF_INPUT=0

# 2. Apply: the companies are created in the emulator, as they would be at
#    Codat. A provider from dev_overrides needs no init (init would still ask
#    the registry); a released one is installed as usual.
if ! grep -qs dev_overrides "${TF_CLI_CONFIG_FILE:-$HOME/.terraformrc}"; then
  terraform init
fi
terraform apply -auto-approve

# 3. The business opens its link and presses Authorise. The link page's
#    form posts to <link_url without /start>/authorize.
link=$(terraform output -raw link_for_the_business)
curl -fsS -o /dev/null -X POST "${link%/start}/authorize"

# 4. The next plan sees the connection Linked, and company info is readable
#    (the emulator has finished the first sync: -sync-step 0).
terraform apply -auto-approve -var linked=true
test "$(terraform output -raw onboarding_status)" = Linked
terraform output linked_company
