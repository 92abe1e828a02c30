package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// providerHasResource reports whether the provider registers a resource
// type, such as codat_sync_schedule.
func providerHasResource(t *testing.T, typeName string) bool {
	t.Helper()
	for _, newResource := range New("test")().Resources(t.Context()) {
		var meta fwresource.MetadataResponse
		newResource().Metadata(t.Context(), fwresource.MetadataRequest{ProviderTypeName: "codat"}, &meta)
		if meta.TypeName == typeName {
			return true
		}
	}
	return false
}

// TestAccFlow_fromCompanyToFreshData is Codat's authorisation flow end to
// end, as a user of the provider lives it: a company with a platform, the
// business authorising on the link page over HTTP, a sync schedule, an ad
// hoc sync waited for, its outcome in codat_data_status, the company's info
// from its platform, and destroy.
func TestAccFlow_fromCompanyToFreshData(t *testing.T) {
	t.Parallel()
	env := newInfoTestEnv(t, time.Second, nil) // each pull is Queued 1s, Fetching 1s
	var companyID, linkURL string

	company := fmt.Sprintf(`
resource "codat_company" "test" {
  name         = "Bramble Bakery Ltd"
  platform_key = %q
}
`, accountingPlatformKey(t, env))
	schedule, scheduleDep := "", ""
	if providerHasResource(t, "codat_sync_schedule") {
		schedule = `
resource "codat_sync_schedule" "test" {
  company_id = codat_company.test.id
  data_types = {
    invoices = { sync_every = "daily" }
    company  = { sync_every = "weekly", sync_order = 0 }
  }
}
`
		scheduleDep = "\n  depends_on = [codat_sync_schedule.test]"
	} else {
		t.Log("codat_sync_schedule is not registered: the flow runs without a schedule")
	}
	fresh := schedule + fmt.Sprintf(`
resource "codat_data_sync" "fresh" {
  company_id          = codat_company.test.id
  data_types          = ["company", "invoices"]
  wait_for_completion = true
  triggers            = { onboarded = "2026-11" }%s
}

data "codat_data_status" "x" {
  company_id = codat_data_sync.fresh.company_id
  depends_on = [codat_data_sync.fresh]
}

data "codat_company_info" "x" {
  company_id = codat_data_sync.fresh.company_id
  depends_on = [codat_data_sync.fresh]
}

output "invoices_status" {
  value = data.codat_data_status.x.data_types["invoices"].current_status
}
`, scheduleDep)
	const syncAddr, statusAddr, infoAddr = "codat_data_sync.fresh", "data.codat_data_status.x", "data.codat_company_info.x"
	// With a schedule, Codat holds it for the company.
	checkSchedule := func(*terraform.State) error {
		if schedule == "" {
			return nil
		}
		settings, err := env.Client.CompanySettings(env.ctx(t), companyID)
		if err != nil {
			return err
		}
		for _, s := range settings.Settings {
			if s.DataType == "company" && (!settings.OverridesDefaults || s.SyncSchedule != 168) {
				return fmt.Errorf("company's sync settings: overridesDefaults %v, company every %dh; want true, 168h", settings.OverridesDefaults, s.SyncSchedule)
			}
		}
		return nil
	}
	complete := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"status": knownvalue.StringExact(string(codat.PullStatusComplete)), "completed": knownvalue.NotNull(),
	})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				// Onboarding: the company and its connection, waiting for the business.
				Config: env.providerBlock() + company,
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact(string(codat.StatusPendingAuth))),
				},
				Check: capture(map[string]*string{"id": &companyID, "link_url": &linkURL}),
			},
			{
				// The business authorises on the link page. Then: a schedule,
				// a sync waited for, and what it brought.
				PreConfig: func() { authoriseOnLinkPage(t, linkURL) },
				Config:    env.providerBlock() + company + fresh,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(syncAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact(string(codat.StatusLinked))),
					statecheck.ExpectKnownValue(syncAddr, tfjsonpath.New("operations"), knownvalue.ListExact([]knownvalue.Check{complete, complete})),
					statecheck.ExpectKnownValue(statusAddr, dataTypeStatusPath("company", "current_status"), knownvalue.StringExact(string(codat.PullStatusComplete))),
					statecheck.ExpectKnownValue(statusAddr, dataTypeStatusPath("invoices", "current_status"), knownvalue.StringExact(string(codat.PullStatusComplete))),
					statecheck.ExpectKnownOutputValue("invoices_status", knownvalue.StringExact(string(codat.PullStatusComplete))),
					statecheck.ExpectKnownValue(infoAddr, tfjsonpath.New("company_name"), knownvalue.StringRegexp(regexp.MustCompile(`\S`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The latest pull of each data type is the one this sync queued.
					resource.TestCheckResourceAttrPair(statusAddr, "data_types.company.latest_successful_sync_id", syncAddr, "operations.0.id"),
					resource.TestCheckResourceAttrPair(statusAddr, "data_types.invoices.latest_successful_sync_id", syncAddr, "operations.1.id"),
					func(s *terraform.State) error { return checkCompanyInfoMatches(t, env, companyID)(s) },
					checkSchedule,
				),
			},
			{
				// Nothing left to do: the plan is empty and queues nothing.
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + company + fresh,
				PlanOnly:  true,
			},
			{
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoutes(env, map[string]int{routeQueueDataType: 0, routeQueueAll: 0}),
				),
			},
		},
	})
}
