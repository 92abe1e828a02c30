package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccSettings_declaredTwice: two resources for one client-wide setting
// fail the plan, naming the setting, before anything is written; for the
// profile and CORS settings, before any request.
func TestAccSettings_declaredTwice(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	twice := func(kind, body string) string {
		var b strings.Builder
		b.WriteString(env.providerBlock())
		for _, name := range []string{"sandbox", "production"} {
			fmt.Fprintf(&b, "resource %q %q {\n%s\n}\n", kind, name, body)
		}
		return b.String()
	}
	steps := []resource.TestStep{
		{Config: twice("codat_profile", `  name = "Harbour"`), ExpectError: messageRE("Another codat_profile in this configuration already manages the client's profile")},
		{Config: twice("codat_cors_settings", `  allowed_origins = ["https://app.example.com"]`), ExpectError: messageRE("already manages the client's CORS settings")},
	}
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviderFactories, Steps: steps})
	if n := env.Emulator.RequestCounts().Total; n != 0 {
		t.Errorf("%d requests, want none: %v", n, env.Emulator.RequestCounts().Routes)
	}

	// The other two check the platform against the catalogue first.
	steps = []resource.TestStep{
		{Config: twice("codat_supplemental_data_config", `  platform_key = "gbol"
  data_type    = "invoices"
  sources      = { url = { pull_data = { url = "Url" } } }`), ExpectError: messageRE("already manages the supplemental data of invoices for platform gbol")},
		{Config: twice("codat_custom_data_type", `  platform_key           = "qhyg"
  custom_data_identifier = "cashflow"
  data_source            = "/reports/CashFlow"
  key_by                 = ["$.Header.ReportName"]`), ExpectError: messageRE("already manages the custom data type cashflow of platform qhyg")},
	}
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviderFactories, Steps: steps})
	for route, n := range env.Emulator.RequestCounts().Routes {
		if route != "GET /integrations" {
			t.Errorf("%s: %d requests; the plans may only read the catalogue", route, n)
		}
	}
}
