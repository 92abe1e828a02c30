package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	fwschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const dataSyncAddr = "codat_data_sync.test"

// Emulator request-count keys of the sync operations.
const (
	routeQueueDataType = "POST /companies/{companyId}/data/queue/{dataType}"
	routeQueueAll      = "POST /companies/{companyId}/data/all"
	routeHistory       = "GET /companies/{companyId}/data/history"
)

// linkedTestCompany creates, outside Terraform, a company whose business has
// authorised its accounting connection (which queues its first sync); each
// of failures fails a pull of that first sync.
func linkedTestCompany(t *testing.T, env *testEnv, failures ...emulator.PullFailure) (*codat.Company, *codat.Connection) {
	t.Helper()
	company, conn := infoTestCompany(t, env)
	linkTestCompany(t, env, company, conn, failures...)
	return company, conn
}

// syncingTestCompany is an emulator whose syncs take an hour and, there, a
// linked company whose first sync has just been queued.
func syncingTestCompany(t *testing.T) (*testEnv, *codat.Company) {
	t.Helper()
	env := newInfoTestEnv(t, time.Hour, nil)
	company, _ := linkedTestCompany(t, env)
	return env, company
}

// linkTestCompany authorises conn as the business would, after queueing
// failures for the sync that authorising starts.
func linkTestCompany(t *testing.T, env *testEnv, company *codat.Company, conn *codat.Connection, failures ...emulator.PullFailure) {
	t.Helper()
	for _, f := range failures {
		if err := env.Emulator.FailNextPull(company.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Emulator.Authorize(company.ID, conn.ID); err != nil {
		t.Fatalf("authorising: %v", err)
	}
}

// dataSyncConfig is the provider block and one codat_data_sync "test" with body.
func dataSyncConfig(env *testEnv, body string) string {
	return env.providerBlock() + "resource \"codat_data_sync\" \"test\" {\n" + body + "\n}\n"
}

// syncOfConfig is a codat_data_sync of the company's dataType.
func syncOfConfig(env *testEnv, companyID, dataType string) string {
	return dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  data_types = [%q]", companyID, dataType))
}

func expectSync(attr tfjsonpath.Path, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSyncAddr, attr, value)
}

// opsPath is operations[i].name.
func opsPath(i int, name string) tfjsonpath.Path {
	return tfjsonpath.New("operations").AtSliceIndex(i).AtMapKey(name)
}

// syncOps reads the test sync's operations from state.
func syncOps(s *terraform.State) ([]map[string]string, error) {
	rs, ok := s.RootModule().Resources[dataSyncAddr]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", dataSyncAddr)
	}
	n, _ := strconv.Atoi(rs.Primary.Attributes["operations.#"])
	ops := make([]map[string]string, n)
	for i := range ops {
		ops[i] = map[string]string{}
		for _, k := range []string{"id", "data_type", "connection_id", "status", "error_message", "requested", "completed"} {
			ops[i][k] = rs.Primary.Attributes[fmt.Sprintf("operations.%d.%s", i, k)]
		}
	}
	return ops, nil
}

// checkOpsMatchHistory: every operation in state is one in Codat's pull
// history with the same data type and connection. into, if set, receives
// their ids. companyID is read when the check runs.
func checkOpsMatchHistory(t *testing.T, env *testEnv, companyID *string, into *[]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ops, err := syncOps(s)
		if err != nil {
			return err
		}
		history, err := env.Client.ListPullOperations(env.ctx(t), *companyID, codat.ListOptions{})
		if err != nil {
			return err
		}
		var ids []string
		for _, op := range ops {
			i := slices.IndexFunc(history, func(h codat.PullOperation) bool { return h.ID == op["id"] })
			if i < 0 {
				return fmt.Errorf("operation %s (%s) is not in the company's pull history", op["id"], op["data_type"])
			}
			if h := history[i]; h.DataType != op["data_type"] || h.ConnectionID != op["connection_id"] {
				return fmt.Errorf("operation %s: state has %s on %s, Codat %s on %s", op["id"], op["data_type"], op["connection_id"], h.DataType, h.ConnectionID)
			}
			ids = append(ids, op["id"])
		}
		if into != nil {
			*into = ids
		}
		return nil
	}
}

