# Every connection of one company, for example one the business connected
# to several platforms through its Link page.
list "codat_connection" "harbour_bakery" {
  provider = codat

  config {
    company_id = "5b9c1e5e-7c7d-4b43-a2b8-0d5f1d3c4a21"
  }
}
