package codat_test

// These tests run the client against the in-process emulator. They live in
// the external test package because the emulator imports codat.

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const emulatorKey = "emulator-test-key-0123456789abcdef"

// recordedSleeps is a fake clock: Sleep records the wait and moves Now on.
type recordedSleeps struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (r *recordedSleeps) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *recordedSleeps) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sleeps = append(r.sleeps, d)
	r.now = r.now.Add(d)
	return nil
}

func (r *recordedSleeps) Sleeps() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.sleeps...)
}

type emulatorHarness struct {
	emu    *emulator.Emulator
	client *codat.Client
	clock  *recordedSleeps
	url    string
}

func newEmulatorHarness(t *testing.T, opts emulator.Options) *emulatorHarness {
	t.Helper()
	return newEmulatorHarnessWithTransport(t, opts, nil)
}

// newEmulatorHarnessWithTransport sets the client's base transport. Tests of
// dropped connections pass one without keep-alives: on a reused connection
// net/http itself replays an idempotent request once, which would hide one of
// our retries from the count.
func newEmulatorHarnessWithTransport(t *testing.T, opts emulator.Options, base http.RoundTripper) *emulatorHarness {
	t.Helper()
	opts.APIKey = emulatorKey
	if opts.SyncStepDuration == 0 {
		opts.SyncStepDuration = emulator.NoSyncDelay
	}
	emu := emulator.New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	clock := &recordedSleeps{now: time.Now().Truncate(time.Second)}
	client, err := codat.New(codat.Config{
		BaseURL: srv.URL, APIKey: emulatorKey, UserAgent: "terraform-provider-codat/test", Transport: base,
		Retry: codat.RetryPolicy{Now: clock.Now, Sleep: clock.Sleep,
			Jitter: func(d time.Duration) time.Duration { return d }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &emulatorHarness{emu: emu, client: client, clock: clock, url: srv.URL}
}

func (h *emulatorHarness) routeCount(route string) int { return h.emu.RequestCounts().Routes[route] }

func (h *emulatorHarness) script(t *testing.T, faults ...emulator.ScriptedFault) {
	t.Helper()
	if err := h.emu.ScriptFaults(faults...); err != nil {
		t.Fatalf("ScriptFaults: %v", err)
	}
}

// must(call(...))(t) fails t on an error and returns the value.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestEmulatorLifecycle runs every client operation against the emulator.
func TestEmulatorLifecycle(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	c := h.client

	integrations := must(c.ListIntegrations(ctx, codat.ListOptions{}))(t)
	if len(integrations) == 0 {
		t.Fatal("no integrations")
	}
	if n := h.routeCount("GET /integrations"); n != 1 {
		t.Errorf("catalogue took %d requests, want 1", n)
	}
	accounting := must(c.ListIntegrations(ctx, codat.ListOptions{Query: "sourceType=Accounting"}))(t)
	for _, in := range accounting {
		if in.SourceType != codat.SourceTypeAccounting {
			t.Errorf("query not applied: %+v", in)
		}
	}
	xero := must(c.GetIntegration(ctx, "gbol"))(t)
	if xero.Key != "gbol" || xero.Name == "" {
		t.Errorf("integration = %+v", xero)
	}
	if _, err := c.GetIntegration(ctx, "zzzz"); !codat.IsNotFound(err) {
		t.Errorf("unknown integration: %v", err)
	}

	company := must(c.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme", Description: "first",
		Tags: map[string]string{"region": "uk"}}))(t)
	if company.ID == "" || company.Name != "Acme" || company.Tags["region"] != "uk" || company.Redirect == "" {
		t.Errorf("created = %+v", company)
	}
	if got := must(c.GetCompany(ctx, company.ID))(t); got.ID != company.ID {
		t.Errorf("get = %+v", got)
	}
	tagged := must(c.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: "region=uk"}))(t)
	if len(tagged) != 1 || tagged[0].ID != company.ID {
		t.Errorf("tag filter = %+v", tagged)
	}
	replaced := must(c.ReplaceCompany(ctx, company.ID, codat.CompanyRequest{Name: "Acme Ltd"}))(t)
	if replaced.Name != "Acme Ltd" || replaced.Description != "" || len(replaced.Tags) != 0 {
		t.Errorf("replace kept old fields: %+v", replaced)
	}
	desc := "second"
	updated := must(c.UpdateCompany(ctx, company.ID, codat.CompanyUpdate{Description: &desc}))(t)
	if updated.Name != "Acme Ltd" || updated.Description != "second" {
		t.Errorf("update = %+v", updated)
	}

	conn := must(c.CreateConnection(ctx, company.ID, "gbol"))(t)
	if conn.ID == "" || conn.Status != codat.StatusPendingAuth {
		t.Errorf("connection = %+v", conn)
	}
	if _, err := c.CreateConnection(ctx, company.ID, "nope"); !codat.IsBadRequest(err) {
		t.Errorf("bad platform key: %v", err)
	}
	if err := h.emu.Authorize(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	if got := must(c.GetConnection(ctx, company.ID, conn.ID))(t); got.Status != codat.StatusLinked {
		t.Errorf("after authorize status = %q", got.Status)
	}
	conns := must(c.ListConnections(ctx, company.ID, codat.ListOptions{}))(t)
	if len(conns) != 1 || conns[0].ID != conn.ID {
		t.Errorf("connections = %+v", conns)
	}

	if err := c.RefreshAllData(ctx, company.ID); err != nil {
		t.Fatal(err)
	}
	pull := must(c.RefreshDataType(ctx, company.ID, "company", conn.ID))(t)
	if pull.ID == "" || pull.DataType != "company" {
		t.Errorf("pull = %+v", pull)
	}
	if got := must(c.GetPullOperation(ctx, company.ID, pull.ID))(t); got.ID != pull.ID {
		t.Errorf("get pull = %+v", got)
	}
	pulls := must(c.ListPullOperations(ctx, company.ID, codat.ListOptions{}))(t)
	if len(pulls) == 0 {
		t.Error("no pull operations")
	}
	statuses := must(c.GetDataStatus(ctx, company.ID))(t)
	if st, ok := statuses["company"]; !ok || st.CurrentStatus != codat.PullStatusComplete {
		t.Errorf("data status = %+v", statuses)
	}
	info := must(c.GetCompanyInfo(ctx, company.ID))(t)
	if info.CompanyName == "" {
		t.Errorf("company info = %+v", info)
	}

	settings := must(c.GetCompanySyncSettings(ctx, company.ID))(t)
	if len(settings.Settings) == 0 {
		t.Fatal("no company sync settings")
	}
	settings.Settings[0].SyncSchedule = 48
	if err := c.SetCompanySyncSettings(ctx, company.ID, *settings); err != nil {
		t.Fatal(err)
	}
	if got := must(c.GetCompanySyncSettings(ctx, company.ID))(t); got.Settings[0].SyncSchedule != 48 {
		t.Errorf("company sync settings not saved: %+v", got.Settings[0])
	}
	profile := must(c.GetProfileSyncSettings(ctx))(t)
	if len(profile.Settings) == 0 {
		t.Fatal("no profile sync settings")
	}
	profile.Settings[0].SyncOrder = 99
	if err := c.SetProfileSyncSettings(ctx, *profile); err != nil {
		t.Fatal(err)
	}
	if got := must(c.GetProfileSyncSettings(ctx))(t); got.Settings[0].SyncOrder != 99 {
		t.Errorf("profile sync settings not saved: %+v", got.Settings[0])
	}

	unlinked := must(c.UnlinkConnection(ctx, company.ID, conn.ID))(t)
	if unlinked.Status != codat.StatusUnlinked {
		t.Errorf("unlink status = %q", unlinked.Status)
	}
	if err := c.DeleteConnection(ctx, company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConnection(ctx, company.ID, conn.ID); !codat.IsNotFound(err) {
		t.Errorf("deleted connection: %v", err)
	}
	if err := c.DeleteCompany(ctx, company.ID); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetCompany(ctx, company.ID)
	if !codat.IsNotFound(err) || !strings.Contains(err.Error(), "No company was found with ID "+company.ID) {
		t.Errorf("deleted company: %v", err)
	}
	if len(h.clock.Sleeps()) != 0 || c.Stats().Retries != 0 {
		t.Errorf("unexpected retries: %v", h.clock.Sleeps())
	}
}

func TestEmulatorCompanyInfoConflictWhileSyncing(t *testing.T) {
	frozen := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newEmulatorHarness(t, emulator.Options{SyncStepDuration: time.Hour, Now: func() time.Time { return frozen }})
	ctx := context.Background()
	company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	_, err := h.client.GetCompanyInfo(ctx, company.ID)
	if !codat.IsConflict(err) {
		t.Fatalf("err = %v, want 409", err)
	}
	if n := h.routeCount("GET /companies/{companyId}/data/info"); n != 1 {
		t.Errorf("409 was retried: %d requests", n)
	}
}

func TestEmulatorPagingFollowsPages(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	for range 7 {
		must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	}
	got := must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{PageSize: 3, OrderBy: "-created"}))(t)
	if len(got) != 7 {
		t.Errorf("listed %d companies, want 7", len(got))
	}
	seen := map[string]bool{}
	for _, c := range got {
		if seen[c.ID] {
			t.Errorf("duplicate %s", c.ID)
		}
		seen[c.ID] = true
	}
	if n := h.routeCount("GET /companies"); n != 3 {
		t.Errorf("requests = %d, want 3", n)
	}
	if _, err := h.client.ListCompanies(ctx, codat.ListCompaniesOptions{Query: "name~~"}); !codat.IsBadRequest(err) {
		t.Errorf("malformed query: %v", err)
	}
}

