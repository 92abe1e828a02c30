# Import a platform's supplemental data for one data type, every source:
terraform import codat_supplemental_data_config.xero_suppliers gbol/suppliers
