output "businesses" {
  description = "Each business: its platform, where it is in linking, the link to send it, and its name in its platform once read."
  value = {
    for k, c in codat_company.business : k => {
      platform         = "${local.businesses[k].platforms[0].name} (${c.platform_key})"
      status           = c.status
      link_url         = c.link_url
      name_in_platform = try(data.codat_company_info.linked[k].company_name, null)
    }
  }
}

output "summary" {
  description = "One line per business, for people: platform, status, and either the link to send or the company it linked."
  value = join("\n", [
    for k, c in codat_company.business : format("%-8s %-28s %-12s %s", k, "${local.businesses[k].platforms[0].name} (${c.platform_key})", c.status,
      can(data.codat_company_info.linked[k])
      ? format("%q, %s, %s", data.codat_company_info.linked[k].company_name, data.codat_company_info.linked[k].legal_name, data.codat_company_info.linked[k].base_currency)
      : coalesce(c.link_url, "-")
    )
  ])
}
