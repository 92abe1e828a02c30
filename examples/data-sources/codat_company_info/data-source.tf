variable "company_id" {
  description = "A Codat company whose business has authorised its link, e.g. codat_company.example.id."
  type        = string
}

# The company as its accounting platform describes it. Codat has this once
# the business has authorised (through the company's link_url) and the
# company data has synced; wait_for_sync waits for a sync still running.
data "codat_company_info" "example" {
  company_id    = var.company_id
  wait_for_sync = "5m"
}

# Show the business which account it linked, so it can confirm it is theirs.
output "linked_company" {
  value = "${data.codat_company_info.example.company_name} (${data.codat_company_info.example.legal_name}), ${data.codat_company_info.example.base_currency}"
}

output "registered_address" {
  value = try([for a in data.codat_company_info.example.addresses : a if a.type == "Billing"][0], null)
}
