# Bring a schedule made in the Codat Portal under Terraform with an import
# block (Terraform 1.5+). After the colon, list the keys of data_types: the
# plan then shows only real differences. Without the list, the import takes
# the data types the company customises (those that differ from the profile).
import {
  to = codat_sync_schedule.imported
  id = "8a210b68-6988-11ed-a1eb-0242ac120002:invoices,bills"
}

resource "codat_sync_schedule" "imported" {
  company_id = "8a210b68-6988-11ed-a1eb-0242ac120002"

  data_types = {
    invoices = { sync_every = "daily" }
    bills    = { sync_every = "weekly" }
  }
}
