package codat_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// bodyRecorder keeps the body of every request it passes on.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies map[string][]string // "METHOD path" -> bodies
}

func (b *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	b.mu.Lock()
	if b.bodies == nil {
		b.bodies = map[string][]string{}
	}
	key := req.Method + " " + req.URL.Path
	b.bodies[key] = append(b.bodies[key], string(body))
	b.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (b *bodyRecorder) sent(key string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.bodies[key])
}

func TestEmulatorProfile(t *testing.T) {
	rec := &bodyRecorder{}
	h := newEmulatorHarnessWithTransport(t, emulator.Options{}, rec)
	ctx := context.Background()

	before := must(h.client.GetProfile(ctx))(t)
	if before.Name == "" || before.RedirectURL == "" {
		t.Fatalf("profile = %+v", before)
	}
	// ModifyProfile: one GET and one PUT, the other fields kept.
	h.emu.ResetRequestCounts()
	after := must(h.client.ModifyProfile(ctx, func(p *codat.Profile) {
		p.LogoURL = "https://img.example/logo.png"
		p.WhiteListURLs = []string{"https://app.example"}
	}))(t)
	if after.Name != before.Name || after.RedirectURL != before.RedirectURL || after.LogoURL != "https://img.example/logo.png" ||
		!slices.Equal(after.WhiteListURLs, []string{"https://app.example"}) {
		t.Errorf("after = %+v", after)
	}
	if counts := h.emu.RequestCounts(); counts.Total != 2 || counts.Routes["GET /profile"] != 1 || counts.Routes["PUT /profile"] != 1 {
		t.Errorf("requests = %+v", counts.Routes)
	}
	// The emulator serves the deprecated apiKey; the client never sends it back.
	for _, body := range rec.sent("PUT /profile") {
		if strings.Contains(body, "apiKey") || strings.Contains(body, emulatorKey) {
			t.Errorf("PUT /profile sent the key: %s", body)
		}
	}
	if got := must(h.client.GetProfile(ctx))(t); !reflect.DeepEqual(got, after) {
		t.Errorf("GET after PUT = %+v, want %+v", got, after)
	}
	// PUT replaces: UpdateProfile with only the required fields clears the rest.
	cleared := must(h.client.UpdateProfile(ctx, codat.Profile{Name: "Bare", RedirectURL: "https://bare.example"}))(t)
	if cleared.LogoURL != "" || len(cleared.WhiteListURLs) != 0 {
		t.Errorf("UpdateProfile kept fields: %+v", cleared)
	}
	if _, err := h.client.UpdateProfile(ctx, codat.Profile{Name: "No redirect"}); !codat.IsBadRequest(err) {
		t.Errorf("a profile without a redirect URL: %v", err)
	}
}

func TestEmulatorCORSSettings(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	if got := must(h.client.GetCORSSettings(ctx))(t); len(got.AllowedOrigins) != 0 {
		t.Errorf("initial = %+v", got)
	}
	origins := []string{"https://www.bank-of-dave.example", "http://localhost:3000"}
	if got := must(h.client.SetCORSSettings(ctx, origins))(t); !slices.Equal(got.AllowedOrigins, origins) {
		t.Errorf("set answered %+v", got)
	}
	if got := must(h.client.GetCORSSettings(ctx))(t); !slices.Equal(got.AllowedOrigins, origins) {
		t.Errorf("get answered %+v", got)
	}
	if got := must(h.client.SetCORSSettings(ctx, nil))(t); len(got.AllowedOrigins) != 0 {
		t.Errorf("clearing answered %+v", got)
	}
	if _, err := h.client.SetCORSSettings(ctx, []string{"not an origin"}); !codat.IsBadRequest(err) {
		t.Errorf("a bad origin: %v", err)
	}
}

func TestEmulatorWebhookConsumers(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	t.Cleanup(func() { _ = h.emu.Close() })
	ctx := context.Background()
	req := codat.WebhookConsumerRequest{URL: "https://hooks.example/codat", EventTypes: []string{codat.EventConnectionConnected},
		CompanyTags: []string{"region:uk"}}
	created := must(h.client.CreateWebhookConsumer(ctx, req))(t)
	if created.ID == "" || created.URL != req.URL || created.Disabled || !slices.Equal(created.CompanyTags, req.CompanyTags) {
		t.Errorf("created = %+v", created)
	}
	if got := must(h.client.ListWebhookConsumers(ctx))(t); len(got) != 1 || !reflect.DeepEqual(got[0], *created) {
		t.Errorf("list = %+v", got)
	}
	if _, err := h.client.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: req.URL, EventTypes: []string{"NotAnEvent"}}); !codat.IsBadRequest(err) {
		t.Errorf("an unknown event type: %v", err)
	}
	if err := h.client.DeleteWebhookConsumer(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.client.DeleteWebhookConsumer(ctx, created.ID); !codat.IsNotFound(err) {
		t.Errorf("deleting again: %v", err)
	}
	if got := must(h.client.ListWebhookConsumers(ctx))(t); len(got) != 0 {
		t.Errorf("list after delete = %+v", got)
	}
}