// TestAccDataSync_queuesOnCreateOnly: creating queues exactly the requested
// data types and reports their operations; a plan or refresh queues
// nothing; changing triggers replaces the sync (never the company) and
// queues again; changing wait_for_completion only updates state.
func TestAccDataSync_queuesOnCreateOnly(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var companyID, connectionID string
	var firstOps, secondOps []string
	company := fmt.Sprintf("  name = \"Sync test\"\n  platform_key = %q\n", accountingPlatformKey(t, env))
	config := func(round string, extra string) string {
		return companyConfig(env, company) + fmt.Sprintf(`
resource "codat_data_sync" "test" {
  company_id = codat_company.test.id
  data_types = ["invoices", "company"]
  triggers   = { round = %q }
%s}
`, round, extra)
	}
	opsAre := func(status string) knownvalue.Check {
		op := func(dataType string) knownvalue.Check {
			return knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id": knownvalue.NotNull(), "data_type": knownvalue.StringExact(dataType), "status": knownvalue.StringExact(status),
				"connection_id": knownvalue.StringFunc(func(v string) error {
					if v != connectionID {
						return fmt.Errorf("connection_id %s, want the company's connection %s", v, connectionID)
					}
					return nil
				}),
				"error_message": knownvalue.Null(), "requested": knownvalue.NotNull(),
			})
		}
		return knownvalue.ListExact([]knownvalue.Check{op("company"), op("invoices")})
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: companyConfig(env, company),
				Check:  capture(map[string]*string{"id": &companyID, "connection_id": &connectionID}),
			},
			{
				// The business authorises; the sync queues one request per data type.
				PreConfig: func() {
					if err := env.Emulator.Authorize(companyID, connectionID); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequestCounts()
				},
				Config: config("1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dataSyncAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectSync(tfjsonpath.New("operations"), opsAre("Complete")), // the emulator completes pulls at once
					expectSync(tfjsonpath.New("wait_for_completion"), knownvalue.Bool(false)),
					expectSync(tfjsonpath.New("queued_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
					expectSync(tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoutes(env, map[string]int{routeQueueDataType: 2, routeQueueAll: 0, routeHistory: 0}),
					checkOpsMatchHistory(t, env, &companyID, &firstOps),
				),
			},
			{
				// Refresh and plan send nothing that queues.
				Config:   config("1", ""),
				PlanOnly: true,
			},
			{
				RefreshState: true,
				Check:        checkRoutes(env, map[string]int{routeQueueDataType: 2}),
			},
			{
				// A new trigger replaces the sync only, and queues again.
				Config: config("2", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dataSyncAddr, plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectSync(tfjsonpath.New("operations"), opsAre("Complete"))},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoutes(env, map[string]int{routeQueueDataType: 4}),
					checkOpsMatchHistory(t, env, &companyID, &secondOps),
					func(*terraform.State) error {
						for _, id := range secondOps {
							if slices.Contains(firstOps, id) {
								return fmt.Errorf("operation %s was reported by both syncs", id)
							}
						}
						return nil
					},
				),
			},
			{
				// wait_for_completion alone: an update in place that sends nothing.
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    config("2", "  wait_for_completion = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dataSyncAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(dataSyncAddr, tfjsonpath.New("operations"), knownvalue.ListSizeExact(2)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoutes(env, map[string]int{routeQueueDataType: 0, routeHistory: 0}),
				),
			},
		},
	})
}

