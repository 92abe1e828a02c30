terraform {
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

provider "codat" {} # reads CODAT_API_KEY

resource "codat_company" "bakery" {
  name         = "Bramble Bakery"
  platform_key = "gbol" # Xero; the codat_integrations data source lists every key
}

output "send_this_link_to_the_business" {
  value = codat_company.bakery.link_url
}
