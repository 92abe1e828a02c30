# Bring an existing Codat company under Terraform with an import block
# (Terraform 1.5+), reviewed in a plan like any other change. Write the
# configuration to match the company, or run
#   terraform plan -generate-config-out=generated.tf
# and the plan shows the import with no other change.
import {
  to = codat_company.imported
  id = "8a210b68-6988-11ed-a1eb-0242ac120002"
}

resource "codat_company" "imported" {
  name = "Bramble Bakery Ltd"

  # If the company has exactly one connection, the import adopts it. Set
  # platform_key to that connection's platform to keep it managed; leaving
  # platform_key out would release it (and delete it if it was never linked).
  platform_key = "gbol"
}
