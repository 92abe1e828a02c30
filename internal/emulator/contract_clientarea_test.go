package emulator_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// The contract test's share for the client-wide areas: profile, CORS
// settings, API keys, webhook consumers, supplemental data and custom data
// types.

// clientAreaFixture is what the client-wide operations act on: a webhook
// consumer (disabled, so no event is ever posted anywhere) and an API key.
type clientAreaFixture struct {
	webhookID, apiKeyID string
}

func newClientAreaFixture(t *testing.T, ctx context.Context, c *codat.Client) clientAreaFixture {
	t.Helper()
	consumer, err := c.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: "https://hooks.example/contract",
		EventTypes: []string{codat.EventCompanyCreated}, Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	// A client has at most 10 keys: make room, by deleting earlier
	// fixtures' keys, for this one and for create-api-key's.
	keys, err := c.ListAPIKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := len(keys)
	for _, k := range keys {
		if live < codat.MaxAPIKeys-1 {
			break
		}
		if k.Name == fixtureKeyName {
			if err := c.DeleteAPIKey(ctx, k.ID); err != nil {
				t.Fatal(err)
			}
			live--
		}
	}
	key, err := c.CreateAPIKey(ctx, fixtureKeyName)
	if err != nil {
		t.Fatal(err)
	}
	return clientAreaFixture{webhookID: consumer.ID, apiKeyID: key.ID}
}

const fixtureKeyName = "contract fixture"

func clientAreaOperations() []contractOperation {
	return []contractOperation{
		{"get-profile", "GET /profile", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetProfile(ctx)
			return err
		}},
		{"update-profile", "PUT /profile", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.UpdateProfile(ctx, codat.Profile{Name: "Contract Lending", RedirectURL: "https://lending.example/{companyId}",
				LogoURL: "https://lending.example/logo.png", WhiteListURLs: []string{"https://lending.example"}})
			return err
		}},
		{"get-cors-settings", "GET /corsSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetCORSSettings(ctx)
			return err
		}},
		{"set-cors-settings", "POST /corsSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.SetCORSSettings(ctx, []string{"https://lending.example", "http://localhost:3000"})
			return err
		}},
		{"list-api-keys", "GET /apiKeys", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListAPIKeys(ctx)
			return err
		}},
		{"create-api-key", "POST /apiKeys", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.CreateAPIKey(ctx, "contract-processor")
			return err
		}},
		{"list-webhook-consumers", "GET /webhooks", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListWebhookConsumers(ctx)
			return err
		}},
		{"create-webhook-consumer", "POST /webhooks", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: "https://hooks.example/created",
				EventTypes: []string{codat.EventReadCompleted, "invoices.write.successful"}, CompanyTags: []string{"region:uk"}, Disabled: true})
			return err
		}},
		{"get-supplemental-data-configuration", "GET /integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig",
			func(ctx context.Context, c *codat.Client, f *contractFixture) error {
				_, err := c.GetSupplementalDataConfig(ctx, "gbol", "invoices")
				return err
			}},
		{"configure-supplemental-data", "PUT /integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig",
			func(ctx context.Context, c *codat.Client, f *contractFixture) error {
				return c.SetSupplementalDataConfig(ctx, "gbol", "invoices", map[string]codat.SupplementalDataSource{
					"invoices": {DataSource: "/Invoices", PullData: map[string]string{"url": "Url"}, PushData: map[string]string{"url": "Url"}}})
			}},
		{"configure-custom-data-type", "PUT /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}",
			func(ctx context.Context, c *codat.Client, f *contractFixture) error {
				_, err := c.ConfigureCustomDataType(ctx, "trji", "DynamicsPurchaseOrders", codat.CustomDataTypeConfig{
					DataSource: "api/purchaseOrders", RequiredData: map[string]string{"number": "$[*].number"},
					KeyBy: []string{"$[*].id"}, SourceModifiedDate: []string{"$[*].lastModifiedDateTime"}})
				return err
			}},
		{"get-custom-data-type-configuration", "GET /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}",
			func(ctx context.Context, c *codat.Client, f *contractFixture) error {
				_, err := c.GetCustomDataType(ctx, "trji", "DynamicsPurchaseOrders")
				return err
			}},
		// The destructive operations come last: they act on the fixture.
		{"delete-webhook-consumer", "DELETE /webhooks/{webhookId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.DeleteWebhookConsumer(ctx, f.webhookID)
		}},
		{"delete-api-key", "DELETE /apiKeys/{apiKeyId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.DeleteAPIKey(ctx, f.apiKeyID)
		}},
	}
}