func TestEmulatorRejectsWrongKeyWithoutLeakingIt(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	wrongKey := "wrong-key-abcdef0123456789"
	c, err := codat.New(codat.Config{BaseURL: h.url, APIKey: wrongKey})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListCompanies(context.Background(), codat.ListCompaniesOptions{})
	if !codat.IsUnauthorized(err) {
		t.Fatalf("err = %v, want 401", err)
	}
	encoded := base64.StdEncoding.EncodeToString([]byte(wrongKey))
	if strings.Contains(err.Error(), wrongKey) || strings.Contains(err.Error(), encoded) {
		t.Errorf("key leaked: %v", err)
	}
	h.emu.SetAPIKey("rotated-key-0123456789")
	if _, err := h.client.ListCompanies(context.Background(), codat.ListCompaniesOptions{}); codat.StatusCode(err) != http.StatusForbidden || !codat.IsUnauthorized(err) {
		t.Errorf("retired key: %v", err)
	}
}

func TestEmulatorRetriesReadsThroughScriptedFaults(t *testing.T) {
	cases := []struct {
		name       string
		fault      emulator.ScriptedFault
		wantSleeps []time.Duration
	}{
		{"503 twice", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 503, Count: 2},
			[]time.Duration{500 * time.Millisecond, 750 * time.Millisecond}},
		{"500", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 500}, []time.Duration{500 * time.Millisecond}},
		{"502", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 502}, []time.Duration{500 * time.Millisecond}},
		{"504", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 504}, []time.Duration{500 * time.Millisecond}},
		{"408", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 408}, []time.Duration{500 * time.Millisecond}},
		{"429 Retry-After 3", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 429, RetryAfter: "3"},
			[]time.Duration{3 * time.Second}},
		{"429 no header", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 429}, []time.Duration{500 * time.Millisecond}},
		{"drop", emulator.ScriptedFault{Route: "GET /companies/{companyId}", Drop: true, Count: 2},
			[]time.Duration{500 * time.Millisecond, 750 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newEmulatorHarnessWithTransport(t, emulator.Options{}, &http.Transport{DisableKeepAlives: true})
			ctx := context.Background()
			company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
			h.script(t, tc.fault)
			got, err := h.client.GetCompany(ctx, company.ID)
			if err != nil {
				t.Fatalf("GetCompany: %v", err)
			}
			if got.ID != company.ID {
				t.Errorf("got %+v", got)
			}
			if s := h.clock.Sleeps(); !slices.Equal(s, tc.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", s, tc.wantSleeps)
			}
			if n := h.routeCount("GET /companies/{companyId}"); n != len(tc.wantSleeps)+1 {
				t.Errorf("requests = %d, want %d", n, len(tc.wantSleeps)+1)
			}
		})
	}
}

