package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const routeGetPull = "GET /companies/{companyId}/data/history/{datasetId}"

// queueSyncBlock is an action block named "sync" with body in its config.
func queueSyncBlock(body string) string {
	return "action \"codat_queue_sync\" \"sync\" {\n  config {\n" + body + "\n  }\n}\n"
}

// triggerOnCreate is a terraform_data whose creation runs the action "sync".
const triggerOnCreate = `resource "terraform_data" "trigger" {
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.codat_queue_sync.sync]
    }
  }
}
`

// pullsOf are the company's pulls of dataType, from its whole history
// (Codat may refuse a query there: history-query-rejected).
func pullsOf(t *testing.T, env *testEnv, companyID, dataType string) []codat.PullOperation {
	t.Helper()
	ops, err := env.Client.ListPullOperations(env.ctx(t), companyID, codat.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(ops, func(op codat.PullOperation) bool { return op.DataType != dataType })
}

// TestAccQueueSync_actionTrigger: a sync schedule whose creation and
// changes trigger the action: each queues the data types and waits for
// them, one queue request per data type; a pull that fails fails the
// apply, naming the data type with Codat's message.
func TestAccQueueSync_actionTrigger(t *testing.T) {
	requireCLI(t, featureActions)
	t.Parallel()
	env := newTestEnv(t)
	company, _ := linkedTestCompany(t, env)
	config := func(invoices string) string {
		return env.providerBlock() + fmt.Sprintf(`
resource "codat_sync_schedule" "test" {
  company_id = %[1]q
  data_types = {
    invoices = { sync_every = %[2]q }
  }
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.codat_queue_sync.sync]
    }
  }
}
`, company.ID, invoices) + queueSyncBlock(fmt.Sprintf("    company_id          = %q\n    data_types          = [\"invoices\", \"bills\"]\n    wait_for_completion = true", company.ID))
	}
	const message = "Xero answered 503 Service Unavailable while fetching invoices."
	before := len(pullsOf(t, env, company.ID, "invoices"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    config("daily"),
				Check: func(*terraform.State) error {
					if got := routeCount(env, routeQueueDataType); got != 2 {
						return fmt.Errorf("the action sent %d queue requests, want 2 (invoices, bills)", got)
					}
					ops := pullsOf(t, env, company.ID, "invoices")
					if len(ops) != before+1 || ops[len(ops)-1].Status != codat.PullStatusComplete {
						return fmt.Errorf("invoices pulls after the action: %+v, want one more, Complete", ops)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := env.Emulator.FailNextPull(company.ID, emulator.PullFailure{DataType: "invoices", ErrorMessage: message}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("weekly"),
				ExpectError: regexp.MustCompile(`(?s)Codat could not sync invoices.*` +
					wordsRE("- invoices: FetchError (operation").String() + `.*` + wordsRE(message).String() + `.*` +
					wordsRE("Invoking the action again queues the sync again.").String()),
			},
		},
	})
}

// TestAccQueueSync_followsPullInProgress: invoked while Codat is still
// pulling a data type (as it is right after a business links), the action
// follows that pull instead of failing or queueing another, under either
// status Codat may answer with (400, or 409 with dataset-in-progress-409).
func TestAccQueueSync_followsPullInProgress(t *testing.T) {
	requireCLI(t, featureActions)
	t.Parallel()
	for _, behaviours := range [][]emulator.Behaviour{nil, {emulator.DatasetInProgress409}} {
		t.Run(fmt.Sprint(behaviours), func(t *testing.T) {
			t.Parallel()
			// Pulls take an hour: the first sync authorising starts is
			// still running when the action is invoked.
			emu := emulator.New(emulator.Options{SyncStepDuration: time.Hour, Behaviours: behaviours})
			server := httptest.NewServer(emu)
			t.Cleanup(server.Close)
			env := newEnvClient(t, &testEnv{BaseURL: server.URL, APIKey: emu.APIKey(), Emulator: emu})
			company, _ := linkedTestCompany(t, env)
			first := pullsOf(t, env, company.ID, "invoices")
			if len(first) != 1 || !first[0].Running() {
				t.Fatalf("after linking, invoices pulls %+v, want one running", first)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: featureProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig: emu.ResetRequestCounts,
					Config: env.providerBlock() + triggerOnCreate +
						queueSyncBlock(fmt.Sprintf("    company_id = %q\n    data_types = [\"invoices\"]", company.ID)),
				}},
			})
			if got := pullsOf(t, env, company.ID, "invoices"); len(got) != 1 {
				t.Errorf("invoices pulls after the action: %d, want still 1", len(got))
			}
			// The refused queue, then the pull it names.
			expectRouteCount(t, env, routeQueueDataType, 1)
			expectRouteCount(t, env, routeGetPull, 1)
		})
	}
}