func TestEmulatorAPIKeys(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	keys := must(h.client.ListAPIKeys(ctx))(t)
	if len(keys) != 1 || !h.client.UsesAPIKey(keys[0]) {
		t.Fatalf("keys = %v; the client's own key should be the only one", keys)
	}
	created := must(h.client.CreateAPIKey(ctx, "ci-runner"))(t)
	if created.ID == "" || created.Key == "" || created.Name != "ci-runner" || created.CreatedDate == "" || h.client.UsesAPIKey(*created) {
		t.Errorf("created = %v", created)
	}
	other, err := codat.New(codat.Config{BaseURL: h.url, APIKey: created.Key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ListCompanies(ctx, codat.ListCompaniesOptions{}); err != nil {
		t.Errorf("the new key does not work: %v", err)
	}
	if err := h.client.DeleteAPIKey(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.ListCompanies(ctx, codat.ListCompaniesOptions{}); codat.StatusCode(err) != http.StatusForbidden {
		t.Errorf("a deleted key: %v", err)
	}
	// The last key stays, by default (the docs' reading).
	if err := h.client.DeleteAPIKey(ctx, keys[0].ID); !codat.IsConflict(err) {
		t.Errorf("deleting the last key: %v", err)
	}
	for range codat.MaxAPIKeys - 1 {
		must(h.client.CreateAPIKey(ctx, ""))(t)
	}
	if _, err := h.client.CreateAPIKey(ctx, "one too many"); !codat.IsConflict(err) {
		t.Errorf("an eleventh key: %v", err)
	}
}

func TestEmulatorSupplementalAndCustomData(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	if got := must(h.client.GetSupplementalDataConfig(ctx, "gbol", "invoices"))(t); got.SupplementalDataConfig == nil || len(got.SupplementalDataConfig) != 0 {
		t.Errorf("unconfigured = %+v", got)
	}
	config := map[string]codat.SupplementalDataSource{"invoices": {DataSource: "/Invoices", PullData: map[string]string{"url": "Url"}}}
	if err := h.client.SetSupplementalDataConfig(ctx, "gbol", "invoices", config); err != nil {
		t.Fatal(err)
	}
	if got := must(h.client.GetSupplementalDataConfig(ctx, "gbol", "invoices"))(t); !reflect.DeepEqual(got.SupplementalDataConfig, config) {
		t.Errorf("after set = %+v", got)
	}
	if err := h.client.SetSupplementalDataConfig(ctx, "gbol", "invoices", nil); err != nil {
		t.Fatal(err)
	}
	if got := must(h.client.GetSupplementalDataConfig(ctx, "gbol", "invoices"))(t); len(got.SupplementalDataConfig) != 0 {
		t.Errorf("after reset = %+v", got)
	}
	if _, err := h.client.GetSupplementalDataConfig(ctx, "zzzz", "invoices"); !codat.IsNotFound(err) {
		t.Errorf("unknown platform: %v", err)
	}

	if _, err := h.client.GetCustomDataType(ctx, "qhyg", "cashflow"); !codat.IsNotFound(err) {
		t.Errorf("unconfigured custom data type: %v", err)
	}
	custom := codat.CustomDataTypeConfig{DataSource: "/reports/CashFlow", RequiredData: map[string]string{"Rows": "$.Rows"},
		KeyBy: []string{"$.Header.ReportName"}, SourceModifiedDate: []string{"$.Header.Time"}}
	if got := must(h.client.ConfigureCustomDataType(ctx, "qhyg", "cashflow", custom))(t); !reflect.DeepEqual(*got, custom) {
		t.Errorf("configure answered %+v", got)
	}
	if got := must(h.client.GetCustomDataType(ctx, "qhyg", "cashflow"))(t); !reflect.DeepEqual(*got, custom) {
		t.Errorf("get answered %+v", got)
	}
}

// TestMergeSupplementalDataConfig: the named sources change, the others
// stay, what was replaced is recorded once, and merging it back restores
// the configuration; nothing is sent when nothing changes.
func TestMergeSupplementalDataConfig(t *testing.T) {
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := context.Background()
	theirs := codat.SupplementalDataSource{DataSource: "/Contacts", PullData: map[string]string{"bank": "BankAccountDetails"}}
	original := map[string]codat.SupplementalDataSource{"theirs": theirs, "shared": {DataSource: "/Old", PushData: map[string]string{"a": "A"}}}
	if err := h.client.SetSupplementalDataConfig(ctx, "gbol", "suppliers", original); err != nil {
		t.Fatal(err)
	}
	before := map[string]*codat.SupplementalDataSource{}
	mine := &codat.SupplementalDataSource{DataSource: "/New", PullData: map[string]string{"b": "B"}}
	for range 2 { // the second merge changes nothing and records nothing new
		h.emu.ResetRequestCounts()
		sent := must(h.client.MergeSupplementalDataConfig(ctx, "gbol", "suppliers", map[string]*codat.SupplementalDataSource{"shared": mine, "added": mine}, before))(t)
		if len(sent) != 3 || !reflect.DeepEqual(sent["theirs"], theirs) || !reflect.DeepEqual(sent["shared"], *mine) {
			t.Fatalf("sent %+v", sent)
		}
	}
	if n := h.emu.RequestCounts().Total; n != 1 {
		t.Errorf("an unchanged merge sent %d requests, want the GET alone", n)
	}
	if len(before) != 2 || before["added"] != nil || !reflect.DeepEqual(*before["shared"], original["shared"]) {
		t.Fatalf("before = %+v", before)
	}
	must(h.client.MergeSupplementalDataConfig(ctx, "gbol", "suppliers", before, nil))(t)
	if got := must(h.client.GetSupplementalDataConfig(ctx, "gbol", "suppliers"))(t); !reflect.DeepEqual(got.SupplementalDataConfig, original) {
		t.Errorf("restored %+v, want %+v", got.SupplementalDataConfig, original)
	}
}