func TestEmulatorRetryExhaustionReturnsLastError(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	h.script(t, emulator.ScriptedFault{Route: "GET /companies", Status: 503, Count: 100})
	_, err := h.client.ListCompanies(context.Background(), codat.ListCompaniesOptions{})
	apiErr, ok := codat.AsAPIError(err)
	if !ok || apiErr.StatusCode != 503 || apiErr.Attempts != codat.DefaultMaxRetries+1 {
		t.Fatalf("err = %v", err)
	}
	if n := h.routeCount("GET /companies"); n != codat.DefaultMaxRetries+1 {
		t.Errorf("requests = %d", n)
	}
}

// TestEmulatorCreatesAreNotRetriedOnceSent: after 408 or 5xx a create is not
// sent again (under its key Codat would replay the failure; CreateCompanyOnce
// looks first). After no answer it is, under the same key, and Codat's
// replay of the first answer means one company either way.
func TestEmulatorCreatesAreNotRetriedOnceSent(t *testing.T) {
	cases := []struct {
		name     string
		fault    emulator.ScriptedFault
		wantErr  bool
		wantSent int
	}{
		{"500", emulator.ScriptedFault{Route: "POST /companies", Status: 500}, true, 1},
		{"503 with Retry-After", emulator.ScriptedFault{Route: "POST /companies", Status: 503, RetryAfter: "1"}, true, 1},
		{"408", emulator.ScriptedFault{Route: "POST /companies", Status: 408}, true, 1},
		{"drop", emulator.ScriptedFault{Route: "POST /companies", Drop: true}, false, 2},
		// The ambiguous create: the company exists, and the resend under
		// its key returns it rather than creating a second one.
		{"drop after write", emulator.ScriptedFault{Route: "POST /companies", DropAfterWrite: true}, false, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newEmulatorHarnessWithTransport(t, emulator.Options{}, &http.Transport{DisableKeepAlives: true})
			ctx := context.Background()
			h.script(t, tc.fault)
			if _, err := h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}); (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if n := h.routeCount("POST /companies"); n != tc.wantSent {
				t.Errorf("create sent %d times, want %d", n, tc.wantSent)
			}
			wantCreated := 1
			if tc.wantErr {
				wantCreated = 0
			}
			companies := must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{}))(t)
			if len(companies) != wantCreated {
				t.Errorf("%d companies exist, want %d", len(companies), wantCreated)
			}
			if n := len(h.clock.Sleeps()); n != tc.wantSent-1 {
				t.Errorf("slept %v", h.clock.Sleeps())
			}
		})
	}
}

