package provider

import (
	"context"
	"fmt"
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
	supplementalAddr     = "codat_supplemental_data_config.test"
	routePutSupplemental = "PUT /integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig"
)

func supplementalConfig(env *testEnv, sources string) string {
	return env.providerBlock() + fmt.Sprintf(`resource "codat_supplemental_data_config" "test" {
  platform_key = "gbol"
  data_type    = "suppliers"
  sources = {
%s
  }
}
`, sources)
}

// checkSupplementalAtCodat compares Codat's whole configuration with want.
func checkSupplementalAtCodat(t *testing.T, env *testEnv, want map[string]codat.SupplementalDataSource) resource.TestCheckFunc {
	return checkAtCodat(t, env, "configuration", func(ctx context.Context) (map[string]codat.SupplementalDataSource, error) {
		got, err := env.Client.GetSupplementalDataConfig(ctx, "gbol", "suppliers")
		if err != nil {
			return nil, err
		}
		return got.SupplementalDataConfig, nil
	}, func() map[string]codat.SupplementalDataSource { return want })
}

// TestAccSupplementalDataConfig_lifecycle: the sources named are set (a GET
// and a PUT) and others kept; one no longer named is removed; drift is put
// back; import brings in every source; destroy removes what Terraform added
// and puts back what it replaced.
func TestAccSupplementalDataConfig_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	theirs := codat.SupplementalDataSource{DataSource: "/Contacts", PullData: map[string]string{"taxNumber": "TaxNumber"}}
	shared := codat.SupplementalDataSource{DataSource: "/Contacts", PushData: map[string]string{"old": "Old"}}
	original := map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": shared}
	if err := env.Client.SetSupplementalDataConfig(env.ctx(t), "gbol", "suppliers", original); err != nil {
		t.Fatal(err)
	}
	bank := codat.SupplementalDataSource{DataSource: "/Contacts", PullData: map[string]string{"bankAccount": "BankAccountDetails", "brandingTheme": "BrandingTheme.Name"}}
	mine := `    shared = {
      data_source = "/Contacts"
      pull_data   = { bankAccount = "BankAccountDetails", brandingTheme = "BrandingTheme.Name" }
    }`
	extra := `
    payments = {
      pull_data = { terms = "PaymentTerms" }
      push_data = { terms = "PaymentTerms" }
    }`
	payments := codat.SupplementalDataSource{PullData: map[string]string{"terms": "PaymentTerms"}, PushData: map[string]string{"terms": "PaymentTerms"}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkSupplementalAtCodat(t, env, original),
		Steps: []resource.TestStep{
			{
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           supplementalConfig(env, mine+extra),
				ConfigPlanChecks: emptyPlanAfter(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(supplementalAddr, tfjsonpath.New("id"), knownvalue.StringExact("gbol/suppliers")),
					statecheck.ExpectKnownValue(supplementalAddr, tfjsonpath.New("sources").AtMapKey("payments").AtMapKey("data_source"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkSupplementalAtCodat(t, env, map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": bank, "payments": payments}),
					checkRoutes(env, map[string]int{routePutSupplemental: 1}),
				),
			},
			{
				// No longer named: removed, as Terraform added it.
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           supplementalConfig(env, mine),
				ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(supplementalAddr, plancheck.ResourceActionUpdate)),
				Check: resource.ComposeTestCheckFunc(
					checkSupplementalAtCodat(t, env, map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": bank}),
					checkRoutes(env, map[string]int{routePutSupplemental: 1}),
				),
			},
			{
				// Drift on a managed source: shown and put back; others untouched.
				PreConfig: func() {
					changed := map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": {DataSource: "/Suppliers"}}
					if err := env.Client.SetSupplementalDataConfig(env.ctx(t), "gbol", "suppliers", changed); err != nil {
						t.Fatal(err)
					}
				},
				Config: supplementalConfig(env, mine),
				ConfigPlanChecks: emptyPlanAfter(
					expectPlannedChange(supplementalAddr, tfjsonpath.New("sources").AtMapKey("shared").AtMapKey("data_source"),
						knownvalue.StringExact("/Suppliers"), knownvalue.StringExact("/Contacts")),
				),
				Check: checkSupplementalAtCodat(t, env, map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": bank}),
			},
			{
				ResourceName:  supplementalAddr,
				ImportState:   true,
				ImportStateId: "gbol/suppliers",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					a := states[0].Attributes
					if a["sources.%"] != "2" || a["sources.theirs.pull_data.taxNumber"] != "TaxNumber" || a["platform_key"] != "gbol" {
						return fmt.Errorf("imported %v", a)
					}
					return nil
				},
			},
			importFailsStep(supplementalAddr, "gbol/payments", messageRE(`Import expects <platform key>/<data type>, such as gbol/suppliers`)),
		},
	})
}
