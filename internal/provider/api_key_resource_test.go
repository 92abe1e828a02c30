package provider

import (
	"fmt"
	"os"
	"path/filepath"
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
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// Names, not credentials.
//
//nolint:gosec // G101: see above
const (
	apiKeyAddr        = "codat_api_key.test"
	routeListAPIKeys  = "GET /apiKeys"
	routeCreateAPIKey = "POST /apiKeys"
	routeDeleteAPIKey = "DELETE /apiKeys/{apiKeyId}"
)

// underEachAPIKeyReading runs test in parallel against an emulator playing
// each reading of GET /apiKeys: the provider must work under both. listed
// is whether the list shows each key's secret.
func underEachAPIKeyReading(t *testing.T, test func(t *testing.T, env *testEnv, listed bool)) {
	// The environment's other readings stay as they are.
	others := slices.DeleteFunc(append([]emulator.Behaviour{}, behavioursFromEnv(t)...),
		func(b emulator.Behaviour) bool { return b == emulator.APIKeysListedWithoutSecrets })
	for reading, listed := range map[string]bool{"secrets listed": true, "secrets on create only": false} {
		t.Run(reading, func(t *testing.T) {
			t.Parallel()
			behaviours := slices.Clone(others)
			if !listed {
				behaviours = append(behaviours, emulator.APIKeysListedWithoutSecrets)
			}
			env := newTestEnvWith(t, emulator.Options{Behaviours: behaviours})
			env.requireEmulator(t)
			test(t, env, listed)
		})
	}
}

func apiKeyConfig(env *testEnv, body string) string {
	return env.providerBlock() + fmt.Sprintf("resource \"codat_api_key\" \"test\" {\n%s\n}\n", body)
}

// keyInState is the secret Terraform holds for the key.
func keyInState(s *terraform.State) string {
	return s.RootModule().Resources[apiKeyAddr].Primary.Attributes["key"]
}

// checkKeyWorks: the key in state authenticates with Codat.
func checkKeyWorks(t *testing.T, env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		client, err := codat.New(codat.Config{BaseURL: env.BaseURL, APIKey: keyInState(s)})
		if err != nil {
			return err
		}
		_, err = client.ListAPIKeys(env.ctx(t))
		return err
	}
}

func apiKeysAtCodat(t *testing.T, env *testEnv) []codat.APIKey {
	t.Helper()
	return atCodat(t, env, env.Client.ListAPIKeys)
}

func checkAPIKeyCount(t *testing.T, env *testEnv, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if keys := apiKeysAtCodat(t, env); len(keys) != n {
			return fmt.Errorf("Codat has %d API keys, want %d", len(keys), n)
		}
		return nil
	}
}

