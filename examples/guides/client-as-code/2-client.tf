# The client's branding, and where Link sends a business when it is done.
# Only these attributes are managed; the rest of the profile keeps Codat's
# values.
resource "codat_profile" "this" {
  name         = var.name
  redirect_url = "${var.app_url}/linked/{companyId}?status={statusCode}"
}

# The app embeds Codat's Link SDK, so its origin must be allowed.
resource "codat_cors_settings" "this" {
  allowed_origins = var.environment == "sandbox" ? [var.app_url, "http://localhost:3000"] : [var.app_url]
}

# How every company without settings of its own syncs: daily in production,
# weekly in the sandbox.
resource "codat_profile_sync_settings" "defaults" {
  data_types = {
    invoices = { sync_every = var.environment == "production" ? "daily" : "weekly" }
    bills    = { sync_every = var.environment == "production" ? "daily" : "weekly" }
  }
}

# Each supplier's bank account from Xero, alongside Codat's suppliers.
resource "codat_supplemental_data_config" "xero_suppliers" {
  platform_key = "gbol"
  data_type    = "suppliers"
  sources = {
    xeroContacts = {
      data_source = "/Contacts"
      pull_data   = { bankAccount = "BankAccountDetails" }
    }
  }
}
