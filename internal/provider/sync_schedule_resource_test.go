package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

const scheduleAddr = "codat_sync_schedule.test"

// Emulator request-count keys for sync settings.
const (
	routeSetCompanySync = "POST /companies/{companyId}/syncSettings"
	routeSetProfileSync = "POST /profile/syncSettings"
)

// scheduleConfig is the provider block and one codat_sync_schedule "test"
// for companyID with the given data_types entries.
func scheduleConfig(env *testEnv, companyID, dataTypes string) string {
	return env.providerBlock() + fmt.Sprintf("resource \"codat_sync_schedule\" \"test\" {\n  company_id = %q\n  data_types = {\n%s\n  }\n}\n", companyID, dataTypes)
}

// dataTypePath is the path of one attribute of one data type.
func dataTypePath(dataType, name string) tfjsonpath.Path {
	return tfjsonpath.New("data_types").AtMapKey(dataType).AtMapKey(name)
}

func ip(n int) *int { return &n }

// settingState checks one element of data_types in state, every attribute.
type settingState struct {
	every                string
	fetch                bool
	order                int64
	from, window, months knownvalue.Check
}

func (s settingState) check() knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"sync_every": knownvalue.StringExact(s.every), "fetch_on_first_link": knownvalue.Bool(s.fetch),
		"sync_order": knownvalue.Int64Exact(s.order), "sync_from": s.from,
		"sync_from_window_months": s.window, "months_to_sync": s.months,
	})
}

// settingsLike returns base's setting of dataType changed by edit.
func settingsLike(base []codat.SyncSetting, dataType string, edit func(*codat.SyncSetting)) codat.SyncSetting {
	s := codat.SettingsByType(base)[dataType]
	edit(&s)
	return s
}

// checkSettings compares settings at Codat with want: every data type in
// changed as given, every other one exactly as in unchanged.
func checkSettings(got, unchanged []codat.SyncSetting, changed map[string]codat.SyncSetting) error {
	have := codat.SettingsByType(got)
	if len(have) != len(codat.DataTypes) {
		return fmt.Errorf("Codat holds %d settings, want one per data type (%d)", len(have), len(codat.DataTypes))
	}
	before := codat.SettingsByType(unchanged)
	for _, dt := range codat.DataTypes {
		want, ok := changed[dt]
		if !ok {
			want = before[dt]
		}
		if !reflect.DeepEqual(have[dt], want) {
			return fmt.Errorf("%s at Codat = %s, want %s", dt, describeSetting(have[dt]), describeSetting(want))
		}
	}
	return nil
}

func describeSetting(s codat.SyncSetting) string {
	deref := func(p *int) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("{schedule %d, fetch %t, order %d, from %q, window %s, months %s}",
		s.SyncSchedule, s.FetchOnFirstLink, s.SyncOrder, s.SyncFromUTC, deref(s.SyncFromWindow), deref(s.MonthsToSync))
}

// checkCompanySettings checks the company's settings at Codat.
func checkCompanySettings(t *testing.T, env *testEnv, companyID string, overrides bool, unchanged []codat.SyncSetting, changed map[string]codat.SyncSetting) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := env.Client.CompanySettings(env.ctx(t), companyID)
		if err != nil {
			return err
		}
		if got.OverridesDefaults != overrides {
			return fmt.Errorf("overridesDefaults at Codat = %t, want %t", got.OverridesDefaults, overrides)
		}
		settings := got.Settings
		if !overrides {
			// On the defaults: what Codat applies (a company whose own
			// settings were never set may have none to show).
			if settings, err = env.Client.AppliedCompanySettings(env.ctx(t), companyID); err != nil {
				return err
			}
		}
		return checkSettings(settings, unchanged, changed)
	}
}

// expectPlannedChange checks one attribute's value before and after in the
// plan of addr: a plan that shows why it changes something.
func expectPlannedChange(addr string, p tfjsonpath.Path, before, after knownvalue.Check) plancheck.PlanCheck {
	return plannedChange{addr: addr, path: p, before: before, after: after}
}

type plannedChange struct {
	addr          string
	path          tfjsonpath.Path
	before, after knownvalue.Check
}

