# In a .tfquery.hcl file, beside the configuration's provider block:
#   terraform query                                   lists them
#   terraform query -generate-config-out=adopted.tf   writes import blocks
#                                                     and configuration
list "codat_company" "lending" {
  provider = codat

  # terraform query lists at most 100 results per list block unless told.
  limit = 1000

  config {
    tags              = "team=lending && region=uk"
    connection_status = "Linked"
  }
}
