# Every company of the lending team in the UK: Codat filters by tag, and
# returns up to 5,000 companies per request.
data "codat_companies" "uk_lending" {
  tags = "region=uk && team=lending"
}

output "uk_lending_companies" {
  value = { for c in data.codat_companies.uk_lending.companies : c.id => c.name }
}

# Applicants whose accounting platform has lost access: send them their link
# again.
data "codat_companies" "deauthorized_xero" {
  platform_key      = "gbol"
  connection_status = "Deauthorized"
}

output "links_to_send_again" {
  value = {
    for c in data.codat_companies.deauthorized_xero.companies : c.id => [
      for conn in c.connections : conn.link_url if conn.platform_key == "gbol" && conn.status == "Deauthorized"
    ]
  }
}

# A company by name (exactly), or by part of its name (ignoring case).
data "codat_companies" "bakeries" {
  name_contains = "bakery"
}