func (c plannedChange) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		for _, side := range []struct {
			name  string
			value any
			check knownvalue.Check
		}{{"before", rc.Change.Before, c.before}, {"after", rc.Change.After, c.after}} {
			v, err := tfjsonpath.Traverse(side.value, c.path)
			if err == nil {
				err = side.check.CheckValue(v)
			}
			if err != nil {
				resp.Error = fmt.Errorf("%s %s in the plan: %w", c.path, side.name, err)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

func newCompany(t *testing.T, env *testEnv, name string) *codat.Company {
	t.Helper()
	c, err := env.Client.CreateCompany(env.ctx(t), codat.CompanyRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func profileSettings(t *testing.T, env *testEnv) *codat.ProfileSyncSettings {
	t.Helper()
	return atCodat(t, env, env.Client.GetProfileSyncSettings)
}

// checkBackOnDefaults is a CheckDestroy: the company follows the profile
// again, with the profile's settings.
func checkBackOnDefaults(t *testing.T, env *testEnv, companyID string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		profile := profileSettings(t, env)
		return checkCompanySettings(t, env, companyID, false, profile.Settings, nil)(s)
	}
}

func TestAccSyncSchedule_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company := newCompany(t, env, "Schedule Lifecycle Ltd")
	defaults := profileSettings(t, env).Settings
	var afterCreate, afterUpdate []codat.SyncSetting
	snapshot := func(into *[]codat.SyncSetting) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := env.Client.CompanySettings(env.ctx(t), company.ID)
			if err == nil {
				*into = got.Settings
			}
			return err
		}
	}

	created := scheduleConfig(env, company.ID, `
    invoices     = { sync_every = "daily" }
    balanceSheet = { sync_every = "36h", sync_from = "2024-01-01", months_to_sync = 12 }
    bills        = { sync_every = "weekly", fetch_on_first_link = false, sync_order = 3, sync_from_window_months = 6 }`)
	updated := scheduleConfig(env, company.ID, `
    invoices           = { sync_every = "12h", sync_from = "2023-06-01T06:30:00Z" }
    balanceSheet       = { sync_every = "36h", sync_from = "2024-01-01", months_to_sync = 12 }
    "banking-accounts" = { sync_every = "monthly", sync_order = 0 }`)
	updatedAtCodat := func() map[string]codat.SyncSetting {
		return map[string]codat.SyncSetting{
			"invoices": settingsLike(defaults, "invoices", func(s *codat.SyncSetting) {
				s.SyncSchedule, s.SyncFromUTC, s.SyncFromWindow = 12, "2023-06-01T06:30:00Z", nil
			}),
			"balanceSheet": settingsLike(defaults, "balanceSheet", func(s *codat.SyncSetting) {
				s.SyncSchedule, s.SyncFromUTC, s.SyncFromWindow, s.MonthsToSync = 36, "2024-01-01T00:00:00Z", nil, ip(12)
			}),
			// No longer named: keeps what Terraform set.
			"bills": codat.SettingsByType(afterCreate)["bills"],
			"banking-accounts": settingsLike(defaults, "banking-accounts", func(s *codat.SyncSetting) {
				s.SyncSchedule, s.SyncOrder, s.FetchOnFirstLink = 720, 0, true
			}),
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkBackOnDefaults(t, env, company.ID),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    created,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(scheduleAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(scheduleAddr, tfjsonpath.New("overrides_defaults"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_order"), knownvalue.Int64Exact(14)),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "fetch_on_first_link"), knownvalue.Bool(true)),
					// Not configured: kept from Codat, read at apply.
					plancheck.ExpectUnknownValue(scheduleAddr, dataTypePath("invoices", "sync_from_window_months")),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("balanceSheet", "sync_from_window_months"), knownvalue.Null()),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("bills", "months_to_sync"), knownvalue.Null()),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduleAddr, tfjsonpath.New("id"), knownvalue.StringExact(company.ID)),
					statecheck.ExpectKnownValue(scheduleAddr, tfjsonpath.New("data_types"), knownvalue.MapExact(map[string]knownvalue.Check{
						"invoices":     settingState{every: "daily", fetch: true, order: 14, from: knownvalue.Null(), window: knownvalue.Int64Exact(24), months: knownvalue.Null()}.check(),
						"balanceSheet": settingState{every: "36h", fetch: true, order: 1, from: knownvalue.StringExact("2024-01-01"), window: knownvalue.Null(), months: knownvalue.Int64Exact(12)}.check(),
						"bills":        settingState{every: "weekly", fetch: false, order: 3, from: knownvalue.Null(), window: knownvalue.Int64Exact(6), months: knownvalue.Null()}.check(),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCompanySettings(t, env, company.ID, true, defaults, map[string]codat.SyncSetting{
						"invoices": settingsLike(defaults, "invoices", func(s *codat.SyncSetting) { s.SyncSchedule, s.FetchOnFirstLink = 24, true }),
						"balanceSheet": settingsLike(defaults, "balanceSheet", func(s *codat.SyncSetting) {
							s.SyncSchedule, s.SyncFromUTC, s.SyncFromWindow, s.MonthsToSync = 36, "2024-01-01T00:00:00Z", nil, ip(12)
						}),
						"bills": settingsLike(defaults, "bills", func(s *codat.SyncSetting) {
							s.SyncSchedule, s.FetchOnFirstLink, s.SyncOrder, s.SyncFromWindow = 168, false, 3, ip(6)
						}),
					}),
					// One write, with every data type.
					checkRoutes(env, map[string]int{routeSetCompanySync: 1}),
					snapshot(&afterCreate),
				),
			},
			{
				// Update in place: switch invoices to a date, stop managing
				// bills, start managing banking-accounts.
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(scheduleAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_from_window_months"), knownvalue.Null()),
					plancheck.ExpectKnownValue(scheduleAddr, dataTypePath("balanceSheet", "months_to_sync"), knownvalue.Int64Exact(12)),
					plancheck.ExpectKnownValue(scheduleAddr, tfjsonpath.New("id"), knownvalue.StringExact(company.ID)),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_from"), knownvalue.StringExact("2023-06-01T06:30:00Z")),
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("banking-accounts", "sync_from_window_months"), knownvalue.Int64Exact(24)),
				},
				Check: func(s *terraform.State) error {
					if err := checkCompanySettings(t, env, company.ID, true, defaults, updatedAtCodat())(s); err != nil {
						return err
					}
					return snapshot(&afterUpdate)(s)
				},
			},
			{
				// Drift: changed in the Portal, put back by apply.
				PreConfig: func() {
					changed := slices.Clone(afterUpdate)
					for i := range changed {
						switch changed[i].DataType {
						case "invoices":
							changed[i].SyncSchedule = 168
						case "balanceSheet":
							changed[i].MonthsToSync = ip(6)
						}
					}
					if err := env.Client.SetCompanySyncSettings(env.ctx(t), company.ID, codat.CompanySyncSettings{Settings: changed, OverridesDefaults: true}); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(scheduleAddr, plancheck.ResourceActionUpdate),
					expectPlannedChange(scheduleAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("weekly"), knownvalue.StringExact("12h")),
					expectPlannedChange(scheduleAddr, dataTypePath("balanceSheet", "months_to_sync"), knownvalue.Int64Exact(6), knownvalue.Int64Exact(12)),
				),
				Check: func(s *terraform.State) error {
					return checkCompanySettings(t, env, company.ID, true, defaults, updatedAtCodat())(s)
				},
			},
			{
				// Handed back to the defaults in the Portal: the plan says so
				// and shows the profile's values, which apply now.
				PreConfig: func() {
					if err := env.Client.SetCompanySyncSettings(env.ctx(t), company.ID, codat.CompanySyncSettings{Settings: afterUpdate, OverridesDefaults: false}); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(scheduleAddr, plancheck.ResourceActionUpdate),
					expectPlannedChange(scheduleAddr, tfjsonpath.New("overrides_defaults"), knownvalue.Bool(false), knownvalue.Bool(true)),
					expectPlannedChange(scheduleAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("daily"), knownvalue.StringExact("12h")),
				),
				Check: func(s *terraform.State) error {
					// bills, no longer named, keeps what Codat applied to it
					// when the apply read it: the profile's setting.
					want := updatedAtCodat()
					delete(want, "bills")
					return checkCompanySettings(t, env, company.ID, true, defaults, want)(s)
				},
			},
			importVerifyStep(scheduleAddr, company.ID+":invoices,balanceSheet,banking-accounts"),
			{
				// The same through an import block: a no-op import.
				ResourceName:    scheduleAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   company.ID + ":invoices,balanceSheet,banking-accounts",
			},
		},
	})
}

