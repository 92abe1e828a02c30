package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// receiver is a local webhook consumer endpoint. It answers with the
// scripted statuses in turn (the last repeats; none means 200) and keeps
// what it received.
type receiver struct {
	t        *testing.T
	server   *httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []received
	arrived  chan struct{}
}

type received struct {
	header http.Header
	body   []byte
	event  codat.WebhookEvent
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	rx := &receiver{t: t, statuses: statuses, arrived: make(chan struct{}, 100)}
	rx.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var event codat.WebhookEvent
		_ = json.Unmarshal(body, &event)
		rx.mu.Lock()
		rx.got = append(rx.got, received{header: r.Header.Clone(), body: body, event: event})
		status := http.StatusOK
		if len(rx.statuses) > 0 {
			status = rx.statuses[0]
			if len(rx.statuses) > 1 {
				rx.statuses = rx.statuses[1:]
			}
		}
		rx.mu.Unlock()
		w.WriteHeader(status)
		rx.arrived <- struct{}{}
	}))
	t.Cleanup(rx.server.Close)
	return rx
}

func (rx *receiver) received() []received {
	rx.mu.Lock()
	defer rx.mu.Unlock()
	return slices.Clone(rx.got)
}

// eventTypes lists what arrived, in order.
func (rx *receiver) eventTypes() []string {
	var out []string
	for _, r := range rx.received() {
		out = append(out, r.event.EventType)
	}
	return out
}

// consumer creates a webhook consumer and stops the emulator's delivery
// goroutine when the test ends.
func (h *harness) consumer(url string, eventTypes []string, companyTags ...string) codat.WebhookConsumer {
	h.t.Helper()
	rec := h.do("POST", "/webhooks", codat.WebhookConsumerRequest{URL: url, EventTypes: eventTypes, CompanyTags: companyTags})
	wantStatus(h.t, rec, http.StatusCreated)
	h.t.Cleanup(func() { _ = h.emu.Close() })
	return decode[codat.WebhookConsumer](h.t, rec)
}

func (h *harness) deliver() {
	h.t.Helper()
	h.emu.DeliverWebhooks(context.Background())
}

// verify checks a delivery's signature with Svix's own library, as a
// consumer following Codat's docs does.
func verify(t *testing.T, secret string, r received) error {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh.Verify(r.body, r.header)
}

func TestWebhookConsumers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Cleanup(func() { _ = h.emu.Close() })
	rec := h.do("GET", "/webhooks", nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Body.String() != `{"results":[]}` {
		t.Errorf("initial list = %s", rec.Body.String())
	}
	req := codat.WebhookConsumerRequest{URL: "https://hooks.example/codat", EventTypes: []string{"company.created", "invoices.write.successful"},
		CompanyTags: []string{"region:uk", "team:lending"}, Disabled: true}
	rec = h.do("POST", "/webhooks", req)
	wantStatus(t, rec, http.StatusCreated)
	created := decode[codat.WebhookConsumer](t, rec)
	wantUUID(t, "id", created.ID)
	if created.URL != req.URL || !created.Disabled || !slices.Equal(created.EventTypes, req.EventTypes) || !slices.Equal(created.CompanyTags, req.CompanyTags) {
		t.Errorf("created = %+v", created)
	}
	if got := decode[codat.Results[codat.WebhookConsumer]](t, h.do("GET", "/webhooks", nil)).Results; len(got) != 1 || got[0].ID != created.ID {
		t.Errorf("list = %+v", got)
	}
	secret, err := h.emu.WebhookSigningSecret(created.ID)
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("signing secret = %q, %v", secret, err)
	}
	if _, err := svix.NewWebhook(secret); err != nil {
		t.Errorf("Svix refuses the secret: %v", err)
	}
	if strings.Contains(h.do("GET", "/webhooks", nil).Body.String(), secret) {
		t.Error("the API shows the signing secret")
	}

	for name, body := range map[string]string{
		"no url":            `{"eventTypes":["company.created"]}`,
		"relative url":      `{"url":"/hooks","eventTypes":["company.created"]}`,
		"ftp url":           `{"url":"ftp://hooks.example","eventTypes":["company.created"]}`,
		"no event types":    `{"url":"https://hooks.example"}`,
		"legacy event type": `{"url":"https://hooks.example","eventTypes":["DataSyncCompleted"]}`,
		"unknown write":     `{"url":"https://hooks.example","eventTypes":["widgets.write.successful"]}`,
		"tag without colon": `{"url":"https://hooks.example","eventTypes":["company.created"],"companyTags":["region"]}`,
		"tag without key":   `{"url":"https://hooks.example","eventTypes":["company.created"],"companyTags":[":uk"]}`,
		"long tag":          fmt.Sprintf(`{"url":"https://hooks.example","eventTypes":["company.created"],"companyTags":["k:%s"]}`, strings.Repeat("v", 127)),
		"eleven tags":       `{"url":"https://hooks.example","eventTypes":["company.created"],"companyTags":["a:1","b:1","c:1","d:1","e:1","f:1","g:1","h:1","i:1","j:1","k:1"]}`,
	} {
		if rec := h.do("POST", "/webhooks", body); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", name, rec.Code, rec.Body.String())
		}
	}

	wantStatus(t, h.do("DELETE", "/webhooks/"+created.ID, nil), http.StatusNoContent)
	wantError(t, h.do("DELETE", "/webhooks/"+created.ID, nil), http.StatusNotFound, "No webhook consumer was found")
	if _, err := h.emu.WebhookSigningSecret(created.ID); err == nil {
		t.Error("a deleted consumer still has a secret")
	}
	wantStatus(t, h.do("GET", "/webhooks/"+created.ID, nil), http.StatusMethodNotAllowed) // no get by id
}

