package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

const profileAddr = "codat_profile_sync_settings.test"

func profileConfig(env *testEnv, dataTypes string) string {
	return env.providerBlock() + fmt.Sprintf("resource \"codat_profile_sync_settings\" \"test\" {\n  data_types = {\n%s\n  }\n}\n", dataTypes)
}

// checkProfile checks the profile at Codat: every data type in changed as
// given, every other one exactly as in unchanged.
func checkProfile(t *testing.T, env *testEnv, unchanged []codat.SyncSetting, changed map[string]codat.SyncSetting) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return checkSettings(profileSettings(t, env).Settings, unchanged, changed)
	}
}

// checkProfileRestored is a CheckDestroy: the profile is exactly original.
func checkProfileRestored(t *testing.T, env *testEnv, original *codat.ProfileSyncSettings) resource.TestCheckFunc {
	return checkAtCodat(t, env, "profile after destroy", env.Client.GetProfileSyncSettings, func() *codat.ProfileSyncSettings { return original })
}

func TestAccProfileSyncSettings_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	original := profileSettings(t, env)
	defaults := original.Settings
	var afterUpdate []codat.SyncSetting

	// A company without settings of its own follows the profile.
	follower := newCompany(t, env, "Follows The Profile Ltd")

	updated := profileConfig(env, `
    invoices          = { sync_every = "48h" }
    "commerce-orders" = { sync_every = "daily", fetch_on_first_link = false, sync_from = "2022-04-01" }`)
	updatedAtCodat := map[string]codat.SyncSetting{
		"invoices": settingsLike(defaults, "invoices", func(s *codat.SyncSetting) { s.SyncSchedule = 48 }),
		// No longer named: keeps what Terraform set.
		"balanceSheet": settingsLike(defaults, "balanceSheet", func(s *codat.SyncSetting) { s.SyncSchedule, s.MonthsToSync = 168, ip(6) }),
		"commerce-orders": settingsLike(defaults, "commerce-orders", func(s *codat.SyncSetting) {
			s.SyncSchedule, s.FetchOnFirstLink, s.SyncFromUTC, s.SyncFromWindow = 24, false, "2022-04-01T00:00:00Z", nil
		}),
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkProfileRestored(t, env, original),
		Steps: []resource.TestStep{
			{
				Config: profileConfig(env, `
    invoices     = { sync_every = "hourly" }
    balanceSheet = { sync_every = "weekly", months_to_sync = 6 }`),
				ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(profileAddr, plancheck.ResourceActionCreate)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(profileAddr, tfjsonpath.New("id"), knownvalue.StringExact(cmp.Or(original.ClientID, profileImportID))),
					statecheck.ExpectKnownValue(profileAddr, tfjsonpath.New("data_types"), knownvalue.MapExact(map[string]knownvalue.Check{
						"invoices":     settingState{every: "hourly", fetch: true, order: 14, from: knownvalue.Null(), window: knownvalue.Int64Exact(24), months: knownvalue.Null()}.check(),
						"balanceSheet": settingState{every: "weekly", fetch: true, order: 1, from: knownvalue.Null(), window: knownvalue.Int64Exact(24), months: knownvalue.Int64Exact(6)}.check(),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkProfile(t, env, defaults, map[string]codat.SyncSetting{
						"invoices":     settingsLike(defaults, "invoices", func(s *codat.SyncSetting) { s.SyncSchedule = 1 }),
						"balanceSheet": settingsLike(defaults, "balanceSheet", func(s *codat.SyncSetting) { s.SyncSchedule, s.MonthsToSync = 168, ip(6) }),
					}),
					func(*terraform.State) error {
						got, err := env.Client.CompanySettings(env.ctx(t), follower.ID)
						if err != nil {
							return err
						}
						applied, err := env.Client.AppliedCompanySettings(env.ctx(t), follower.ID)
						if err != nil {
							return err
						}
						if got.OverridesDefaults || codat.SettingsByType(applied)["invoices"].SyncSchedule != 1 {
							return fmt.Errorf("a company on the defaults does not see the new profile: %+v, applied %+v", got, codat.SettingsByType(applied)["invoices"])
						}
						return nil
					},
				),
			},
			{
				// Update in place: stop managing balanceSheet, start managing
				// commerce-orders.
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(profileAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(profileAddr, dataTypePath("commerce-orders", "sync_from_window_months"), knownvalue.Null()),
					plancheck.ExpectKnownValue(profileAddr, tfjsonpath.New("id"), knownvalue.StringExact(cmp.Or(original.ClientID, profileImportID))),
				),
				Check: resource.ComposeTestCheckFunc(
					checkProfile(t, env, defaults, updatedAtCodat),
					checkRoutes(env, map[string]int{routeSetProfileSync: 1}),
					func(*terraform.State) error {
						afterUpdate = profileSettings(t, env).Settings
						return nil
					},
				),
			},
			{
				// Drift: changed in the Portal, put back by apply.
				PreConfig: func() {
					changed := slices.Clone(afterUpdate)
					for i := range changed {
						if changed[i].DataType == "invoices" {
							changed[i].SyncSchedule = 24
						}
					}
					if err := env.Client.SetProfileSyncSettings(env.ctx(t), codat.ProfileSyncSettings{ClientID: original.ClientID, Settings: changed, OverridesDefaults: original.OverridesDefaults}); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(profileAddr, plancheck.ResourceActionUpdate),
					expectPlannedChange(profileAddr, dataTypePath("invoices", "sync_every"), knownvalue.StringExact("daily"), knownvalue.StringExact("48h")),
				),
				Check: checkProfile(t, env, defaults, updatedAtCodat),
			},
			importVerifyStep(profileAddr, "profile:invoices,commerce-orders"),
			// The client id, unless Codat leaves it out.
			importVerifyStep(profileAddr, cmp.Or(original.ClientID, profileImportID)+":invoices,commerce-orders"),
			{
				ResourceName:    profileAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "profile:invoices,commerce-orders",
			},
			{
				// The bare id imports the whole profile.
				ResourceName:  profileAddr,
				ImportState:   true,
				ImportStateId: "profile",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if n := states[0].Attributes["data_types.%"]; n != fmt.Sprint(len(codat.DataTypes)) {
						return fmt.Errorf("imported %s data types, want all %d", n, len(codat.DataTypes))
					}
					return nil
				},
			},
			{
				// Told apart only when Codat's answer has the client id.
				SkipFunc:      func() (bool, error) { return original.ClientID == "", nil },
				ResourceName:  profileAddr,
				ImportState:   true,
				ImportStateId: "8a210b68-6988-11ed-a1eb-0242ac120002:invoices",
				ExpectError:   messageRE(`The import id "8a210b68-6988-11ed-a1eb-0242ac120002" is neither "profile" nor the id of the Codat client`),
			},
		},
	})
}

