# Import a connection by its company's id and its own, separated by a slash
# (the codat_companies data source lists both).
terraform import codat_connection.accounting 8a210b68-6988-11ed-a1eb-0242ac120002/2e9d2c44-f675-40ba-8049-353bfcb5e171
