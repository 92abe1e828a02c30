resource "codat_company" "bramble" {
  name         = "Bramble Bakery Ltd"
  platform_key = "gbol"
}

# How fresh this business's data is, reviewed in a pull request instead of
# set in the Codat Portal. The company then overrides the client's defaults
# (codat_profile_sync_settings) with its own schedule.
resource "codat_sync_schedule" "bramble" {
  company_id = codat_company.bramble.id

  data_types = {
    # A preset (hourly, daily, weekly, monthly) or a number of hours from
    # "1h" to "720h". Under 24 hours needs a Codat plan with hourly syncs.
    invoices = { sync_every = "hourly" }
    bills    = { sync_every = "12h" }

    # Financial statements: 24 monthly periods, from a fixed date.
    balanceSheet  = { sync_every = "daily", months_to_sync = 24, sync_from = "2023-01-01" }
    profitAndLoss = { sync_every = "daily", months_to_sync = 24, sync_from = "2023-01-01" }

    # A rolling window of history instead of a date.
    customers = { sync_every = "weekly", sync_from_window_months = 36 }

    # Keys with a hyphen need quotes. Fetched first, but not on first link.
    "banking-transactions" = { sync_every = "36h", sync_order = 0, fetch_on_first_link = false }
  }

  # Data types not named above keep what Codat applies to the company now:
  # the profile's values, for a company without settings of its own. If you
  # manage the profile too, add
  #   depends_on = [codat_profile_sync_settings.defaults]
  # so that they copy its new values rather than the old ones.
}
