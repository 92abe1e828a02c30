# Import a key by its id, never by the key itself (GET /apiKeys lists them).
# Its key attribute stays null: Codat shows a key only when it is created.
terraform import codat_api_key.invoice_finance e288a972-b402-4b21-93f9-b5335ae5679c
