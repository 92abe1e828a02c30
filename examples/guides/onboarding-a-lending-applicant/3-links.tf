# The three links to send the applicant: each opens that platform's own
# login and consent screen.
output "accounting_link" {
  value = codat_connection.accounting.link_url
}

output "banking_link" {
  value = codat_connection.banking.link_url
}

output "commerce_link" {
  value = codat_connection.commerce.link_url
}

# Warn on every plan and apply, without failing, until the applicant has
# authorised all three.
check "applicant_has_linked_everything" {
  assert {
    condition = alltrue([
      for c in [codat_connection.accounting, codat_connection.banking, codat_connection.commerce] : c.status == "Linked"
    ])
    error_message = "Harbour Bakery Ltd still has to authorise: ${join(", ", [
      for c in [codat_connection.accounting, codat_connection.banking, codat_connection.commerce] : "${c.platform_name} (${c.status})" if c.status != "Linked"
    ])}."
  }
}
