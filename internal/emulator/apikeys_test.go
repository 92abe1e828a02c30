package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var apiKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.APIKey = "start-key" })

	list := decode[codat.Results[codat.APIKey]](t, h.do("GET", "/apiKeys", nil))
	if len(list.Results) != 1 || list.Results[0].Key != "start-key" || list.Results[0].Name != "" || list.Results[0].CreatedDate != "" {
		t.Fatalf("initial keys = %+v, want the start key alone, unnamed and undated", list.Results)
	}
	start := list.Results[0]
	wantUUID(t, "start key id", start.ID)

	rec := h.do("POST", "/apiKeys", `{"name":"azure-invoice-finance-processor"}`)
	wantStatus(t, rec, http.StatusCreated)
	created := decode[codat.APIKey](t, rec)
	wantUUID(t, "id", created.ID)
	wantDateTime(t, "createdDate", created.CreatedDate)
	if created.Name != "azure-invoice-finance-processor" || !apiKeyPattern.MatchString(created.Key) {
		t.Errorf("created = %+v", created)
	}
	// The new key works at once.
	wantStatus(t, h.send("GET", "/companies", nil, authorizationHeader(created.Key)), http.StatusOK)
	if got := decode[codat.Results[codat.APIKey]](t, h.do("GET", "/apiKeys", nil)).Results; len(got) != 2 || got[1] != created {
		t.Errorf("list after create = %+v", got)
	}
	unnamed := decode[codat.APIKey](t, h.do("POST", "/apiKeys", nil))
	if unnamed.Name != "" || unnamed.Key == created.Key {
		t.Errorf("unnamed key = %+v", unnamed)
	}

	wantError(t, h.do("POST", "/apiKeys", fmt.Sprintf(`{"name":%q}`, strings.Repeat("n", 51))), http.StatusBadRequest,
		"Max string length (50) for `name` reached.")
	wantStatus(t, h.do("POST", "/apiKeys", fmt.Sprintf(`{"name":%q}`, strings.Repeat("é", 50))), http.StatusCreated)

	// Ten keys in all, the start key included.
	for range 6 {
		wantStatus(t, h.do("POST", "/apiKeys", `{"name":"filler"}`), http.StatusCreated)
	}
	wantError(t, h.do("POST", "/apiKeys", `{"name":"eleventh"}`), http.StatusConflict, "Maximum number of API keys reached.")

	// A deleted key answers 403, like a rotated one.
	wantStatus(t, h.do("DELETE", "/apiKeys/"+created.ID, nil), http.StatusNoContent)
	wantError(t, h.send("GET", "/companies", nil, authorizationHeader(created.Key)), http.StatusForbidden, "outdated API key")
	wantError(t, h.do("DELETE", "/apiKeys/"+created.ID, nil), http.StatusNotFound, "No API key was found")
	wantStatus(t, h.do("POST", "/apiKeys", `{"name":"room again"}`), http.StatusCreated)

	// A request may delete the key it authenticated with (the spec says so).
	wantStatus(t, h.send("DELETE", "/apiKeys/"+unnamed.ID, nil, authorizationHeader(unnamed.Key)), http.StatusNoContent)
	wantStatus(t, h.send("GET", "/apiKeys", nil, authorizationHeader(unnamed.Key)), http.StatusForbidden)

	// The start key too; the emulator then answers it 403.
	other := decode[codat.Results[codat.APIKey]](t, h.do("GET", "/apiKeys", nil)).Results[1]
	wantStatus(t, h.do("DELETE", "/apiKeys/"+start.ID, nil), http.StatusNoContent)
	wantError(t, h.do("GET", "/companies", nil), http.StatusForbidden, "outdated API key")
	if got := decode[codat.Results[codat.APIKey]](t, h.send("GET", "/apiKeys", nil, authorizationHeader(other.Key))).Results; got[0].ID == start.ID {
		t.Errorf("the deleted start key is still listed: %+v", got)
	}
}

func TestAPIKeys_lastKey(t *testing.T) {
	t.Parallel()
	for _, deletable := range []bool{false, true} {
		t.Run(fmt.Sprintf("%s=%v", LastAPIKeyDeletable, deletable), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(o *Options) {
				if deletable {
					o.Behaviours = []Behaviour{LastAPIKeyDeletable}
				}
			})
			id := startKeyID(h.emu.APIKey())
			rec := h.do("DELETE", "/apiKeys/"+id, nil)
			if !deletable {
				wantError(t, rec, http.StatusConflict, "not possible to delete the last remaining API key")
				wantStatus(t, h.do("GET", "/companies", nil), http.StatusOK)
				return
			}
			wantStatus(t, rec, http.StatusNoContent)
			wantError(t, h.do("GET", "/apiKeys", nil), http.StatusForbidden, "outdated API key")
			// The control API's new key is the way back, as the portal is for Codat.
			h.emu.SetAPIKey("a-new-start")
			if got := decode[codat.Results[codat.APIKey]](t, h.do("GET", "/apiKeys", nil)).Results; len(got) != 1 || got[0].Key != "a-new-start" {
				t.Errorf("keys after a new start key = %+v", got)
			}
		})
	}
}

func TestAPIKeys_listedWithoutSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{APIKeysListedWithoutSecrets} })
	created := decode[codat.APIKey](t, h.do("POST", "/apiKeys", `{"name":"once"}`))
	if created.Key == "" {
		t.Fatal("the create answer must carry the secret")
	}
	rec := h.do("GET", "/apiKeys", nil)
	if strings.Contains(rec.Body.String(), created.Key) || strings.Contains(rec.Body.String(), "apiKey") {
		t.Errorf("list shows a secret: %s", rec.Body.String())
	}
	if got := decode[codat.Results[codat.APIKey]](t, rec).Results; len(got) != 2 || got[1].ID != created.ID || got[1].Name != "once" {
		t.Errorf("list = %+v", got)
	}
}

// TestResetRestoresClientSettings: Reset brings back the start key and
// clears the client-wide settings.
func TestResetRestoresClientSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Cleanup(func() { _ = h.emu.Close() })
	created := decode[codat.APIKey](t, h.do("POST", "/apiKeys", `{"name":"kept?"}`))
	wantStatus(t, h.do("DELETE", "/apiKeys/"+startKeyID(h.emu.APIKey()), nil), http.StatusNoContent)
	other := authorizationHeader(created.Key)
	wantStatus(t, h.send("PUT", "/profile", `{"name":"Changed","redirectUrl":"https://c.example"}`, other), http.StatusOK)
	wantStatus(t, h.send("POST", "/webhooks", `{"url":"https://hooks.example","eventTypes":["company.created"]}`, other), http.StatusCreated)
	h.emu.Reset()
	wantStatus(t, h.do("GET", "/companies", nil), http.StatusOK)
	wantStatus(t, h.send("GET", "/companies", nil, other), http.StatusUnauthorized)
	if got := decode[codat.Profile](t, h.do("GET", "/profile", nil)); got.Name != "Codat Emulator" {
		t.Errorf("profile after reset = %+v", got)
	}
	if got := decode[codat.Results[codat.WebhookConsumer]](t, h.do("GET", "/webhooks", nil)); len(got.Results) != 0 {
		t.Errorf("consumers after reset = %+v", got.Results)
	}
}
