terraform {
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# Reads CODAT_API_KEY (and CODAT_BASE_URL, to use the local emulator).
provider "codat" {}

# The companies your team made in the Codat Portal, by the tags it gave
# them. Codat filters by tag: one request per 5,000 companies.
data "codat_companies" "portal" {
  tags = "team=lending && source=portal"
}

locals {
  portal = { for c in data.codat_companies.portal.companies : c.id => c }
}

output "found" {
  value = { for id, c in local.portal : id => "${c.name}: ${length(c.connections)} connection(s)" }
}
