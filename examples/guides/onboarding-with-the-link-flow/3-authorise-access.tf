# Send the business this link: it opens the platform's own login and consent
# screen. The link stays valid, so a business whose access lapses
# (Deauthorized) authorises again at the same URL.
output "link_for_the_business" {
  value = codat_company.bakery.link_url
}

# Codat's Link page, where the business can pick and authorise any platform
# itself: an alternative to choosing platform_key for it.
output "codat_link_page" {
  value = codat_company.bakery.redirect
}

# On-premise platforms (QuickBooks Desktop, Sage 50) need Codat's connector
# installed on the computer that runs them; the licence key it asks for is
# the company id.
output "connector_licence_key" {
  value = data.codat_integration.chosen.is_offline_connector ? codat_company.bakery.id : null
}
