# Import a company's schedule by the company id. The bare id brings into
# data_types the data types whose settings differ from the profile's (what the
# company customises):
terraform import codat_sync_schedule.bramble 8a210b68-6988-11ed-a1eb-0242ac120002

# Or list the data types your configuration names, for a plan with no change:
terraform import codat_sync_schedule.bramble 8a210b68-6988-11ed-a1eb-0242ac120002:invoices,bills
