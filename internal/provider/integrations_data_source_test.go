package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// routeListIntegrations is the emulator's request-count key for the catalogue.
const routeListIntegrations = "GET /integrations"

// wordsRE matches text as Terraform prints it in a diagnostic, which it
// wraps at 78 columns: any run of spaces in text may be a line break.
func wordsRE(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// catalogue is the integrations list as the test's own client sees it.
func (env *testEnv) catalogue(t *testing.T) []codat.Integration {
	t.Helper()
	list, err := env.Client.ListIntegrations(env.ctx(t), codat.ListOptions{})
	if err != nil {
		t.Fatalf("listing integrations: %v", err)
	}
	if len(list) == 0 {
		t.Fatal("the catalogue is empty")
	}
	return list
}

// expectKeys is the sorted keys of the catalogue entries that keep selects,
// as a known value.
func expectKeys(catalogue []codat.Integration, keep func(codat.Integration) bool) knownvalue.Check {
	var keys []string
	for _, in := range catalogue {
		if keep(in) {
			keys = append(keys, in.Key)
		}
	}
	slices.Sort(keys)
	checks := make([]knownvalue.Check, 0, len(keys))
	for _, k := range keys {
		checks = append(checks, knownvalue.StringExact(k))
	}
	return knownvalue.ListExact(checks)
}

// expectIntegration is one integration, every attribute, as a known value.
func expectIntegration(in codat.Integration) knownvalue.Check {
	str := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"key":                  knownvalue.StringExact(in.Key),
		"name":                 knownvalue.StringExact(in.Name),
		"logo_url":             str(in.LogoURL),
		"source_type":          str(in.SourceType),
		"enabled":              knownvalue.Bool(in.Enabled),
		"is_offline_connector": knownvalue.Bool(in.IsOfflineConnector),
		"is_beta":              knownvalue.Bool(in.IsBeta),
		"source_id":            str(in.SourceID),
		"integration_id":       str(in.IntegrationID),
		"data_provided_by":     str(in.DataProvidedBy),
	})
}

