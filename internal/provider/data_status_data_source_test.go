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

const dataStatusAddr = "data.codat_data_status.x"

func dataStatusConfig(env *testEnv, companyID string) string {
	return env.providerBlock() + fmt.Sprintf("data \"codat_data_status\" \"x\" {\n  company_id = %q\n}\n", companyID)
}

func dataTypeStatusPath(dataType, name string) tfjsonpath.Path {
	return tfjsonpath.New("data_types").AtMapKey(dataType).AtMapKey(name)
}

// checkDataStatusMatches compares the data source's state with what the
// test's own client reads from Codat, data type by data type.
func checkDataStatusMatches(t *testing.T, env *testEnv, companyID string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		statuses, err := env.Client.GetDataStatus(env.ctx(t), companyID)
		if err != nil {
			return err
		}
		checks := []resource.TestCheckFunc{resource.TestCheckResourceAttr(dataStatusAddr, "data_types.%", fmt.Sprint(len(statuses)))}
		attr := func(name, want string) {
			if want == "" {
				checks = append(checks, resource.TestCheckNoResourceAttr(dataStatusAddr, name))
			} else {
				checks = append(checks, resource.TestCheckResourceAttr(dataStatusAddr, name, want))
			}
		}
		for dataType, st := range statuses {
			p := "data_types." + dataType + "."
			attr(p+"current_status", string(st.CurrentStatus))
			attr(p+"last_successful_sync", st.LastSuccessfulSync)
			attr(p+"latest_sync_id", st.LatestSyncID)
			attr(p+"latest_successful_sync_id", st.LatestSuccessfulSyncID)
		}
		return resource.ComposeAggregateTestCheckFunc(checks...)(s)
	}
}

// TestAccDataStatusDataSource_afterSync: after the first sync, synced data
// types are Complete with their sync ids, a failed one shows its error and
// no successful sync, and data types never queued are absent.
func TestAccDataStatusDataSource_afterSync(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, _ := linkedTestCompany(t, env, emulator.PullFailure{DataType: "bills"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			Config:    dataStatusConfig(env, company.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dataStatusAddr, dataTypeStatusPath("invoices", "current_status"), knownvalue.StringExact(string(codat.PullStatusComplete))),
				statecheck.ExpectKnownValue(dataStatusAddr, dataTypeStatusPath("invoices", "last_successful_sync"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(dataStatusAddr, dataTypeStatusPath("bills", "current_status"), knownvalue.StringExact(string(codat.PullStatusFetchError))),
				statecheck.ExpectKnownValue(dataStatusAddr, dataTypeStatusPath("bills", "last_successful_sync"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dataStatusAddr, dataTypeStatusPath("bills", "latest_successful_sync_id"), knownvalue.Null()),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkDataStatusMatches(t, env, company.ID),
				resource.TestCheckNoResourceAttr(dataStatusAddr, "data_types.journals.current_status"),
				resource.TestCheckResourceAttrPair(dataStatusAddr, "data_types.invoices.latest_sync_id", dataStatusAddr, "data_types.invoices.latest_successful_sync_id"),
			),
		}},
	})
}