// TestAccQueueSync_invoke: terraform apply -invoke through the provider
// binary queues the sync, reports it, waits for its pulls and changes no
// state; a company that is not linked yet fails naming the link to send.
func TestAccQueueSync_invoke(t *testing.T) {
	requireCLI(t, featureActions)
	t.Parallel()
	env := newInfoTestEnv(t, 500*time.Millisecond, nil)
	company, _ := linkedTestCompany(t, env)
	pending, conn := infoTestCompany(t, env)
	w := newCLIWorkdir(t, env, queueSyncBlock(fmt.Sprintf("    company_id = %q\n    data_types = [\"bills\", \"invoices\"]\n    wait_for_completion = true\n    timeout = \"2m\"", company.ID))+
		strings.ReplaceAll(queueSyncBlock(fmt.Sprintf("    company_id = %q\n    data_types = [\"invoices\"]", pending.ID)), `"sync"`, `"pending"`))

	env.Emulator.ResetRequestCounts()
	res := w.mustRun(nil, "apply", "-invoke=action.codat_queue_sync.sync", "-auto-approve", "-no-color", "-input=false")
	for _, want := range []string{
		"Codat queued 2 pull(s) of company " + company.ID + ": bills, invoices; waiting up to",
		"The pulls finished:", "- bills: Complete", "- invoices: Complete",
	} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("terraform apply -invoke did not print %q:\n%s", want, res.Output)
		}
	}
	for _, dataType := range []string{"bills", "invoices"} {
		ops := pullsOf(t, env, company.ID, dataType)
		if !slices.ContainsFunc(ops, func(op codat.PullOperation) bool { return op.Status == codat.PullStatusComplete }) {
			t.Errorf("%s pulls after the action: %+v, want a Complete one", dataType, ops)
		}
	}
	if got := routeCount(env, routeHistory); got < 1 {
		t.Errorf("the action polled the history %d times: it did not wait", got)
	}
	if len(w.stateCompanies()) != 0 {
		t.Error("invoking the action recorded something in state")
	}

	res = w.run(nil, "apply", "-invoke=action.codat_queue_sync.pending", "-auto-approve", "-no-color", "-input=false")
	if res.ExitCode == 0 || !messageRE("Codat company not linked yet").MatchString(res.Output) || !strings.Contains(res.Output, conn.LinkURL) {
		t.Errorf("invoking the action for a company not linked yet:\n%s", res)
	}
}

// TestAccQueueSync_unsupportedDataType: a data type the company's platform
// does not provide fails the plan, as for codat_data_sync, naming the data
// type and the platform, and nothing is queued.
func TestAccQueueSync_unsupportedDataType(t *testing.T) {
	requireCLI(t, featureActions)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	ids, err := env.Emulator.Seed(emulator.SeedCompany{Name: "Expense test", Connections: []emulator.SeedConnection{{PlatformKey: "xpns", Status: codat.StatusLinked}}})
	if err != nil {
		t.Fatal(err)
	}
	env.Emulator.ResetRequestCounts()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{{
			// Terraform plans an action only where it runs: here, after
			// terraform_data is created.
			Config:   env.providerBlock() + triggerOnCreate + queueSyncBlock(fmt.Sprintf("    company_id = %q\n    data_types = [\"invoices\"]", ids[0])),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Codat data type not provided by the platform.*` +
				wordsRE(fmt.Sprintf("Codat cannot sync invoices for company %s: its platform (Expense Sandbox) does not provide that data type.", ids[0])).String()),
		}},
	})
	expectRouteCount(t, env, routeQueueDataType, 0)
}