func TestAccIntegrationsDataSource_all(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	catalogue := env.catalogue(t)
	sorted := slices.Clone(catalogue)
	slices.SortFunc(sorted, func(a, b codat.Integration) int { return strings.Compare(a.Key, b.Key) })
	elements := make([]knownvalue.Check, 0, len(sorted))
	for _, in := range sorted {
		elements = append(elements, expectIntegration(in))
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + `data "codat_integrations" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.codat_integrations.all", tfjsonpath.New("integrations"), knownvalue.ListExact(elements)),
				statecheck.ExpectKnownValue("data.codat_integrations.all", tfjsonpath.New("keys"), expectKeys(catalogue, func(codat.Integration) bool { return true })),
				statecheck.ExpectKnownValue("data.codat_integrations.all", tfjsonpath.New("source_type"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccIntegrationsDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	catalogue := env.catalogue(t)
	// A key and a name word that exist wherever the tests run.
	first := catalogue[0]
	word := strings.Fields(first.Name)[0]

	config := env.providerBlock() + fmt.Sprintf(`
data "codat_integrations" "banking" {
  source_type = "Banking"
}
data "codat_integrations" "enabled_accounting" {
  source_type = "Accounting"
  enabled     = true
}
data "codat_integrations" "disabled" {
  enabled = false
}
data "codat_integrations" "by_key" {
  key = %[1]q
}
data "codat_integrations" "no_such_key" {
  key = "zzzz"
}
data "codat_integrations" "by_name" {
  name_contains = %[2]q
}
`, first.Key, strings.ToUpper(word))
	keysOf := func(name string, keep func(codat.Integration) bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.codat_integrations."+name, tfjsonpath.New("keys"), expectKeys(catalogue, keep))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				keysOf("banking", func(in codat.Integration) bool { return in.SourceType == codat.SourceTypeBanking }),
				keysOf("enabled_accounting", func(in codat.Integration) bool {
					return in.SourceType == codat.SourceTypeAccounting && in.Enabled
				}),
				keysOf("disabled", func(in codat.Integration) bool { return !in.Enabled }),
				keysOf("by_key", func(in codat.Integration) bool { return in.Key == first.Key }),
				statecheck.ExpectKnownValue("data.codat_integrations.by_key", tfjsonpath.New("integrations"),
					knownvalue.ListExact([]knownvalue.Check{expectIntegration(first)})),
				// No match is an empty list, not null, so length() works.
				statecheck.ExpectKnownValue("data.codat_integrations.no_such_key", tfjsonpath.New("keys"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.codat_integrations.no_such_key", tfjsonpath.New("integrations"), knownvalue.ListSizeExact(0)),
				// name_contains ignores case.
				keysOf("by_name", func(in codat.Integration) bool {
					return strings.Contains(strings.ToLower(in.Name), strings.ToLower(word))
				}),
			},
		}},
	})
}

// TestAccIntegrationsDataSource_oneRequest checks that every integrations
// data source in a configuration shares one fetch of the catalogue.
//
// What is measured: terraform-plugin-testing runs a step as `terraform plan
// -out` and then `terraform apply` of that saved plan; each command talks to
// a fresh provider server (so a fresh catalogue cache). Data sources whose
// configuration is known are read during the plan only; the apply reuses the
// values stored in the plan. So when Check runs, exactly one command (the
// plan) has read the five data sources below, and the emulator must have
// seen exactly one GET /integrations. (The later plans the harness runs to
// look for a perpetual diff fetch once each, which is also one per run.)
func TestAccIntegrationsDataSource_oneRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	catalogue := env.catalogue(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			Config: env.providerBlock() + fmt.Sprintf(`
data "codat_integrations" "all" {}
data "codat_integrations" "accounting" {
  source_type = "Accounting"
}
data "codat_integrations" "banking" {
  source_type = "Banking"
}
data "codat_integration" "first" {
  key = %q
}
data "codat_integration" "last" {
  key = %q
}
`, catalogue[0].Key, catalogue[len(catalogue)-1].Key),
			Check: func(*terraform.State) error {
				counts := env.Emulator.RequestCounts()
				if got := counts.Routes[routeListIntegrations]; got != 1 {
					return fmt.Errorf("%s was requested %d times by one plan and its apply, want 1 (all routes: %v)", routeListIntegrations, got, counts.Routes)
				}
				if got := counts.Routes["GET /integrations/{platformKey}"]; got != 0 {
					return fmt.Errorf("GET /integrations/{platformKey} was requested %d times, want 0: codat_integration must use the shared catalogue", got)
				}
				return nil
			},
		}},
	})
}

// TestAccIntegrationsDataSource_wrongAPIKey checks the 401 diagnostic: plain
// words, what to check, and never the key itself.
func TestAccIntegrationsDataSource_wrongAPIKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	const wrongKey = "wrong-key-9f8e7d6c5b4a"
	baseURL := ""
	if env.BaseURL != "" {
		baseURL = fmt.Sprintf("  base_url = %q\n", env.BaseURL)
	}
	sawError := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		// ErrorCheck (rather than ExpectError) can also check what the
		// error must not contain.
		ErrorCheck: func(err error) error {
			msg := err.Error()
			if strings.Contains(msg, wrongKey) {
				return fmt.Errorf("the diagnostic contains the API key: %v", err)
			}
			for _, want := range []*regexp.Regexp{
				wordsRE("Cannot list Codat integrations"),
				wordsRE("Codat rejected the API key (HTTP 401)"),
				wordsRE("Check that api_key (or CODAT_API_KEY) holds a current key"),
			} {
				if !want.MatchString(msg) {
					return fmt.Errorf("the diagnostic does not match %q: %v", want, err)
				}
			}
			sawError = true
			return nil
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"codat\" {\n%s  api_key = %q\n}\n", baseURL, wrongKey) +
				`data "codat_integrations" "all" {}`,
			Check: func(*terraform.State) error { return fmt.Errorf("the wrong API key was accepted") },
		}},
	})
	if !sawError {
		t.Error("expected the plan to fail with a 401 diagnostic")
	}
}
