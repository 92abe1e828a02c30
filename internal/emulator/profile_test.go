package emulator

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestProfile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.APIKey = "profile-test-key" })

	rec := h.do("GET", "/profile", nil)
	wantStatus(t, rec, http.StatusOK)
	raw := decode[map[string]any](t, rec)
	if raw["name"] != "Codat Emulator" || raw["redirectUrl"] != "https://example.com/{companyId}" {
		t.Errorf("default profile = %v", raw)
	}
	// The deprecated apiKey is served, as the schema describes it.
	if raw["apiKey"] != "profile-test-key" {
		t.Errorf("apiKey = %v, want the client's key", raw["apiKey"])
	}

	full := `{"name":"Bob's Burgers","logoUrl":"https://img.example/logo.png","iconUrl":"https://img.example/icon.ico",
		"redirectUrl":"https://bobs-burgers.example/{companyId}","whiteListUrls":["https://bobs-burgers.example"],
		"confirmCompanyName":true,"apiKey":"an-attempt-to-change-it"}`
	got := decode[codat.Profile](t, h.do("PUT", "/profile", full))
	want := codat.Profile{Name: "Bob's Burgers", LogoURL: "https://img.example/logo.png", IconURL: "https://img.example/icon.ico",
		RedirectURL: "https://bobs-burgers.example/{companyId}", WhiteListURLs: []string{"https://bobs-burgers.example"}, ConfirmCompanyName: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PUT answered %+v, want %+v", got, want)
	}
	if raw := decode[map[string]any](t, h.do("GET", "/profile", nil)); raw["apiKey"] != "profile-test-key" {
		t.Errorf("a profile update changed the apiKey to %v", raw["apiKey"])
	}
	wantStatus(t, h.do("GET", "/companies", nil), http.StatusOK) // the key still works

	// The PUT replaces every field: what is left out is cleared.
	got = decode[codat.Profile](t, h.do("PUT", "/profile", `{"name":"Bob's","redirectUrl":"https://b.example"}`))
	if !reflect.DeepEqual(got, codat.Profile{Name: "Bob's", RedirectURL: "https://b.example"}) {
		t.Errorf("omitted fields kept: %+v", got)
	}

	wantError(t, h.do("PUT", "/profile", `{"redirectUrl":"https://b.example"}`), http.StatusBadRequest, "not valid")
	body := wantError(t, h.do("PUT", "/profile", `{"name":" ","redirectUrl":""}`), http.StatusBadRequest, "not valid")
	if body.Validation == nil || len(body.Validation.Errors) != 2 {
		t.Errorf("validation = %+v, want name and redirectUrl", body.Validation)
	}
	wantError(t, h.do("PUT", "/profile", `{"name":"x","redirectUrl":"https://b.example","whiteListUrls":["not a url"]}`),
		http.StatusBadRequest, "not valid")
	wantError(t, h.do("POST", "/profile", nil), http.StatusMethodNotAllowed, "does not support")
}

func TestCORSSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.do("GET", "/corsSettings", nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Body.String() != `{"allowedOrigins":[]}` {
		t.Errorf("initial settings = %s", rec.Body.String())
	}
	origins := codat.AllowedOrigins{AllowedOrigins: []string{"https://www.bank-of-dave.example", "http://localhost:3000"}}
	if got := decode[codat.AllowedOrigins](t, h.do("POST", "/corsSettings", origins)); !reflect.DeepEqual(got, origins) {
		t.Errorf("POST answered %+v", got)
	}
	if got := decode[codat.AllowedOrigins](t, h.do("GET", "/corsSettings", nil)); !reflect.DeepEqual(got, origins) {
		t.Errorf("GET answered %+v", got)
	}
	body := wantError(t, h.do("POST", "/corsSettings", `{"allowedOrigins":["www.no-scheme.example"]}`), http.StatusBadRequest, "not valid")
	if body.Validation == nil || body.Validation.Errors[0].ItemID != "allowedOrigins[0]" {
		t.Errorf("validation = %+v", body.Validation)
	}
	if got := decode[codat.AllowedOrigins](t, h.do("GET", "/corsSettings", nil)); !reflect.DeepEqual(got, origins) {
		t.Errorf("a refused POST changed the settings: %+v", got)
	}
	if got := decode[codat.AllowedOrigins](t, h.do("POST", "/corsSettings", `{"allowedOrigins":[]}`)); len(got.AllowedOrigins) != 0 {
		t.Errorf("emptying answered %+v", got)
	}
	// The deprecated path is not served.
	wantStatus(t, h.do("GET", "/connectionManagement/corsSettings", nil), http.StatusNotFound)
}

// TestClientSettingsPersist restarts an emulator on its state file and finds
// every client-wide setting, key and consumer again.
func TestClientSettingsPersist(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *Options) { o.StatePath = path })
	h.do("PUT", "/profile", `{"name":"Persisted","redirectUrl":"https://p.example"}`)
	h.do("POST", "/corsSettings", `{"allowedOrigins":["https://p.example"]}`)
	consumer := decode[codat.WebhookConsumer](t, h.do("POST", "/webhooks", `{"url":"https://hooks.example/codat","eventTypes":["company.created"]}`))
	t.Cleanup(func() { _ = h.emu.Close() })
	h.do("PUT", "/integrations/gbol/dataTypes/invoices/supplementalDataConfig", `{"supplementalDataConfig":{"inv":{"dataSource":"/Invoices","pullData":{"url":"Url"}}}}`)
	h.do("PUT", "/integrations/gbol/dataTypes/custom/payroll", `{"dataSource":"/payroll","keyBy":["$.id"]}`)
	key := decode[codat.APIKey](t, h.do("POST", "/apiKeys", `{"name":"ci"}`))
	wantStatus(t, h.do("DELETE", "/apiKeys/"+startKeyID(h.emu.APIKey()), nil), http.StatusNoContent)
	before := h.emu.WebhookConsumers()

	restarted, err := Open(Options{StatePath: path, Now: h.clock.Now, PublicURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = restarted.Close() })
	r := &harness{t: t, emu: restarted, clock: h.clock}
	auth := authorizationHeader(key.Key)
	get := func(path string) string {
		t.Helper()
		rec := r.send("GET", path, nil, auth)
		wantStatus(t, rec, http.StatusOK)
		return rec.Body.String()
	}
	if got := decode[codat.Profile](t, r.send("GET", "/profile", nil, auth)); got.Name != "Persisted" {
		t.Errorf("profile after restart: %+v", got)
	}
	if got := get("/corsSettings"); got != `{"allowedOrigins":["https://p.example"]}` {
		t.Errorf("CORS after restart: %s", got)
	}
	if got := restarted.WebhookConsumers(); !reflect.DeepEqual(got, before) || got[0].ID != consumer.ID {
		t.Errorf("consumers after restart: %+v, want %+v", got, before)
	}
	var supplemental codat.SupplementalDataConfiguration
	if err := json.Unmarshal([]byte(get("/integrations/gbol/dataTypes/invoices/supplementalDataConfig")), &supplemental); err != nil ||
		supplemental.SupplementalDataConfig["inv"].PullData["url"] != "Url" {
		t.Errorf("supplemental data after restart: %+v (%v)", supplemental, err)
	}
	get("/integrations/gbol/dataTypes/custom/payroll")
	// The deleted start key stays deleted.
	wantError(t, r.do("GET", "/companies", nil), http.StatusForbidden, "outdated API key")
}
