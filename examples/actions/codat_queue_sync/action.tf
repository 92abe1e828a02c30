# Terraform 1.14 and later. Queue a sync whenever you choose:
#   terraform apply -invoke=action.codat_queue_sync.month_end
# or, through action_trigger, whenever Terraform creates or changes a
# resource. Codat's answer and the pulls' outcome show as the action's
# progress; nothing is kept in state.
terraform {
  required_version = ">= 1.14"
}

action "codat_queue_sync" "month_end" {
  config {
    company_id          = codat_company.example.id
    data_types          = ["invoices", "bills", "balanceSheet"]
    wait_for_completion = true
    timeout             = "30m"
  }
}

# Sync the company's data again each time its sync schedule is set or
# changed, so what depends on it reads data fetched under the new settings.
resource "codat_sync_schedule" "example" {
  company_id = codat_company.example.id
  data_types = {
    invoices = { sync_every = "daily" }
    bills    = { sync_every = "daily" }
  }

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.codat_queue_sync.month_end]
    }
  }
}
