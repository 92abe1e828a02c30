//go:build unix

package examples

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// codatClient is one emulated Codat client: an emulator with its own key.
type codatClient struct {
	emu    *emulator.Emulator
	url    string
	key    string
	client *codat.Client
}

func startCodatClient(t *testing.T, key string) *codatClient {
	t.Helper()
	emu, err := emulator.Open(emulator.Options{APIKey: key, SyncStepDuration: emulator.NoSyncDelay})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = emu.Close() }) // runs first: stops the delivery goroutine
	client, err := codat.New(codat.Config{BaseURL: srv.URL, APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return &codatClient{emu: emu, url: srv.URL, key: key, client: client}
}

// receivedWebhook is one delivery a receiver verified.
type receivedWebhook struct {
	path, messageID, eventType, companyName string
}

// svixReceiver is a team's webhook endpoint: it verifies each delivery with
// Svix's library and the signing secret of the consumer whose URL it came
// to, as a service would with the secret from Codat's portal.
type svixReceiver struct {
	*httptest.Server
	codat *codatClient

	mu       sync.Mutex
	verified []receivedWebhook
	refused  []string
	arrived  chan struct{}
}

func newSvixReceiver(t *testing.T, c *codatClient) *svixReceiver {
	t.Helper()
	r := &svixReceiver{codat: c, arrived: make(chan struct{}, 100)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.receive))
	t.Cleanup(r.Close)
	return r
}

func (r *svixReceiver) receive(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	url := r.URL + req.URL.Path
	i := slices.IndexFunc(r.codat.emu.WebhookConsumers(), func(c emulator.WebhookConsumerInfo) bool { return c.URL == url })
	var err error
	var got receivedWebhook
	if i < 0 {
		err = fmt.Errorf("no consumer has the URL %s", url)
	} else {
		var wh *svix.Webhook
		if wh, err = svix.NewWebhook(r.codat.emu.WebhookConsumers()[i].SigningSecret); err == nil {
			err = wh.Verify(body, req.Header)
		}
	}
	if err == nil {
		var event codat.WebhookEvent
		var company codat.Company
		if err = json.Unmarshal(body, &event); err == nil {
			err = json.Unmarshal(event.Payload, &company)
		}
		got = receivedWebhook{path: req.URL.Path, messageID: req.Header.Get(codat.WebhookIDHeader), eventType: event.EventType, companyName: company.Name}
	}
	r.mu.Lock()
	if err != nil {
		r.refused = append(r.refused, fmt.Sprintf("%s: %v", url, err))
	} else {
		r.verified = append(r.verified, got)
	}
	r.mu.Unlock()
	r.arrived <- struct{}{}
	if err != nil {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
}

// waitFor returns the verified deliveries once there are n, or fails after
// a minute.
func (r *svixReceiver) waitFor(t *testing.T, n int) []receivedWebhook {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		r.mu.Lock()
		got, refused := slices.Clone(r.verified), slices.Clone(r.refused)
		r.mu.Unlock()
		if len(refused) > 0 {
			t.Fatalf("deliveries failed verification: %v", refused)
		}
		if len(got) >= n {
			return got
		}
		r.codat.emu.DeliverWebhooks(context.Background())
		select {
		case <-r.arrived:
		case <-deadline:
			t.Fatalf("%d of %d deliveries arrived in a minute: %+v; the emulator's deliveries: %+v", len(got), n, got, r.codat.emu.WebhookDeliveries())
		}
	}
}

