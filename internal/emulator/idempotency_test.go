package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// keyed sends an API request with the Idempotency-Key header set to each
// of keys (none: no header).
func (h *harness) keyed(method, path string, body any, authorization string, keys ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		h.t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", authorization)
	for _, key := range keys {
		req.Header.Add(codat.IdempotencyKeyHeader, key)
	}
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, req)
	return rec
}

func (h *harness) companyCount() int {
	h.t.Helper()
	return decode[codat.Page[codat.Company]](h.t, h.do("GET", "/companies", nil)).TotalResults
}

// TestIdempotencyKeyReplays: docs using-the-api/write-data/idempotency.md.
// The first answer to a key is replayed, for any status but 429; the same
// key with another request is 422; answers expire after 90 minutes.
func TestIdempotencyKeyReplays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	auth := h.emu.AuthorizationHeader()
	acme := codat.CompanyRequest{Name: "Acme"}

	key := uuid.NewString()
	first := decode[codat.Company](t, h.keyed("POST", "/companies", acme, auth, key))
	again := h.keyed("POST", "/companies", acme, auth, key)
	wantStatus(t, again, http.StatusOK)
	if got := decode[codat.Company](t, again); got.ID != first.ID {
		t.Errorf("replay answered company %s, want %s", got.ID, first.ID)
	}
	if n := h.companyCount(); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
	wantError(t, h.keyed("POST", "/companies", codat.CompanyRequest{Name: "Other"}, auth, key),
		http.StatusUnprocessableEntity, "Idempotency-Key was already used for a different request")
	name := "Renamed"
	wantError(t, h.keyed("PATCH", "/companies/"+first.ID, codat.CompanyUpdate{Name: &name}, auth, key),
		http.StatusUnprocessableEntity, "different request")

	// Errors are replayed too: a 404 stays a 404 after the company exists.
	key = uuid.NewString()
	missing := "/companies/" + first.ID + "/connections/" + uuid.NewString()
	wantError(t, h.keyed("PATCH", missing, codat.UpdateConnectionStatus{Status: "Unlinked"}, auth, key), http.StatusNotFound, "not found")
	wantError(t, h.keyed("PATCH", missing, codat.UpdateConnectionStatus{Status: "Unlinked"}, auth, key), http.StatusNotFound, "not found")

	// An injected 503 is replayed; a 429 is not kept.
	if err := h.emu.ScriptFaults(ScriptedFault{Route: "POST /companies", Status: 503},
		ScriptedFault{Route: "POST /companies", Status: 429, RetryAfter: "1"}); err != nil {
		t.Fatal(err)
	}
	failed, limited := uuid.NewString(), uuid.NewString()
	wantError(t, h.keyed("POST", "/companies", acme, auth, failed), http.StatusServiceUnavailable, "")
	wantError(t, h.keyed("POST", "/companies", acme, auth, limited), http.StatusTooManyRequests, "")
	wantError(t, h.keyed("POST", "/companies", acme, auth, failed), http.StatusServiceUnavailable, "")
	wantStatus(t, h.keyed("POST", "/companies", acme, auth, limited), http.StatusOK)
	if n := h.companyCount(); n != 2 {
		t.Errorf("%d companies, want 2 (the 503 never created one)", n)
	}

	// A wrong API key answers no client: its 401 is not kept.
	key = uuid.NewString()
	wantError(t, h.keyed("POST", "/companies", acme, authorizationHeader("wrong"), key), http.StatusUnauthorized, "Unauthorized")
	wantStatus(t, h.keyed("POST", "/companies", acme, auth, key), http.StatusOK)

	// 90 minutes later the key is free again.
	h.clock.Advance(IdempotencyTTL - time.Second)
	wantStatus(t, h.keyed("POST", "/companies", acme, auth, key), http.StatusOK)
	before := h.companyCount()
	h.clock.Advance(time.Second)
	wantStatus(t, h.keyed("POST", "/companies", acme, auth, key), http.StatusOK)
	if n := h.companyCount(); n != before+1 {
		t.Errorf("after 90 minutes: %d companies, want %d", n, before+1)
	}

	// Reset forgets every key.
	h.emu.Reset()
	wantStatus(t, h.keyed("POST", "/companies", acme, auth, key), http.StatusOK)
	if n := h.companyCount(); n != 1 {
		t.Errorf("after a reset: %d companies, want 1", n)
	}
}

func TestIdempotencyKeyRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	auth := h.emu.AuthorizationHeader()
	acme := codat.CompanyRequest{Name: "Acme"}
	wantError(t, h.keyed("POST", "/companies", acme, auth, "not-a-guid"), http.StatusBadRequest, "must be a GUID")
	wantError(t, h.keyed("POST", "/companies", acme, auth, uuid.NewString(), uuid.NewString()), http.StatusBadRequest, "Only one Idempotency-Key")
	// Without a key every request is new.
	h.keyed("POST", "/companies", acme, auth)
	h.keyed("POST", "/companies", acme, auth)
	// The header means nothing on other methods.
	key := uuid.NewString()
	c := decode[codat.Company](t, h.keyed("POST", "/companies", acme, auth, key))
	wantStatus(t, h.keyed("GET", "/companies/"+c.ID, nil, auth, key), http.StatusOK)
	wantStatus(t, h.keyed("PUT", "/companies/"+c.ID, codat.CompanyRequest{Name: "Put"}, auth, key), http.StatusOK)
	if n := h.companyCount(); n != 3 {
		t.Errorf("%d companies, want 3", n)
	}
}

// TestIdempotencyKeyInProgress: a request whose key belongs to a request
// still being carried out is 409; once that one is abandoned (its client
// left) the key is free.
func TestIdempotencyKeyInProgress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Faults = Faults{LatencyMs: 60_000} })
	auth := h.emu.AuthorizationHeader()
	key := uuid.NewString()
	body := `{"name":"Acme"}`
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		req := httptest.NewRequestWithContext(ctx, "POST", "/companies", bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", auth)
		req.Header.Set(codat.IdempotencyKeyHeader, key)
		rec := httptest.NewRecorder()
		h.emu.ServeHTTP(rec, req)
		done <- rec.Code
	}()
	for h.emu.InFlightWrites() == 0 {
		runtime.Gosched() // until the goroutine's request holds the key
	}
	if err := h.emu.SetFaults(Faults{}); err != nil { // no latency for the next ones
		t.Fatal(err)
	}
	wantError(t, h.keyed("POST", "/companies", codat.CompanyRequest{Name: "Acme"}, auth, key),
		http.StatusConflict, "still being processed")
	cancel()
	<-done
	if n := h.emu.InFlightWrites(); n != 0 {
		t.Errorf("%d keys still in use after the client left", n)
	}
	wantStatus(t, h.keyed("POST", "/companies", codat.CompanyRequest{Name: "Acme"}, auth, key), http.StatusOK)
}

// TestIdempotencyKeyAfterDroppedAnswer: a write carried out whose answer was
// lost is answered on the retry with the same key, not carried out again.
func TestIdempotencyKeyAfterDroppedAnswer(t *testing.T) {
	t.Parallel()
	emu := New(Options{})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if err := emu.ScriptFaults(ScriptedFault{Route: "POST /companies", DropAfterWrite: true, Count: 2}); err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	post := func() (*http.Response, error) {
		req, _ := http.NewRequest("POST", srv.URL+"/companies", bytes.NewReader([]byte(`{"name":"Acme"}`)))
		req.Header.Set("Authorization", emu.AuthorizationHeader())
		req.Header.Set(codat.IdempotencyKeyHeader, key)
		return client.Do(req)
	}
	for range 2 { // carried out, then replayed: both answers lost
		if resp, err := post(); err == nil {
			_ = resp.Body.Close()
			t.Fatal("the scripted drop answered")
		}
	}
	resp, err := post()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var c codat.Company
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&c) != nil {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n := len(emu.store.listCompanies("")); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
}
