package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const (
	corsAddr     = "codat_cors_settings.test"
	routeSetCORS = "POST /corsSettings"
)

func corsConfig(env *testEnv, origins ...string) string {
	quoted := make([]string, len(origins))
	for i, o := range origins {
		quoted[i] = fmt.Sprintf("%q", o)
	}
	return env.providerBlock() + fmt.Sprintf("resource \"codat_cors_settings\" \"test\" {\n  allowed_origins = [%s]\n}\n", strings.Join(quoted, ", "))
}

// checkOriginsAtCodat checks Codat's list, in any order.
func checkOriginsAtCodat(t *testing.T, env *testEnv, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := env.Client.GetCORSSettings(env.ctx(t))
		if err != nil {
			return err
		}
		have := slices.Sorted(slices.Values(got.AllowedOrigins))
		if !slices.Equal(have, slices.Sorted(slices.Values(want))) {
			return fmt.Errorf("Codat's allowed origins = %v, want %v", have, want)
		}
		return nil
	}
}

func originsState(origins ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(origins))
	for i, o := range origins {
		checks[i] = knownvalue.StringExact(o)
	}
	return statecheck.ExpectKnownValue(corsAddr, tfjsonpath.New("allowed_origins"), knownvalue.SetExact(checks))
}

// TestAccCORSSettings_lifecycle: create replaces the list Codat had,
// update sets the new one in one request, an origin added at Codat shows on
// refresh and is removed by apply, import takes "cors", and destroy puts
// back the list from before.
func TestAccCORSSettings_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	const portal = "https://portal-set.example.com"
	if _, err := env.Client.SetCORSSettings(env.ctx(t), []string{portal}); err != nil {
		t.Fatal(err)
	}
	updated := corsConfig(env, "https://app.example.com", "http://localhost:3000")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkOriginsAtCodat(t, env, portal),
		Steps: []resource.TestStep{
			{
				Config: corsConfig(env, "https://app.example.com"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					originsState("https://app.example.com"),
					statecheck.ExpectKnownValue(corsAddr, tfjsonpath.New("id"), knownvalue.StringExact("cors")),
				},
				Check: checkOriginsAtCodat(t, env, "https://app.example.com"),
			},
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(corsAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{originsState("https://app.example.com", "http://localhost:3000")},
				Check: resource.ComposeTestCheckFunc(
					checkOriginsAtCodat(t, env, "https://app.example.com", "http://localhost:3000"),
					checkRoutes(t, env, map[string]int{routeSetCORS: 1}),
				),
			},
			{
				// Drift: an origin added in the Portal shows in the plan and goes.
				PreConfig: func() {
					if _, err := env.Client.SetCORSSettings(env.ctx(t), []string{"https://app.example.com", "http://localhost:3000", "https://added.example.com"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(corsAddr, plancheck.ResourceActionUpdate),
						expectPlannedChange(corsAddr, tfjsonpath.New("allowed_origins"),
							knownvalue.SetSizeExact(3), knownvalue.SetSizeExact(2)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkOriginsAtCodat(t, env, "https://app.example.com", "http://localhost:3000"),
			},
			{
				ResourceName:      corsAddr,
				ImportState:       true,
				ImportStateId:     "cors",
				ImportStateVerify: true,
			},
			{
				ResourceName:  corsAddr,
				ImportState:   true,
				ImportStateId: "origins",
				ExpectError:   messageRE(`import it with the id "cors", got "origins"`),
			},
		},
	})
}

// TestAccCORSSettings_importedThenDestroyed: an import that Terraform never
// changed leaves the list alone on destroy; one changed after the import
// gets back the list it had when imported.
func TestAccCORSSettings_importedThenDestroyed(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	const portal = "https://portal-set.example.com"
	if _, err := env.Client.SetCORSSettings(env.ctx(t), []string{portal}); err != nil {
		t.Fatal(err)
	}
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = \"cors\"\n}\n", corsAddr)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkOriginsAtCodat(t, env, portal),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    corsConfig(env, portal) + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(corsAddr, plancheck.ResourceActionNoop)},
				},
				Check: checkRoutes(t, env, map[string]int{routeSetCORS: 0}),
			},
			{
				Config: corsConfig(env, "https://app.example.com"),
				Check:  checkOriginsAtCodat(t, env, "https://app.example.com"),
			},
		},
	})
}
