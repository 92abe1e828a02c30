# Every enabled accounting platform, to offer businesses a choice.
data "codat_integrations" "accounting" {
  source_type = "Accounting"
  enabled     = true
}

output "accounting_platforms" {
  value = { for p in data.codat_integrations.accounting.integrations : p.key => p.name }
}

# Find a platform's key by (part of) its name, ignoring case.
data "codat_integrations" "quickbooks" {
  name_contains = "quickbooks"
}

# One company per enabled banking platform, using the list of keys.
data "codat_integrations" "banking" {
  source_type = "Banking"
  enabled     = true
}

resource "codat_company" "bank_test" {
  for_each     = toset(data.codat_integrations.banking.keys)
  name         = "Bank feed test ${each.key}"
  platform_key = each.key
}
