package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const (
	routeCompanyInfo = "GET /companies/{companyId}/data/info"
	routeGetCompany  = "GET /companies/{companyId}"
)

// newInfoTestEnv is newTestEnv with an emulator whose syncs take time
// (syncStep each for Queued and Fetching), optionally behind middleware.
func newInfoTestEnv(t *testing.T, syncStep time.Duration, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	emu := emulator.New(emulator.Options{SyncStepDuration: syncStep})
	var handler http.Handler = emu
	if wrap != nil {
		handler = wrap(emu)
	}
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return newEnvClient(t, &testEnv{BaseURL: server.URL, APIKey: emu.APIKey(), Emulator: emu})
}

// infoTestCompany creates, outside Terraform, a company with one connection
// to an accounting platform that the business has not authorised yet.
func infoTestCompany(t *testing.T, env *testEnv) (company *codat.Company, conn *codat.Connection) {
	t.Helper()
	return testCompanyOn(t, env, accountingPlatformKey(t, env))
}

// testCompanyOn creates, outside Terraform, a company with one connection to
// platformKey that the business has not authorised yet.
func testCompanyOn(t *testing.T, env *testEnv, platformKey string) (company *codat.Company, conn *codat.Connection) {
	t.Helper()
	ctx := env.ctx(t)
	company, err := env.Client.CreateCompany(ctx, codat.CompanyRequest{Name: "Info test " + t.Name()[len("TestAcc"):]})
	if err != nil {
		t.Fatalf("creating a company: %v", err)
	}
	t.Cleanup(func() { _ = env.Client.DeleteCompany(ctx, company.ID) })
	conn, err = env.Client.CreateConnection(ctx, company.ID, platformKey)
	if err != nil {
		t.Fatalf("connecting the company: %v", err)
	}
	return company, conn
}

// accountingPlatformKey is Codat's accounting sandbox if the catalogue has
// it, else the first enabled accounting platform a business signs in to.
func accountingPlatformKey(t *testing.T, env *testEnv) string {
	t.Helper()
	catalogue := env.catalogue(t)
	if in, ok := codat.FindIntegration(catalogue, "mqjo"); ok && in.Enabled {
		return in.Key
	}
	for _, in := range catalogue {
		if in.Enabled && in.SourceType == codat.SourceTypeAccounting && !in.IsOfflineConnector {
			return in.Key
		}
	}
	t.Fatal("no enabled accounting platform in the catalogue")
	return ""
}

func companyInfoConfig(env *testEnv, companyID, extra string) string {
	return env.providerBlock() + fmt.Sprintf(`
data "codat_company_info" "x" {
  company_id = %q
%s}
`, companyID, extra)
}

// checkCompanyInfoMatches compares the data source's state with what the
// test's own client reads from Codat, attribute by attribute.
func checkCompanyInfoMatches(t *testing.T, env *testEnv, companyID string) resource.TestCheckFunc {
	const addr = "data.codat_company_info.x"
	return func(s *terraform.State) error {
		info, err := env.Client.GetCompanyInfo(env.ctx(t), companyID)
		if err != nil {
			return fmt.Errorf("reading company info outside Terraform: %w", err)
		}
		if info.CompanyName == "" {
			return fmt.Errorf("Codat returned no company name, so the comparison proves little")
		}
		var checks []resource.TestCheckFunc
		attr := func(name, want string) {
			if want == "" {
				checks = append(checks, resource.TestCheckNoResourceAttr(addr, name))
				return
			}
			checks = append(checks, resource.TestCheckResourceAttr(addr, name, want))
		}
		attr("company_name", info.CompanyName)
		attr("legal_name", info.CompanyLegalName)
		attr("platform_ref", info.AccountingPlatformRef)
		attr("base_currency", info.BaseCurrency)
		attr("registration_number", info.RegistrationNumber)
		attr("tax_number", info.TaxNumber)
		attr("financial_year_start_date", info.FinancialYearStartDate)
		attr("ledger_lock_date", info.LedgerLockDate)
		attr("created_date", info.CreatedDate)
		attr("addresses.#", strconv.Itoa(len(info.Addresses)))
		for i, a := range info.Addresses {
			p := fmt.Sprintf("addresses.%d.", i)
			attr(p+"type", a.Type)
			attr(p+"line1", a.Line1)
			attr(p+"line2", a.Line2)
			attr(p+"city", a.City)
			attr(p+"region", a.Region)
			attr(p+"country", a.Country)
			attr(p+"postal_code", a.PostalCode)
		}
		attr("phone_numbers.#", strconv.Itoa(len(info.PhoneNumbers)))
		for i, n := range info.PhoneNumbers {
			attr(fmt.Sprintf("phone_numbers.%d.number", i), n.Number)
			attr(fmt.Sprintf("phone_numbers.%d.type", i), n.Type)
		}
		attr("web_links.#", strconv.Itoa(len(info.WebLinks)))
		for i, w := range info.WebLinks {
			attr(fmt.Sprintf("web_links.%d.type", i), w.Type)
			attr(fmt.Sprintf("web_links.%d.url", i), w.URL)
		}
		attr("source_urls.%", strconv.Itoa(len(info.SourceURLs)))
		for k, v := range info.SourceURLs {
			attr("source_urls."+k, v)
		}
		return resource.ComposeAggregateTestCheckFunc(checks...)(s)
	}
}

