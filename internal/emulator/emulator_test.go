package emulator

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.APIKey = "secret-key" })
	basic := func(key string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(key)) }

	for name, header := range map[string]string{
		"missing":        "",
		"wrong key":      basic("other-key"),
		"raw key":        "Basic secret-key",
		"bearer":         "Bearer " + base64.StdEncoding.EncodeToString([]byte("secret-key")),
		"empty basic":    "Basic ",
		"no credentials": "Basic",
	} {
		rec := h.send("GET", "/companies", nil, header)
		body := wantError(t, rec, http.StatusUnauthorized, "Unauthorized")
		if body.Service != "PublicApi" || body.Error != "Unauthorized" {
			t.Errorf("%s: body = %+v", name, body)
		}
	}
	wantStatus(t, h.send("GET", "/companies", nil, basic("secret-key")), http.StatusOK)
	wantStatus(t, h.send("GET", "/companies", nil, "basic "+base64.StdEncoding.EncodeToString([]byte("secret-key"))), http.StatusOK)
	if h.emu.APIKey() != "secret-key" || h.emu.AuthorizationHeader() != basic("secret-key") {
		t.Errorf("APIKey() = %q, AuthorizationHeader() = %q", h.emu.APIKey(), h.emu.AuthorizationHeader())
	}
	if got := h.emu.RequestCounts().AuthFailures; got != 6 {
		t.Errorf("AuthFailures = %d, want 6", got)
	}
}

func TestDefaultAPIKey(t *testing.T) {
	t.Parallel()
	emu := New(Options{})
	if emu.APIKey() != DefaultAPIKey {
		t.Errorf("APIKey() = %q, want %q", emu.APIKey(), DefaultAPIKey)
	}
}

func TestRotatedAPIKeyIsForbidden(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	old := h.emu.AuthorizationHeader()
	h.emu.SetAPIKey("new-key")
	wantError(t, h.send("GET", "/companies", nil, old), http.StatusForbidden,
		"You are using an outdated API key or a key not associated with that resource.")
	wantStatus(t, h.do("GET", "/companies", nil), http.StatusOK)
	wantError(t, h.send("GET", "/companies", nil, authorizationHeader("never-used")), http.StatusUnauthorized, "Unauthorized")
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wantError(t, h.do("GET", "/nope", nil), http.StatusNotFound, "/nope")
	wantError(t, h.do("GET", "/companies/x/unknown", nil), http.StatusNotFound, "No HTTP resource")
	// Unknown routes answer 404 even without a key: the route is resolved first.
	wantError(t, h.send("GET", "/v2/companies", nil, ""), http.StatusNotFound, "No HTTP resource")

	rec := h.do("PUT", "/integrations", nil)
	wantError(t, rec, http.StatusMethodNotAllowed, "PUT")
	if allow := rec.Header().Get("Allow"); allow != "GET" {
		t.Errorf("Allow = %q, want GET", allow)
	}
	rec = h.do("POST", "/companies/abc", nil)
	wantError(t, rec, http.StatusMethodNotAllowed, "POST")
	if allow := rec.Header().Get("Allow"); allow != "GET, PUT, PATCH, DELETE" {
		t.Errorf("Allow = %q", allow)
	}
	if got := h.emu.RequestCounts().Unmatched; got != 5 {
		t.Errorf("Unmatched = %d, want 5", got)
	}
}

func TestRoutingToleratesTrailingSlashAndCase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wantStatus(t, h.do("GET", "/companies/", nil), http.StatusOK)
	wantStatus(t, h.do("GET", "/Companies", nil), http.StatusOK)
	if got := h.emu.RequestCounts().Routes["GET /companies"]; got != 2 {
		t.Errorf("GET /companies count = %d, want 2", got)
	}
}

func TestInvalidJSONBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := wantError(t, h.do("POST", "/companies", `{"name":`), http.StatusBadRequest, "not valid")
	if body.Validation == nil || len(body.Validation.Errors) != 1 || body.Validation.Errors[0].ItemID != "body" {
		t.Errorf("validation = %+v", body.Validation)
	}
	wantError(t, h.do("POST", "/companies", `["a"]`), http.StatusBadRequest, "not valid")
	wantError(t, h.do("POST", "/companies", `{"name": 5}`), http.StatusBadRequest, "not valid")
}

func TestGoErrorsMatchSentinels(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if err := h.emu.Authorize("missing", "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Authorize(missing) = %v, want ErrNotFound", err)
	}
	c := h.createCompany(map[string]string{"name": "Acme"})
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.SetConnectionStatus(c.ID, conn.ID, "Broken"); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetConnectionStatus(Broken) = %v, want ErrInvalid", err)
	}
	if err := h.emu.SetConnectionStatus(c.ID, "other", "Linked"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetConnectionStatus(unknown connection) = %v, want ErrNotFound", err)
	}
}

func TestOptionsDefaults(t *testing.T) {
	t.Parallel()
	emu := New(Options{})
	if emu.opts.SyncStepDuration != DefaultSyncStepDuration {
		t.Errorf("SyncStepDuration = %v, want %v", emu.opts.SyncStepDuration, DefaultSyncStepDuration)
	}
	emu = New(Options{SyncStepDuration: NoSyncDelay})
	if emu.opts.SyncStepDuration != 0 {
		t.Errorf("NoSyncDelay gave %v, want 0", emu.opts.SyncStepDuration)
	}
	if _, err := Open(Options{Faults: Faults{ErrorRate: 2}}); err == nil {
		t.Error("Open accepted errorRate 2")
	}
	if now := New(Options{}).now(); time.Since(now) > time.Minute || now.Location() != time.UTC {
		t.Errorf("default clock = %v", now)
	}
}

// FuzzServeHTTP sends arbitrary requests: the emulator must answer every one
// without panicking.
func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "/companies", "", `{"name":"Acme","tags":{"a":"b"}}`)
	f.Add("GET", "/companies", "query=name~a&&{id!=x}&orderBy=-name&page=2&pageSize=1&tags=a=b", "")
	f.Add("PATCH", "/companies/x", "", `{"tags":null}`)
	f.Add("POST", "/companies/x/data/queue/invoices", "connectionId=y", "")
	f.Add("POST", "/_emulator/faults/script", "", `[{"route":"GET /companies","status":500}]`)
	f.Add("POST", "/link/company/x/connections", "", "platformKey=gbol")
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		emu := New(Options{SyncStepDuration: NoSyncDelay})
		c, err := emu.store.createCompany(codat.CompanyRequest{Name: "Acme"}, "")
		if err != nil {
			t.Fatal(err)
		}
		path = strings.ReplaceAll(path, "/x", "/"+c.ID)
		req := &http.Request{
			Method: method,
			URL:    &url.URL{Path: path, RawQuery: query},
			Header: http.Header{"Authorization": {emu.AuthorizationHeader()}},
			Body:   io.NopCloser(strings.NewReader(body)),
			Host:   "example.com",
		}
		req = req.WithContext(context.Background())
		if strings.Contains(strings.ToLower(path), "_emulator/faults") {
			return // faults could drop the connection or add latency
		}
		emu.ServeHTTP(httptest.NewRecorder(), req)
	})
}
