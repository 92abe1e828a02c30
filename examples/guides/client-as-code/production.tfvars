environment = "production"
name        = "Harbour Lending"
app_url     = "https://app.harbour.example"
teams = {
  uk = { webhook_url = "https://lending.harbour.example/codat/uk" }
  us = { webhook_url = "https://lending.harbour.example/codat/us" }
}
# Production's companies are the businesses the app onboards, not Terraform's.
smoke_test_companies = {}
