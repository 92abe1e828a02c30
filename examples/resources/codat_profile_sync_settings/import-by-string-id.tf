# Bring the profile under Terraform with an import block (Terraform 1.5+),
# into the resource declared in resource.tf: there is one profile per Codat
# client, so never declare two resources for it. After the colon, list the
# keys of its data_types, so the plan shows only real differences.
#
# Importing changes nothing at Codat. Terraform records a data type's setting
# before its first apply changes it, and destroy restores what it recorded.
import {
  to = codat_profile_sync_settings.defaults
  id = "profile:company,chartOfAccounts,invoices,bills,balanceSheet,profitAndLoss,banking-transactions"
}