func TestAccProfileSyncSettings_importBlockChangesNothing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	original := profileSettings(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		// Terraform never set anything, so destroy has nothing to restore.
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkProfileRestored(t, env, original),
			checkRoutes(env, map[string]int{routeSetProfileSync: 0}),
		),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			// The profile's invoices as they are: daily, fetched on first
			// link, 14th in the queue (the defaults), and the history left
			// to Codat.
			Config: profileConfig(env, `    invoices = { sync_every = "daily" }`) +
				importBlock(profileAddr, "profile:invoices"),
			ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(profileAddr, plancheck.ResourceActionNoop)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(profileAddr, dataTypePath("invoices", "sync_from_window_months"), knownvalue.Int64Exact(24)),
			},
			Check: checkProfile(t, env, original.Settings, nil),
		}},
	})
}

// TestAccProfileSyncSettings_importBadDataType: an import id naming a data
// type Codat does not have fails, naming the nearest one, before any request.
// (Invalid configurations are in TestAccValidation_table.)
func TestAccProfileSyncSettings_importBadDataType(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviderFactories, Steps: []resource.TestStep{{
		Config:        profileConfig(env, `    bills = { sync_every = "weekly" }`),
		ResourceName:  profileAddr,
		ImportState:   true,
		ImportStateId: "profile:bill",
		ExpectError:   regexp.MustCompile(`"bill" is not a Codat data type. Did you mean "bills"`),
	}}})
	if env.Emulator != nil {
		if n := env.Emulator.RequestCounts().Total; n != 0 {
			t.Errorf("the import sent %d requests to Codat, want 0 (%v)", n, env.Emulator.RequestCounts().Routes)
		}
	}
}
