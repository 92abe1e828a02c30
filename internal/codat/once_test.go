package codat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const (
	onceKey   = "create-token"
	onceValue = "tok.1700000000.0123abcd"
)

func taggedRequest(name string) codat.CompanyRequest {
	return codat.CompanyRequest{Name: name, Tags: map[string]string{"region": "uk", onceKey: onceValue}}
}

// TestCreateCompanyOnce: whatever happens to the create, exactly one company
// exists afterwards when it succeeds, none when it fails for a known reason,
// and a create Codat may have carried out is never sent again without a
// look-up first, nor kept after one without a look-up that shows it.
func TestCreateCompanyOnce(t *testing.T) {
	cases := []struct {
		name        string
		faults      []emulator.ScriptedFault
		wantErr     bool
		wantUnknown bool // whether the error still reports an unknown outcome
		wantPosts   int
		wantLookups int
		wantSleeps  int
		wantCount   int
	}{
		{name: "answered", wantPosts: 1, wantCount: 1},
		{name: "answer lost after Codat created it: resent under the same key, Codat replays it",
			faults:    []emulator.ScriptedFault{{Route: "POST /companies", DropAfterWrite: true}},
			wantPosts: 2, wantSleeps: 1, wantCount: 1},
		{name: "connection dropped before Codat read it: resent under the same key",
			faults:    []emulator.ScriptedFault{{Route: "POST /companies", Drop: true}},
			wantPosts: 2, wantSleeps: 1, wantCount: 1},
		{name: "every answer lost: looked up after the retries",
			faults:    []emulator.ScriptedFault{{Route: "POST /companies", DropAfterWrite: true, Count: codat.DefaultMaxRetries + 1}},
			wantPosts: codat.DefaultMaxRetries + 1, wantLookups: 1, wantSleeps: codat.DefaultMaxRetries, wantCount: 1},
		{name: "500 then 503: a look-up before each resend, and one after the last",
			faults: []emulator.ScriptedFault{{Route: "POST /companies", Status: 500},
				{Route: "POST /companies", Status: 503}},
			wantPosts: 3, wantLookups: 3, wantSleeps: 2, wantCount: 1},
		{name: "408",
			faults:    []emulator.ScriptedFault{{Route: "POST /companies", Status: 408}},
			wantPosts: 2, wantLookups: 2, wantSleeps: 1, wantCount: 1},
		{name: "429 is retried by the transport without a look-up",
			faults:    []emulator.ScriptedFault{{Route: "POST /companies", Status: 429, RetryAfter: "1", Count: 2}},
			wantPosts: 3, wantSleeps: 2, wantCount: 1},
		{name: "400 is a refusal",
			faults:  []emulator.ScriptedFault{{Route: "POST /companies", Status: 400}},
			wantErr: true, wantPosts: 1},
		{name: "always 500: gives up after the retries, having looked each time (which proves nothing: a list may lag)",
			faults:  []emulator.ScriptedFault{{Route: "POST /companies", Status: 500, Count: 100}},
			wantErr: true, wantUnknown: true, wantPosts: codat.DefaultMaxRetries + 1, wantLookups: codat.DefaultMaxRetries + 1,
			wantSleeps: codat.DefaultMaxRetries},
		{name: "500 and the look-up fails",
			faults: []emulator.ScriptedFault{{Route: "POST /companies", Status: 500},
				{Route: "GET /companies", Status: 403}},
			wantErr: true, wantUnknown: true, wantPosts: 1, wantLookups: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newEmulatorHarness(t, emulator.Options{})
			ctx := context.Background()
			h.script(t, tc.faults...)
			company, err := h.client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && (company == nil || company.Tags[onceKey] != onceValue) {
				t.Errorf("company = %+v, want the tagged company", company)
			}
			if got := codat.OutcomeUnknown(err); got != tc.wantUnknown {
				t.Errorf("OutcomeUnknown(%v) = %v, want %v", err, got, tc.wantUnknown)
			}
			if n := h.routeCount("POST /companies"); n != tc.wantPosts {
				t.Errorf("POST /companies sent %d times, want %d", n, tc.wantPosts)
			}
			if n := h.routeCount("GET /companies"); n != tc.wantLookups {
				t.Errorf("look-ups: %d, want %d", n, tc.wantLookups)
			}
			if n := len(h.clock.Sleeps()); n != tc.wantSleeps {
				t.Errorf("slept %v, want %d waits", h.clock.Sleeps(), tc.wantSleeps)
			}
			h.emu.ClearScriptedFaults()
			if n := len(must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{}))(t)); n != tc.wantCount {
				t.Errorf("%d companies exist, want %d", n, tc.wantCount)
			}
		})
	}
}

