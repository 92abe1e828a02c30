package provider

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

const (
	customAddr     = "codat_custom_data_type.test"
	routePutCustom = "PUT /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}"
)

func customConfig(env *testEnv, dataSource string) string {
	return env.providerBlock() + fmt.Sprintf(`resource "codat_custom_data_type" "test" {
  platform_key           = "qhyg"
  custom_data_identifier = "qbo-cashflow-report"
  data_source            = %q
  required_data = {
    Header = "$.Header"
    Rows   = "$.Rows"
  }
  key_by               = ["$.Header.ReportName"]
  source_modified_date = ["$.Header.Time"]
}
`, dataSource)
}

func cashflow(dataSource string) codat.CustomDataTypeConfig {
	return codat.CustomDataTypeConfig{DataSource: dataSource, RequiredData: map[string]string{"Header": "$.Header", "Rows": "$.Rows"},
		KeyBy: []string{"$.Header.ReportName"}, SourceModifiedDate: []string{"$.Header.Time"}}
}

func checkCustomAtCodat(t *testing.T, env *testEnv, want codat.CustomDataTypeConfig) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := env.Client.GetCustomDataType(env.ctx(t), "qhyg", "qbo-cashflow-report")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(*got, want) {
			return fmt.Errorf("Codat's configuration = %+v, want %+v", *got, want)
		}
		return nil
	}
}

// TestAccCustomDataType_lifecycle: created (a GET and a PUT), changed in
// place (one PUT), drift put back, imported; Codat cannot delete it, so
// destroy leaves Terraform's last configuration there.
func TestAccCustomDataType_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkCustomAtCodat(t, env, cashflow("/reports/CashFlow?minorversion=65")),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    customConfig(env, "/reports/CashFlow"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customAddr, tfjsonpath.New("id"), knownvalue.StringExact("qhyg/qbo-cashflow-report")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCustomAtCodat(t, env, cashflow("/reports/CashFlow")),
					checkRoutes(t, env, map[string]int{routePutCustom: 1}),
				),
			},
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    customConfig(env, "/reports/CashFlow?minorversion=65"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkCustomAtCodat(t, env, cashflow("/reports/CashFlow?minorversion=65")),
					checkRoutes(t, env, map[string]int{routePutCustom: 1}),
				),
			},
			{
				PreConfig: func() {
					if _, err := env.Client.ConfigureCustomDataType(env.ctx(t), "qhyg", "qbo-cashflow-report", codat.CustomDataTypeConfig{DataSource: "/elsewhere", KeyBy: []string{"$.id"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: customConfig(env, "/reports/CashFlow?minorversion=65"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						expectPlannedChange(customAddr, tfjsonpath.New("data_source"), knownvalue.StringExact("/elsewhere"), knownvalue.StringExact("/reports/CashFlow?minorversion=65")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkCustomAtCodat(t, env, cashflow("/reports/CashFlow?minorversion=65")),
			},
			{
				ResourceName:      customAddr,
				ImportState:       true,
				ImportStateId:     "qhyg/qbo-cashflow-report",
				ImportStateVerify: true,
			},
			{
				ResourceName:  customAddr,
				ImportState:   true,
				ImportStateId: "qhyg/not-configured",
				ExpectError:   messageRE("Cannot import non-existent remote object"),
			},
		},
	})
}

// TestAccCustomDataType_restoresWhatItReplaced: a configuration Codat had
// before Terraform is put back on destroy; an unknown platform fails the
// plan naming the nearest keys.
func TestAccCustomDataType_restoresWhatItReplaced(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	before := codat.CustomDataTypeConfig{DataSource: "/reports/CashFlow?old", KeyBy: []string{"$.Header.ReportName"}}
	if _, err := env.Client.ConfigureCustomDataType(env.ctx(t), "qhyg", "qbo-cashflow-report", before); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkCustomAtCodat(t, env, before),
		Steps: []resource.TestStep{
			{
				Config: customConfig(env, "/reports/CashFlow"),
				Check:  checkCustomAtCodat(t, env, cashflow("/reports/CashFlow")),
			},
			{
				Config: customConfig(env, "/reports/CashFlow") + `resource "codat_custom_data_type" "other" {
  platform_key           = "qhyh"
  custom_data_identifier = "other"
  data_source            = "/other"
  key_by                 = ["$.id"]
}
`,
				PlanOnly:    true,
				ExpectError: messageRE(`Codat has no platform (integration) with the key "qhyh". Did you mean`),
			},
		},
	})
}
