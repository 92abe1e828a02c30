# Import the profile with "profile" (or the Codat client id), followed by the
# data types your configuration names, for a plan with no other change:
terraform import codat_profile_sync_settings.defaults profile:company,chartOfAccounts,invoices,bills,balanceSheet,profitAndLoss,banking-transactions

# Without the list, every data type of the profile is imported:
terraform import codat_profile_sync_settings.defaults profile
