# The client's default sync settings (Codat's profile): how every company
# without settings of its own syncs. There is one profile per Codat client,
# so declare this once. Data types not named keep their current values.
resource "codat_profile_sync_settings" "defaults" {
  data_types = {
    company         = { sync_every = "weekly", sync_order = 0 }
    chartOfAccounts = { sync_every = "weekly", sync_order = 1 }
    invoices        = { sync_every = "daily", sync_from_window_months = 24 }
    bills           = { sync_every = "daily", sync_from_window_months = 24 }
    balanceSheet    = { sync_every = "monthly", months_to_sync = 24 }
    profitAndLoss   = { sync_every = "monthly", months_to_sync = 24 }

    "banking-transactions" = { sync_every = "daily", sync_from = "2024-01-01" }
  }
}

# terraform destroy puts every data type Terraform set back exactly as it was
# before Terraform first set it, so the client keeps working defaults.