func TestEmulatorCreateRetriedOnRateLimit(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	h.script(t, emulator.ScriptedFault{Route: "POST /companies", Status: 429, RetryAfter: "2", Count: 2})
	company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	if company.Name != "Acme" {
		t.Errorf("company = %+v", company)
	}
	if n := h.routeCount("POST /companies"); n != 3 {
		t.Errorf("create sent %d times, want 3", n)
	}
	if s := h.clock.Sleeps(); !slices.Equal(s, []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Errorf("sleeps = %v", s)
	}
	if companies := must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{}))(t); len(companies) != 1 {
		t.Errorf("%d companies, want 1", len(companies))
	}
}

func TestEmulatorCreateConnectionRetryRules(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	route := "POST /companies/{companyId}/connections"

	h.script(t, emulator.ScriptedFault{Route: route, Status: 503})
	if _, err := h.client.CreateConnection(ctx, company.ID, "gbol"); codat.StatusCode(err) != 503 {
		t.Fatalf("err = %v, want 503", err)
	}
	h.script(t, emulator.ScriptedFault{Route: route, DropAfterWrite: true})
	replayed := must(h.client.CreateConnection(ctx, company.ID, "gbol"))(t)
	if n := h.routeCount(route); n != 3 {
		t.Errorf("sent %d times, want 3 (the 503 not retried; the lost answer replayed)", n)
	}
	h.script(t, emulator.ScriptedFault{Route: route, Status: 429, RetryAfter: "1"})
	conn := must(h.client.CreateConnection(ctx, company.ID, "gbol"))(t)
	if conn.ID == "" {
		t.Error("no connection id")
	}
	if n := h.routeCount(route); n != 5 {
		t.Errorf("sent %d times, want 5", n)
	}
	if replayed.ID == conn.ID {
		t.Error("two creates answered with one connection")
	}
	conns := must(h.client.ListConnections(ctx, company.ID, codat.ListOptions{}))(t)
	// One from the drop-after-write (replayed), one from the retried 429.
	if len(conns) != 2 {
		t.Errorf("%d connections, want 2", len(conns))
	}
}

