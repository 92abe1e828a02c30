# Bring a key made in the Codat Portal under Terraform (Terraform 1.5+), by
# its id. The provider refuses to destroy the key it uses itself.
import {
  to = codat_api_key.invoice_finance
  id = "e288a972-b402-4b21-93f9-b5335ae5679c"
}