// TestWebhookConsumers_limit: "The number of webhook consumers you can
// create is limited to 50."
func TestWebhookConsumers_limit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	t.Cleanup(func() { _ = h.emu.Close() })
	var last codat.WebhookConsumer
	for i := range codat.MaxWebhookConsumers {
		rec := h.do("POST", "/webhooks", codat.WebhookConsumerRequest{URL: fmt.Sprintf("https://hooks.example/%d", i), EventTypes: []string{"company.created"}})
		wantStatus(t, rec, http.StatusCreated)
		last = decode[codat.WebhookConsumer](t, rec)
	}
	wantError(t, h.do("POST", "/webhooks", codat.WebhookConsumerRequest{URL: "https://hooks.example/51", EventTypes: []string{"company.created"}}),
		http.StatusBadRequest, "limited to 50")
	wantStatus(t, h.do("DELETE", "/webhooks/"+last.ID, nil), http.StatusNoContent)
	wantStatus(t, h.do("POST", "/webhooks", codat.WebhookConsumerRequest{URL: "https://hooks.example/51", EventTypes: []string{"company.created"}}), http.StatusCreated)
}

// TestWebhookDelivery_signedCompanyEvents: company.created and
// company.deleted arrive in Codat's shape, signed so that Svix's library
// verifies them, with the same webhook-id header on each attempt.
func TestWebhookDelivery_signedCompanyEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t)
	consumer := h.consumer(rx.server.URL+"/codat", []string{codat.EventCompanyCreated, codat.EventCompanyDeleted})
	company := h.createCompany(codat.CompanyRequest{Name: "Bank of Dave", Description: "Requested a loan", Tags: map[string]string{"region": "uk"}})
	wantStatus(t, h.do("DELETE", "/companies/"+company.ID, nil), http.StatusNoContent)
	h.deliver()

	got := rx.received()
	if len(got) != 2 || got[0].event.EventType != codat.EventCompanyCreated || got[1].event.EventType != codat.EventCompanyDeleted {
		t.Fatalf("received %v, want company.created then company.deleted", rx.eventTypes())
	}
	secret, _ := h.emu.WebhookSigningSecret(consumer.ID)
	for _, r := range got {
		if err := verify(t, secret, r); err != nil {
			t.Errorf("%s: Svix verification failed: %v", r.event.EventType, err)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		wantUUID(t, "event id", r.event.ID)
		wantDateTime(t, "generatedDate", r.event.GeneratedDate)
		var payload codat.Company
		if err := json.Unmarshal(r.event.Payload, &payload); err != nil {
			t.Fatal(err)
		}
		if payload.ID != company.ID || payload.Name != "Bank of Dave" || payload.Tags["region"] != "uk" ||
			payload.Redirect != company.Redirect || payload.DataConnections != nil {
			t.Errorf("%s payload = %+v", r.event.EventType, payload)
		}
	}
	// A body changed in transit, or another consumer's secret, fails.
	tampered := got[0]
	tampered.body = []byte(strings.Replace(string(tampered.body), "Bank of Dave", "Bank of Eve", 1))
	if verify(t, secret, tampered) == nil {
		t.Error("a tampered body verified")
	}
	other := h.consumer(rx.server.URL+"/other", []string{codat.EventCompanyCreated})
	otherSecret, _ := h.emu.WebhookSigningSecret(other.ID)
	if verify(t, otherSecret, got[0]) == nil {
		t.Error("another consumer's secret verified")
	}

	deliveries := h.emu.WebhookDeliveries()
	if len(deliveries) != 2 || deliveries[0].Status != DeliverySuccess || len(deliveries[0].Attempts) != 1 ||
		deliveries[0].Attempts[0].StatusCode != http.StatusOK || !deliveries[0].NextAttempt.IsZero() ||
		deliveries[0].MessageID != got[0].header.Get("webhook-id") || deliveries[0].EventID != got[0].event.ID ||
		string(deliveries[0].Payload) != string(got[0].body) {
		t.Errorf("deliveries = %+v", deliveries)
	}
}

