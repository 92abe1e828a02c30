# Bring a consumer made in the Codat Portal under Terraform (Terraform 1.5+).
# If the configuration differs from it, the plan replaces it.
import {
  to = codat_webhook_consumer.lending_uk
  id = "8a210b68-6988-11ed-a1eb-0242ac120002"
}