// TestAccAPIKey_lifecycle, under both readings: the key comes back once,
// on create (one request), sensitive, and works; a second plan is empty; a
// new name replaces the key; a key deleted at Codat is made again; import
// takes the id and leaves the key null; destroy deletes.
func TestAccAPIKey_lifecycle(t *testing.T) {
	t.Parallel()
	underEachAPIKeyReading(t, func(t *testing.T, env *testEnv, listed bool) {
		var firstKey string
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviderFactories,
			CheckDestroy:             checkAPIKeyCount(t, env, 1),
			Steps: []resource.TestStep{
				{
					PreConfig:        env.Emulator.ResetRequestCounts,
					Config:           apiKeyConfig(env, `  name = "invoice-processor"`),
					ConfigPlanChecks: emptyPlanAfter(),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{40}$`))),
						statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("name"), knownvalue.StringExact("invoice-processor")),
						statecheck.ExpectSensitiveValue(apiKeyAddr, tfjsonpath.New("key")),
					},
					Check: resource.ComposeTestCheckFunc(
						checkKeyWorks(t, env),
						checkAPIKeyCount(t, env, 2),
						checkRoutes(env, map[string]int{routeCreateAPIKey: 1}),
						resource.TestCheckResourceAttrSet(apiKeyAddr, "created_date"),
						func(s *terraform.State) error { firstKey = keyInState(s); return nil },
					),
				},
				{
					PreConfig: env.Emulator.ResetRequestCounts,
					Config:    apiKeyConfig(env, `  name = "invoice-processor-2"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					},
					Check: resource.ComposeTestCheckFunc(
						checkKeyWorks(t, env),
						checkAPIKeyCount(t, env, 2),
						// The old key had its secret in state: no list needed to delete it.
						checkRoutes(env, map[string]int{routeCreateAPIKey: 1, routeDeleteAPIKey: 1}),
						func(s *terraform.State) error {
							if keyInState(s) == firstKey {
								return fmt.Errorf("the key was not replaced")
							}
							return nil
						},
					),
				},
				{
					// Revoked in the Portal: the refresh drops it, apply makes another.
					PreConfig: func() {
						for _, k := range apiKeysAtCodat(t, env)[1:] {
							if err := env.Client.DeleteAPIKey(env.ctx(t), k.ID); err != nil {
								t.Fatal(err)
							}
						}
					},
					Config: apiKeyConfig(env, `  name = "invoice-processor-2"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionCreate)},
					},
					Check: checkKeyWorks(t, env),
				},
				{
					ResourceName:            apiKeyAddr,
					ImportState:             true,
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: []string{"key"},
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						if k, ok := states[0].Attributes["key"]; ok && k != "" {
							return fmt.Errorf("an imported key has its secret in state")
						}
						return nil
					},
				},
			},
		})
	})
}

// TestAccAPIKey_refusesTheProvidersOwnKey: a key this configuration created
// and then gave to the provider cannot be destroyed: the plan fails,
// without a request to delete it, under both readings.
func TestAccAPIKey_refusesTheProvidersOwnKey(t *testing.T) {
	t.Parallel()
	underEachAPIKeyReading(t, func(t *testing.T, env *testEnv, listed bool) {
		// The step configurations are written before the key exists, so
		// the provider reads it from a file the first step writes.
		keyFile := filepath.Join(t.TempDir(), "key")
		usingIt := func() string {
			return fmt.Sprintf("provider \"codat\" {\n  base_url = %q\n  api_key  = file(%q)\n}\n", env.BaseURL, keyFile)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: apiKeyConfig(env, `  name = "terraform"`),
					Check:  func(s *terraform.State) error { return os.WriteFile(keyFile, []byte(keyInState(s)), 0o600) },
				},
				{
					// The provider now uses the key; removing it from the
					// configuration plans its destroy, which is refused.
					PreConfig:   env.Emulator.ResetRequestCounts,
					Config:      usingIt(),
					PlanOnly:    true,
					ExpectError: messageRE("Terraform would delete the API key it is using"),
				},
				{
					// A new name would replace it: refused too.
					Config:      usingIt() + apiKeyConfig(env, `  name = "terraform-renamed"`)[len(env.providerBlock()):],
					PlanOnly:    true,
					ExpectError: messageRE("is the key this provider configuration authenticates with"),
				},
				{
					// Back to the start key, the key can go.
					Config: env.providerBlock(),
				},
			},
		})
		expectRouteCount(t, env, routeCreateAPIKey, 0)
	})
}

// TestAccAPIKey_refusesAnImportedOwnKey: the key the provider started with,
// imported, cannot be destroyed. When Codat lists secrets the refresh
// recognises it and the plan fails; when it does not, nothing can tell it
// from the provider's own key, so the apply refuses before the DELETE, even
// where Codat would delete a client's last key. Rotated as the resource
// page says (a new key for the provider first), it goes: by Terraform when
// Codat lists secrets, else deleted in the Portal as the error says.
func TestAccAPIKey_refusesAnImportedOwnKey(t *testing.T) {
	t.Parallel()
	underEachAPIKeyReading(t, func(t *testing.T, env *testEnv, listed bool) {
		startID := apiKeysAtCodat(t, env)[0].ID
		want := messageRE("Terraform would delete the API key it is using")
		if !listed {
			want = messageRE("Terraform cannot tell this API key from the one it is using")
		}
		imported := apiKeyConfig(env, "") + importBlock(apiKeyAddr, startID)
		keyFile := filepath.Join(t.TempDir(), "key")
		rotated := fmt.Sprintf("provider \"codat\" {\n  base_url = %q\n  api_key  = file(%q)\n}\n", env.BaseURL, keyFile) +
			"resource \"codat_api_key\" \"test\" {}\n"
		var newKey *codat.APIKey
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: imported,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key"), knownvalue.Null()),
					},
				},
				{
					// Recognised, the key fails the plan itself.
					PreConfig:   env.Emulator.ResetRequestCounts,
					Config:      env.providerBlock(),
					PlanOnly:    listed,
					ExpectError: want,
				},
				{
					// The provider moves to a new key; the destroy after
					// the last step deletes the old one.
					PreConfig: func() {
						// Refused before any DELETE, at plan or at apply.
						expectRouteCount(t, env, routeDeleteAPIKey, 0)
						k, err := env.Client.CreateAPIKey(env.ctx(t), "rotated")
						if err == nil {
							err = os.WriteFile(keyFile, []byte(k.Key), 0o600)
						}
						if err != nil {
							t.Fatal(err)
						}
						newKey = k
						if !listed {
							// As the error says: deleted in the Portal, once
							// the provider no longer uses it.
							rotatedClient, err := codat.New(codat.Config{BaseURL: env.BaseURL, APIKey: k.Key})
							if err == nil {
								err = rotatedClient.DeleteAPIKey(env.ctx(t), startID)
							}
							if err != nil {
								t.Fatal(err)
							}
						}
					},
					Config: rotated,
				},
			},
			CheckDestroy: func(*terraform.State) error {
				client, err := codat.New(codat.Config{BaseURL: env.BaseURL, APIKey: newKey.Key})
				if err != nil {
					return err
				}
				keys, err := client.ListAPIKeys(env.ctx(t))
				if err != nil || len(keys) != 1 || keys[0].ID != newKey.ID {
					return fmt.Errorf("after destroy: keys %v, %v; want the new key alone", keys, err)
				}
				return nil
			},
		})
	})
}

// TestAccAPIKey_importRefusesANonUUID: importing by the key itself rather
// than its id fails naming the rule (the key's id, a UUID) without
// repeating what was given, which may be a secret.
func TestAccAPIKey_importRefusesANonUUID(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	given := "sk-not-an-id-0123456789"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{importBlockFailsStep(apiKeyConfig(env, `  name = "imported"`), apiKeyAddr, given,
			diagnosticRE("Invalid codat_api_key import id", fmt.Sprintf("Import expects the key's id, a UUID such as e288a972-b402-4b21-93f9-b5335ae5679c (GET /apiKeys lists them), "+
				"not the key itself; got %d characters that are not an id.", len(given))))},
	})
}

// TestAccAPIKey_limit: the eleventh key is a clear error naming Codat's
// limit.
func TestAccAPIKey_limit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	for range codat.MaxAPIKeys - 1 {
		if _, err := env.Client.CreateAPIKey(env.ctx(t), "filler"); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config:      apiKeyConfig(env, `  name = "eleventh"`),
			ExpectError: messageRE("Codat allows 10 API keys per client, the one it made with the client included, and this client has them all"),
		}},
	})
}
