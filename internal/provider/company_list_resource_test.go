package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// adoptionCompanies is how many companies the terraform query tests find at
// Codat: more than one page of 5,000.
const adoptionCompanies = 6000

// seedAdoptionCompanies gives the emulator adoptionCompanies companies, as
// a client that has used Codat for years might have, and returns their ids
// in order. They were made a day ago (so a company list that lags behind
// creates, CompanyListDelay, shows them). Company i is "Adopted Company <i>", tagged region=uk or us and
// team=lending for every 100th (60 in all), else team=sales; one in three
// has a Linked Xero connection, one in three a PendingAuth QuickBooks
// Online one, and the rest none.
func seedAdoptionCompanies(t *testing.T, env *testEnv) []string {
	t.Helper()
	env.requireEmulator(t)
	seeds := make([]emulator.SeedCompany, adoptionCompanies)
	for i := range seeds {
		s := emulator.SeedCompany{Name: fmt.Sprintf("Adopted Company %04d", i), Tags: map[string]string{"region": "uk", "team": "sales"},
			Created: time.Now().Add(-24 * time.Hour)}
		if i%2 == 1 {
			s.Tags["region"] = "us"
		}
		if i%100 == 0 {
			s.Tags["team"] = "lending"
		}
		switch i % 3 {
		case 0:
			s.Connections = []emulator.SeedConnection{{PlatformKey: "gbol", Status: codat.StatusLinked}}
		case 1:
			s.Connections = []emulator.SeedConnection{{PlatformKey: "qhyg"}}
		}
		seeds[i] = s
	}
	ids, err := env.Emulator.Seed(seeds...)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestAccCompanyList_query: terraform query over 6,000 companies lists
// exactly those each filter keeps, with their identities, names and (when
// asked) the codat_company each would be, in the fewest pages of 5,000.
func TestAccCompanyList_query(t *testing.T) {
	requireCLI(t, featureQuery)
	t.Parallel()
	env := newTestEnv(t)
	ids := seedAdoptionCompanies(t, env)
	identity := func(i int) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(ids[i])}
	}
	byID := func(i int) queryfilter.QueryFilter { return queryfilter.ByResourceIdentity(identity(i)) }
	queryTest(t, env, []resource.TestStep{
		{
			PreConfig: env.Emulator.ResetRequestCounts,
			Query:     true,
			Config: `
list "codat_company" "lending" {
  provider         = codat
  include_resource = true
  limit            = 1000
  config {
    tags = "team=lending"
  }
}

list "codat_company" "lending_on_xero" {
  provider = codat
  config {
    tags              = "team=lending"
    platform_key      = "gbol"
    connection_status = "Linked"
  }
}

list "codat_company" "by_name" {
  provider = codat
  config {
    name_contains = "company 004"
  }
}

list "codat_company" "first_three" {
  provider = codat
  limit    = 3
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("codat_company.lending", 60),
				querycheck.ExpectIdentity("codat_company.lending", identity(0)),
				querycheck.ExpectIdentity("codat_company.lending", identity(5900)),
				querycheck.ExpectResourceDisplayName("codat_company.lending", byID(100), knownvalue.StringExact("Adopted Company 0100")),
				// The codat_company an import would give: the only
				// connection adopted, so platform_key is set.
				querycheck.ExpectResourceKnownValues("codat_company.lending", byID(0), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("Adopted Company 0000")},
					{Path: tfjsonpath.New("platform_key"), KnownValue: knownvalue.StringExact("gbol")},
					{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("Linked")},
					{Path: tfjsonpath.New("tags"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{
						"region": knownvalue.StringExact("uk"), "team": knownvalue.StringExact("lending"),
					})},
					{Path: tfjsonpath.New("deletion_protection"), KnownValue: knownvalue.Bool(false)},
				}),
				querycheck.ExpectResourceKnownValues("codat_company.lending", byID(200), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("platform_key"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact(statusBlank)},
				}),
				// Every 300th: lending, and a Linked Xero connection.
				querycheck.ExpectLength("codat_company.lending_on_xero", 20),
				querycheck.ExpectIdentity("codat_company.lending_on_xero", identity(300)),
				// "Adopted Company 0040" to "0049".
				querycheck.ExpectLength("codat_company.by_name", 10),
				querycheck.ExpectIdentity("codat_company.by_name", identity(49)),
				querycheck.ExpectLength("codat_company.first_three", 3),
			},
		},
	})
	// Each list with tags is one page; the two without are two pages each
	// (6,000 companies, 5,000 a page).
	expectRouteCount(t, env, routeListCompanies, 1+1+2+2)
}

// TestAccCompanyList_adopt is the adoption the guide describes, through the
// provider binary: terraform query with a tags filter over 6,000 companies
// writes import blocks and configuration for exactly the matching ones;
// applying them imports each with nothing to change, and the next plan is
// empty.
func TestAccCompanyList_adopt(t *testing.T) {
	requireCLI(t, featureQuery)
	t.Parallel()
	env := newTestEnv(t)
	ids := seedAdoptionCompanies(t, env)
	w := newCLIWorkdir(t, env, "")
	query := "list \"codat_company\" \"lending\" {\n  provider = codat\n  limit    = 1000\n  config {\n    tags = \"team=lending\"\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(w.dir, "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}

	env.Emulator.ResetRequestCounts()
	w.mustRun(nil, "query", "-generate-config-out=generated.tf", "-no-color")
	queried := env.Emulator.RequestCounts()
	generated, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	imports := regexp.MustCompile(`(?m)^import \{`).FindAllIndex(generated, -1)
	if len(imports) != 60 {
		t.Fatalf("generated.tf has %d import blocks, want 60 (every 100th of %d companies):\n%s", len(imports), len(ids), generated)
	}
	for i := 0; i < len(ids); i += 100 {
		if !strings.Contains(string(generated), ids[i]) {
			t.Errorf("generated.tf does not import company %d (%s)", i, ids[i])
		}
	}
	if n := queried.Routes[routeListCompanies]; n != 1 || queried.Total != 1 {
		t.Errorf("terraform query sent %d requests (%v), want 1: one page of companies tagged team=lending", queried.Total, queried.Routes)
	}

	env.Emulator.ResetRequestCounts()
	applied := w.apply(nil)
	if !strings.Contains(applied.Output, "Resources: 60 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("the generated configuration did not apply as 60 imports alone:\n%s", applied.Output)
	}
	applyRequests := env.Emulator.RequestCounts()
	// One read per import, and no company list: a company just imported
	// has no state a listed one could match.
	if n := applyRequests.Routes["GET /companies/{companyId}"]; n != 60 || applyRequests.Total != 60 {
		t.Errorf("the apply of 60 imports sent %d requests (%v), want 60 reads", applyRequests.Total, applyRequests.Routes)
	}
	w.planIsEmpty(nil)
	if got := len(w.stateCompanies()); got != 60 {
		t.Errorf("%d companies in state, want 60", got)
	}
	t.Logf("6,000 companies at Codat, 60 tagged team=lending: terraform query sent %d request(s), the apply of the generated imports %d (%v)",
		queried.Total, applyRequests.Total, applyRequests.Routes)
}
