# Look up one platform by key. A key that does not exist fails the plan and
# names the nearest valid keys.
data "codat_integration" "xero" {
  key = "gbol"
}

output "xero" {
  value = {
    name    = data.codat_integration.xero.name
    logo    = data.codat_integration.xero.logo_url
    enabled = data.codat_integration.xero.enabled
  }
}

# Check the platform is enabled for your Codat client before onboarding onto it.
resource "codat_company" "example" {
  name         = "Example Ltd"
  platform_key = data.codat_integration.xero.key

  lifecycle {
    precondition {
      condition     = data.codat_integration.xero.enabled
      error_message = "Xero is not enabled for this Codat client: enable it in the Codat Portal (Settings > Integrations)."
    }
  }
}
