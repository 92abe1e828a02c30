package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// seedApplicants puts n companies straight into the emulator: all tagged
// region (uk, or ie for every tenth) and team (lending for even numbers,
// payments for odd), every 500th with a Xero connection (Linked for every
// 1000th, else PendingAuth), every 700th with a Plaid one (Deauthorized for
// every 1400th, else PendingAuth), and the last five named "... Bakery".
func seedApplicants(t *testing.T, env *testEnv, n int) []emulator.SeedCompany {
	t.Helper()
	seeds := make([]emulator.SeedCompany, n)
	for i := range seeds {
		region, team := "uk", "lending"
		if i%10 == 9 {
			region = "ie"
		}
		if i%2 == 1 {
			team = "payments"
		}
		name := fmt.Sprintf("Applicant %04d", i)
		if i >= n-5 {
			name += " Bakery"
		}
		seeds[i] = emulator.SeedCompany{Name: name, Tags: map[string]string{"region": region, "team": team}}
		if i%500 == 0 {
			status := codat.StatusPendingAuth
			if i%1000 == 0 {
				status = codat.StatusLinked
			}
			seeds[i].Connections = append(seeds[i].Connections, emulator.SeedConnection{PlatformKey: "gbol", Status: status})
		}
		if i%700 == 0 {
			status := codat.StatusPendingAuth
			if i%1400 == 0 {
				status = codat.StatusDeauthorized
			}
			seeds[i].Connections = append(seeds[i].Connections, emulator.SeedConnection{PlatformKey: "suuo", Status: status})
		}
	}
	if _, err := env.Emulator.Seed(seeds...); err != nil {
		t.Fatal(err)
	}
	return seeds
}

// countSeeds counts the seeds that keep says match.
func countSeeds(seeds []emulator.SeedCompany, keep func(i int, s emulator.SeedCompany) bool) int {
	n := 0
	for i, s := range seeds {
		if keep(i, s) {
			n++
		}
	}
	return n
}

func expectCompanies(name string, n int) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.codat_companies."+name, tfjsonpath.New("ids"), knownvalue.ListSizeExact(n))
}

// TestAccCompaniesDataSource_filters: each filter over 6,000 companies, two
// pages of 5,000 at Codat where the tags match more than 5,000, and one
// request otherwise.
func TestAccCompaniesDataSource_filters(t *testing.T) {
	t.Parallel()
	env := newListedTestEnv(t) // the 6,000 are seeded a moment before the plan

	env.requireEmulator(t)
	seeds := seedApplicants(t, env, 6000)
	uk := func(_ int, s emulator.SeedCompany) bool { return s.Tags["region"] == "uk" }
	hasConn := func(key string, status codat.ConnectionStatus) func(int, emulator.SeedCompany) bool {
		return func(_ int, s emulator.SeedCompany) bool {
			for _, c := range s.Connections {
				if c.PlatformKey == key && c.Status == status {
					return true
				}
			}
			return false
		}
	}
	wantLinkedXeroInLending := countSeeds(seeds, func(i int, s emulator.SeedCompany) bool {
		return s.Tags["team"] == "lending" && hasConn("gbol", codat.StatusLinked)(i, s)
	})
	if n := countSeeds(seeds, uk); n <= codat.MaxPageSize {
		t.Fatalf("only %d companies in uk: the test needs more than one page", n)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			Config: env.providerBlock() + `
# More than 5,000 match the tags: two pages, filtered by name locally.
data "codat_companies" "uk_bakeries" {
  tags          = "region=uk"
  name_contains = "bakery"
}
# No tags: every company, two pages.
data "codat_companies" "by_name" {
  name = "Applicant 5999 Bakery"
}
data "codat_companies" "linked_xero_lending" {
  tags              = "team=lending"
  platform_key      = "gbol"
  connection_status = "Linked"
}
data "codat_companies" "plaid_pending" {
  tags              = "region=uk || region=ie"
  platform_key      = "suuo"
  connection_status = "PendingAuth"
}
data "codat_companies" "ie_payments" {
  tags = "region=ie && team~pay"
}
data "codat_companies" "nobody" {
  tags = "region=fr"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectCompanies("uk_bakeries", countSeeds(seeds, func(i int, s emulator.SeedCompany) bool { return uk(i, s) && i >= 5995 })),
				statecheck.ExpectKnownValue("data.codat_companies.by_name", tfjsonpath.New("companies"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":        knownvalue.StringExact("Applicant 5999 Bakery"),
						"tags":        knownvalue.MapExact(map[string]knownvalue.Check{"region": knownvalue.StringExact("ie"), "team": knownvalue.StringExact("payments")}),
						"description": knownvalue.Null(),
						"redirect":    knownvalue.NotNull(),
						"created":     knownvalue.NotNull(),
						"connections": knownvalue.ListSizeExact(0),
					}),
				})),
				expectCompanies("linked_xero_lending", wantLinkedXeroInLending),
				statecheck.ExpectKnownValue("data.codat_companies.linked_xero_lending", tfjsonpath.New("companies").AtSliceIndex(0).AtMapKey("connections").AtSliceIndex(0),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"platform_key": knownvalue.StringExact("gbol"), "platform_name": knownvalue.StringExact("Xero"),
						"status": knownvalue.StringExact("Linked"), "last_sync": knownvalue.NotNull(),
					})),
				expectCompanies("plaid_pending", countSeeds(seeds, hasConn("suuo", codat.StatusPendingAuth))),
				expectCompanies("ie_payments", countSeeds(seeds, func(_ int, s emulator.SeedCompany) bool {
					return s.Tags["region"] == "ie" && s.Tags["team"] == "payments"
				})),
				expectCompanies("nobody", 0),
			},
			// Data sources are read by the plan only (see
			// TestAccIntegrationsDataSource_oneRequest): 2 + 2 + 1 + 2 + 1 + 1
			// list requests, and no catalogue, since every connection names
			// its platform.
			Check: func(*terraform.State) error {
				counts := env.Emulator.RequestCounts()
				t.Logf("requests for six codat_companies over 6,000 companies: %v", counts.Routes)
				if got := counts.Routes[routeListCompanies]; got != 9 {
					return fmt.Errorf("%s: %d requests, want 9 (all: %v)", routeListCompanies, got, counts.Routes)
				}
				if counts.Total != counts.Routes[routeListCompanies] {
					return fmt.Errorf("requests other than the listing: %v", counts.Routes)
				}
				return nil
			},
		}},
	})
}
