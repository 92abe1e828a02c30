# Bring what is set for Xero's suppliers under Terraform (Terraform 1.5+):
# <platform key>/<data type>.
import {
  to = codat_supplemental_data_config.xero_suppliers
  id = "gbol/suppliers"
}
