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
	// portalOrigin is an origin set in Codat's Portal before Terraform.
	portalOrigin = "https://portal-set.example.com"
)

func corsConfig(env *testEnv, origins ...string) string {
	quoted := make([]string, len(origins))
	for i, o := range origins {
		quoted[i] = fmt.Sprintf("%q", o)
	}
	return env.providerBlock() + fmt.Sprintf("resource \"codat_cors_settings\" \"test\" {\n  allowed_origins = [%s]\n}\n", strings.Join(quoted, ", "))
}

// setOriginsAtCodat sets Codat's list outside Terraform, as the Portal does.
func setOriginsAtCodat(t *testing.T, env *testEnv, origins ...string) {
	t.Helper()
	if _, err := env.Client.SetCORSSettings(env.ctx(t), origins); err != nil {
		t.Fatal(err)
	}
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
	setOriginsAtCodat(t, env, portalOrigin)
	updated := corsConfig(env, "https://app.example.com", "http://localhost:3000")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkOriginsAtCodat(t, env, portalOrigin),
		Steps: []resource.TestStep{
			{
				Config:           corsConfig(env, "https://app.example.com"),
				ConfigPlanChecks: emptyPlanAfter(),
				ConfigStateChecks: []statecheck.StateCheck{
					originsState("https://app.example.com"),
					statecheck.ExpectKnownValue(corsAddr, tfjsonpath.New("id"), knownvalue.StringExact("cors")),
				},
				Check: checkOriginsAtCodat(t, env, "https://app.example.com"),
			},
			{
				PreConfig:         env.Emulator.ResetRequestCounts,
				Config:            updated,
				ConfigPlanChecks:  emptyPlanAfter(plancheck.ExpectResourceAction(corsAddr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: []statecheck.StateCheck{originsState("https://app.example.com", "http://localhost:3000")},
				Check: resource.ComposeTestCheckFunc(
					checkOriginsAtCodat(t, env, "https://app.example.com", "http://localhost:3000"),
					checkRoutes(env, map[string]int{routeSetCORS: 1}),
				),
			},
			{
				// Drift: an origin added in the Portal shows in the plan and goes.
				PreConfig: func() {
					setOriginsAtCodat(t, env, "https://app.example.com", "http://localhost:3000", "https://added.example.com")
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(corsAddr, plancheck.ResourceActionUpdate),
					expectPlannedChange(corsAddr, tfjsonpath.New("allowed_origins"),
						knownvalue.SetSizeExact(3), knownvalue.SetSizeExact(2)),
				),
				Check: checkOriginsAtCodat(t, env, "https://app.example.com", "http://localhost:3000"),
			},
			importVerifyStep(corsAddr, "cors"),
			importFailsStep(corsAddr, "origins", messageRE(`import it with the id "cors", got "origins"`)),
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
	setOriginsAtCodat(t, env, portalOrigin)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkOriginsAtCodat(t, env, portalOrigin),
		Steps: []resource.TestStep{
			importUnchangedStep(env, corsConfig(env, portalOrigin), corsAddr, "cors", routeSetCORS),
			{
				Config: corsConfig(env, "https://app.example.com"),
				Check:  checkOriginsAtCodat(t, env, "https://app.example.com"),
			},
		},
	})
}
