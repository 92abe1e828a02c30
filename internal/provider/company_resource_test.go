package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

const companyAddr = "codat_company.test"

// Emulator request-count keys.
const (
	routeCreateCompany    = "POST /companies"
	routeDeleteCompany    = "DELETE /companies/{companyId}"
	routeReplaceCompany   = "PUT /companies/{companyId}"
	routeCreateConnection = "POST /companies/{companyId}/connections"
	routeDeleteConnection = "DELETE /companies/{companyId}/connections/{connectionId}"
)

// companyConfig is the provider block and one codat_company "test" with body.
func companyConfig(env *testEnv, body string) string {
	return env.providerBlock() + "resource \"codat_company\" \"test\" {\n" + body + "\n}\n"
}

// messageRE matches text in a diagnostic as Terraform prints it, wrapped at
// 78 columns: any space in text may be a line break.
func messageRE(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

// diagnosticRE matches a diagnostic as Terraform prints it: its summary,
// then (after where it arose) its detail, each as messageRE.
func diagnosticRE(summary, detail string) *regexp.Regexp {
	return regexp.MustCompile(messageRE("Error: "+summary).String() + `[\s\S]*` + messageRE(detail).String())
}

func attrPath(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

// expectState is a shorthand for one ExpectKnownValue on the test company.
func expectState(name string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(companyAddr, tfjsonpath.New(name), value)
}

func expectPlanned(name string, value knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(companyAddr, tfjsonpath.New(name), value)
}

// expectQuietUpdate says the plan updates the company in place and keeps the
// values that do not change known, so the plan shows no "(known after
// apply)" noise for them.
func expectQuietUpdate(keepConnection bool) []plancheck.PlanCheck {
	checks := []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
		expectPlanned("id", knownvalue.NotNull()),
		expectPlanned("redirect", knownvalue.NotNull()),
		expectPlanned("created", knownvalue.NotNull()),
		expectPlanned("status", knownvalue.NotNull()),
		expectPlanned("connections", knownvalue.NotNull()),
	}
	if keepConnection {
		checks = append(checks, expectPlanned("connection_id", knownvalue.NotNull()), expectPlanned("link_url", knownvalue.NotNull()))
	}
	return checks
}

// capture copies attributes of the test company from state into the given
// variables, for later steps and out-of-band calls.
func capture(into map[string]*string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[companyAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", companyAddr)
		}
		for name, dst := range into {
			*dst = rs.Primary.Attributes[name]
		}
		return nil
	}
}

// checkMatchesAPI compares the test company's state with what Codat holds.
func checkMatchesAPI(t *testing.T, env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[companyAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", companyAddr)
		}
		a := rs.Primary.Attributes
		c, err := env.Client.GetCompany(env.ctx(t), a["id"])
		if err != nil {
			return fmt.Errorf("reading company %s from the API: %w", a["id"], err)
		}
		want := map[string]string{
			"name": c.Name, "description": c.Description, "redirect": c.Redirect, "created": c.Created,
			"last_sync": c.LastSync, "tags.%": strconv.Itoa(len(c.Tags)), "connections.#": strconv.Itoa(len(c.DataConnections)),
			"status": statusBlank, "link_url": "",
		}
		if a["tags.%"] == "" && len(c.Tags) == 0 {
			want["tags.%"] = ""
		}
		for k, v := range c.Tags {
			want["tags."+k] = v
		}
		for i, conn := range c.DataConnections {
			p := fmt.Sprintf("connections.%d.", i)
			want[p+"id"], want[p+"status"], want[p+"link_url"] = conn.ID, string(conn.Status), conn.LinkURL
			want[p+"platform_key"], want[p+"platform_name"], want[p+"source_type"] = conn.IntegrationKey, conn.PlatformName, conn.SourceType
			want[p+"created"], want[p+"last_sync"] = conn.Created, conn.LastSync
			if conn.ID == a["connection_id"] {
				want["status"], want["link_url"] = string(conn.Status), conn.LinkURL
			}
		}
		if id := a["connection_id"]; id != "" && c.FindConnection(id) == nil {
			return fmt.Errorf("connection_id %s is not one of the company's connections at Codat", id)
		}
		for k, v := range want {
			if a[k] != v {
				return fmt.Errorf("%s: state has %q, Codat has %q", k, a[k], v)
			}
		}
		return nil
	}
}

