# Codat's "temporary company name" workflow: create the company before you
# know the business's name, and let its accounting platform supply the name.
#
#  1. The company is created as temporary_name (use an id you can trace).
#  2. The business authorises the connection at link_url and Codat syncs its
#     company data. Each refresh then reads the platform's name into
#     platform_company_name (one extra request, only for companies like this).
#  3. The next plan shows an in-place update:
#        ~ name = "Application 4711" -> "Bramble Bakery"
#     Applying it renames the company; later plans are empty. If someone
#     renames the company elsewhere, the next plan renames it back.
#
# Why not feed name from the codat_company_info data source? It needs this
# company's id, so the company would depend on itself: a dependency cycle.
resource "codat_company" "applicant" {
  temporary_name = "Application 4711"

  # The trading name (company_name, the default) or the registered one.
  name_from_platform = "legal_name"

  platform_key = "gbol"
}

output "applicant_link" {
  value = codat_company.applicant.link_url
}

# null until the business has linked and Codat has synced its company data.
output "name_in_platform" {
  value = codat_company.applicant.platform_company_name
}
