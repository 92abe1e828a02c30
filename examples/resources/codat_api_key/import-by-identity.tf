# Terraform 1.12 and later: the identity of a key is Codat's id for it, not
# the key itself, whose secret an import never reads.
terraform {
  required_version = ">= 1.12"
}

import {
  to = codat_api_key.reporting
  identity = {
    id = "f1a3b5c7-6988-11ed-a1eb-0242ac120002"
  }
}

resource "codat_api_key" "reporting" {
  name = "reporting"
}
