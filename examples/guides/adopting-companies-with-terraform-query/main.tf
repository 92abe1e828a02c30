terraform {
  # List resources and terraform query came in Terraform 1.14.
  required_version = ">= 1.14"

  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

# The key (and, for the emulator, the base URL) come from CODAT_API_KEY and
# CODAT_BASE_URL.
provider "codat" {}
