# Terraform 1.12 and later: an import block can name the company by its
# identity instead of an id string. terraform query writes such blocks for
# every company a filter finds (guide: "Adopting the companies you already
# have with terraform query").
terraform {
  required_version = ">= 1.12"
}

import {
  to = codat_company.adopted
  identity = {
    id = "3f7c2a91-5d4e-4b8a-9c61-2e0d8b7a4f13"
  }
}

resource "codat_company" "adopted" {
  name = "Harbour Bakery Ltd"
}