func TestEmulatorIdempotentWritesRetried(t *testing.T) {
	// No keep-alives: net/http replays a request carrying an
	// Idempotency-Key by itself when a reused connection drops.
	h := newEmulatorHarnessWithTransport(t, emulator.Options{}, &http.Transport{DisableKeepAlives: true})
	ctx := context.Background()
	company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	conn := must(h.client.CreateConnection(ctx, company.ID, "gbol"))(t)
	if err := h.emu.Authorize(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	h.script(t,
		emulator.ScriptedFault{Route: "PUT /companies/{companyId}", DropAfterWrite: true},
		emulator.ScriptedFault{Route: "PATCH /companies/{companyId}", Status: 503},
		emulator.ScriptedFault{Route: "POST /companies/{companyId}/syncSettings", Status: 500},
		emulator.ScriptedFault{Route: "POST /companies/{companyId}/data/all", Drop: true},
		emulator.ScriptedFault{Route: "DELETE /companies/{companyId}", Status: 502},
	)
	replaced := must(h.client.ReplaceCompany(ctx, company.ID, codat.CompanyRequest{Name: "Renamed"}))(t)
	if replaced.Name != "Renamed" {
		t.Errorf("replace = %+v", replaced)
	}
	name := "Again"
	must(h.client.UpdateCompany(ctx, company.ID, codat.CompanyUpdate{Name: &name}))(t)
	settings := must(h.client.GetCompanySyncSettings(ctx, company.ID))(t)
	if err := h.client.SetCompanySyncSettings(ctx, company.ID, *settings); err != nil {
		t.Fatal(err)
	}
	if err := h.client.RefreshAllData(ctx, company.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.client.DeleteCompany(ctx, company.ID); err != nil {
		t.Fatal(err)
	}
	if got := h.client.Stats().Retries; got != 5 {
		t.Errorf("retries = %d, want 5", got)
	}
}

func TestEmulatorDeadlineStopsRetries(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	h.script(t, emulator.ScriptedFault{Route: "GET /companies", Status: 429, RetryAfter: "30", Count: 10})
	ctx, cancel := context.WithDeadline(context.Background(), h.clock.Now().Add(45*time.Second))
	defer cancel()
	_, err := h.client.ListCompanies(ctx, codat.ListCompaniesOptions{})
	if !codat.IsRateLimited(err) {
		t.Fatalf("err = %v, want 429", err)
	}
	if s := h.clock.Sleeps(); !slices.Equal(s, []time.Duration{30 * time.Second}) {
		t.Errorf("sleeps = %v, want one 30s wait", s)
	}
}
