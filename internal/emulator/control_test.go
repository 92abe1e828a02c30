package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// control calls a control endpoint without an API key.
func (h *harness) control(method, path string, body any) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.send(method, path, body, "")
}

func TestControlConnectionStatusAndAuthorize(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	conn := h.createConnection(c.ID, "gbol")
	base := "/_emulator/companies/" + c.ID + "/connections/" + conn.ID

	rec := h.control("POST", base+"/authorize", nil)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[codat.Connection](t, rec); got.Status != "Linked" || got.LinkURL != conn.LinkURL {
		t.Errorf("authorize answered %+v", got)
	}
	if n := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).TotalResults; n == 0 {
		t.Error("authorize queued no first sync")
	}
	rec = h.control("POST", base+"/status", `{"status":"Deauthorized"}`)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[codat.Connection](t, rec); got.Status != "Deauthorized" {
		t.Errorf("status answered %+v", got)
	}
	wantError(t, h.control("POST", base+"/status", `{"status":"Broken"}`), http.StatusBadRequest, "status must be one of")
	wantError(t, h.control("POST", base+"/status", `{"state":"Linked"}`), http.StatusBadRequest, "unknown field")
	wantError(t, h.control("POST", "/_emulator/companies/"+c.ID+"/connections/missing/authorize", nil), http.StatusNotFound, "Data connection missing not found")
	wantError(t, h.control("POST", "/_emulator/companies/missing/connections/"+conn.ID+"/status", `{"status":"Linked"}`), http.StatusNotFound, "No company was found")
	if counts := h.emu.RequestCounts(); counts.Routes["POST /_emulator/companies/{companyId}/connections/{connectionId}/status"] != 0 {
		t.Error("control endpoints are counted")
	}
}

func TestControlRequestCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	for range 3 {
		h.do("GET", "/companies/"+c.ID, nil)
	}
	h.do("GET", "/nowhere", nil)
	rec := h.control("GET", "/_emulator/requests", nil)
	wantStatus(t, rec, http.StatusOK)
	counts := decode[RequestCounts](t, rec)
	if counts.Routes["GET /companies/{companyId}"] != 3 || counts.Routes["POST /companies"] != 1 || counts.Total != 5 || counts.Unmatched != 1 {
		t.Errorf("counts = %+v", counts)
	}
	var raw map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &raw)
	for _, field := range []string{"routes", "total", "unmatched", "faultsInjected", "scriptedFaults", "serverErrors", "tooManyRequests", "rateLimited", "dropped", "droppedAfterWrite", "authFailures"} {
		if _, ok := raw[field]; !ok {
			t.Errorf("counts lack %s", field)
		}
	}
	wantStatus(t, h.control("DELETE", "/_emulator/requests", nil), http.StatusNoContent)
	if counts := h.emu.RequestCounts(); counts.Total != 0 || len(counts.Routes) != 0 {
		t.Errorf("after reset: %+v", counts)
	}
	h.emu.ResetRequestCounts()
}

func TestControlFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.control("PUT", "/_emulator/faults", `{"errorRate":1,"seed":3,"rateLimit":{"perMinute":1000}}`)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[Faults](t, rec); got.ErrorRate != 1 || got.Seed != 3 || got.RateLimit.PerMinute != 1000 {
		t.Errorf("PUT answered %+v", got)
	}
	if got := decode[Faults](t, h.control("GET", "/_emulator/faults", nil)); got.ErrorRate != 1 {
		t.Errorf("GET = %+v", got)
	}
	rec = h.do("GET", "/integrations", nil)
	if rec.Code != 500 && rec.Code != 503 {
		t.Errorf("errorRate 1 answered %d", rec.Code)
	}
	if rec.Header().Get("X-Rate-Limit-Limit") != "1000" {
		t.Errorf("rate-limit headers missing: %v", rec.Header())
	}
	wantError(t, h.control("PUT", "/_emulator/faults", `{"errorRate":2}`), http.StatusBadRequest, "errorRate must be between 0 and 1")
	wantError(t, h.control("PUT", "/_emulator/faults", `{"errorrate":0.5,"typo":1}`), http.StatusBadRequest, "unknown field")
	wantStatus(t, h.control("PUT", "/_emulator/faults", `{}`), http.StatusOK)
	wantStatus(t, h.do("GET", "/integrations", nil), http.StatusOK)

	rec = h.control("POST", "/_emulator/faults/script", `[{"route":"POST /companies","status":503,"retryAfter":"2","count":2},{"method":"get","route":"/companies/{companyId}","drop":true}]`)
	wantStatus(t, rec, http.StatusOK)
	pending := decode[[]ScriptedFault](t, rec)
	if len(pending) != 2 || pending[0].Method != "POST" || pending[0].Route != "/companies" || pending[0].Count != 2 || pending[1].Method != "GET" {
		t.Errorf("pending = %+v", pending)
	}
	rec = h.control("POST", "/_emulator/faults/script", `{"route":"GET /integrations","status":500}`)
	if pending := decode[[]ScriptedFault](t, rec); len(pending) != 3 {
		t.Errorf("single object: pending = %+v", pending)
	}
	wantError(t, h.control("POST", "/_emulator/faults/script", `[{"route":"GET /nowhere","status":500}]`), http.StatusBadRequest, "no Codat API route")
	wantError(t, h.control("POST", "/_emulator/faults/script", `[{"route":"GET /integrations","status":500,"colour":1}]`), http.StatusBadRequest, "unknown field")
	wantError(t, h.control("POST", "/_emulator/faults/script", `"x"`), http.StatusBadRequest, "array of scripted faults")
	wantError(t, h.do("GET", "/integrations", nil), http.StatusInternalServerError, "problem with our server")
	if pending := decode[[]ScriptedFault](t, h.control("GET", "/_emulator/faults/script", nil)); len(pending) != 2 {
		t.Errorf("GET script = %+v", pending)
	}
	wantStatus(t, h.control("DELETE", "/_emulator/faults/script", nil), http.StatusNoContent)
	if len(h.emu.ScriptedFaults()) != 0 {
		t.Error("DELETE left scripts")
	}
}

func TestControlPullFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	wantStatus(t, h.control("POST", "/_emulator/companies/"+c.ID+"/pull-failures", `{"dataType":"company","status":"FetchError","errorMessage":"boom"}`), http.StatusNoContent)
	wantError(t, h.control("POST", "/_emulator/companies/"+c.ID+"/pull-failures", `{"dataType":"company","status":"Complete"}`), http.StatusBadRequest, "status must be one of")
	wantError(t, h.control("POST", "/_emulator/companies/missing/pull-failures", `{"dataType":"company"}`), http.StatusNotFound, "No company")
	conn := h.createConnection(c.ID, "gbol")
	wantStatus(t, h.control("POST", "/_emulator/companies/"+c.ID+"/connections/"+conn.ID+"/authorize", nil), http.StatusOK)
	h.clock.Advance(time.Minute)
	status := decode[codat.DataStatuses](t, h.do("GET", "/companies/"+c.ID+"/dataStatus", nil))
	if status["company"].CurrentStatus != "FetchError" {
		t.Errorf("company status = %+v", status["company"])
	}
	wantError(t, h.do("GET", "/companies/"+c.ID+"/data/info", nil), http.StatusConflict, "still syncing")
}

func TestControlResetAndState(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := h.linkedCompany("gbol")
	if err := h.emu.SetFaults(Faults{ErrorRate: 0.5}); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.ScriptFaults(ScriptedFault{Route: "GET /integrations", Status: 500}); err != nil {
		t.Fatal(err)
	}

	rec := h.control("GET", "/_emulator/state", nil)
	wantStatus(t, rec, http.StatusOK)
	var state stateData
	if err := json.Unmarshal(rec.Body.Bytes(), &state); err != nil || len(state.Companies) != 1 || state.Companies[0].ID != c.ID ||
		len(state.Companies[0].Pulls) == 0 || state.Version != stateVersion {
		t.Errorf("state = %+v (%v)", state, err)
	}

	wantStatus(t, h.control("POST", "/_emulator/reset", nil), http.StatusNoContent)
	if h.emu.Faults() != (Faults{}) || len(h.emu.ScriptedFaults()) != 0 || h.emu.RequestCounts().Total != 0 {
		t.Error("reset left faults or counts")
	}
	if n := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil)).TotalResults; n != 0 {
		t.Errorf("%d companies after reset", n)
	}
	if n := len(decode[codat.Page[codat.Integration]](t, h.do("GET", "/integrations", nil)).Results); n != len(integrationCatalogue) {
		t.Errorf("%d integrations after reset", n)
	}
}

func TestControlAPIKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	old := h.emu.AuthorizationHeader()
	rec := h.control("POST", "/_emulator/api-key", `{"apiKey":"rotated"}`)
	wantStatus(t, rec, http.StatusOK)
	if h.emu.APIKey() != "rotated" {
		t.Errorf("APIKey() = %q", h.emu.APIKey())
	}
	wantStatus(t, h.send("GET", "/companies", nil, old), http.StatusForbidden)
	wantError(t, h.control("POST", "/_emulator/api-key", `{}`), http.StatusBadRequest, "apiKey is required")
}

func TestUnknownControlRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wantError(t, h.control("GET", "/_emulator/nothing", nil), http.StatusNotFound, "No HTTP resource")
	wantError(t, h.control("GET", "/_emulator/reset", nil), http.StatusMethodNotAllowed, "GET")
	if h.emu.RequestCounts().Total != 0 {
		t.Error("unknown control routes are counted")
	}
}
