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
