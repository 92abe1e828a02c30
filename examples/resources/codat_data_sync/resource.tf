resource "codat_company" "example" {
  name         = "Bramble Bakery Ltd"
  platform_key = "gbol"
}

# Fetch a company's invoices and bills from its platform now, and again on the
# first apply of every month. Terraform waits until Codat has fetched them,
# so anything that depends on this resource reads fresh data. The business
# must have authorised first (codat_company.example.status is "Linked").
resource "codat_data_sync" "monthly" {
  company_id = codat_company.example.id
  data_types = ["invoices", "bills"]

  # A new month is a new value: the resource is replaced, which queues the
  # sync again. Plans and refreshes in between queue nothing.
  triggers = {
    month = formatdate("YYYY-MM", plantimestamp())
  }

  wait_for_completion = true
  timeouts {
    create = "30m"
  }
}

# Every data type fetched on first link, queued once, without waiting.
resource "codat_data_sync" "everything" {
  company_id = codat_company.example.id
}

output "monthly_sync" {
  value = [for op in codat_data_sync.monthly.operations : "${op.data_type}: ${op.status}"]
}
