# The origins allowed to call Codat from a browser, as the embedded Link SDK
# does: your web apps' scheme, host and port, with no path. There is one
# list per Codat client, so declare this once; it replaces the whole list.
resource "codat_cors_settings" "this" {
  allowed_origins = [
    "https://app.harbour.example",
    "http://localhost:3000", # local development of the app
  ]
}