func TestAccSyncSchedule_importAndSpelling(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company := newCompany(t, env, "Imported Schedule Ltd")
	defaults := profileSettings(t, env).Settings
	// Customised in the Portal: invoices weekly, bills every 36 hours.
	custom := map[string]codat.SyncSetting{
		"invoices": settingsLike(defaults, "invoices", func(s *codat.SyncSetting) { s.SyncSchedule = 168 }),
		"bills": settingsLike(defaults, "bills", func(s *codat.SyncSetting) {
			s.SyncSchedule, s.SyncOrder, s.SyncFromWindow = 36, 2, ip(12)
		}),
	}
	portal := slices.Clone(defaults)
	for i, s := range portal {
		if c, ok := custom[s.DataType]; ok {
			portal[i] = c
		}
	}
	if err := env.Client.SetCompanySyncSettings(env.ctx(t), company.ID, codat.CompanySyncSettings{Settings: portal, OverridesDefaults: true}); err != nil {
		t.Fatal(err)
	}
	body := func(invoices string) string {
		return fmt.Sprintf(`
    invoices = { %s }
    bills    = { sync_every = "36h", sync_order = 2 }`, invoices)
	}
	const respelled = `sync_every = "168h", sync_from = "2024-03-01T01:00:00+01:00"`
	afterRespelling := map[string]codat.SyncSetting{
		"invoices": settingsLike(defaults, "invoices", func(s *codat.SyncSetting) {
			s.SyncSchedule, s.SyncFromUTC, s.SyncFromWindow = 168, "2024-03-01T00:00:00Z", nil
		}),
		"bills": custom["bills"],
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				// The bare company id imports what the company customises,
				// which is what this configuration names: nothing to do.
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           scheduleConfig(env, company.ID, body(`sync_every = "weekly"`)) + importBlock(scheduleAddr, company.ID),
				ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(scheduleAddr, plancheck.ResourceActionNoop)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("weekly")),
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("bills", "sync_every"), knownvalue.StringExact("36h")),
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("bills", "sync_from_window_months"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(scheduleAddr, tfjsonpath.New("overrides_defaults"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkCompanySettings(t, env, company.ID, true, defaults, custom),
					checkRoutes(env, map[string]int{routeSetCompanySync: 0}),
				),
			},
			{
				// Another spelling of the same hours, and a date-time with an
				// offset: Codat stores hours and UTC, and both spellings
				// stay in state with no diff on the next plan.
				Config: scheduleConfig(env, company.ID, body(respelled)),
				ConfigPlanChecks: emptyPlanAfter(
					expectPlannedChange(scheduleAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("weekly"), knownvalue.StringExact("168h")),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("168h")),
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_from"), knownvalue.StringExact("2024-03-01T01:00:00+01:00")),
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("invoices", "sync_from_window_months"), knownvalue.Null()),
				},
				Check: checkCompanySettings(t, env, company.ID, true, defaults, afterRespelling),
			},
			{
				// A company deleted outside Terraform takes its schedule
				// with it: the plan creates the schedule again.
				PreConfig: func() {
					if err := env.Client.DeleteCompany(env.ctx(t), company.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:             scheduleConfig(env, company.ID, body(respelled)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccSyncSchedule_unknownAtPlanValidatedAtApply: a value only known at
// apply (uuid() is unknown while planning) is checked against the same rules
// then, before anything is sent to Codat. (months_to_sync on invoices fails
// the plan already: setting it at all breaks the rule; the window is only
// known to conflict once it is known.)
func TestAccSyncSchedule_unknownAtPlanValidatedAtApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company := newCompany(t, env, "Late Values Ltd")
	for _, tc := range []struct{ name, dataTypes, rule string }{
		{"months_to_sync on invoices", `invoices = { sync_every = "daily", months_to_sync = length(uuid()) }`, `months_to_sync applies only to balanceSheet and profitAndLoss`},
		{"sync_from and window", `invoices = { sync_every = "daily", sync_from = "2024-01-01", sync_from_window_months = length(uuid()) }`, `cannot be specified when`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := env.Emulator.RequestCounts().Routes[routeSetCompanySync]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviderFactories,
				Steps: []resource.TestStep{{
					Config:      scheduleConfig(env, company.ID, "    "+tc.dataTypes),
					ExpectError: messageRE(tc.rule),
				}},
			})
			if got := env.Emulator.RequestCounts().Routes[routeSetCompanySync] - before; got != 0 {
				t.Errorf("%s was sent %d times for a configuration that breaks the rules", routeSetCompanySync, got)
			}
		})
	}
}