// TestAccDataSync_allDataTypes: without data_types one data/all is sent, and
// the operations it queued are found in the history, leaving out those of
// the first sync that ran when the business authorised.
func TestAccDataSync_allDataTypes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, _ := linkedTestCompany(t, env)
	var before []codat.PullOperation
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				var err error
				if before, err = env.Client.ListPullOperations(env.ctx(t), company.ID, codat.ListOptions{}); err != nil || len(before) == 0 {
					t.Fatalf("the first sync queued nothing (err = %v)", err)
				}
				env.Emulator.ResetRequestCounts()
			},
			Config: dataSyncConfig(env, fmt.Sprintf("  company_id = %q", company.ID)),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkRoutes(env, map[string]int{routeQueueAll: 1, routeQueueDataType: 0}),
				// Before, and once after; a refused query is asked again without.
				checkRoutes(env, map[string]int{routeHistory: 2 + env.playing(emulator.HistoryQueryRejected)}),
				checkOpsMatchHistory(t, env, &company.ID, nil),
				func(s *terraform.State) error {
					ops, err := syncOps(s)
					if err != nil {
						return err
					}
					// data/all queues the same data types as the first sync did.
					if len(ops) != len(before) {
						return fmt.Errorf("%d operations in state, want %d (as many as the first sync)", len(ops), len(before))
					}
					var got, want []string
					for i, op := range ops {
						if slices.ContainsFunc(before, func(b codat.PullOperation) bool { return b.ID == op["id"] }) {
							return fmt.Errorf("operation %s (%s) is from the first sync, not this one", op["id"], op["data_type"])
						}
						if op["status"] != string(codat.PullStatusComplete) {
							return fmt.Errorf("operation %s: status %s, want Complete", op["id"], op["status"])
						}
						got, want = append(got, op["data_type"]), append(want, before[i].DataType)
					}
					slices.Sort(want)
					if !slices.Equal(got, want) {
						return fmt.Errorf("data types %v, want %v in order", got, want)
					}
					return nil
				},
			),
		}, {
			// No data type is fetched on first link any more: data/all
			// queues nothing, and after the search (bounded here by
			// timeouts.create) the sync is kept with no operations and a
			// warning, not an error.
			PreConfig: func() {
				applied, err := env.Client.AppliedCompanySettings(env.ctx(t), company.ID)
				if err != nil {
					t.Fatal(err)
				}
				for i := range applied {
					applied[i].FetchOnFirstLink = false
				}
				settings := codat.CompanySyncSettings{CompanyID: company.ID, Settings: applied, OverridesDefaults: true}
				if err := env.Client.SetCompanySyncSettings(env.ctx(t), company.ID, settings); err != nil {
					t.Fatal(err)
				}
				env.Emulator.ResetRequestCounts()
			},
			Config: dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  triggers = { round = \"2\" }\n  timeouts {\n    create = \"2s\"\n  }", company.ID)),
			ConfigStateChecks: []statecheck.StateCheck{
				expectSync(tfjsonpath.New("operations"), knownvalue.ListSizeExact(0)),
			},
			Check: checkRoutes(env, map[string]int{routeQueueAll: 1}),
		}},
	})
}

