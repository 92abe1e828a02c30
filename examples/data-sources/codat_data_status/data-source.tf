variable "company_id" {
  description = "A Codat company, e.g. codat_company.example.id."
  type        = string
}

data "codat_data_status" "example" {
  company_id = var.company_id
}

# When invoices last synced successfully; null if they never have.
output "invoices_last_synced" {
  value = try(data.codat_data_status.example.data_types["invoices"].last_successful_sync, null)
}

# After every plan and apply, warn (without failing) about data types whose
# latest pull failed, such as an AuthError after the business revoked access.
check "company_data_syncs" {
  data "codat_data_status" "now" {
    company_id = var.company_id
  }

  assert {
    condition = alltrue([
      for status in data.codat_data_status.now.data_types : !endswith(status.current_status, "Error")
    ])
    error_message = "Some data types failed to sync: ${join(", ", [
      for data_type, status in data.codat_data_status.now.data_types : "${data_type} (${status.current_status})"
      if endswith(status.current_status, "Error")
    ])}."
  }
}