// TestWebhookDelivery_retries: a failed attempt is retried on Svix's
// schedule, on the injected clock; the webhook-id stays the same.
func TestWebhookDelivery_retries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusOK)
	consumer := h.consumer(rx.server.URL, []string{codat.EventCompanyCreated})
	h.createCompany(codat.CompanyRequest{Name: "Retry Ltd"})
	start := h.clock.Now()
	h.deliver()

	d := h.emu.WebhookDeliveries()[0]
	if d.Status != DeliveryAttempting || len(d.Attempts) != 1 || d.Attempts[0].StatusCode != 500 || !d.NextAttempt.Equal(start.Add(5*time.Second)) {
		t.Fatalf("after a 500: %+v", d)
	}
	h.clock.Advance(4 * time.Second)
	h.deliver()
	if n := len(rx.received()); n != 1 {
		t.Fatalf("retried %d times before the 5 seconds were up", n-1)
	}
	h.clock.Advance(time.Second)
	h.deliver()
	d = h.emu.WebhookDeliveries()[0]
	if d.Status != DeliveryAttempting || len(d.Attempts) != 2 || !d.NextAttempt.Equal(start.Add(5*time.Second+5*time.Minute)) {
		t.Fatalf("after a 503: %+v", d)
	}
	h.clock.Advance(5 * time.Minute)
	h.deliver()
	got := rx.received()
	if d = h.emu.WebhookDeliveries()[0]; d.Status != DeliverySuccess || len(got) != 3 {
		t.Fatalf("after a 200: %+v, %d received", d, len(got))
	}
	secret, _ := h.emu.WebhookSigningSecret(consumer.ID)
	for i, r := range got {
		if r.header.Get("webhook-id") != got[0].header.Get("webhook-id") || string(r.body) != string(got[0].body) {
			t.Errorf("attempt %d is a different message", i+1)
		}
		if err := verify(t, secret, r); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
	}
}

