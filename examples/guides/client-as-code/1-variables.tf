terraform {
  required_version = ">= 1.5"
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# Reads CODAT_API_KEY (and CODAT_BASE_URL, to use the local emulator): the
# key picks the Codat client, sandbox or production.
provider "codat" {}

# What differs between the clients. sandbox.tfvars and production.tfvars set
# these; the defaults are the sandbox's.
variable "environment" {
  description = "sandbox or production: a tag on every company, and how often data syncs."
  type        = string
  default     = "sandbox"
  validation {
    condition     = contains(["sandbox", "production"], var.environment)
    error_message = "environment must be sandbox or production."
  }
}

variable "name" {
  description = "The name Codat's Link shows a business."
  type        = string
  default     = "Harbour Lending (sandbox)"
}

variable "app_url" {
  description = "The web app: where Link sends a business back, and the origin that embeds Link."
  type        = string
  default     = "https://sandbox.app.harbour.example"
}

variable "teams" {
  description = "Each regional team's webhook endpoint, keyed by the region tag of the companies it serves."
  type        = map(object({ webhook_url = string }))
  default = {
    uk = { webhook_url = "https://sandbox.lending.harbour.example/codat/uk" }
    us = { webhook_url = "https://sandbox.lending.harbour.example/codat/us" }
  }
}

variable "smoke_test_companies" {
  description = "Companies to keep in this client, keyed by region: in the sandbox, one per team, to see its events arrive."
  type        = map(string)
  default     = {}
}