// TestAccDataSync_waitForCompletion: with wait_for_completion the apply
// ends once every pull has completed (here after two one-second steps),
// polling the history once per poll, for some data types or all of them.
func TestAccDataSync_waitForCompletion(t *testing.T) {
	t.Parallel()
	env := newInfoTestEnv(t, time.Second, nil)
	company, _ := linkedTestCompany(t, env)
	complete := knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"status": knownvalue.StringExact(string(codat.PullStatusComplete)), "completed": knownvalue.NotNull(), "error_message": knownvalue.Null(),
	})
	checkPolls := func(least, most int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := routeCount(env, routeHistory); got < least || got > most {
				return fmt.Errorf("%s: %d requests, want %d to %d", routeHistory, got, least, most)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  data_types = [\"invoices\", \"bills\", \"company\"]\n  wait_for_completion = true", company.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					expectSync(tfjsonpath.New("operations"), knownvalue.ListExact([]knownvalue.Check{complete, complete, complete})),
				},
				// Polls at about 1s and 2.5s: one request each for the three.
				Check: resource.ComposeAggregateTestCheckFunc(checkRoutes(env, map[string]int{routeQueueDataType: 3}), checkPolls(1, 4)),
			},
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  wait_for_completion = true", company.ID)),
				ConfigStateChecks: []statecheck.StateCheck{
					expectSync(tfjsonpath.New("operations"), knownvalue.ListPartial(map[int]knownvalue.Check{0: complete, 1: complete})),
					statecheck.ExpectKnownValue(dataSyncAddr, tfjsonpath.New("operations"), knownvalue.ListSizeExact(10)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRoutes(env, map[string]int{routeQueueAll: 1}),
					checkPolls(2, 5),
					func(s *terraform.State) error {
						ops, err := syncOps(s)
						if err != nil {
							return err
						}
						for _, op := range ops {
							if op["status"] != string(codat.PullStatusComplete) {
								return fmt.Errorf("%s is %s after the wait, want Complete", op["data_type"], op["status"])
							}
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccDataSync_pullFails: a failed pull fails the apply with the data
// type and Codat's message, and leaves the sync tainted so that the next
// apply queues it again.
func TestAccDataSync_pullFails(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, _ := linkedTestCompany(t, env)
	const message = "Xero answered 503 Service Unavailable while fetching invoices."
	if err := env.Emulator.FailNextPull(company.ID, emulator.PullFailure{DataType: "invoices", ErrorMessage: message}); err != nil {
		t.Fatal(err)
	}
	config := dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  data_types = [\"bills\", \"invoices\"]\n  wait_for_completion = true", company.ID))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexp.MustCompile(`(?s)Codat could not sync invoices.*` +
					wordsRE("- invoices: FetchError (operation").String() + `.*` + wordsRE(message).String() + `.*` +
					wordsRE("saved in state but tainted, so the next apply queues the sync again").String()),
			},
			{
				// Tainted: applying again replaces it, and the pull now completes.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dataSyncAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectSync(opsPath(1, "data_type"), knownvalue.StringExact("invoices")),
					expectSync(opsPath(1, "status"), knownvalue.StringExact(string(codat.PullStatusComplete))),
				},
			},
		},
	})
}

// TestAccDataSync_timeout: when timeouts.create passes while pulls run, the
// apply fails naming them and saying that they go on at Codat.
func TestAccDataSync_timeout(t *testing.T) {
	t.Parallel()
	env, company := syncingTestCompany(t)
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { started = time.Now() },
			Config:    dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  data_types = [\"invoices\"]\n  wait_for_completion = true\n  timeouts {\n    create = \"2s\"\n  }", company.ID)),
			ExpectError: regexp.MustCompile(`(?s)Timed out waiting for the Codat sync.*` +
				wordsRE("After 2s (timeouts.create), these pulls of company "+company.ID+" were still running:").String() + `.*` +
				wordsRE("- invoices: Queued (operation").String() + `.*` + wordsRE("The sync goes on at Codat").String()),
		}},
	})
	if elapsed := time.Since(started); elapsed < 2*time.Second || elapsed > 20*time.Second {
		t.Errorf("the step took %s, want a little over the 2s timeout", elapsed)
	}
}

// TestAccDataSync_notLinked: before the business authorises, Codat refuses
// to queue (400); the diagnostic says so and gives the link to send. A
// company that does not exist is named as such.
func TestAccDataSync_notLinked(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, conn := infoTestCompany(t, env)
	notLinked := regexp.MustCompile(`(?s)Codat company not linked yet.*` +
		wordsRE("The business has not authorised access yet.").String() + `.*` + regexp.QuoteMeta(conn.LinkURL))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   env.Emulator.ResetRequestCounts,
				Config:      syncOfConfig(env, company.ID, "invoices"),
				ExpectError: notLinked,
			},
			{
				Config:      dataSyncConfig(env, fmt.Sprintf("  company_id = %q", company.ID)),
				ExpectError: notLinked,
			},
			{
				Config: dataSyncConfig(env, fmt.Sprintf("  company_id = %q\n  data_types = [\"invoices\"]\n  connection_id = %q", company.ID, conn.ID)),
				ExpectError: regexp.MustCompile(`(?s)Codat connection not linked.*` +
					wordsRE("is PendingAuth, not Linked").String() + `.*` + regexp.QuoteMeta(conn.LinkURL)),
			},
			{
				Config: dataSyncConfig(env, "  company_id = \"00000000-0000-4000-8000-000000000000\"\n  data_types = [\"invoices\"]"),
				ExpectError: regexp.MustCompile(`(?s)Codat company not found.*` +
					wordsRE("Codat has no company with ID 00000000-0000-4000-8000-000000000000").String()),
			},
		},
	})
	// Nothing was saved: each attempt was one refused request.
	expectRouteCount(t, env, routeQueueDataType, 3)
	expectRouteCount(t, env, routeQueueAll, 1)
}