func TestAccSyncSchedule_freePlanRefusesHourly(t *testing.T) {
	t.Parallel()
	env := newTestEnvWith(t, emulator.Options{Plan: emulator.PlanFree})
	env.requireEmulator(t)
	company := newCompany(t, env, "Free Plan Ltd")
	defaults := profileSettings(t, env)
	hourly := `
    invoices     = { sync_every = "hourly" }
    bills        = { sync_every = "12h" }
    balanceSheet = { sync_every = "daily" }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkBackOnDefaults(t, env, company.ID),
		Steps: []resource.TestStep{
			{
				Config: scheduleConfig(env, company.ID, hourly),
				ExpectError: regexp.MustCompile(`Codat plan does not allow hourly syncs(?s:.*)` +
					`bills:\s+sync_every\s+=\s+"12h"\s+\(every\s+12\s+hours\)\s+-\s+invoices:\s+sync_every\s+=\s+"hourly"\s+\(every\s+hour\)(?s:.*)` +
					`Set\s+sync_every\s+to\s+"daily"`),
			},
			{
				// Nothing was changed at Codat; the profile is refused too.
				PreConfig: func() {
					if err := checkCompanySettings(t, env, company.ID, false, defaults.Settings, nil)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.providerBlock() + `resource "codat_profile_sync_settings" "test" {
  data_types = { "banking-transactions" = { sync_every = "6h" } }
}`,
				ExpectError: regexp.MustCompile(`Codat plan does not allow hourly syncs(?s:.*)banking-transactions:\s+sync_every\s+=\s+"6h"`),
			},
			{
				// Daily and longer schedules are allowed.
				PreConfig: func() {
					if !reflect.DeepEqual(profileSettings(t, env), defaults) {
						t.Fatal("the refused profile update changed the profile")
					}
				},
				Config: scheduleConfig(env, company.ID, strings.NewReplacer(`"hourly"`, `"daily"`, `"12h"`, `"36h"`).Replace(hourly)),
				Check: checkCompanySettings(t, env, company.ID, true, defaults.Settings, map[string]codat.SyncSetting{
					"bills": settingsLike(defaults.Settings, "bills", func(s *codat.SyncSetting) { s.SyncSchedule = 36 }),
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scheduleAddr, dataTypePath("bills", "sync_every"), knownvalue.StringExact("36h")),
				},
			},
		},
	})
}

func TestSyncEveryFor(t *testing.T) {
	for _, c := range []struct {
		hours int
		prior types.String
		want  string
	}{
		{24, types.StringNull(), "daily"},
		{1, types.StringNull(), "hourly"},
		{168, types.StringNull(), "weekly"},
		{720, types.StringNull(), "monthly"},
		{36, types.StringNull(), "36h"},
		{24, types.StringValue("24h"), "24h"},
		{24, types.StringValue("daily"), "daily"},
		{48, types.StringValue("daily"), "48h"},
		{168, types.StringValue("24h"), "weekly"},
		{0, types.StringNull(), "0h"},
		{12, types.StringUnknown(), "12h"},
	} {
		if got := syncEveryFor(c.hours, c.prior).ValueString(); got != c.want {
			t.Errorf("syncEveryFor(%d, %s) = %q, want %q", c.hours, c.prior, got, c.want)
		}
	}
	expectProblems(t, "syncEveryProblem", syncEveryProblem, map[string]string{
		"hourly": "", "720h": "", "1h": "", "36h": "",
		"0h": "0 hours", "721h": "721 hours", "Daily": "got", "12": "got", "h": "got", "-1h": "got", "9999999h": "got",
	})
}

func TestSyncFrom(t *testing.T) {
	for in, want := range map[string]string{
		"2024-01-01":                "2024-01-01T00:00:00Z",
		"2024-01-01T10:00:00+02:00": "2024-01-01T08:00:00Z",
		"2024-01-01T10:00:00.5Z":    "2024-01-01T10:00:00.5Z",
		"2024-01-01T10:00:00":       "2024-01-01T10:00:00Z", // Codat's unqualified time is UTC
		"not a date":                "not a date",
	} {
		if got := syncFromUTC(in); got != want {
			t.Errorf("syncFromUTC(%q) = %q, want %q", in, got, want)
		}
	}
	prior := types.StringValue("2024-01-01")
	for codatValue, want := range map[string]string{
		"2024-01-01T00:00:00Z":      "2024-01-01",
		"2024-01-01T00:00:00":       "2024-01-01",
		"2024-01-01T01:00:00+01:00": "2024-01-01",
		"2024-01-02T00:00:00Z":      "2024-01-02",
		"2024-01-02T10:00:00+01:00": "2024-01-02T09:00:00Z",
		"yesterday":                 "yesterday",
	} {
		if got := syncFromFor(codatValue, prior).ValueString(); got != want {
			t.Errorf("syncFromFor(%q, %s) = %q, want %q", codatValue, prior, got, want)
		}
	}
	if got := syncFromFor("", prior); !got.IsNull() {
		t.Errorf("no syncFromUtc gives %s, want null", got)
	}
}

func TestWithPlanned(t *testing.T) {
	base := []codat.SyncSetting{
		{DataType: "bills", SyncSchedule: 24, SyncOrder: 6, SyncFromWindow: ip(24), IsLocked: true},
		{DataType: "invoices", SyncSchedule: 24, SyncOrder: 14, SyncFromWindow: ip(24)},
		{DataType: "balanceSheet", SyncSchedule: 24, SyncOrder: 1, SyncFromWindow: ip(24), MonthsToSync: ip(24)},
	}
	planned := map[string]syncSettingModel{
		"invoices": {
			SyncEvery: types.StringValue("12h"), FetchOnFirstLink: types.BoolValue(true), SyncOrder: types.Int64Value(0),
			SyncFrom: types.StringValue("2024-01-01"), SyncFromWindowMonths: types.Int64Null(), MonthsToSync: types.Int64Null(),
		},
		"balanceSheet": { // history left to Codat (a newly named data type)
			SyncEvery: types.StringValue("weekly"), FetchOnFirstLink: types.BoolValue(false), SyncOrder: types.Int64Value(1),
			SyncFrom: types.StringUnknown(), SyncFromWindowMonths: types.Int64Unknown(), MonthsToSync: types.Int64Unknown(),
		},
		"items": {
			SyncEvery: types.StringValue("monthly"), FetchOnFirstLink: types.BoolValue(true), SyncOrder: types.Int64Value(16),
			SyncFrom: types.StringUnknown(), SyncFromWindowMonths: types.Int64Unknown(), MonthsToSync: types.Int64Null(),
		},
	}
	got := settingsBody(base, planned)
	want := []codat.SyncSetting{
		base[0],
		{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 12, SyncOrder: 0, SyncFromUTC: "2024-01-01T00:00:00Z"},
		{DataType: "balanceSheet", SyncSchedule: 168, SyncOrder: 1, SyncFromWindow: ip(24), MonthsToSync: ip(24)},
		{DataType: "items", FetchOnFirstLink: true, SyncSchedule: 720, SyncOrder: 16},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("withPlanned =\n%v\nwant\n%v", got, want)
	}

	// What was sent maps back to the plan, with the unknowns filled in.
	m, diags := dataTypesFromSettings(context.Background(), got, codat.InDataTypeOrder(planned), planned)
	if diags.HasError() {
		t.Fatal(diags)
	}
	back, _ := syncSettingsOf(context.Background(), m)
	if back["invoices"] != planned["invoices"] {
		t.Errorf("invoices maps back to %+v, want %+v", back["invoices"], planned["invoices"])
	}
	if bs := back["balanceSheet"]; bs.SyncEvery.ValueString() != "weekly" || bs.SyncFromWindowMonths.ValueInt64() != 24 || bs.MonthsToSync.ValueInt64() != 24 || !bs.SyncFrom.IsNull() {
		t.Errorf("balanceSheet maps back to %+v", bs)
	}
}

func TestParseImportID(t *testing.T) {
	for _, c := range []struct {
		in, id string
		types  []string
		err    string
	}{
		{in: "abc", id: "abc"},
		{in: " abc : invoices, bills ,invoices", id: "abc", types: []string{"invoices", "bills"}},
		{in: "abc:Invoice", err: `Did you mean "invoices"`},
		{in: "abc:", err: "no data types after it"},
	} {
		var diags diag.Diagnostics
		id, sel := parseImportID(c.in, &diags)
		if c.err != "" {
			if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), c.err) {
				t.Errorf("parseImportID(%q): errors %v, want %q", c.in, diags, c.err)
			}
			continue
		}
		if diags.HasError() || id != c.id || !reflect.DeepEqual(sel.DataTypes, c.types) {
			t.Errorf("parseImportID(%q) = %q, %v, %v", c.in, id, sel.DataTypes, diags)
		}
	}
}
