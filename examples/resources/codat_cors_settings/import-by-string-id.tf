# Bring the client's allowed origins under Terraform (Terraform 1.5+). The
# next apply replaces them with the configured ones; destroy puts back the
# list as it was before that apply.
import {
  to = codat_cors_settings.this
  id = "cors"
}
