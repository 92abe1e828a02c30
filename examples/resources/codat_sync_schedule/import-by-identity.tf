# Terraform 1.12 and later: the identity of a schedule is its company's id.
# Imported by identity, data_types takes the data types the company
# customises, as the bare company id does.
terraform {
  required_version = ">= 1.12"
}

import {
  to = codat_sync_schedule.adopted
  identity = {
    company_id = "9d2e6f10-3a7b-4c5d-8e9f-0a1b2c3d4e5f"
  }
}

resource "codat_sync_schedule" "adopted" {
  company_id = "9d2e6f10-3a7b-4c5d-8e9f-0a1b2c3d4e5f"

  data_types = {
    invoices = { sync_every = "daily" }
  }
}
