# The companies the lending team made in the Codat Portal, which it tagged
# team=lending. Codat applies the tag filter, so only they are fetched.
list "codat_company" "lending" {
  provider = codat

  # terraform query lists at most 100 results per list block unless told.
  limit = 5000

  config {
    tags = "team=lending"
  }
}