// TestWebhookDelivery_failure: once every attempt of the schedule has
// failed the delivery is a Failure; redirects and refused connections are
// failures too.
func TestWebhookDelivery_failure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.WebhookRetrySchedule = []time.Duration{time.Second, time.Minute} })
	redirecting := newReceiver(t, http.StatusFound)
	h.consumer(redirecting.server.URL, []string{codat.EventCompanyCreated})
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	h.consumer(gone.URL, []string{codat.EventCompanyCreated})
	h.createCompany(codat.CompanyRequest{Name: "Unlucky Ltd"})
	for _, step := range []time.Duration{0, time.Second, time.Minute} {
		h.clock.Advance(step)
		h.deliver()
	}
	for _, d := range h.emu.WebhookDeliveries() {
		if d.Status != DeliveryFailure || len(d.Attempts) != 3 || !d.NextAttempt.IsZero() {
			t.Errorf("%s: %+v", d.URL, d)
		}
		if d.URL == gone.URL && (d.Attempts[0].StatusCode != 0 || d.Attempts[0].Error == "") {
			t.Errorf("a refused connection is recorded as %+v", d.Attempts[0])
		}
	}
	if n := len(redirecting.received()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	h.clock.Advance(24 * time.Hour)
	h.deliver()
	if n := len(redirecting.received()); n != 3 {
		t.Errorf("a failed delivery was attempted again: %d attempts", n)
	}
}

// TestWebhookDelivery_routing: event type and company tag filters, and
// disabled consumers.
func TestWebhookDelivery_routing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	uk, us, all, connections, disabled := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	h.consumer(uk.server.URL, []string{codat.EventCompanyCreated}, "region:uk", "team:none")
	h.consumer(us.server.URL, []string{codat.EventCompanyCreated}, "region:us")
	h.consumer(all.server.URL, []string{codat.EventCompanyCreated})
	h.consumer(connections.server.URL, []string{codat.EventConnectionConnected})
	rec := h.do("POST", "/webhooks", codat.WebhookConsumerRequest{URL: disabled.server.URL, EventTypes: []string{codat.EventCompanyCreated}, Disabled: true})
	wantStatus(t, rec, http.StatusCreated)

	h.createCompany(codat.CompanyRequest{Name: "UK Ltd", Tags: map[string]string{"region": "uk", "team": "lending"}})
	h.createCompany(codat.CompanyRequest{Name: "Lower Case Ltd", Tags: map[string]string{"region": "UK"}})
	h.createCompany(codat.CompanyRequest{Name: "Untagged Ltd"})
	h.deliver()

	for name, tc := range map[string]struct {
		rx   *receiver
		want int
	}{"region:uk": {uk, 1}, "region:us": {us, 0}, "no tags": {all, 3}, "connection.connected only": {connections, 0}, "disabled": {disabled, 0}} {
		if got := len(tc.rx.received()); got != tc.want {
			t.Errorf("%s consumer got %d events, want %d: %v", name, got, tc.want, tc.rx.eventTypes())
		}
	}
	var company codat.Company
	_ = json.Unmarshal(uk.received()[0].event.Payload, &company)
	if company.Name != "UK Ltd" {
		t.Errorf("region:uk consumer got %s", company.Name)
	}
}