// clientAreaEnv is what clientAreaRealErrors needs from TestContract.
type clientAreaEnv struct {
	recorder *contractRecorder
	// newClientAt makes a client for an emulator at a base URL.
	newClientAt func(baseURL, key string) *codat.Client
	// baseURL and key address TestContract's emulator, for raw requests.
	baseURL, key string
}

// newEmulator starts a fresh emulator, closed when the test ends, and
// returns a client for it.
func (env clientAreaEnv) newEmulator(t *testing.T) *codat.Client {
	emu := emulator.New(emulator.Options{})
	server := httptest.NewServer(emu)
	t.Cleanup(func() {
		server.Close()
		_ = emu.Close()
	})
	return env.newClientAt(server.URL, emu.APIKey())
}

// raw sends a request the client would refuse to, through the recorder,
// and returns the status.
func (env clientAreaEnv) raw(t *testing.T, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, env.baseURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(env.key)))
	req.Header.Set("Content-Type", "application/json")
	if method == http.MethodPost || method == http.MethodPatch {
		// As the client sends every write (docs using-the-api/write-data/idempotency.md).
		req.Header.Set("Idempotency-Key", uuid.NewString())
	}
	resp, err := env.recorder.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// clientAreaRealErrors drives every error the client-wide operations answer
// for real.
func clientAreaRealErrors(t *testing.T, ctx context.Context, client *codat.Client, env clientAreaEnv) {
	unknown := "00000000-0000-4000-8000-000000000000"
	expectStatus(t, 404, "delete-webhook-consumer", func() error { return client.DeleteWebhookConsumer(ctx, unknown) })
	expectStatus(t, 404, "delete-api-key", func() error { return client.DeleteAPIKey(ctx, unknown) })
	expectStatus(t, 404, "get-supplemental-data-configuration", func() error {
		_, err := client.GetSupplementalDataConfig(ctx, "zzzz", "invoices")
		return err
	})
	expectStatus(t, 404, "configure-supplemental-data", func() error {
		return client.SetSupplementalDataConfig(ctx, "zzzz", "invoices", nil)
	})
	expectStatus(t, 404, "get-custom-data-type-configuration", func() error {
		_, err := client.GetCustomDataType(ctx, "gbol", "NeverConfigured")
		return err
	})
	expectStatus(t, 404, "configure-custom-data-type", func() error {
		_, err := client.ConfigureCustomDataType(ctx, "zzzz", "x", codat.CustomDataTypeConfig{DataSource: "/x", KeyBy: []string{"$.id"}})
		return err
	})
	expectStatus(t, 400, "create-webhook-consumer", func() error {
		_, err := client.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: "https://hooks.example", EventTypes: []string{"DataSyncCompleted"}})
		return err
	})
	expectStatus(t, 400, "configure-custom-data-type", func() error {
		_, err := client.ConfigureCustomDataType(ctx, "gbol", "x", codat.CustomDataTypeConfig{DataSource: "/x"})
		return err
	})

	// The limits, on emulators of their own.
	keys := env.newEmulator(t)
	for range codat.MaxAPIKeys - 1 {
		if _, err := keys.CreateAPIKey(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	expectStatus(t, 409, "create-api-key", func() error { _, err := keys.CreateAPIKey(ctx, "eleventh"); return err })
	lastKey := env.newEmulator(t)
	startKey, err := lastKey.ListAPIKeys(ctx)
	if err != nil || len(startKey) != 1 {
		t.Fatalf("keys = %v, %v", startKey, err)
	}
	expectStatus(t, 409, "delete-api-key", func() error { return lastKey.DeleteAPIKey(ctx, startKey[0].ID) })
	consumers := env.newEmulator(t)
	for range codat.MaxWebhookConsumers {
		if _, err := consumers.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: "https://hooks.example", EventTypes: []string{"company.created"}, Disabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	expectStatus(t, 400, "create-webhook-consumer", func() error {
		_, err := consumers.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: "https://hooks.example", EventTypes: []string{"company.created"}})
		return err
	})

	// Requests the description forbids, sent on purpose to see the emulator
	// refuse them.
	env.recorder.setExpectInvalidRequest(true)
	defer env.recorder.setExpectInvalidRequest(false)
	expectStatus(t, 400, "update-profile", func() error {
		_, err := client.UpdateProfile(ctx, codat.Profile{Name: "No redirect URL"})
		return err
	})
	expectStatus(t, 400, "set-cors-settings", func() error {
		_, err := client.SetCORSSettings(ctx, []string{"www.no-scheme.example"})
		return err
	})
	if got := env.raw(t, http.MethodPost, "/apiKeys", `{"name":"`+strings.Repeat("n", 51)+`"}`); got != http.StatusBadRequest {
		t.Errorf("create-api-key with a 51-character name: got %d, want 400", got)
	}
}

