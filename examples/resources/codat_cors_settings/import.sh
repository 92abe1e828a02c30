# There is one list of allowed origins per Codat client: its id is "cors".
terraform import codat_cors_settings.this cors