// TestWebhookDelivery_connectionEvents: created, connected, disconnected,
// reconnected and deleted, from the API, the link page and the control API.
func TestWebhookDelivery_connectionEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t)
	h.consumer(rx.server.URL, []string{codat.EventConnectionCreated, codat.EventConnectionConnected, codat.EventConnectionDisconnected,
		codat.EventConnectionReconnected, codat.EventConnectionDeleted})
	c := h.createCompany(codat.CompanyRequest{Name: "Toft Stores", Tags: map[string]string{"uid": "42"}})
	conn := h.createConnection(c.ID, "gbol")
	linkBase := "/link/companies/" + c.ID + "/connections/" + conn.ID
	if status, _, _ := h.postForm(linkBase+"/authorize", nil); status != http.StatusSeeOther { // Authorise on the link page
		t.Fatalf("authorise answered %d", status)
	}
	wantStatus(t, h.do("PATCH", "/companies/"+c.ID+"/connections/"+conn.ID, `{"status":"Unlinked"}`), http.StatusOK)
	wantStatus(t, h.do("PATCH", "/companies/"+c.ID+"/connections/"+conn.ID, `{"status":"Unlinked"}`), http.StatusOK) // no change, no event
	wantStatus(t, h.control("POST", "/_emulator/companies/"+c.ID+"/connections/"+conn.ID+"/authorize", nil), http.StatusOK)
	wantStatus(t, h.control("POST", "/_emulator/companies/"+c.ID+"/connections/"+conn.ID+"/status", `{"status":"Deauthorized"}`), http.StatusOK)
	wantStatus(t, h.do("DELETE", "/companies/"+c.ID+"/connections/"+conn.ID, nil), http.StatusOK)
	// A connection chosen on the company's link page.
	if status, _, _ := h.postForm("/link/company/"+c.ID+"/connections", url.Values{"platformKey": {"qhyg"}}); status != http.StatusSeeOther {
		t.Fatalf("choosing a platform answered %d", status)
	}
	h.deliver()

	want := []string{"connection.created", "connection.connected", "connection.disconnected", "connection.reconnected",
		"connection.disconnected", "connection.deleted", "connection.created"}
	if got := rx.eventTypes(); !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	wantStatuses := []codat.ConnectionStatus{"PendingAuth", "Linked", "Unlinked", "Linked", "Deauthorized", "Deauthorized", "PendingAuth"}
	for i, r := range rx.received() {
		var payload codat.ConnectionEventPayload
		if err := json.Unmarshal(r.event.Payload, &payload); err != nil {
			t.Fatal(err)
		}
		if payload.ReferenceCompany.ID != c.ID || payload.ReferenceCompany.Name != "Toft Stores" || payload.ReferenceCompany.Tags["uid"] != "42" {
			t.Errorf("%s: referenceCompany = %+v", r.event.EventType, payload.ReferenceCompany)
		}
		wantConnectionShape(t, payload.Connection)
		if payload.Connection.Status != wantStatuses[i] || payload.Connection.LinkURL != testBase+"/link/companies/"+c.ID+"/connections/"+payload.Connection.ID+"/start" {
			t.Errorf("%s: connection = %+v", r.event.EventType, payload.Connection)
		}
	}
}

// TestWebhookDelivery_readCompleted: the read events fire once every pull
// queued together has ended by the injected clock, and not before.
func TestWebhookDelivery_readCompleted(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // each pull: Queued 2s, Fetching 2s, then done
	rx := newReceiver(t)
	h.consumer(rx.server.URL, []string{codat.EventReadCompleted, codat.EventReadCompletedInitial})
	c := h.createCompany(codat.CompanyRequest{Name: "Reader Ltd"})
	if err := h.emu.FailNextPull(c.ID, PullFailure{DataType: "invoices"}); err != nil {
		t.Fatal(err)
	}
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	queued := len(decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).Results)
	h.clock.Advance(4*time.Second - time.Millisecond)
	h.deliver()
	if got := rx.eventTypes(); len(got) != 0 {
		t.Fatalf("read events before the pulls ended: %v", got)
	}
	h.clock.Advance(time.Millisecond)
	h.deliver()
	if got := rx.eventTypes(); !slices.Equal(got, []string{codat.EventReadCompletedInitial, codat.EventReadCompleted}) {
		t.Fatalf("events = %v", got)
	}
	var initial codat.ReadCompletedPayload
	if err := json.Unmarshal(rx.received()[0].event.Payload, &initial); err != nil {
		t.Fatal(err)
	}
	if len(initial.DataTypes) != queued || initial.ReferenceCompany.ID != c.ID {
		t.Errorf("payload has %d data types for %d pulls: %+v", len(initial.DataTypes), queued, initial)
	}
	for _, dt := range initial.DataTypes {
		wantStatus := codat.PullStatusComplete
		if dt.DataType == "invoices" {
			wantStatus = codat.PullStatusFetchError
		}
		if dt.Status != wantStatus || dt.ConnectionID != conn.ID || dt.RecordsModified != (wantStatus == codat.PullStatusComplete) || dt.Issues == nil {
			t.Errorf("%s: %+v", dt.DataType, dt)
		}
	}
	if rx.received()[0].event.GeneratedDate != formatTime(h.clock.Now()) {
		t.Errorf("generatedDate = %s, want the pulls' end", rx.received()[0].event.GeneratedDate)
	}

	// A later refresh: read.completed alone; records change only for a type
	// that never completed before.
	for _, dataType := range []string{"customers", "invoices"} {
		wantStatus(t, h.do("POST", "/companies/"+c.ID+"/data/queue/"+dataType, nil), http.StatusOK)
		h.clock.Advance(4 * time.Second)
		h.deliver()
		got := rx.received()
		var payload codat.ReadCompletedPayload
		_ = json.Unmarshal(got[len(got)-1].event.Payload, &payload)
		if got[len(got)-1].event.EventType != codat.EventReadCompleted || len(payload.DataTypes) != 1 ||
			payload.DataTypes[0].RecordsModified != (dataType == "invoices") {
			t.Errorf("refresh of %s: %s %+v", dataType, got[len(got)-1].event.EventType, payload)
		}
	}
	if n := len(rx.received()); n != 4 {
		t.Errorf("%d events, want 4", n)
	}
}

