# Bring a custom data type configured through the API under Terraform
# (Terraform 1.5+).
import {
  to = codat_custom_data_type.qbo_cashflow
  id = "qhyg/qbo-cashflow-report"
}