// withOldestTagged is an emulator holding one company that carries the
// create's token, created an hour ago, so that companies made later sort
// after it.
func withOldestTagged(t *testing.T) (*emulatorHarness, *codat.Company) {
	t.Helper()
	var clock atomic.Int64
	clock.Store(time.Now().Add(-time.Hour).Unix())
	h := newEmulatorHarness(t, emulator.Options{Now: func() time.Time { return time.Unix(clock.Load(), 0) }})
	first := must(h.client.CreateCompany(context.Background(), taggedRequest("Acme")))(t)
	clock.Store(time.Now().Unix())
	return h, first
}

// TestCreateCompanyOnceRemovesLateDuplicates: a company carrying the same
// token (an earlier attempt Codat carried out after a look-up) is deleted,
// and the oldest is kept.
func TestCreateCompanyOnceRemovesLateDuplicates(t *testing.T) {
	h, first := withOldestTagged(t)
	ctx := context.Background()
	must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Other", Tags: map[string]string{onceKey: "another-token"}}))(t)
	must(h.client.CreateCompany(ctx, taggedRequest("Acme")))(t) // a late duplicate
	h.script(t, emulator.ScriptedFault{Route: "POST /companies", Status: 503})
	got := must(h.client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue))(t)
	if got.ID != first.ID {
		t.Errorf("kept %s, want the oldest, %s", got.ID, first.ID)
	}
	list := must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{}))(t)
	if len(list) != 2 {
		t.Errorf("%d companies, want 2 (the kept one and the unrelated one)", len(list))
	}
}

// TestCreateCompanyOnceKeepsDuplicatesInUse: a duplicate carrying the token
// that has a connection is in use after all, so it is never deleted.
func TestCreateCompanyOnceKeepsDuplicatesInUse(t *testing.T) {
	h, first := withOldestTagged(t)
	ctx := context.Background()
	inUse := must(h.client.CreateCompany(ctx, taggedRequest("Acme")))(t)
	must(h.client.CreateConnection(ctx, inUse.ID, "gbol"))(t)
	must(h.client.CreateCompany(ctx, taggedRequest("Acme")))(t) // a late duplicate, empty
	h.script(t, emulator.ScriptedFault{Route: "POST /companies", Status: 503})
	got := must(h.client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue))(t)
	if got.ID != first.ID {
		t.Errorf("kept %s, want the oldest, %s", got.ID, first.ID)
	}
	if _, err := h.client.GetCompany(ctx, inUse.ID); err != nil {
		t.Errorf("the duplicate with a connection is gone: %v", err)
	}
	if n := len(must(h.client.ListCompanies(ctx, codat.ListCompaniesOptions{}))(t)); n != 2 {
		t.Errorf("%d companies, want 2 (the oldest and the one in use; the empty duplicate deleted)", n)
	}
}

func TestCreateCompanyOnceRefusesBadToken(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	for _, tc := range []struct{ key, value string }{
		{onceKey, "a && b"}, {"", onceValue}, {onceKey, "not-in-the-request"},
	} {
		if _, err := h.client.CreateCompanyOnce(context.Background(), taggedRequest("Acme"), tc.key, tc.value); err == nil {
			t.Errorf("key %q value %q accepted", tc.key, tc.value)
		}
	}
	if n := h.emu.RequestCounts().Total; n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestCreateCompanyOnceCancelledAfterSending: the caller is stopped while
// Codat is creating the company. The look-up still runs, and reports it.
func TestCreateCompanyOnceCancelledAfterSending(t *testing.T) {
	emu := emulator.New(emulator.Options{APIKey: emulatorKey, SyncStepDuration: emulator.NoSyncDelay})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			// Codat acts, then the caller is stopped before the answer.
			emu.ServeHTTP(httptest.NewRecorder(), r)
			cancel()
			<-r.Context().Done()
			return
		}
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	client := must(codat.New(codat.Config{BaseURL: srv.URL, APIKey: emulatorKey}))(t)
	company, err := client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue)
	if err != nil || company == nil || company.Name != "Acme" {
		t.Fatalf("company %+v, err %v: want the company Codat created", company, err)
	}
	if n := emu.RequestCounts().Routes["POST /companies"]; n != 1 {
		t.Errorf("POST sent %d times", n)
	}
}

