# Bring each of them under Terraform, reviewed in a plan like any other
# change. Terraform reads them and changes nothing: the configuration below
# says what they already are.
terraform {
  # import blocks with for_each need Terraform 1.7.
  required_version = ">= 1.7"
}

import {
  for_each = local.portal
  to       = codat_company.adopted[each.key]
  id       = each.key
}

resource "codat_company" "adopted" {
  for_each = local.portal

  name        = each.value.name
  description = each.value.description
  tags        = each.value.tags

  # Import manages a company's only connection, if it has exactly one: name
  # its platform so the next plan keeps it. (Leaving platform_key out would
  # release that connection, deleting it if the business never linked it.)
  platform_key = length(each.value.connections) == 1 ? each.value.connections[0].platform_key : null

  deletion_protection = true
}
