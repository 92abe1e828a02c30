# The platforms the lender asks for, by their 4-letter keys (the
# codat_integrations data source lists them).
variable "platforms" {
  description = "The applicant's accounting platform, bank and shop."
  type = object({
    accounting = string
    banking    = string
    commerce   = string
  })
  default = {
    accounting = "gbol" # Xero
    banking    = "suuo" # Plaid
    commerce   = "fztf" # Shopify
  }
}

# One connection per platform, each with its own link for the applicant.
resource "codat_connection" "accounting" {
  company_id   = codat_company.applicant.id
  platform_key = var.platforms.accounting
}

resource "codat_connection" "banking" {
  company_id   = codat_company.applicant.id
  platform_key = var.platforms.banking
}

resource "codat_connection" "commerce" {
  company_id   = codat_company.applicant.id
  platform_key = var.platforms.commerce
}