// webhookSchemas returns, for each event type in the spec's webhooks
// section, the schema of its request body, normalised as loadSpec does.
func webhookSchemas(t *testing.T) map[string]*base.Schema {
	t.Helper()
	document, _ := loadDocument(t, "Codat-Platform.json")
	model, err := document.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*base.Schema{}
	for eventType, item := range model.Model.Webhooks.FromOldest() {
		if item.Post == nil || item.Post.RequestBody == nil {
			continue
		}
		if media := item.Post.RequestBody.Content.GetOrZero("application/json"); media != nil && media.Schema != nil {
			out[eventType] = media.Schema.Schema()
		}
	}
	return out
}

// TestContractWebhookPayloads: every event the emulator sends matches the
// request body the spec's webhooks section gives for its event type.
func TestContractWebhookPayloads(t *testing.T) {
	schemas := webhookSchemas(t)
	var mu sync.Mutex
	var bodies [][]byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
	}))
	defer receiver.Close()

	emu := emulator.New(emulator.Options{SyncStepDuration: emulator.NoSyncDelay})
	defer func() { _ = emu.Close() }()
	server := httptest.NewServer(emu)
	defer server.Close()
	c, err := codat.New(codat.Config{BaseURL: server.URL, APIKey: emu.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	sent := []string{codat.EventCompanyCreated, codat.EventCompanyDeleted, codat.EventConnectionCreated, codat.EventConnectionConnected,
		codat.EventConnectionDisconnected, codat.EventConnectionReconnected, codat.EventConnectionDeleted,
		codat.EventReadCompleted, codat.EventReadCompletedInitial}
	if _, err := c.CreateWebhookConsumer(ctx, codat.WebhookConsumerRequest{URL: receiver.URL, EventTypes: sent}); err != nil {
		t.Fatal(err)
	}
	company, err := c.CreateCompany(ctx, codat.CompanyRequest{Name: "Webhook Contract Ltd", Description: "every event",
		Tags: map[string]string{"region": "uk"}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return emu.Authorize(company.ID, conn.ID) },
		func() error { return emu.SetConnectionStatus(company.ID, conn.ID, codat.StatusDeauthorized) },
		func() error { return emu.Authorize(company.ID, conn.ID) },
		func() error { return c.DeleteConnection(ctx, company.ID, conn.ID) },
		func() error { return c.DeleteCompany(ctx, company.ID) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	emu.DeliverWebhooks(ctx)

	validator := schema_validation.NewSchemaValidator(config.WithFormatAssertions())
	seen := map[string]bool{}
	mu.Lock()
	defer mu.Unlock()
	for _, body := range bodies {
		var event codat.WebhookEvent
		if err := json.Unmarshal(body, &event); err != nil {
			t.Fatal(err)
		}
		seen[event.EventType] = true
		schema, ok := schemas[event.EventType]
		if !ok {
			t.Errorf("%s is not in the spec's webhooks section", event.EventType)
			continue
		}
		if ok, errs := validator.ValidateSchemaBytes(schema, body); !ok {
			for _, e := range errs {
				for _, v := range e.SchemaValidationErrors {
					t.Errorf("%s: %s at %s", event.EventType, v.Reason, v.FieldPath)
				}
				if len(e.SchemaValidationErrors) == 0 {
					t.Errorf("%s: %s", event.EventType, e.Error())
				}
			}
		}
	}
	for _, eventType := range sent {
		if !seen[eventType] {
			t.Errorf("no %s event was sent", eventType)
		}
	}
	t.Logf("%d events validated against the spec's webhooks section", len(bodies))
}
