package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// TestAccConnectionList_query: terraform query lists a company's
// connections, with their identities, platform and status as display name,
// and the codat_connection each would be, from one request.
func TestAccConnectionList_query(t *testing.T) {
	requireCLI(t, featureQuery)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	ids, err := env.Emulator.Seed(emulator.SeedCompany{Name: "Two Connections Ltd", Connections: []emulator.SeedConnection{
		{PlatformKey: "gbol", Status: codat.StatusLinked}, {PlatformKey: "suuo"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	company, err := env.Client.GetCompany(env.ctx(t), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	xero, plaid := company.DataConnections[0], company.DataConnections[1]
	identity := func(conn codat.Connection) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"company_id": knownvalue.StringExact(company.ID), "id": knownvalue.StringExact(conn.ID)}
	}
	queryTest(t, env, []resource.TestStep{
		{
			PreConfig: env.Emulator.ResetRequestCounts,
			Query:     true,
			Config:    fmt.Sprintf("list \"codat_connection\" \"all\" {\n  provider         = codat\n  include_resource = true\n  config {\n    company_id = %q\n  }\n}\n", company.ID),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("codat_connection.all", 2),
				querycheck.ExpectIdentity("codat_connection.all", identity(xero)),
				querycheck.ExpectIdentity("codat_connection.all", identity(plaid)),
				querycheck.ExpectResourceDisplayName("codat_connection.all", queryfilter.ByResourceIdentity(identity(xero)), knownvalue.StringExact("Xero (Linked)")),
				querycheck.ExpectResourceKnownValues("codat_connection.all", queryfilter.ByResourceIdentity(identity(plaid)), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("platform_key"), KnownValue: knownvalue.StringExact("suuo")},
					{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("PendingAuth")},
					{Path: tfjsonpath.New("delete_on_destroy"), KnownValue: knownvalue.Bool(false)},
				}),
			},
		},
	})
	expectRouteCount(t, env, "GET /companies/{companyId}", 1)
}
