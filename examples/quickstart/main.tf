# Quickstart: onboard two businesses to Codat, send each a link to authorise
# its platform, and confirm which company each one linked.
#
#   make demo                     # runs all of this against the local emulator
#
# Against Codat itself: export CODAT_API_KEY, then terraform init and apply;
# after a business has authorised its link, apply -var read_company_info=true.

terraform {
  required_version = ">= 1.5"
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# Reads CODAT_API_KEY, and CODAT_BASE_URL if set (make demo points it at the
# emulator).
provider "codat" {}

variable "platform_name_contains" {
  description = "Pick each platform among the enabled ones whose name contains this text. Codat's sandboxes let you authorise without a real account."
  type        = string
  default     = "sandbox"
}

variable "read_company_info" {
  description = "Read each Linked company's details from its platform. Leave false until a business has authorised: Codat has no company info before that."
  type        = bool
  default     = false
}

# 1. The platforms to offer, from Codat's catalogue (one request for all three
#    lookups, whatever the number of data sources).
data "codat_integrations" "accounting" {
  source_type   = "Accounting"
  enabled       = true
  name_contains = var.platform_name_contains
}

data "codat_integrations" "banking" {
  source_type   = "Banking"
  enabled       = true
  name_contains = var.platform_name_contains
}

locals {
  businesses = {
    bakery  = { name = "Bramble Bakery", platforms = data.codat_integrations.accounting.integrations }
    florist = { name = "Foxglove Florist", platforms = data.codat_integrations.banking.integrations }
  }
}

# 2. One Codat company per business, each with a connection to its platform
#    waiting for the business to authorise it at link_url.
resource "codat_company" "business" {
  for_each = local.businesses

  name         = each.value.name
  description  = "Created by the terraform-provider-codat quickstart"
  tags         = { source = "quickstart" }
  platform_key = try(each.value.platforms[0].key, null)

  lifecycle {
    precondition {
      condition     = length(each.value.platforms) > 0
      error_message = "No enabled platform's name contains \"${var.platform_name_contains}\": set platform_name_contains, or enable a platform in the Codat Portal."
    }
  }
}

# 3. Once a business has authorised, what its platform says about it.
#    Only Linked companies are read; wait_for_sync covers a first sync that
#    is still running.
data "codat_company_info" "linked" {
  for_each = toset(var.read_company_info ? [for k, c in codat_company.business : k if c.status == "Linked"] : [])

  company_id    = codat_company.business[each.key].id
  wait_for_sync = "2m"
}