// TestAccDataSync_unsupportedDataType: a data type the company's platform
// does not provide fails the plan where Codat's catalogue says so, and else
// the apply on Codat's 404; both name the data type and the platform, and
// nothing is queued.
func TestAccDataSync_unsupportedDataType(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, conn := testCompanyOn(t, env, "xpns")
	linkTestCompany(t, env, company, conn)
	notProvided := func(dataType string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Codat data type not provided by the platform.*` +
			wordsRE(fmt.Sprintf("Codat cannot sync %s for company %s: its platform (Expense Sandbox) does not provide that data type.", dataType, company.ID)).String())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				// The catalogue says Expense Sandbox reads no invoices.
				PreConfig:   env.Emulator.ResetRequestCounts,
				Config:      syncOfConfig(env, company.ID, "invoices"),
				PlanOnly:    true,
				ExpectError: notProvided("invoices"),
			},
			{
				// It does not list journalEntries: Codat's 404 at apply.
				Config:      syncOfConfig(env, company.ID, "journalEntries"),
				ExpectError: notProvided("journalEntries"),
			},
		},
	})
	expectRouteCount(t, env, routeQueueDataType, 1)
}

// TestDataSyncSchemaDescribed: every attribute, nested ones included, has a
// MarkdownDescription, since the docs are generated from them.
func TestDataSyncSchemaDescribed(t *testing.T) {
	t.Parallel()
	var resp fwresource.SchemaResponse
	NewDataSyncResource().Schema(t.Context(), fwresource.SchemaRequest{}, &resp)
	if diags := resp.Schema.ValidateImplementation(t.Context()); diags.HasError() {
		t.Fatal(diags)
	}
	var check func(prefix string, attrs map[string]fwschema.Attribute)
	check = func(prefix string, attrs map[string]fwschema.Attribute) {
		for name, attr := range attrs {
			if attr.GetMarkdownDescription() == "" && attr.GetDescription() == "" {
				t.Errorf("%s%s has no description", prefix, name)
			}
			if nested, ok := attr.(fwschema.ListNestedAttribute); ok {
				check(prefix+name+".", nested.NestedObject.Attributes)
			}
		}
	}
	check("", resp.Schema.Attributes)
	if block, ok := resp.Schema.Blocks["timeouts"].(fwschema.SingleNestedBlock); !ok {
		t.Error("no timeouts block")
	} else {
		check("timeouts.", block.Attributes)
	}
}

// TestSyncJobQueuesSorted: a sync queues its data types sorted, so its
// operations (which codat_data_sync saves) are ordered by data type, as the
// schema says, whatever order the set hands them over in. Terraform hands a
// set of strings over sorted already, so only a direct call of the job can
// give it another order; the run is against the emulator.
func TestSyncJobQueuesSorted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, _ := linkedTestCompany(t, env)
	ctx := env.ctx(t)
	var diags diag.Diagnostics
	dataTypes, d := types.SetValueFrom(ctx, types.StringType, []string{"invoices", "company"})
	diags.Append(d...)
	job := newSyncJob(ctx, types.StringValue(company.ID), types.StringNull(), dataTypes, types.BoolValue(false), &diags)
	run, _ := job.run(ctx, env.Client, time.Now(), &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got, want := codat.PulledDataTypes(run.Operations()), []string{"company", "invoices"}; !slices.Equal(got, want) {
		t.Errorf("the sync queued %v, want %v in that order", got, want)
	}
}
