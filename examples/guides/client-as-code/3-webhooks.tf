# One consumer per team. Its company tag routes to it only the events of the
# companies tagged with its region.
resource "codat_webhook_consumer" "team" {
  for_each = var.teams

  url          = each.value.webhook_url
  event_types  = ["company.created", "connection.connected", "read.completed"]
  company_tags = ["region:${each.key}"]
}

# Companies tagged with a team's region: that team's consumer hears about
# them, the other does not.
resource "codat_company" "smoke_test" {
  for_each = var.smoke_test_companies

  name = each.value
  tags = {
    region      = each.key
    environment = var.environment
  }

  # Codat sends an event to the consumers that exist when it happens: create
  # the consumers first, or the first apply's company.created is not sent.
  depends_on = [codat_webhook_consumer.team]
}

output "webhook_consumer_ids" {
  description = "Each team's consumer; its signing secret is in the Codat Portal (Monitor > Webhooks)."
  value       = { for region, consumer in codat_webhook_consumer.team : region => consumer.id }
}
