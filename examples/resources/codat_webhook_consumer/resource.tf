# Tell the lending service about UK companies: when one is created, when a
# business links its platform, and when its data has synced. Codat cannot
# change a consumer: any change here replaces it (with a new signing secret,
# which the Codat Portal shows under Monitor > Webhooks).
resource "codat_webhook_consumer" "lending_uk" {
  url          = "https://lending.harbour.example/codat/webhooks"
  event_types  = ["company.created", "connection.connected", "read.completed"]
  company_tags = ["region:uk"] # a codat_company with tags = { region = "uk" }
}
