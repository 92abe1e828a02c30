terraform {
  required_version = ">= 1.5"
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# Reads CODAT_API_KEY (and CODAT_BASE_URL, to use the local emulator).
provider "codat" {}

variable "application_id" {
  description = "The loan application this applicant belongs to, kept as a tag."
  type        = string
  default     = "APP-1042"
}

# The applicant. It has no platform_key: each platform the lender asks for
# is a codat_connection of its own (2-connections.tf).
resource "codat_company" "applicant" {
  name = "Harbour Bakery Ltd"
  tags = {
    team        = "lending"
    region      = "uk"
    application = var.application_id
  }

  # Destroying the company would delete the data the applicant shares.
  deletion_protection = true
}
