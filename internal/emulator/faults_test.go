package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// server runs the harness's emulator over real TCP, for faults that drop
// connections. Its client never reuses connections, so Go's transport cannot
// silently retry a dropped request.
func (h *harness) server() (*httptest.Server, *http.Client) {
	h.t.Helper()
	srv := httptest.NewServer(h.emu)
	h.t.Cleanup(srv.Close)
	return srv, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
}

// call sends one API request over the real connection and reports only
// whether a response arrived: the fault tests care about dropped connections.
func (h *harness) call(client *http.Client, method, url, body string) error {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", h.emu.AuthorizationHeader())
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func TestScriptedFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	err := h.emu.ScriptFaults(
		ScriptedFault{Route: "POST /companies", Status: 503, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT", Count: 2},
		ScriptedFault{Route: "POST /companies", Status: 429, RetryAfter: "3"},
		ScriptedFault{Method: "GET", Route: "/companies/{companyId}", Status: 500},
	)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		rec := h.do("POST", "/companies", codat.CompanyRequest{Name: "Acme"})
		wantError(t, rec, http.StatusServiceUnavailable, "temporarily offline")
		if got := rec.Header().Get("Retry-After"); got != "Wed, 21 Oct 2026 07:28:00 GMT" {
			t.Errorf("attempt %d: Retry-After = %q", i, got)
		}
	}
	rec := h.do("POST", "/companies", codat.CompanyRequest{Name: "Acme"})
	wantError(t, rec, http.StatusTooManyRequests, "You have made too many requests in a given amount of time; please retry later.")
	if rec.Header().Get("Retry-After") != "3" {
		t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	if n := len(decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil)).Results); n != 1 {
		t.Errorf("faulted creates were carried out: %d companies", n)
	}
	rec = h.do("GET", "/companies/"+c.ID, nil)
	wantError(t, rec, http.StatusInternalServerError, "There is a problem with our server")
	if rec.Header().Get("Retry-After") != "" {
		t.Error("Retry-After sent without being scripted")
	}
	wantStatus(t, h.do("GET", "/companies/"+c.ID, nil), http.StatusOK)
	if len(h.emu.ScriptedFaults()) != 0 {
		t.Errorf("scripts left: %+v", h.emu.ScriptedFaults())
	}
	counts := h.emu.RequestCounts()
	if counts.ScriptedFaults != 4 || counts.FaultsInjected != 4 || counts.ServerErrors != 3 || counts.TooManyRequests != 1 ||
		counts.Routes["POST /companies"] != 4 || counts.Routes["GET /companies/{companyId}"] != 2 {
		t.Errorf("counts = %+v", counts)
	}

	// A script matches without a key: faults come before authentication.
	if err := h.emu.ScriptFaults(ScriptedFault{Status: 403}); err != nil {
		t.Fatal(err)
	}
	wantError(t, h.send("GET", "/integrations", nil, ""), http.StatusForbidden, "outdated API key")

	for _, bad := range []ScriptedFault{
		{Route: "POST /nowhere", Status: 500},
		{Route: "GET /_emulator/requests", Status: 500},
		{Method: "GET", Route: "POST /companies", Status: 500},
		{Route: "POST /companies", Status: 200},
		{Route: "POST /companies", Status: 500, Drop: true},
		{Route: "POST /companies", Drop: true, DropAfterWrite: true},
		{Route: "POST /companies", Status: 500, Count: -1},
	} {
		if err := h.emu.ScriptFaults(bad); err == nil {
			t.Errorf("ScriptFaults(%+v) accepted", bad)
		}
	}
	if err := h.emu.ScriptFaults(ScriptedFault{Route: "POST /companies", Status: 500}); err != nil {
		t.Fatal(err)
	}
	h.emu.ClearScriptedFaults()
	wantStatus(t, h.do("POST", "/companies", codat.CompanyRequest{Name: "Acme"}), http.StatusOK)
}

