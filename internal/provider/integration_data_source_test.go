package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestAccIntegrationDataSource_byKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	catalogue := env.catalogue(t)
	want := catalogue[len(catalogue)/2]
	checks := []statecheck.StateCheck{}
	for attr, value := range map[string]knownvalue.Check{
		"key":     knownvalue.StringExact(want.Key),
		"name":    knownvalue.StringExact(want.Name),
		"is_beta": knownvalue.Bool(want.IsBeta),
	} {
		checks = append(checks, statecheck.ExpectKnownValue("data.codat_integration.x", tfjsonpath.New(attr), value))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf(`
data "codat_integration" "x" {
  key = %[1]q
}
data "codat_integrations" "same" {
  key = %[1]q
}
# Every attribute equals the element codat_integrations returns.
output "same" {
  value = data.codat_integration.x == data.codat_integrations.same.integrations[0]
}
`, want.Key),
			ConfigStateChecks: append(checks,
				statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.codat_integrations.same", tfjsonpath.New("integrations"),
					knownvalue.ListExact([]knownvalue.Check{expectIntegration(want)})),
			),
		}},
	})
}

// TestAccIntegrationDataSource_unknownKey: a well-formed key that is no
// platform fails with the nearest keys, by name and by spelling.
func TestAccIntegrationDataSource_unknownKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	catalogue := env.catalogue(t)
	// A typo of a real key: change its last letter to one no key has there.
	existing := catalogue[0]
	typo := typoOf(catalogue, existing.Key)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + fmt.Sprintf(`
data "codat_integration" "x" {
  key = %q
}`, typo),
				ExpectError: regexp.MustCompile(`(?s)Unknown Codat platform key.*` + regexp.QuoteMeta(fmt.Sprintf("%q", typo)) +
					`.*Did\s+you\s+mean.*` + regexp.QuoteMeta(fmt.Sprintf("%q", existing.Key)) + `.*codat_integrations`),
			},
			{
				// A platform's name where its key belongs: the error names the key.
				Config: env.providerBlock() + `
data "codat_integration" "x" {
  key = "xero"
}`,
				SkipFunc:    func() (bool, error) { _, ok := findPlatformNamed(catalogue, "Xero"); return !ok, nil },
				ExpectError: regexp.MustCompile(`(?s)Unknown Codat platform key.*Did\s+you\s+mean\s+"[a-z]{4}"\s+\(Xero\)`),
			},
		},
	})
}

// typoOf returns key with its last letter changed so that it matches no
// key in the catalogue.
func typoOf(catalogue []codat.Integration, key string) string {
	for c := 'a'; c <= 'z'; c++ {
		candidate := key[:3] + string(c)
		if _, taken := codat.FindIntegration(catalogue, candidate); !taken {
			return candidate
		}
	}
	panic("no free key next to " + key)
}

func findPlatformNamed(catalogue []codat.Integration, name string) (codat.Integration, bool) {
	for _, in := range catalogue {
		if in.Name == name {
			return in, true
		}
	}
	return codat.Integration{}, false
}
