# An API key for the invoice-finance service. Codat shows the key only when
# it is created: Terraform keeps it in state as a sensitive value, so pass it
# straight to where the service reads its secrets, never to an output that
# is printed.
resource "codat_api_key" "invoice_finance" {
  name = "invoice-finance-processor"
}

# For example, a sensitive output another configuration reads with
# terraform_remote_state:
output "invoice_finance_key" {
  value     = codat_api_key.invoice_finance.key
  sensitive = true
}
