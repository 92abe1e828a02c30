# Import a company by its Codat id (Codat Portal, or GET /companies).
# If the company has exactly one connection, it becomes the managed one:
# platform_key and connection_id are set from it.
terraform import codat_company.example 8a210b68-6988-11ed-a1eb-0242ac120002