func TestScriptedDrops(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	srv, client := h.server()
	if err := h.emu.ScriptFaults(
		ScriptedFault{Route: "GET /companies", Drop: true},
		ScriptedFault{Route: "POST /companies", DropAfterWrite: true},
	); err != nil {
		t.Fatal(err)
	}
	if err := h.call(client, "GET", srv.URL+"/companies", ""); err == nil {
		t.Error("dropped GET succeeded")
	}
	if err := h.call(client, "POST", srv.URL+"/companies", `{"name":"Ambiguous"}`); err == nil {
		t.Error("dropped-after-write POST succeeded")
	}
	// The ambiguous create happened.
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if page.TotalResults != 1 || page.Results[0].Name != "Ambiguous" {
		t.Errorf("companies after drop-after-write = %+v", page.Results)
	}
	counts := h.emu.RequestCounts()
	if counts.Dropped != 1 || counts.DroppedAfterWrite != 1 || counts.FaultsInjected != 2 {
		t.Errorf("counts = %+v", counts)
	}
}

func TestRandomFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	run := func() string {
		h := newHarness(t, func(o *Options) {
			o.Faults = Faults{ErrorRate: 0.3, TooManyRequestsRate: 0.2, RetryAfterSeconds: 7, Seed: 42}
		})
		var b strings.Builder
		for range 200 {
			rec := h.do("GET", "/integrations?pageSize=1", nil)
			switch rec.Code {
			case http.StatusOK:
				b.WriteByte('.')
			case http.StatusTooManyRequests:
				if rec.Header().Get("Retry-After") != "7" {
					t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
				}
				wantError(t, rec, 429, "too many requests")
				b.WriteByte('t')
			case http.StatusInternalServerError, http.StatusServiceUnavailable:
				wantError(t, rec, rec.Code, "Please try again later.")
				b.WriteByte(byte('0' + rec.Code%10))
			default:
				t.Fatalf("unexpected status %d", rec.Code)
			}
		}
		counts := h.emu.RequestCounts()
		if counts.FaultsInjected != 200-strings.Count(b.String(), ".") || counts.TooManyRequests != strings.Count(b.String(), "t") {
			t.Errorf("counts = %+v for %s", counts, b.String())
		}
		return b.String()
	}
	first, second := run(), run()
	if first != second {
		t.Errorf("same seed, different faults:\n%s\n%s", first, second)
	}
	ok, tooMany := strings.Count(first, "."), strings.Count(first, "t")
	errs := strings.Count(first, "0") + strings.Count(first, "3")
	// 20% 429s, then 30% of the rest errors: about 40, 48 and 112.
	if tooMany < 20 || tooMany > 60 || errs < 28 || errs > 70 || ok < 90 || strings.Count(first, "0") == 0 || strings.Count(first, "3") == 0 {
		t.Errorf("implausible mix: %d ok, %d 429, %d errors: %s", ok, tooMany, errs, first)
	}
}

func TestRandomDrops(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{DropRate: 1} })
	srv, client := h.server()
	if err := h.call(client, "GET", srv.URL+"/integrations", ""); err == nil {
		t.Error("dropped request succeeded")
	}
	if err := h.emu.SetFaults(Faults{DropAfterWriteRate: 1}); err != nil {
		t.Fatal(err)
	}
	if err := h.call(client, "POST", srv.URL+"/companies", `{"name":"Maybe"}`); err == nil {
		t.Error("dropped-after-write request succeeded")
	}
	if err := h.emu.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	if n := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil)).TotalResults; n != 1 {
		t.Errorf("%d companies after drop-after-write", n)
	}
	// Link pages and control endpoints are never faulted.
	if err := h.emu.SetFaults(Faults{DropRate: 1, ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/_emulator/requests", "/link/company/missing"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		_ = resp.Body.Close()
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{LatencyMs: 40} })
	start := time.Now()
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)
	if elapsed := time.Since(start); elapsed < 40*time.Millisecond {
		t.Errorf("request took %v, want at least 40ms", elapsed)
	}
	start = time.Now()
	h.send("GET", "/_emulator/faults", nil, "")
	if elapsed := time.Since(start); elapsed >= 40*time.Millisecond {
		t.Errorf("control endpoint delayed %v", elapsed)
	}
}

func TestPerMinuteRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{RateLimit: RateLimit{PerMinute: 3}} })
	h.clock.Advance(6 * time.Second) // 11:17:00
	for i := range 3 {
		rec := h.do("GET", "/integrations", nil)
		wantStatus(t, rec, http.StatusOK)
		if rec.Header().Get("X-Rate-Limit-Limit") != "3" || rec.Header().Get("X-Rate-Limit-Remaining") != string(rune('2'-i)) ||
			rec.Header().Get("X-Rate-Limit-Reset") != "2026-11-27T11:18:00Z" {
			t.Errorf("request %d headers: %v", i, rec.Header())
		}
	}
	h.clock.Advance(15 * time.Second)
	rec := h.do("GET", "/integrations", nil)
	wantError(t, rec, http.StatusTooManyRequests, "too many requests")
	if rec.Header().Get("Retry-After") != "45" || rec.Header().Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("429 headers: %v", rec.Header())
	}
	// Failed authentication still counts against the limit's headers.
	wantStatus(t, h.send("GET", "/integrations", nil, ""), http.StatusTooManyRequests)
	h.clock.Advance(45 * time.Second)
	rec = h.do("GET", "/integrations", nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Header().Get("X-Rate-Limit-Remaining") != "2" {
		t.Errorf("new window headers: %v", rec.Header())
	}
	counts := h.emu.RequestCounts()
	if counts.RateLimited != 2 || counts.TooManyRequests != 2 || counts.FaultsInjected != 0 {
		t.Errorf("counts = %+v", counts)
	}
}

func TestDailyRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{RateLimit: RateLimit{Daily: 2, PerMinute: 100}} })
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)
	rec := h.do("GET", "/integrations", nil)
	if rec.Header().Get("X-Rate-Limit-Limit") != "2" || rec.Header().Get("X-Rate-Limit-Reset") != "2026-11-28T00:00:00Z" {
		t.Errorf("headers: %v", rec.Header())
	}
	rec = h.do("GET", "/integrations", nil)
	wantStatus(t, rec, http.StatusTooManyRequests)
	// 11:16:54 to midnight is 12h43m06s.
	if rec.Header().Get("Retry-After") != "45786" {
		t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	h.clock.Advance(13 * time.Hour)
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)
}

func TestConcurrentRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{LatencyMs: 300, RateLimit: RateLimit{Concurrent: 1}} })
	var wg sync.WaitGroup
	var slow *httptest.ResponseRecorder
	wg.Go(func() { slow = h.do("GET", "/integrations", nil) })
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.emu.faults.mu.Lock()
		busy := h.emu.faults.inFlight
		h.emu.faults.mu.Unlock()
		if busy == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first request never started")
		}
		time.Sleep(time.Millisecond)
	}
	rec := h.do("GET", "/integrations", nil)
	wantError(t, rec, http.StatusTooManyRequests, "too many requests")
	if rec.Header().Get("Retry-After") != "1" || rec.Header().Get("X-Rate-Limit-Limit") != "1" || rec.Header().Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("429 headers: %v", rec.Header())
	}
	wg.Wait()
	wantStatus(t, slow, http.StatusOK)
	if err := h.emu.SetFaults(Faults{RateLimit: RateLimit{Concurrent: 1}}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)
}

func TestFaultConfigValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, bad := range []Faults{{ErrorRate: -0.1}, {DropRate: 1.5}, {LatencyMs: -1}, {RateLimit: RateLimit{Daily: -1}}} {
		if err := h.emu.SetFaults(bad); err == nil {
			t.Errorf("SetFaults(%+v) accepted", bad)
		}
	}
	f := Faults{ErrorRate: 0.5, Seed: 9, RateLimit: RateLimit{Concurrent: 10, PerMinute: 1000}}
	if err := h.emu.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	if h.emu.Faults() != f {
		t.Errorf("Faults() = %+v", h.emu.Faults())
	}
	h.emu.Reset()
	if h.emu.Faults() != (Faults{}) {
		t.Errorf("Reset left faults %+v", h.emu.Faults())
	}
}
