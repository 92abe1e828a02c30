# Where the business is in linking: PendingAuth until it authorises, then
# Linked. Every plan refreshes it; a change shows without a diff.
output "onboarding_status" {
  value = codat_company.bakery.status
}

# Warn on every plan and apply, without failing, while the business has not
# linked its platform.
check "business_has_linked" {
  assert {
    condition     = codat_company.bakery.status == "Linked"
    error_message = "${codat_company.bakery.name} has not authorised yet (status ${codat_company.bakery.status}): send it ${coalesce(codat_company.bakery.link_url, "its link")}."
  }
}

# Once it has: the company as its platform describes it, so the business can
# confirm it linked the right one. Codat has no company info before the
# first sync, so read it only after authorising (apply -var linked=true).
variable "linked" {
  description = "Set to true once the business has authorised its link."
  type        = bool
  default     = false
}

data "codat_company_info" "bakery" {
  count = var.linked ? 1 : 0

  company_id    = codat_company.bakery.id
  wait_for_sync = "5m" # the first sync starts when the business authorises
}

output "linked_company" {
  value = one([for info in data.codat_company_info.bakery : "${info.company_name} (${info.legal_name}), ${info.base_currency}"])
}
