# Import a consumer by its id (GET /webhooks lists them):
terraform import codat_webhook_consumer.lending_uk 8a210b68-6988-11ed-a1eb-0242ac120002