// TestAccCompanyInfoDataSource_notSyncedThenSynced: before the business
// authorises, the 409 becomes a diagnostic that says what to do and gives
// the link; once it has authorised and the sync completed, the data source
// returns what Codat returns.
func TestAccCompanyInfoDataSource_notSyncedThenSynced(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, conn := infoTestCompany(t, env)
	config := companyInfoConfig(env, company.ID, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: regexp.MustCompile(`(?s)Codat company info not synced yet.*` +
					wordsRE("The business has not authorised access yet").String() + `.*` +
					regexp.QuoteMeta(conn.LinkURL) + `.*` +
					wordsRE(`set wait_for_sync (for example "5m")`).String()),
			},
			{
				PreConfig: func() {
					if err := env.Emulator.Authorize(company.ID, conn.ID); err != nil {
						t.Fatalf("authorising: %v", err)
					}
				},
				Config: config,
				Check:  checkCompanyInfoMatches(t, env, company.ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.codat_company_info.x", tfjsonpath.New("wait_for_sync"), knownvalue.Null()),
				},
			},
		},
	})
}

// TestAccCompanyInfoDataSource_linkedNotSynced: authorised, but the sync is
// still running: the diagnostic says so, with the data type's status.
func TestAccCompanyInfoDataSource_linkedNotSynced(t *testing.T) {
	t.Parallel()
	env, company := syncingTestCompany(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: companyInfoConfig(env, company.ID, ""),
			ExpectError: regexp.MustCompile(`(?s)Codat company info not synced yet.*` +
				wordsRE("The business has authorised access, but Codat has not synced").String() +
				`.*` + wordsRE("(its status is Queued)").String()),
		}},
	})
}

// TestAccCompanyInfoDataSource_syncFailed: authorised, but the pull of the
// company data type failed: the diagnostic says waiting will not help.
func TestAccCompanyInfoDataSource_syncFailed(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, _ := linkedTestCompany(t, env, emulator.PullFailure{DataType: "company", Status: codat.PullStatusFetchError})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: companyInfoConfig(env, company.ID, ""),
			ExpectError: regexp.MustCompile(`(?s)Codat company info not synced yet.*` +
				wordsRE("its last sync ended with FetchError, so waiting will not help").String()),
		}},
	})
}

// TestAccCompanyInfoDataSource_waitForSync: the business authorises only
// after Terraform's first read (answered 409), and the sync then takes two
// seconds; wait_for_sync polls until the info is there.
func TestAccCompanyInfoDataSource_waitForSync(t *testing.T) {
	t.Parallel()
	// The middleware runs on the server's goroutines: it learns the company
	// through atomics once the test has created it.
	var (
		companyID, connectionID atomic.Pointer[string]
		once                    sync.Once
		env                     *testEnv
	)
	env = newInfoTestEnv(t, time.Second, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			id, connID := companyID.Load(), connectionID.Load()
			if r.Method == http.MethodGet && id != nil && connID != nil && strings.HasSuffix(r.URL.Path, "/companies/"+*id+"/data/info") {
				once.Do(func() {
					if err := env.Emulator.Authorize(*id, *connID); err != nil {
						t.Errorf("authorising: %v", err)
					}
				})
			}
		})
	})
	company, conn := infoTestCompany(t, env)
	companyID.Store(&company.ID)
	connectionID.Store(&conn.ID)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			Config:    companyInfoConfig(env, company.ID, "  wait_for_sync = \"1m\"\n"),
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					// At least: the 409 that triggered the authorisation, a
					// poll while the sync ran, and the 200.
					if got := env.Emulator.RequestCounts().Routes[routeCompanyInfo]; got < 3 {
						return fmt.Errorf("%s was requested %d times, want at least 3: the data source did not wait", routeCompanyInfo, got)
					}
					return nil
				},
				checkCompanyInfoMatches(t, env, company.ID),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.codat_company_info.x", tfjsonpath.New("wait_for_sync"), knownvalue.StringExact("1m")),
			},
		}},
	})
}

