# Terraform 1.12 and later: the identity of a consumer is Codat's id for it.
# If the configuration differs from it, the plan replaces it.
terraform {
  required_version = ">= 1.12"
}

import {
  to = codat_webhook_consumer.lending_ie
  identity = {
    id = "3c5e7a90-6988-11ed-a1eb-0242ac120002"
  }
}

resource "codat_webhook_consumer" "lending_ie" {
  url         = "https://lending.harbour.example/codat/webhooks"
  event_types = ["company.created"]
}
