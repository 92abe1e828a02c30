# One company per business, created with its connection to the chosen
# platform. Codat's guide calls platform_key "platformType".
resource "codat_company" "bakery" {
  name         = "Bramble Bakery Ltd"
  description  = "Onboarding form 4711"
  platform_key = data.codat_integration.chosen.key
  tags         = { source = "onboarding-form" }

  # Destroying the company would delete the data the business shares.
  deletion_protection = true

  lifecycle {
    precondition {
      condition     = data.codat_integration.chosen.enabled
      error_message = "${data.codat_integration.chosen.name} is not enabled for this Codat client: enable it in the Codat Portal (Settings > Integrations)."
    }
  }
}
