# Import a custom data type as <platform key>/<custom data identifier>:
terraform import codat_custom_data_type.qbo_cashflow qhyg/qbo-cashflow-report