// TestCreateCompanyOnceCancelledBeforeCodatActed: stopped during a wait, the
// look-up finds nothing and the cancellation is returned. The outcome stays
// unknown: Codat may list a new company late.
func TestCreateCompanyOnceCancelledBeforeCodatActed(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	h.script(t, emulator.ScriptedFault{Route: "POST /companies", Status: 503})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
	if !codat.OutcomeUnknown(err) {
		t.Errorf("OutcomeUnknown(%v) = false, but a list that finds nothing proves nothing", err)
	}
}

// TestCreateConnectionOnce: the lost answer is recovered by reading the
// company; a connection the company already had is never taken for it.
func TestCreateConnectionOnce(t *testing.T) {
	const route = "POST /companies/{companyId}/connections"
	cases := []struct {
		name      string
		faults    []emulator.ScriptedFault
		wantPosts int
		wantErr   bool
	}{
		{"answer lost", []emulator.ScriptedFault{{Route: route, DropAfterWrite: true}}, 2, false}, // the replay
		{"dropped before read", []emulator.ScriptedFault{{Route: route, Drop: true}}, 2, false},
		{"502", []emulator.ScriptedFault{{Route: route, Status: 502}}, 2, false},
		{"404", []emulator.ScriptedFault{{Route: route, Status: 404}}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newEmulatorHarness(t, emulator.Options{})
			ctx := context.Background()
			company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
			older := must(h.client.CreateConnection(ctx, company.ID, "gbol"))(t)
			h.emu.ResetRequestCounts()
			h.script(t, tc.faults...)
			conn, err := h.client.CreateConnectionOnce(ctx, company.ID, "gbol", []string{older.ID})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if n := h.routeCount(route); n != tc.wantPosts {
				t.Errorf("create sent %d times, want %d", n, tc.wantPosts)
			}
			conns := must(h.client.ListConnections(ctx, company.ID, codat.ListOptions{}))(t)
			want := 2
			if tc.wantErr {
				want = 1
			}
			if len(conns) != want {
				t.Errorf("%d connections, want %d", len(conns), want)
			}
			if err == nil && (conn.ID == older.ID || conn.ID == "") {
				t.Errorf("returned connection %q, want the new one", conn.ID)
			}
		})
	}
}

func TestOutcomeUnknown(t *testing.T) {
	apiErr := func(code int) error { return &codat.APIError{StatusCode: code} }
	cases := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{apiErr(400), false},
		{apiErr(402), false},
		{apiErr(404), false},
		{apiErr(429), false},
		{apiErr(408), true},
		{apiErr(500), true},
		{apiErr(503), true},
		{fmt.Errorf("wrapped: %w", apiErr(502)), true},
		{&codat.DecodeError{StatusCode: 200, Err: errors.New("truncated")}, true},
		{errors.New("codat: companyId must be a non-empty identifier"), false},
	}
	for _, tc := range cases {
		if got := codat.OutcomeUnknown(tc.err); got != tc.want {
			t.Errorf("OutcomeUnknown(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestOutcomeUnknownForTransportErrors tells a refused dial (nothing sent)
// from a dropped connection (maybe carried out), through the real client.
func TestOutcomeUnknownForTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	client := must(codat.New(codat.Config{BaseURL: url, APIKey: emulatorKey,
		Retry: codat.RetryPolicy{MaxRetries: -1}}))(t)
	_, err := client.CreateCompany(context.Background(), codat.CompanyRequest{Name: "Acme"})
	if err == nil || codat.OutcomeUnknown(err) {
		t.Errorf("refused dial: err = %v, OutcomeUnknown = %v, want a known failure", err, codat.OutcomeUnknown(err))
	}

	h := newEmulatorHarness(t, emulator.Options{})
	h.script(t, emulator.ScriptedFault{Route: "POST /companies", DropAfterWrite: true, Count: codat.DefaultMaxRetries + 1})
	_, err = h.client.CreateCompany(context.Background(), codat.CompanyRequest{Name: "Acme"})
	if !codat.OutcomeUnknown(err) {
		t.Errorf("dropped after write: OutcomeUnknown(%v) = false", err)
	}
	if !strings.Contains(err.Error(), "POST /companies") {
		t.Errorf("err = %v, want it to name the request", err)
	}
}
