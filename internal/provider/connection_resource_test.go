package provider

import (
	"fmt"
	"net/http"
	"net/url"
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

const (
	routeUnlink        = "PATCH /companies/{companyId}/connections/{connectionId}"
	routeListCompanies = "GET /companies"
)

// applicantCompany is a codat_company "applicant" with no platform of its
// own, for connections to hang off.
const applicantCompany = `
resource "codat_company" "applicant" {
  name = "Harbour Bakery Ltd"
}
`

// connectionBlock is one codat_connection on the applicant company.
func connectionBlock(name, platformKey, extra string) string {
	return fmt.Sprintf("resource \"codat_connection\" %q {\n  company_id   = codat_company.applicant.id\n  platform_key = %q\n%s}\n", name, platformKey, extra)
}

func expectConnection(name, attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("codat_connection."+name, tfjsonpath.New(attr), value)
}

// attrs reads a resource's attributes from state.
func attrs(s *terraform.State, addr string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", addr)
	}
	return rs.Primary.Attributes, nil
}

// captureAttr copies one attribute of addr from state into dst.
func captureAttr(addr, name string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		a, err := attrs(s, addr)
		if err == nil {
			*dst = a[name]
		}
		return err
	}
}

// pickOnRedirectPage does what a business does on the company's redirect
// page: it picks a platform, which makes a PendingAuth connection, and lands
// on that connection's link page, whose URL it returns.
func pickOnRedirectPage(t *testing.T, redirect, platformKey string) string {
	t.Helper()
	resp, err := http.PostForm(redirect+"/connections", url.Values{"platformKey": {platformKey}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("picking %s on %s: HTTP %d", platformKey, redirect, resp.StatusCode)
	}
	return resp.Request.URL.String()
}

// TestAccConnection_lendingApplicant: the three connections a lender asks an
// applicant for, on one company; authorised out of band; then one destroyed
// while PendingAuth (deleted) and one while Linked (unlinked, data kept).
func TestAccConnection_lendingApplicant(t *testing.T) {
	t.Parallel()
	env := newListedTestEnv(t) // it counts the requests of a batched refresh
	env.requireEmulator(t)
	three := applicantCompany + connectionBlock("accounting", "gbol", "") + connectionBlock("banking", "suuo", "") + connectionBlock("commerce", "fztf", "") + `
output "link_urls" {
  value = [codat_connection.accounting.link_url, codat_connection.banking.link_url, codat_connection.commerce.link_url]
}
`
	var companyID, accountingURL, bankingURL, bankingID, commerceID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + three,
				ConfigStateChecks: []statecheck.StateCheck{
					expectConnection("accounting", "status", knownvalue.StringExact("PendingAuth")),
					expectConnection("accounting", "source_type", knownvalue.StringExact("Accounting")),
					expectConnection("accounting", "platform_name", knownvalue.StringExact("Xero")),
					expectConnection("banking", "source_type", knownvalue.StringExact("Banking")),
					expectConnection("commerce", "source_type", knownvalue.StringExact("Commerce")),
					expectConnection("commerce", "last_sync", knownvalue.Null()),
					expectConnection("commerce", "delete_on_destroy", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValue("link_urls", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringRegexp(regexp.MustCompile(`/connections/.+/start$`)),
						knownvalue.StringRegexp(regexp.MustCompile(`/connections/.+/start$`)),
						knownvalue.StringRegexp(regexp.MustCompile(`/connections/.+/start$`)),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr("codat_company.applicant", "id", &companyID),
					captureAttr("codat_connection.accounting", "link_url", &accountingURL),
					captureAttr("codat_connection.banking", "link_url", &bankingURL),
					captureAttr("codat_connection.banking", "id", &bankingID),
					captureAttr("codat_connection.commerce", "id", &commerceID),
					// One company, and one create per connection.
					checkRoutes(env, map[string]int{routeCreateCompany: 1, routeCreateConnection: 3, routeDeleteConnection: 0}),
					func(*terraform.State) error {
						t.Logf("requests for one company and three connections (plan and apply): %v", env.Emulator.RequestCounts().Routes)
						return nil
					},
					func(*terraform.State) error {
						company, err := env.Client.GetCompany(env.ctx(t), companyID)
						if err != nil || len(company.DataConnections) != 3 {
							return fmt.Errorf("the company has %v connections at Codat (%v), want 3", company, err)
						}
						return nil
					},
				),
			},
			{
				// The business authorises accounting and banking; a refresh
				// shows it, and the plan stays empty.
				PreConfig: func() {
					authoriseOnLinkPage(t, accountingURL)
					authoriseOnLinkPage(t, bankingURL)
				},
				Config:           env.providerBlock() + three,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectConnection("accounting", "status", knownvalue.StringExact("Linked")),
					expectConnection("banking", "status", knownvalue.StringExact("Linked")),
					expectConnection("banking", "last_sync", knownvalue.NotNull()),
					expectConnection("commerce", "status", knownvalue.StringExact("PendingAuth")),
					// codat_company lists every connection, managed or not.
					statecheck.ExpectKnownValue("codat_company.applicant", tfjsonpath.New("connections"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue("codat_company.applicant", tfjsonpath.New("status"), knownvalue.StringExact(statusBlank)),
				},
			},
			{
				// Nothing changed since the last refresh: the three
				// connections, refreshed together, are read from one company
				// list, not one GET each. (The company is refreshed first, on
				// its own, as they depend on it: one GET.)
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + three,
				Check: checkRoutes(env, map[string]int{
					"GET /companies":             1,
					"GET /companies/{companyId}": 1,
					"GET /companies/{companyId}/connections/{connectionId}": 0,
				}),
			},
			{
				// Banking (Linked) and commerce (PendingAuth) are destroyed.
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + applicantCompany + connectionBlock("accounting", "gbol", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("codat_connection.banking", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("codat_connection.commerce", plancheck.ResourceActionDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkRoutes(env, map[string]int{routeDeleteConnection: 1, routeUnlink: 1, routeCreateConnection: 0}),
					func(*terraform.State) error {
						ctx := env.ctx(t)
						if _, err := env.Client.GetConnection(ctx, companyID, commerceID); !codat.IsNotFound(err) {
							return fmt.Errorf("the PendingAuth commerce connection was not deleted: %v", err)
						}
						banking, err := env.Client.GetConnection(ctx, companyID, bankingID)
						if err != nil || banking.Status != codat.StatusUnlinked {
							return fmt.Errorf("the Linked banking connection should be kept, Unlinked: %+v, %v", banking, err)
						}
						// All the pulls, filtered here: Codat may not honour a
						// query on the pull history (emulator switches).
						pulls, err := env.Client.ListPullOperations(ctx, companyID, codat.ListOptions{})
						pulls = slices.DeleteFunc(pulls, func(p codat.PullOperation) bool { return p.ConnectionID != bankingID })
						if err != nil || len(pulls) == 0 {
							return fmt.Errorf("the banking data is gone: %d pulls, %v", len(pulls), err)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccConnection_adoptImportAndDrift: a connection the business made on
// the redirect page is adopted, not duplicated; it imports; a status change
// at Codat shows on refresh without a diff; deleted at Codat, it is made
// again.
func TestAccConnection_adoptImportAndDrift(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	withConnection := env.providerBlock() + applicantCompany + connectionBlock("accounting", "gbol", "")
	var companyID, redirect, picked string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + applicantCompany,
				Check: resource.ComposeTestCheckFunc(
					captureAttr("codat_company.applicant", "id", &companyID),
					captureAttr("codat_company.applicant", "redirect", &redirect),
				),
			},
			{
				// The business picks Xero on the redirect page and authorises.
				PreConfig: func() {
					linkURL := pickOnRedirectPage(t, redirect, "gbol")
					authoriseOnLinkPage(t, linkURL)
					picked = regexp.MustCompile(`/connections/([^/]+)/start`).FindStringSubmatch(linkURL)[1]
					env.Emulator.ResetRequestCounts()
				},
				Config: withConnection,
				ConfigStateChecks: []statecheck.StateCheck{
					expectConnection("accounting", "id", knownvalue.StringFunc(func(id string) error {
						if id != picked {
							return fmt.Errorf("manages %s, not the business's connection %s", id, picked)
						}
						return nil
					})),
					expectConnection("accounting", "status", knownvalue.StringExact("Linked")),
				},
				Check: checkRoutes(env, map[string]int{routeCreateConnection: 0}),
			},
			{
				ResourceName:      "codat_connection.accounting",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return companyID + "/" + picked, nil },
			},
			{
				// Access revoked at the platform: refresh shows it, no diff.
				PreConfig: func() {
					if err := env.Emulator.SetConnectionStatus(companyID, picked, codat.StatusDeauthorized); err != nil {
						t.Fatal(err)
					}
				},
				Config:            withConnection,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{expectConnection("accounting", "status", knownvalue.StringExact("Deauthorized"))},
			},
			{
				// Deleted in the portal: the plan makes a new one.
				PreConfig: func() {
					if err := env.Client.DeleteConnection(env.ctx(t), companyID, picked); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequestCounts()
				},
				Config: withConnection,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("codat_connection.accounting", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectConnection("accounting", "status", knownvalue.StringExact("PendingAuth"))},
				Check:             checkRoutes(env, map[string]int{routeCreateConnection: 1}),
			},
		},
	})
}

// TestAccConnection_replaceAndDeleteOnDestroy: a platform change replaces
// the connection and keeps the old, linked one (unlinked); with
// delete_on_destroy a linked connection is deleted.
func TestAccConnection_replaceAndDeleteOnDestroy(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	var companyID, firstID, firstURL, secondID, secondURL string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + applicantCompany + connectionBlock("accounting", "gbol", ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr("codat_company.applicant", "id", &companyID),
					captureAttr("codat_connection.accounting", "id", &firstID),
					captureAttr("codat_connection.accounting", "link_url", &firstURL),
				),
			},
			{
				PreConfig: func() {
					authoriseOnLinkPage(t, firstURL)
					env.Emulator.ResetRequestCounts()
				},
				Config: env.providerBlock() + applicantCompany + connectionBlock("accounting", "qhyg", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("codat_connection.accounting", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectConnection("accounting", "platform_name", knownvalue.StringExact("QuickBooks Online"))},
				Check: resource.ComposeTestCheckFunc(
					captureAttr("codat_connection.accounting", "id", &secondID),
					captureAttr("codat_connection.accounting", "link_url", &secondURL),
					checkRoutes(env, map[string]int{routeUnlink: 1, routeDeleteConnection: 0, routeCreateConnection: 1}),
					func(*terraform.State) error {
						old, err := env.Client.GetConnection(env.ctx(t), companyID, firstID)
						if err != nil || old.Status != codat.StatusUnlinked {
							return fmt.Errorf("the linked Xero connection should be kept, Unlinked: %+v, %v", old, err)
						}
						return nil
					},
				),
			},
			{
				// delete_on_destroy changes in place, without a request.
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + applicantCompany + connectionBlock("accounting", "qhyg", "  delete_on_destroy = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("codat_connection.accounting", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("codat_connection.accounting", tfjsonpath.New("status"), knownvalue.NotNull()),
				}},
				Check: checkRoutes(env, map[string]int{routeUnlink: 0, routeDeleteConnection: 0, routeCreateConnection: 0}),
			},
			{
				PreConfig: func() {
					authoriseOnLinkPage(t, secondURL)
					env.Emulator.ResetRequestCounts()
				},
				Config: env.providerBlock() + applicantCompany,
				Check: resource.ComposeTestCheckFunc(
					checkRoutes(env, map[string]int{routeUnlink: 0, routeDeleteConnection: 1}),
					func(*terraform.State) error {
						if _, err := env.Client.GetConnection(env.ctx(t), companyID, secondID); !codat.IsNotFound(err) {
							return fmt.Errorf("delete_on_destroy kept the linked connection: %v", err)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccConnection_coexistence: codat_company's platform connection and
// codat_connection's live side by side, each managing its own; asking for
// one platform twice is an error before anything is written, at plan when
// the company exists and at apply when it is created in the same run.
func TestAccConnection_coexistence(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company := `
resource "codat_company" "applicant" {
  name         = "Harbour Bakery Ltd"
  platform_key = "gbol"
}
`
	clash := regexp.MustCompile(`(?s)Two resources manage the same Codat connection.*already managed by`)
	var companyID, managedID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				// Both new: the clash is found at apply, after the company is
				// made and before a second connection is.
				Config:      env.providerBlock() + company + connectionBlock("accounting", "gbol", ""),
				ExpectError: clash,
			},
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config:    env.providerBlock() + company + connectionBlock("banking", "suuo", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("codat_company.applicant", tfjsonpath.New("status"), knownvalue.StringExact("PendingAuth")),
					expectConnection("banking", "platform_name", knownvalue.StringExact("Plaid")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr("codat_company.applicant", "id", &companyID),
					captureAttr("codat_company.applicant", "connection_id", &managedID),
					checkRoutes(env, map[string]int{routeCreateConnection: 1}),
					func(s *terraform.State) error {
						got, err := env.Client.GetCompany(env.ctx(t), companyID)
						if err != nil || len(got.DataConnections) != 2 {
							return fmt.Errorf("want the company's Xero connection (one, made in the failed step) and Plaid: %+v, %v", got, err)
						}
						banking, _ := attrs(s, "codat_connection.banking")
						if banking["id"] == managedID {
							return fmt.Errorf("codat_connection adopted codat_company's connection %s", managedID)
						}
						return nil
					},
				),
			},
			{
				// The company exists: a second claim on Xero fails the plan.
				PreConfig:   env.Emulator.ResetRequestCounts,
				Config:      env.providerBlock() + company + connectionBlock("banking", "suuo", "") + connectionBlock("accounting", "gbol", ""),
				PlanOnly:    true,
				ExpectError: clash,
			},
			{
				// So do two codat_connection resources on one platform.
				Config:      env.providerBlock() + company + connectionBlock("banking", "suuo", "") + connectionBlock("banking_again", "suuo", ""),
				PlanOnly:    true,
				ExpectError: clash,
			},
			{
				// Destroying the codat_connection leaves codat_company's own
				// connection alone; the company still lists it.
				Config: env.providerBlock() + company,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("codat_company.applicant", tfjsonpath.New("status"), knownvalue.StringExact("PendingAuth")),
				},
				Check: func(*terraform.State) error {
					got, err := env.Client.GetCompany(env.ctx(t), companyID)
					if err != nil || len(got.DataConnections) != 1 || got.DataConnections[0].ID != managedID {
						return fmt.Errorf("want only codat_company's connection %s left: %+v, %v", managedID, got, err)
					}
					if routeCount(env, routeCreateConnection) != 0 {
						return fmt.Errorf("the refused plans created a connection")
					}
					return nil
				},
			},
		},
	})
}

// TestAccConnection_unknownPlatform: a well-formed key that is not in the
// catalogue fails the plan, naming the nearest keys; reading the catalogue
// is the only request.
func TestAccConnection_unknownPlatform(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:   env.Emulator.ResetRequestCounts,
			Config:      env.providerBlock() + fmt.Sprintf("resource \"codat_connection\" \"x\" {\n  company_id   = %q\n  platform_key = \"xero\"\n}\n", someCompanyID),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Unknown Codat platform key.*"xero".*Did you mean "gbol"\s+\(Xero\)`),
		}},
	})
	if counts := env.Emulator.RequestCounts(); counts.Total != 1 || counts.Routes[routeListIntegrations] != 1 {
		t.Errorf("an unknown platform cost %d requests (%v), want only the catalogue", counts.Total, counts.Routes)
	}
}

// A company_id Codat does not have fails the create on company_id, before
// any connection is asked for.
func TestAccConnection_companyNotFound(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf("resource \"codat_connection\" \"x\" {\n  company_id   = %q\n  platform_key = \"gbol\"\n}\n", someCompanyID),
			ExpectError: regexp.MustCompile(`(?s)Codat company not found.*` +
				wordsRE("Codat has no company with ID "+someCompanyID+". Check company_id").String()),
		}},
	})
}