// TestAccCompanyInfoDataSource_waitTimesOut: the business has authorised,
// but the sync outlasts wait_for_sync; the wait ends then, with the reason.
func TestAccCompanyInfoDataSource_waitTimesOut(t *testing.T) {
	t.Parallel()
	env, company := syncingTestCompany(t)
	var started time.Time
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { started = time.Now(); env.Emulator.ResetRequestCounts() },
			Config:    companyInfoConfig(env, company.ID, "  wait_for_sync = \"3s\"\n"),
			ExpectError: regexp.MustCompile(`(?s)Codat company info not synced yet.*` +
				wordsRE("after wait_for_sync (3s)").String() + `.*` +
				wordsRE("The business has authorised access, but Codat has not synced").String() + `.*` +
				wordsRE("raise wait_for_sync").String()),
		}},
	})
	if elapsed := time.Since(started); elapsed < 3*time.Second {
		t.Errorf("failed after %s, before wait_for_sync (3s) was up", elapsed)
	}
	// Polls at 0, 1s, 2.5s and 3s: soon at first, and once at the deadline.
	if got := env.Emulator.RequestCounts().Routes[routeCompanyInfo]; got < 3 || got > 6 {
		t.Errorf("%s was requested %d times in a 3s wait, want 3 to 6", routeCompanyInfo, got)
	}
}

// TestAccCompanyInfoDataSource_waitNotLinked: the business has not
// authorised, so no sync can start and waiting cannot help: the read fails
// at once, with the link to send it, instead of waiting out wait_for_sync.
func TestAccCompanyInfoDataSource_waitNotLinked(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company, conn := infoTestCompany(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequestCounts,
			Config:    companyInfoConfig(env, company.ID, "  wait_for_sync = \"30s\"\n"),
			ExpectError: regexp.MustCompile(`(?s)Codat company info not synced yet.*` +
				wordsRE("wait_for_sync (30s) did not wait, because Codat syncs nothing until a connection of the company is Linked").String() + `.*` +
				wordsRE("The business has not authorised access yet").String() + `.*` +
				regexp.QuoteMeta(conn.LinkURL) + `.*` +
				wordsRE("Apply again once the business has authorised").String()),
		}},
	})
	// One read of the info, one of the company (reused for the message).
	counts := env.Emulator.RequestCounts().Routes
	if counts[routeCompanyInfo] != 1 || counts[routeGetCompany] != 1 {
		t.Errorf("requests: %s %d, %s %d; want 1 each (no wait)", routeCompanyInfo, counts[routeCompanyInfo],
			routeGetCompany, counts[routeGetCompany])
	}
}

// TestCompanyInfoWait_cancelStops: cancelling the context (Terraform
// interrupted) ends a wait at once, however long wait_for_sync is.
func TestCompanyInfoWait_cancelStops(t *testing.T) {
	t.Parallel()
	env, company := syncingTestCompany(t) // authorised, but the sync takes an hour
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := env.Client.WaitForCompanyInfo(ctx, company.ID, time.Hour)
	var stopped *codat.WaitStoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("err = %v, want a codat.WaitStoppedError", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("the wait went on for %s after the context ended at 1.5s", elapsed)
	}
	if got := env.Emulator.RequestCounts().Routes[routeCompanyInfo]; got < 2 {
		t.Errorf("%s was requested %d times, want at least 2 (one poll 1s after the first)", routeCompanyInfo, got)
	}
}
