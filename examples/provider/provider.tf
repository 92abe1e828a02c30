terraform {
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# The key comes from the CODAT_API_KEY environment variable, so it stays out
# of the configuration. Create one in the Codat Portal (Developers > API keys).
provider "codat" {}

# Or set everything explicitly, here against the local emulator
# (go run ./cmd/codat-emulator prints its URL and key):
#
# provider "codat" {
#   base_url       = "http://127.0.0.1:8089"
#   api_key        = var.codat_api_key
#   max_retries    = 8
#   max_retry_wait = "10m"
# }
#
# Against api.codat.io the provider paces itself to Codat's limits. When
# several Terraform runs share one address, give each a share of them:
#
# provider "codat" {
#   requests_per_minute     = 250
#   max_concurrent_requests = 3
# }
