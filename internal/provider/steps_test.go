package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The steps, plan checks and checks at Codat that the resources'
// acceptance tests share, so each test states only what is its own.

// emptyPlanAfter is a step's plan checks: preApply on the plan, then a plan
// after apply and refresh that is empty (what was applied is what Codat
// reads back).
func emptyPlanAfter(preApply ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             preApply,
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// importBlock is an import block bringing id in as addr.
func importBlock(addr, id string) string {
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", addr, id)
}

// importVerifyStep imports addr by id ("" for the id in state) and checks
// the imported state equals the state before.
func importVerifyStep(addr, id string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true}
}

// importFailsStep imports addr by id and expects the import to fail with want.
func importFailsStep(addr, id string, want *regexp.Regexp) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ExpectError: want}
}

// importBlockFailsStep plans config with an import block bringing id in as
// addr and expects the plan to fail with want.
func importBlockFailsStep(config, addr, id string, want *regexp.Regexp) resource.TestStep {
	return resource.TestStep{Config: config + importBlock(addr, id), PlanOnly: true, ExpectError: want}
}

// importUnchangedStep imports addr by id through an import block with a
// configuration that matches Codat: the plan changes nothing and the apply
// sends nothing on writeRoute.
func importUnchangedStep(env *testEnv, config, addr, id, writeRoute string) resource.TestStep {
	return resource.TestStep{
		PreConfig: env.Emulator.ResetRequestCounts,
		Config:    config + importBlock(addr, id),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
		},
		Check: checkRoutes(env, map[string]int{writeRoute: 0}),
	}
}

// checkRoutes checks the emulator's request counts since the step's
// PreConfig reset them; the step's error names every route that is off.
func checkRoutes(env *testEnv, want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var errs []error
		for route, n := range want {
			if got := routeCount(env, route); got != n {
				errs = append(errs, fmt.Errorf("%s: %d requests, want %d", route, got, n))
			}
		}
		if errs != nil {
			return fmt.Errorf("%w\n(all: %v)", errors.Join(errs...), env.Emulator.RequestCounts().Routes)
		}
		return nil
	}
}

// atCodat is what get reads from Codat now, through the test's own client;
// the test stops if it cannot read it.
func atCodat[T any](t *testing.T, env *testEnv, get func(context.Context) (T, error)) T {
	t.Helper()
	v, err := get(env.ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkAtCodat checks that what get reads from Codat equals want, deeply;
// what names it in the error.
func checkAtCodat[T any](t *testing.T, env *testEnv, what string, get func(context.Context) (T, error), want func() T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := get(env.ctx(t))
		if err != nil {
			return err
		}
		if w := want(); !reflect.DeepEqual(got, w) {
			return fmt.Errorf("Codat's %s = %+v, want %+v", what, got, w)
		}
		return nil
	}
}
