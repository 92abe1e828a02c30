# Terraform 1.12 and later: the identity of a connection is its company's id
# and its own. terraform query with the codat_connection list resource
# writes such blocks for a company's connections.
terraform {
  required_version = ">= 1.12"
}

import {
  to = codat_connection.adopted
  identity = {
    company_id = "5b9c1e5e-7c7d-4b43-a2b8-0d5f1d3c4a21"
    id         = "c0a4d8e2-1f3b-4a6c-8d9e-7b2f5a1c3e40"
  }
}

resource "codat_connection" "adopted" {
  company_id   = "5b9c1e5e-7c7d-4b43-a2b8-0d5f1d3c4a21"
  platform_key = "gbol"
}
