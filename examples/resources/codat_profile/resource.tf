# The client's profile: what Codat's Link shows a business and where it sends
# the business afterwards. There is one per Codat client, so declare this
# once. Only the attributes set here are changed; the others keep Codat's
# values, and destroy puts back what Terraform changed.
resource "codat_profile" "this" {
  name         = "Harbour Lending"
  redirect_url = "https://app.harbour.example/linked/{companyId}?status={statusCode}"
  logo_url     = "https://img.harbour.example/logo.png"
  icon_url     = "https://img.harbour.example/icon.ico"
}