// checkDestroyed is a CheckDestroy: every company Terraform managed is gone.
func checkDestroyed(t *testing.T, env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			if rs.Type != "codat_company" {
				continue
			}
			_, err := env.Client.GetCompany(env.ctx(t), rs.Primary.ID)
			if !codat.IsNotFound(err) {
				return fmt.Errorf("%s (%s) still exists at Codat after destroy (err = %v)", addr, rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// routeCount is how many requests the emulator served on route since the
// last ResetRequestCounts.
func routeCount(env *testEnv, route string) int {
	return env.Emulator.RequestCounts().Routes[route]
}

func expectRouteCount(t *testing.T, env *testEnv, route string, want int) {
	t.Helper()
	if got := routeCount(env, route); got != want {
		t.Errorf("%s: %d requests, want %d (all: %v)", route, got, want, env.Emulator.RequestCounts().Routes)
	}
}

// betweenPlanAndApply runs fn after the plan was made and before it is
// applied, as a change at Codat would happen while a plan waits for review.
type betweenPlanAndApply func() error

func (f betweenPlanAndApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

func TestAccCompany_withoutPlatform(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	config := companyConfig(env, `
  name        = "Acme Trading Ltd"
  description = "Invoice finance applicant"
  tags        = { region = "uk", team = "lending" }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionCreate),
					expectPlanned("status", knownvalue.StringExact("Blank")),
					expectPlanned("connection_id", knownvalue.Null()),
					expectPlanned("link_url", knownvalue.Null()),
					expectPlanned("platform_company_name", knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("name", knownvalue.StringExact("Acme Trading Ltd")),
					expectState("description", knownvalue.StringExact("Invoice finance applicant")),
					expectState("tags", knownvalue.MapExact(map[string]knownvalue.Check{
						"region": knownvalue.StringExact("uk"), "team": knownvalue.StringExact("lending"),
					})),
					expectState("status", knownvalue.StringExact("Blank")),
					expectState("platform_key", knownvalue.Null()),
					expectState("connection_id", knownvalue.Null()),
					expectState("connections", knownvalue.ListExact([]knownvalue.Check{})),
					expectState("deletion_protection", knownvalue.Bool(false)),
					expectState("redirect", knownvalue.StringRegexp(regexp.MustCompile(`^https?://`))),
				},
				Check: checkMatchesAPI(t, env),
			},
			importVerifyStep(companyAddr, ""),
		},
	})
}

