terraform {
  required_version = ">= 1.5"
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# Reads CODAT_API_KEY (and CODAT_BASE_URL, to use the local emulator).
provider "codat" {}

# The platforms to offer the business: names and logos for your own picker.
data "codat_integrations" "accounting" {
  source_type = "Accounting"
  enabled     = true
}

output "platforms_to_offer" {
  value = [
    for p in data.codat_integrations.accounting.integrations : {
      key  = p.key
      name = p.name
      logo = p.logo_url
    }
  ]
}

# The platform the business chose, or the only one you offer.
variable "platform_key" {
  description = "Key of the platform the business uses, from platforms_to_offer: gbol is Xero."
  type        = string
  default     = "gbol"
}

# Fails the plan, naming the nearest keys, if the key does not exist.
data "codat_integration" "chosen" {
  key = var.platform_key
}
