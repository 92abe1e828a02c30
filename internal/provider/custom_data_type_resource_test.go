package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

const (
	customAddr     = "codat_custom_data_type.test"
	routePutCustom = "PUT /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}"
)

func customConfig(env *testEnv, dataSource string) string {
	return env.providerBlock() + customResource(dataSource)
}

// customResource is the test's codat_custom_data_type, reading dataSource.
func customResource(dataSource string) string {
	return fmt.Sprintf(`resource "codat_custom_data_type" "test" {
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
	return checkAtCodat(t, env, "configuration", func(ctx context.Context) (*codat.CustomDataTypeConfig, error) {
		return env.Client.GetCustomDataType(ctx, "qhyg", "qbo-cashflow-report")
	}, func() *codat.CustomDataTypeConfig { return &want })
}

// customEnvHolding is an emulator where Codat has the test's custom data
// type configured as before, outside Terraform.
func customEnvHolding(t *testing.T, before codat.CustomDataTypeConfig) *testEnv {
	t.Helper()
	env := newTestEnv(t)
	env.requireEmulator(t)
	if _, err := env.Client.ConfigureCustomDataType(env.ctx(t), "qhyg", "qbo-cashflow-report", before); err != nil {
		t.Fatal(err)
	}
	return env
}

// customUpdateStep changes data_source in place: one PUT, after which Codat
// holds the new configuration and the next plan is empty.
func customUpdateStep(t *testing.T, env *testEnv, dataSource string) resource.TestStep {
	return resource.TestStep{
		PreConfig:        env.Emulator.ResetRequestCounts,
		Config:           customConfig(env, dataSource),
		ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(customAddr, plancheck.ResourceActionUpdate)),
		Check: resource.ComposeTestCheckFunc(
			checkCustomAtCodat(t, env, cashflow(dataSource)),
			checkRoutes(env, map[string]int{routePutCustom: 1}),
		),
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
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           customConfig(env, "/reports/CashFlow"),
				ConfigPlanChecks: emptyPlanAfter(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customAddr, tfjsonpath.New("id"), knownvalue.StringExact("qhyg/qbo-cashflow-report")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCustomAtCodat(t, env, cashflow("/reports/CashFlow")),
					checkRoutes(env, map[string]int{routePutCustom: 1}),
				),
			},
			customUpdateStep(t, env, "/reports/CashFlow?minorversion=65"),
			{
				PreConfig: func() {
					if _, err := env.Client.ConfigureCustomDataType(env.ctx(t), "qhyg", "qbo-cashflow-report", codat.CustomDataTypeConfig{DataSource: "/elsewhere", KeyBy: []string{"$.id"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: customConfig(env, "/reports/CashFlow?minorversion=65"),
				ConfigPlanChecks: emptyPlanAfter(
					expectPlannedChange(customAddr, tfjsonpath.New("data_source"), knownvalue.StringExact("/elsewhere"), knownvalue.StringExact("/reports/CashFlow?minorversion=65")),
				),
				Check: checkCustomAtCodat(t, env, cashflow("/reports/CashFlow?minorversion=65")),
			},
			importVerifyStep(customAddr, "qhyg/qbo-cashflow-report"),
			importFailsStep(customAddr, "qhyg/not-configured", messageRE("Cannot import non-existent remote object")),
		},
	})
}

// TestAccCustomDataType_restoresWhatItReplaced: a configuration Codat had
// before Terraform is put back on destroy; an unknown platform fails the
// plan naming the nearest keys.
func TestAccCustomDataType_restoresWhatItReplaced(t *testing.T) {
	t.Parallel()
	before := codat.CustomDataTypeConfig{DataSource: "/reports/CashFlow?old", KeyBy: []string{"$.Header.ReportName"}}
	env := customEnvHolding(t, before)
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

// TestAccCustomDataType_updateAfterImport: an imported configuration
// Terraform then changes is put back on destroy, as it was when imported:
// the update, not the import, records what to put back.
func TestAccCustomDataType_updateAfterImport(t *testing.T) {
	t.Parallel()
	before := cashflow("/reports/CashFlow?before")
	env := customEnvHolding(t, before)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkCustomAtCodat(t, env, before),
		Steps: []resource.TestStep{
			importUnchangedStep(env, customConfig(env, before.DataSource), customAddr, "qhyg/qbo-cashflow-report", routePutCustom),
			customUpdateStep(t, env, "/reports/CashFlow"),
		},
	})
}

// TestAccCustomDataType_providerNotConfigured: a provider whose api_key is
// not known at plan time (it comes from a resource being replaced) cannot
// refresh the resource, and the plan fails saying why and what to do,
// rather than with a nil client.
func TestAccCustomDataType_providerNotConfigured(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	config := func(round string) string {
		return fmt.Sprintf(`resource "terraform_data" "key" {
  input            = %q
  triggers_replace = [%q]
}

provider "codat" {
  base_url = %q
  api_key  = terraform_data.key.output
}
`, env.APIKey, round, env.BaseURL) + customResource("/reports/CashFlow")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				// At apply the key is known, so create works.
				Config: config("1"),
				Check:  checkCustomAtCodat(t, env, cashflow("/reports/CashFlow")),
			},
			{
				// The key's resource is replaced: the refresh before the
				// apply's plan meets a provider configured with an unknown
				// key. (PlanOnly would stop at the non-refresh plan first.)
				Config:      config("2"),
				ExpectError: diagnosticRE("Codat provider not configured", "The provider's api_key or base_url is not known yet"),
			},
		},
	})
}
