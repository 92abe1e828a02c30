# A business you are onboarding, with a connection to its accounting
# platform. Send link_url to the business: once it authorises, status turns
# from "PendingAuth" to "Linked" on the next refresh, with no plan diff.
resource "codat_company" "example" {
  name        = "Bramble Bakery Ltd"
  description = "Invoice finance application 4711"
  tags = {
    region = "uk"
    team   = "lending"
  }

  # The platform the business uses: gbol is Xero, qhyg QuickBooks Online.
  # The codat_integrations data source lists every key. Changing it later is
  # an in-place update: a connection that was ever linked is kept with its
  # data; one that was never linked is deleted.
  platform_key = "gbol"

  # Destroying a company deletes it at Codat with all its synced data. While
  # this is true, a plan that would do so fails instead.
  deletion_protection = true
}

output "link_for_the_business" {
  value = codat_company.example.link_url
}

output "onboarding_status" {
  value = codat_company.example.status
}
