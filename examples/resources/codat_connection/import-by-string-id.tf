# Bring a connection the business made on the company's Link page under
# Terraform with an import block (Terraform 1.5+).
import {
  to = codat_connection.imported
  id = "8a210b68-6988-11ed-a1eb-0242ac120002/2e9d2c44-f675-40ba-8049-353bfcb5e171"
}

resource "codat_connection" "imported" {
  company_id   = "8a210b68-6988-11ed-a1eb-0242ac120002"
  platform_key = "gbol"
}