// TestWebhookDelivery_readCompletedAfterRefreshAll: data/all queues its
// pulls a sync step after it answers; their read.completed follows once they
// end, without anyone reading the company's pull history in between.
func TestWebhookDelivery_readCompletedAfterRefreshAll(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // each pull: Queued 2s, Fetching 2s, then done
	rx := newReceiver(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Refreshed Ltd"})
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour) // the first-link pulls are long over
	h.consumer(rx.server.URL, []string{codat.EventReadCompleted})
	wantStatus(t, h.do("POST", "/companies/"+c.ID+"/data/all", nil), http.StatusNoContent)
	// Queued at +2s, ended at +6s.
	h.clock.Advance(6*time.Second - time.Millisecond)
	h.deliver()
	if got := rx.eventTypes(); len(got) != 0 {
		t.Fatalf("read events before the refresh's pulls ended: %v", got)
	}
	h.clock.Advance(time.Millisecond)
	h.deliver()
	if got := rx.eventTypes(); !slices.Equal(got, []string{codat.EventReadCompleted}) {
		t.Fatalf("events = %v, want one read.completed", got)
	}
	var payload codat.ReadCompletedPayload
	if err := json.Unmarshal(rx.received()[0].event.Payload, &payload); err != nil || len(payload.DataTypes) == 0 {
		t.Errorf("payload %+v (%v): want the refreshed data types", payload, err)
	}
}

// TestWebhookDelivery_consumerDeleted: deleting a consumer drops its
// pending attempts ("If you remove your webhook consumer endpoint, this will
// remove any remaining delivery attempts").
func TestWebhookDelivery_consumerDeleted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t, http.StatusInternalServerError)
	consumer := h.consumer(rx.server.URL, []string{codat.EventCompanyCreated})
	h.createCompany(codat.CompanyRequest{Name: "Gone Ltd"})
	h.deliver()
	wantStatus(t, h.do("DELETE", "/webhooks/"+consumer.ID, nil), http.StatusNoContent)
	h.clock.Advance(time.Hour)
	h.deliver()
	if n := len(rx.received()); n != 1 || len(h.emu.WebhookDeliveries()) != 0 {
		t.Errorf("%d attempts and %d deliveries after the consumer was deleted", n, len(h.emu.WebhookDeliveries()))
	}
}

// TestWebhookDelivery_background: without DeliverWebhooks, the emulator's
// own goroutine delivers on the real clock; Close stops it.
func TestWebhookDelivery_background(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Now = nil })
	rx := newReceiver(t)
	h.consumer(rx.server.URL, []string{codat.EventCompanyCreated})
	h.createCompany(codat.CompanyRequest{Name: "Background Ltd"})
	select {
	case <-rx.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook arrived")
	}
	if err := h.emu.Close(); err != nil {
		t.Fatal(err)
	}
	h.createCompany(codat.CompanyRequest{Name: "After Close Ltd"})
	h.deliver()
	if n := len(rx.received()); n != 1 {
		t.Errorf("%d webhooks arrived; none should after Close", n)
	}
	if d := h.emu.WebhookDeliveries(); len(d) != 2 || d[1].Status != DeliverySending {
		t.Errorf("deliveries after Close = %+v", d)
	}
}

