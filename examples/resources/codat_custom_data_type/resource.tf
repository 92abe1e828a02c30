# QuickBooks Online's cash-flow report, which Codat's data model leaves out,
# as a custom data type. Codat checks none of these values: check them
# against the platform's API documentation.
resource "codat_custom_data_type" "qbo_cashflow" {
  platform_key           = "qhyg" # QuickBooks Online
  custom_data_identifier = "qbo-cashflow-report"
  data_source            = "/reports/CashFlow"
  required_data = {
    Header  = "$.Header"
    Rows    = "$.Rows"
    Columns = "$.Columns"
  }
  key_by               = ["$.Header.ReportName"]
  source_modified_date = ["$.Header.Time"]
}
