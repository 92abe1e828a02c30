# Bring the profile under Terraform (Terraform 1.5+) into the resource in
# resource.tf. Importing changes nothing at Codat; the first apply records
# each attribute it changes, so destroy can put it back.
import {
  to = codat_profile.this
  id = "profile"
}
