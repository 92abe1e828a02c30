# Read each Xero supplier's bank account and branding theme with Codat's
# suppliers data type. Sources set outside Terraform for Xero's suppliers
# are kept; destroy removes the ones Terraform set.
resource "codat_supplemental_data_config" "xero_suppliers" {
  platform_key = "gbol" # Xero
  data_type    = "suppliers"
  sources = {
    xeroContacts = {
      data_source = "/Contacts"
      pull_data = {
        bankAccount   = "BankAccountDetails"
        brandingTheme = "BrandingTheme.Name" # dot notation reaches nested properties
      }
    }
  }
}
