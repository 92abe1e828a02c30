# A lending applicant: one company, and a connection to each platform the
# lender asks for. Each connection has its own link for the business.
resource "codat_company" "applicant" {
  name = "Harbour Bakery Ltd"
  tags = { team = "lending", application = "APP-1042" }
}

resource "codat_connection" "accounting" {
  company_id   = codat_company.applicant.id
  platform_key = "gbol" # Xero
}

resource "codat_connection" "banking" {
  company_id   = codat_company.applicant.id
  platform_key = "suuo" # Plaid
}

resource "codat_connection" "commerce" {
  company_id   = codat_company.applicant.id
  platform_key = "fztf" # Shopify

  # Destroying it deletes the connection even after the business linked it,
  # with the data read through it. Without this it would be unlinked and kept.
  delete_on_destroy = true
}

output "links_for_the_applicant" {
  value = {
    accounting = codat_connection.accounting.link_url
    banking    = codat_connection.banking.link_url
    commerce   = codat_connection.commerce.link_url
  }
}