// clientAsCodeGuide: the guide's two applies, the sandbox's against one
// emulated client and production's against another, then the smoke-test
// companies' company.created events, each verified with Svix at its own
// region's receiver and at no other.
func clientAsCodeGuide(t *testing.T) {
	t.Parallel()
	const page = "templates/guides/client-as-code.md.tmpl"
	sandbox, production := startCodatClient(t, "sandbox-client-key"), startCodatClient(t, "production-client-key")
	receiver := newSvixReceiver(t, sandbox)
	work := copyConfig(t, "guides/client-as-code")
	env := docEnv("TF_CLI_CONFIG_FILE=" + registryMirror(t))

	// The teams' endpoints are the local receiver's, as the guide suggests.
	teams := fmt.Sprintf(`-var-file=sandbox.tfvars -var='teams={uk={webhook_url="%[1]s/uk"},us={webhook_url="%[1]s/us"}}'`, receiver.URL)
	runScript(t, work, env, fill(t, docBlock(t, page, "sh", docCommands[page][0]),
		"CODAT_API_KEY=...   # the sandbox client's key (Codat Portal, Developers > API keys)", "CODAT_BASE_URL="+sandbox.url+" CODAT_API_KEY="+sandbox.key,
		"-var-file=sandbox.tfvars", teams))
	runScript(t, work, env, fill(t, docBlock(t, page, "sh", docCommands[page][1]),
		"CODAT_API_KEY=...   # the production client's key", "CODAT_BASE_URL="+production.url+" CODAT_API_KEY="+production.key))

	// A delivery is made per matching consumer when the event happens.
	if made := sandbox.emu.WebhookDeliveries(); len(made) != 2 {
		t.Fatalf("the sandbox's applies made %d deliveries, want one per smoke-test company: %+v", len(made), made)
	}
	got := receiver.waitFor(t, 2)
	want := map[string]string{"/uk": "Smoke Test UK Ltd", "/us": "Smoke Test US Inc"}
	for _, d := range got {
		if d.eventType != codat.EventCompanyCreated || want[d.path] != d.companyName {
			t.Errorf("%s received %s for %q; each region's receiver must hear only of its own company", d.path, d.eventType, d.companyName)
		}
		t.Logf("delivered and verified with Svix: %s for %q at %s (webhook-id %s)", d.eventType, d.companyName, d.path, d.messageID)
	}
	// The emulator made a delivery per matching consumer when each company
	// was created: two in all, both delivered.
	var made []string
	for _, d := range sandbox.emu.WebhookDeliveries() {
		made = append(made, fmt.Sprintf("%s to %s: %s", d.EventType, d.URL, d.Status))
		if d.EventType != codat.EventCompanyCreated || d.Status != "Success" {
			t.Errorf("delivery %s to %s is %s", d.EventType, d.URL, d.Status)
		}
	}
	if len(got) != 2 || len(made) != 2 {
		t.Errorf("%d deliveries received, %d made, want 2: %+v %v", len(got), len(made), got, made)
	}

	// Each client has its own settings.
	for _, c := range []struct {
		*codatClient
		name, origin     string
		companies, hooks int
	}{{sandbox, "Harbour Lending (sandbox)", "http://localhost:3000", 2, 2}, {production, "Harbour Lending", "https://app.harbour.example", 0, 2}} {
		ctx := context.Background()
		profile, err := c.client.GetProfile(ctx)
		if err != nil || profile.Name != c.name || !strings.HasSuffix(profile.RedirectURL, "/linked/{companyId}?status={statusCode}") {
			t.Errorf("%s: profile %+v, %v", c.name, profile, err)
		}
		cors, err := c.client.GetCORSSettings(ctx)
		if err != nil || !slices.Contains(cors.AllowedOrigins, c.origin) {
			t.Errorf("%s: allowed origins %+v, %v", c.name, cors, err)
		}
		companies, err := c.client.ListCompanies(ctx, codat.ListCompaniesOptions{})
		if err != nil || len(companies) != c.companies {
			t.Errorf("%s: %d companies, want %d (%v)", c.name, len(companies), c.companies, err)
		}
		if n := len(c.emu.WebhookConsumers()); n != c.hooks {
			t.Errorf("%s: %d webhook consumers, want %d", c.name, n, c.hooks)
		}
	}
}