func TestAccCompany_withPlatform(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config: companyConfig(env, `
  name         = "Acme Trading Ltd"
  platform_key = "gbol"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("platform_key", knownvalue.StringExact("gbol")),
					expectState("status", knownvalue.StringExact("PendingAuth")),
					expectState("connection_id", knownvalue.NotNull()),
					expectState("link_url", knownvalue.StringRegexp(regexp.MustCompile(`/connections/.+/start$`))),
					expectState("last_sync", knownvalue.Null()),
					expectState("connections", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"platform_key":  knownvalue.StringExact("gbol"),
						"platform_name": knownvalue.StringExact("Xero"),
						"source_type":   knownvalue.StringExact("Accounting"),
						"status":        knownvalue.StringExact("PendingAuth"),
						"created":       knownvalue.NotNull(),
						"last_sync":     knownvalue.Null(),
					})})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkMatchesAPI(t, env),
					// Two writes: the company, then its connection.
					checkRoutes(env, map[string]int{routeCreateCompany: 1, routeCreateConnection: 1}),
				),
			},
			importVerifyStep(companyAddr, ""),
		},
	})
}

func TestAccCompany_updateInPlace(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: companyConfig(env, `
  name         = "Acme"
  description  = "first"
  tags         = { a = "1", b = "2" }
  platform_key = "gbol"`),
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), capture(map[string]*string{"id": &id})),
			},
			{
				// Name, description and tags change in place; nothing else
				// is "known after apply".
				PreConfig: env.Emulator.ResetRequestCounts,
				Config: companyConfig(env, `
  name         = "Acme Trading, Ltd."
  description  = "second"
  tags         = { a = "1", c = "3" }
  platform_key = "gbol"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectQuietUpdate(true)},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("id", knownvalue.StringFunc(func(v string) error {
						if v != id {
							return fmt.Errorf("id changed from %s to %s", id, v)
						}
						return nil
					})),
					expectState("name", knownvalue.StringExact("Acme Trading, Ltd.")),
					expectState("tags", knownvalue.MapExact(map[string]knownvalue.Check{"a": knownvalue.StringExact("1"), "c": knownvalue.StringExact("3")})),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), checkRoutes(env, map[string]int{routeReplaceCompany: 1, routeCreateConnection: 0})),
			},
			{
				// Removing description and tags clears them at Codat.
				Config: companyConfig(env, `
  name         = "Acme Trading, Ltd."
  platform_key = "gbol"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectQuietUpdate(true)},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("description", knownvalue.Null()),
					expectState("tags", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), func(*terraform.State) error {
					c, err := env.Client.GetCompany(env.ctx(t), id)
					if err != nil {
						return err
					}
					if len(c.Tags) != 0 || c.Description != "" {
						return fmt.Errorf("Codat still has tags %v and description %q", c.Tags, c.Description)
					}
					return nil
				}),
			},
			{
				// tags = {} is kept as written, with no inconsistent result
				// and no perpetual diff.
				Config: companyConfig(env, `
  name         = "Acme Trading, Ltd."
  tags         = {}
  platform_key = "gbol"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("tags", knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestAccCompany_platformChange(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id, gbolConn, qhygConn, gbolConn2 string
	withPlatform := func(key string) string {
		return companyConfig(env, "  name = \"Acme\"\n  platform_key = \""+key+"\"")
	}
	connectionIs := func(want *string) knownvalue.Check {
		return knownvalue.StringFunc(func(v string) error {
			if v != *want {
				return fmt.Errorf("connection_id is %s, want %s", v, *want)
			}
			return nil
		})
	}
	platformChange := []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
		expectPlanned("id", knownvalue.NotNull()),
		plancheck.ExpectUnknownValue(companyAddr, attrPath("connection_id")),
		plancheck.ExpectUnknownValue(companyAddr, attrPath("connections")),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: withPlatform("gbol"),
				Check:  capture(map[string]*string{"id": &id, "connection_id": &gbolConn}),
			},
			{
				// The gbol connection was never linked: it is deleted. (The
				// company is renamed at Codat after the plan: the apply puts
				// the configured name back.)
				Config: withPlatform("qhyg"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(slices.Clone(platformChange), betweenPlanAndApply(func() error {
					_, err := env.Client.ReplaceCompany(env.ctx(t), id, codat.CompanyRequest{Name: "Renamed Meanwhile"})
					return err
				}))},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("name", knownvalue.StringExact("Acme")),
					expectState("status", knownvalue.StringExact("PendingAuth")),
					expectState("connections", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"platform_key": knownvalue.StringExact("qhyg"),
					})})),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), capture(map[string]*string{"connection_id": &qhygConn}), func(*terraform.State) error {
					if _, err := env.Client.GetConnection(env.ctx(t), id, gbolConn); !codat.IsNotFound(err) {
						return fmt.Errorf("the PendingAuth gbol connection %s was not deleted (err = %v)", gbolConn, err)
					}
					return nil
				}),
			},
			{
				// The business links qhyg; switching back to gbol keeps it.
				PreConfig: func() {
					if err := env.Emulator.Authorize(id, qhygConn); err != nil {
						t.Fatal(err)
					}
				},
				Config:           withPlatform("gbol"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: platformChange},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("PendingAuth")),
					expectState("connections", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": connectionIs(&qhygConn), "status": knownvalue.StringExact("Linked")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"platform_key": knownvalue.StringExact("gbol"), "status": knownvalue.StringExact("PendingAuth")}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), capture(map[string]*string{"connection_id": &gbolConn2})),
			},
			{
				// Back to qhyg: its linked connection is adopted, not
				// duplicated, and the unused gbol one is deleted.
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           withPlatform("qhyg"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: platformChange},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("connection_id", connectionIs(&qhygConn)),
					expectState("status", knownvalue.StringExact("Linked")),
					expectState("connections", knownvalue.ListSizeExact(1)),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), checkRoutes(env, map[string]int{routeCreateConnection: 0, routeDeleteConnection: 1})),
			},
			{
				// Removing platform_key keeps the linked connection and its data.
				Config: companyConfig(env, `  name = "Acme"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					expectPlanned("connection_id", knownvalue.Null()),
					expectPlanned("link_url", knownvalue.Null()),
					expectPlanned("status", knownvalue.StringExact("Blank")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("connections", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": connectionIs(&qhygConn), "status": knownvalue.StringExact("Linked")}),
					})),
				},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestAccCompany_importBlock(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	company, err := env.Client.CreateCompany(env.ctx(t), codat.CompanyRequest{Name: "Made Elsewhere", Description: "from the portal", Tags: map[string]string{"region": "uk"}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := env.Client.CreateConnection(env.ctx(t), company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{{
			Config: companyConfig(env, `
  name         = "Made Elsewhere"
  description  = "from the portal"
  tags         = { region = "uk" }
  platform_key = "gbol"`) + importBlock(companyAddr, company.ID),
			// The company's only connection is adopted, so the import
			// changes nothing.
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("id", knownvalue.StringExact(company.ID)),
				expectState("connection_id", knownvalue.StringExact(conn.ID)),
				expectState("status", knownvalue.StringExact("PendingAuth")),
			},
			Check: checkMatchesAPI(t, env),
		}},
	})
}

// TestAccCompany_importRefusesANonUUID: an import id that is not a company
// id fails naming the rule (a UUID) and what was given.
func TestAccCompany_importRefusesANonUUID(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{importBlockFailsStep(companyConfig(env, `  name = "Made Elsewhere"`), companyAddr, "Made Elsewhere",
			diagnosticRE("Invalid Codat company id", `Import expects a Codat company id, a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002, got "Made Elsewhere".`))},
	})
}

// TestAccCompany_importDropsCreationMarker: a company an interrupted apply
// left with its creation marker, imported by hand, is the import's from then
// on. The refresh removes the marker, so that no later apply of the same
// configuration can adopt it too; and whether or not Codat lets it, the
// marker never shows in tags (no drift).
func TestAccCompany_importDropsCreationMarker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		refusePatch bool
		markerAtEnd bool
	}{
		{name: "removed"},
		{name: "removal refused", refusePatch: true, markerAtEnd: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			if tc.refusePatch {
				env.requireEmulator(t)
				if err := env.Emulator.ScriptFaults(emulator.ScriptedFault{Route: "PATCH /companies/{companyId}", Status: 400, Count: 100}); err != nil {
					t.Fatal(err)
				}
			}
			marker := fmt.Sprintf("abc.%d.0123456789abcdef", time.Now().Unix()) // a creation marker: fingerprint, time, nonce
			company, err := env.Client.CreateCompany(env.ctx(t), codat.CompanyRequest{Name: "Left Behind",
				Tags: map[string]string{"region": "uk", codat.CreationTagKey: marker}})
			if err != nil {
				t.Fatal(err)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviderFactories,
				CheckDestroy:             checkDestroyed(t, env),
				Steps: []resource.TestStep{{
					Config: companyConfig(env, `
  name = "Left Behind"
  tags = { region = "uk" }`) + importBlock(companyAddr, company.ID),
					ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionNoop)),
					ConfigStateChecks: []statecheck.StateCheck{
						expectState("tags", knownvalue.MapExact(map[string]knownvalue.Check{"region": knownvalue.StringExact("uk")})),
					},
					Check: func(*terraform.State) error {
						got, err := env.Client.GetCompany(env.ctx(t), company.ID)
						if err != nil {
							return err
						}
						if _, marked := got.Tags[codat.CreationTagKey]; marked != tc.markerAtEnd || got.Tags["region"] != "uk" {
							return fmt.Errorf("tags at Codat after the import: %v, want region=uk and the marker there: %t", got.Tags, tc.markerAtEnd)
						}
						return nil
					},
				}},
			})
		})
	}
}

func TestAccCompany_deletionProtection(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id string
	protected := func(on bool) string {
		return companyConfig(env, fmt.Sprintf("  name = \"Keep Me\"\n  deletion_protection = %t", on))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: protected(true),
				Check:  capture(map[string]*string{"id": &id}),
			},
			{
				PreConfig:   env.Emulator.ResetRequestCounts,
				Config:      env.providerBlock(),
				ExpectError: messageRE("has deletion_protection = true, so Terraform will not delete it"),
			},
			{
				PreConfig: func() {
					expectRouteCount(t, env, routeDeleteCompany, 0)
					if _, err := env.Client.GetCompany(env.ctx(t), id); err != nil {
						t.Fatalf("the protected company is gone: %v", err)
					}
					env.Emulator.ResetRequestCounts()
				},
				// Switching protection off is an update with no request.
				Config: protected(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkRoutes(env, map[string]int{routeReplaceCompany: 0}),
			},
		},
	})
}

func TestAccCompany_deletedOutside(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	var id string
	config := companyConfig(env, `  name = "Acme"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config, Check: capture(map[string]*string{"id": &id})},
			{
				PreConfig: func() {
					if err := env.Client.DeleteCompany(env.ctx(t), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestAccCompany_renamedOutside(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	var id string
	config := companyConfig(env, `
  name        = "Acme"
  description = "kept"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config, Check: capture(map[string]*string{"id": &id})},
			{
				PreConfig: func() {
					if _, err := env.Client.ReplaceCompany(env.ctx(t), id, codat.CompanyRequest{Name: "Renamed In Portal", Description: "kept"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					expectPlanned("name", knownvalue.StringExact("Acme")),
				}},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestAccCompany_statusChangesOutside(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id, conn string
	config := companyConfig(env, `
  name         = "Acme"
  platform_key = "gbol"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config, Check: capture(map[string]*string{"id": &id, "connection_id": &conn})},
			{
				// The business authorises: refresh records it, no diff.
				PreConfig: func() {
					if err := env.Emulator.Authorize(id, conn); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequestCounts()
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Linked")),
					expectState("last_sync", knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(func(*terraform.State) error {
					// The plan's refresh was one request: connections come
					// inside the company.
					if routes := env.Emulator.RequestCounts().Routes; len(routes) != 1 || routes["GET /companies/{companyId}"] != 1 {
						return fmt.Errorf("refreshing one company took %v, want exactly one GET /companies/{companyId}", routes)
					}
					return nil
				}, checkMatchesAPI(t, env)),
			},
			{
				// The platform revokes access: the same.
				PreConfig: func() {
					if err := env.Emulator.SetConnectionStatus(id, conn, codat.StatusDeauthorized); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Deauthorized")),
					expectState("connection_id", knownvalue.StringFunc(func(v string) error {
						if v != conn {
							return fmt.Errorf("connection_id changed to %s", v)
						}
						return nil
					})),
				},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestAccCompany_changesBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id, conn string
	config := func(description string) string {
		return companyConfig(env, fmt.Sprintf("  name = \"Acme\"\n  description = %q\n  platform_key = \"gbol\"", description))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config("one"), Check: capture(map[string]*string{"id": &id, "connection_id": &conn})},
			{
				// The plan shows status PendingAuth; the business authorises
				// (and the first sync completes) before the apply. The apply
				// must succeed, keeping the values it planned.
				Config: config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPlanned("status", knownvalue.StringExact("PendingAuth")),
					expectPlanned("last_sync", knownvalue.Null()),
					betweenPlanAndApply(func() error { return env.Emulator.Authorize(id, conn) }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("description", knownvalue.StringExact("two")),
					expectState("status", knownvalue.StringExact("PendingAuth")),
				},
			},
			{
				// The next refresh records the change, without a diff.
				Config:           config("two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("status", knownvalue.StringExact("Linked")),
					expectState("last_sync", knownvalue.NotNull()),
				},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

// TestAccCompany_ambiguousCreates: Codat carries out both creates but both
// answers are lost. Each create is sent again with the same Idempotency-Key,
// to which Codat replays its first answer (using-the-api/write-data/
// idempotency.md): one company, one connection, recorded in state, and
// nothing else at Codat.
func TestAccCompany_ambiguousCreates(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	config := companyConfig(env, `
  name         = "Acme"
  tags         = { region = "uk" }
  platform_key = "gbol"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				err := env.Emulator.ScriptFaults(
					emulator.ScriptedFault{Route: routeCreateCompany, DropAfterWrite: true},
					emulator.ScriptedFault{Route: routeCreateConnection, DropAfterWrite: true})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				expectState("connection_id", knownvalue.NotNull()),
				expectState("status", knownvalue.StringExact("PendingAuth")),
				expectState("connections", knownvalue.ListSizeExact(1)),
				// The creation marker is gone, and never shown.
				expectState("tags", knownvalue.MapExact(map[string]knownvalue.Check{"region": knownvalue.StringExact("uk")})),
			},
			ConfigPlanChecks: emptyPlanAfter(),
			Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), func(*terraform.State) error {
				// The lost attempt and its keyed resend, answered by replay.
				expectRouteCount(t, env, routeCreateCompany, 2)
				expectRouteCount(t, env, routeCreateConnection, 2)
				list, err := env.Client.ListCompanies(env.ctx(t), codat.ListCompaniesOptions{})
				if err != nil {
					return err
				}
				if len(list) != 1 {
					return fmt.Errorf("%d companies at Codat, want 1", len(list))
				}
				return nil
			}),
		}},
	})
}

func TestAccCompany_connectionCreateFails(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	// One retry, so that losing the answer to the create and to its keyed
	// resend exhausts the client's retries.
	config := strings.Replace(companyConfig(env, `
  name         = "Acme"
  platform_key = "gbol"`), "provider \"codat\" {\n", "provider \"codat\" {\n  max_retries = 1\n", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				// Codat creates the connection but the answers to the create
				// and to its resend are lost, and so is the look-up that would
				// find it (Codat's read lags): the company is kept (not
				// tainted) without a managed connection, and the next plan is
				// an in-place update that fixes it.
				PreConfig: func() {
					err := env.Emulator.ScriptFaults(
						// net/http itself resends a keyed request once on a
						// dropped connection, so drop more than it and the
						// client's one retry can send.
						emulator.ScriptedFault{Route: routeCreateConnection, DropAfterWrite: true, Count: 10},
						emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 404})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("id", knownvalue.NotNull()),
					expectState("connection_id", knownvalue.Null()),
					expectState("link_url", knownvalue.Null()),
					expectState("status", knownvalue.StringExact("Blank")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(companyAddr, attrPath("connection_id")),
					expectPlanned("id", knownvalue.NotNull()),
				}},
				ExpectNonEmptyPlan: true,
			},
			{
				// The connection Codat did make is adopted, not duplicated.
				PreConfig: func() {
					env.Emulator.ClearScriptedFaults()
					env.Emulator.ResetRequestCounts()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("connection_id", knownvalue.NotNull()),
					expectState("status", knownvalue.StringExact("PendingAuth")),
					expectState("connections", knownvalue.ListSizeExact(1)),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), checkRoutes(env, map[string]int{routeCreateConnection: 0})),
			},
		},
	})
}

func TestAccCompany_unknownPlatform(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	noCompanies := func() {
		list, err := env.Client.ListCompanies(env.ctx(t), codat.ListCompaniesOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Fatalf("%d companies were created, want none", len(list))
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				// Known at plan time: the plan fails, naming the nearest keys.
				Config: companyConfig(env, `
  name         = "Acme"
  platform_key = "xero"`),
				ExpectError: regexp.MustCompile(`Unknown Codat platform(?s:.*)no platform \(integration\) with the key\s+"xero".(?s:.*)Did\s+you\s+mean\s+"gbol"\s+\(Xero\)`),
			},
			{
				// Known only at apply: checked before anything is created.
				PreConfig: noCompanies,
				Config: env.providerBlock() + `
resource "terraform_data" "platform" {
  input = "qhgy"
}
resource "codat_company" "test" {
  name         = "Acme"
  platform_key = terraform_data.platform.output
}`,
				// (Terraform plans again at apply with the key known, so the
				// same check stops it before Create.)
				ExpectError: regexp.MustCompile(`Unknown Codat platform(?s:.*)"qhgy"(?s:.*)Did\s+you\s+mean\s+(?s:.*)"qhyg"\s+\(QuickBooks\s+Online\)`),
			},
			{
				PreConfig: noCompanies,
				Config:    env.providerBlock(),
			},
		},
	})
}

func TestAccCompany_wrongAPIKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	const badKey = "not-the-key-0123456789"
	sawError := false
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		// ErrorCheck sees the whole message, to prove the key is not in it.
		ErrorCheck: func(err error) error {
			msg := err.Error()
			switch {
			case strings.Contains(msg, badKey):
				return fmt.Errorf("the error shows the API key: %w", err)
			case !messageRE("Codat rejected the API key (HTTP 401)").MatchString(msg):
				return fmt.Errorf("the error does not say the key was rejected: %w", err)
			case !strings.Contains(msg, "Could not create Codat company"):
				return fmt.Errorf("the error does not say what failed: %w", err)
			}
			sawError = true
			return nil
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"codat\" {\n  base_url = %q\n  api_key  = %q\n}\n", env.BaseURL, badKey) +
				"resource \"codat_company\" \"test\" {\n  name = \"Acme\"\n}\n",
		}},
	})
	if !sawError {
		t.Error("applying with a wrong API key did not fail")
	}
}

// authoriseOnLinkPage does what the business does: open the connection's
// link_url and press Authorise.
func authoriseOnLinkPage(t *testing.T, linkURL string) {
	t.Helper()
	resp, err := http.Get(linkURL)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", linkURL, resp.StatusCode, err)
	}
	m := regexp.MustCompile(`<form method="post" action="([^"]+)"><button[^>]*id="authorise"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no Authorise form on the link page:\n%s", page)
	}
	resp, err = http.PostForm(string(m[1]), url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorising: HTTP %d", resp.StatusCode)
	}
}

func TestAccCompany_temporaryName(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var id, linkURL, platformName, legalName string
	config := func(extra string) string {
		return companyConfig(env, "  temporary_name = \"Onboarding 1234\"\n  platform_key = \"gbol\"\n"+extra)
	}
	nameIs := func(want *string) knownvalue.Check {
		return knownvalue.StringFunc(func(v string) error {
			if v != *want {
				return fmt.Errorf("got %q, want %q", v, *want)
			}
			return nil
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				// Created under the temporary name, known at plan time.
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPlanned("name", knownvalue.StringExact("Onboarding 1234")),
					expectPlanned("platform_company_name", knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("name", knownvalue.StringExact("Onboarding 1234")),
					expectState("platform_company_name", knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(checkMatchesAPI(t, env), capture(map[string]*string{"id": &id, "link_url": &linkURL})),
			},
			{
				// The business authorises on the link page and the first
				// sync completes: the plan renames the company in place.
				PreConfig: func() {
					authoriseOnLinkPage(t, linkURL)
					info, err := env.Client.GetCompanyInfo(env.ctx(t), id)
					if err != nil {
						t.Fatalf("company info after the first sync: %v", err)
					}
					platformName, legalName = info.CompanyName, codat.SanitizeCompanyName(info.CompanyLegalName)
				},
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					expectPlanned("name", nameIs(&platformName)),
					expectPlanned("platform_company_name", nameIs(&platformName)),
					expectPlanned("status", knownvalue.StringExact("Linked")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState("name", nameIs(&platformName))},
				Check:             checkMatchesAPI(t, env),
			},
			{
				// Renamed outside Terraform: the plan renames it back.
				PreConfig: func() {
					if _, err := env.Client.ReplaceCompany(env.ctx(t), id, codat.CompanyRequest{Name: "Someone Else"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					expectPlanned("name", nameIs(&platformName)),
				}},
				Check: checkMatchesAPI(t, env),
			},
			{
				// The legal name instead: read again at apply.
				Config: config(`  name_from_platform = "legal_name"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(companyAddr, attrPath("name")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectState("name", nameIs(&legalName))},
				Check:             checkMatchesAPI(t, env),
			},
			{
				// Back to a name of our own.
				Config: companyConfig(env, "  name = \"Bramble Holdings\"\n  platform_key = \"gbol\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(companyAddr, plancheck.ResourceActionUpdate),
					expectPlanned("name", knownvalue.StringExact("Bramble Holdings")),
					expectPlanned("platform_company_name", knownvalue.Null()),
				}},
				Check: checkMatchesAPI(t, env),
			},
		},
	})
}

func TestCompanyNameProblem(t *testing.T) {
	expectProblems(t, "codat.CompanyNameProblem", codat.CompanyNameProblem, map[string]string{
		"Acme Trading, Ltd.":      "",
		"O'Brien & Sons @ Home?!": "",
		"Acme - 2":                "",
		"Acme (UK)":               `contains "(", ")", which Codat does not allow (it would silently remove them)`,
		"Café":                    `contains "é", which Codat does not allow (it would silently remove it)`,
		"Acme\nLtd":               "contains a line break",
		"Acme\x00":                "contains the control character U+0000",
		"   ":                     "must contain at least one letter or digit",
		"Acme ":                   "starts or ends with a space",
	})
}

func TestSanitizeCompanyName(t *testing.T) {
	for in, want := range map[string]string{
		"Bramble Joinery Limited":  "Bramble Joinery Limited",
		"Acme (UK) Ltd.":           "Acme UK Ltd.",
		"Café\tBleu ":              "Caf Bleu",
		" Smith & Co. [Holdings] ": "Smith & Co. Holdings",
		"株式会社":                     "",
	} {
		got := codat.SanitizeCompanyName(in)
		if got != want {
			t.Errorf("codat.SanitizeCompanyName(%q) = %q, want %q", in, got, want)
		}
		if got != "" && codat.CompanyNameProblem(got) != "" {
			t.Errorf("codat.SanitizeCompanyName(%q) = %q, which is not a valid name: %s", in, got, codat.CompanyNameProblem(got))
		}
	}
	if got := nameFor("Lead 1", "株式会社"); got != "Lead 1" {
		t.Errorf("a platform name with nothing Codat keeps gives %q, want the temporary name", got)
	}
}

func TestManagedConnectionChanges(t *testing.T) {
	s, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	for _, tc := range []struct {
		name                      string
		planKey, stateKey, connID types.String
		want                      bool
	}{
		{"same platform", s("gbol"), s("gbol"), s("c1"), false},
		{"no platform", null, null, null, false},
		{"platform changes", s("qhyg"), s("gbol"), s("c1"), true},
		{"platform removed", null, s("gbol"), s("c1"), true},
		{"platform added", s("gbol"), null, null, true},
		{"connection missing", s("gbol"), s("gbol"), null, true},
		{"platform not known yet", unknown, s("gbol"), s("c1"), true},
	} {
		if got := managedConnectionChanges(tc.planKey, tc.stateKey, tc.connID); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.name, got, tc.want)
		}
	}
}
