environment = "sandbox"
name        = "Harbour Lending (sandbox)"
app_url     = "https://sandbox.app.harbour.example"
teams = {
  uk = { webhook_url = "https://sandbox.lending.harbour.example/codat/uk" }
  us = { webhook_url = "https://sandbox.lending.harbour.example/codat/us" }
}
smoke_test_companies = {
  uk = "Smoke Test UK Ltd"
  us = "Smoke Test US Inc"
}