func TestControlWebhooks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t, http.StatusTeapot)
	consumer := h.consumer(rx.server.URL, []string{codat.EventCompanyCreated, codat.EventCompanyDeleted})
	c := h.createCompany(codat.CompanyRequest{Name: "Control Ltd"})
	h.do("DELETE", "/companies/"+c.ID, nil)

	consumers := decode[[]WebhookConsumerInfo](t, h.control("GET", "/_emulator/webhooks/consumers", nil))
	secret, _ := h.emu.WebhookSigningSecret(consumer.ID)
	if len(consumers) != 1 || consumers[0].ID != consumer.ID || consumers[0].SigningSecret != secret {
		t.Errorf("consumers = %+v", consumers)
	}
	// (The emulator's goroutine may already have made the first attempts.)
	if pending := decode[[]WebhookDelivery](t, h.control("GET", "/_emulator/webhooks/deliveries", nil)); len(pending) != 2 {
		t.Errorf("deliveries = %+v", pending)
	}
	rec := h.control("POST", "/_emulator/webhooks/deliver?eventType=company.deleted", nil)
	wantStatus(t, rec, http.StatusOK)
	done := decode[[]WebhookDelivery](t, rec)
	if len(done) != 1 || done[0].EventType != codat.EventCompanyDeleted || done[0].Status != DeliveryAttempting ||
		done[0].Attempts[0].StatusCode != http.StatusTeapot || !done[0].NextAttempt.Equal(h.clock.Now().Add(5*time.Second)) {
		t.Errorf("after deliver: %+v", done)
	}
	if got := decode[[]WebhookDelivery](t, h.control("GET", "/_emulator/webhooks/deliveries?consumerId="+consumer.ID, nil)); len(got) != 2 {
		t.Errorf("by consumer: %d deliveries", len(got))
	}
	if got := decode[[]WebhookDelivery](t, h.control("GET", "/_emulator/webhooks/deliveries?consumerId=other", nil)); len(got) != 0 {
		t.Errorf("another consumer: %d deliveries", len(got))
	}
	h.emu.Reset()
	if got := decode[[]WebhookDelivery](t, h.control("GET", "/_emulator/webhooks/deliveries", nil)); len(got) != 0 {
		t.Errorf("after reset: %d deliveries", len(got))
	}
}

// TestWebhookDelivery_readOrder: events keep the order in which things
// happened on the sync clock, even when no delivery pass ran in between; a
// company deleted while its pulls ran gets no read event.
func TestWebhookDelivery_readOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rx := newReceiver(t)
	h.consumer(rx.server.URL, []string{codat.EventReadCompleted, codat.EventReadCompletedInitial, codat.EventCompanyDeleted})
	synced := h.createCompany(codat.CompanyRequest{Name: "Synced Ltd"})
	syncedConn := h.createConnection(synced.ID, "gbol")
	syncing := h.createCompany(codat.CompanyRequest{Name: "Syncing Ltd"})
	syncingConn := h.createConnection(syncing.ID, "gbol")
	if err := h.emu.Authorize(synced.ID, syncedConn.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(3 * time.Second)
	if err := h.emu.Authorize(syncing.ID, syncingConn.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Second) // the first company's pulls have ended, the second's run
	for _, id := range []string{synced.ID, syncing.ID} {
		wantStatus(t, h.do("DELETE", "/companies/"+id, nil), http.StatusNoContent)
	}
	h.clock.Advance(time.Hour)
	h.deliver()
	want := []string{codat.EventReadCompletedInitial, codat.EventReadCompleted, codat.EventCompanyDeleted, codat.EventCompanyDeleted}
	if got := rx.eventTypes(); !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	var read codat.ReadCompletedPayload
	_ = json.Unmarshal(rx.received()[1].event.Payload, &read)
	if read.ReferenceCompany.ID != synced.ID {
		t.Errorf("read.completed for %s, want %s", read.ReferenceCompany.ID, synced.ID)
	}
}
