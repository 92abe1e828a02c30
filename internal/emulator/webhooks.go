package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Webhook consumers: POST/GET /webhooks, DELETE /webhooks/{webhookId}. There
// is no update and no get by id, as in Codat's API. Each consumer gets a
// Svix signing secret, shown on the control API. Delivery is in
// deliveries.go.

// webhookConsumerRecord is a consumer and its signing secret.
type webhookConsumerRecord struct {
	codat.WebhookConsumer
	// SigningSecret is Svix's "whsec_" + base64 of 24 random bytes.
	SigningSecret string `json:"signingSecret"`
}

// newSigningSecret makes a Svix endpoint secret.
func newSigningSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

func invalidConsumer(items ...codat.ValidationItem) *apiError {
	return badRequest(servicePublicAPI, "Error processing request - not valid.", items...)
}

// checkConsumer validates a create request against the spec and the docs:
// an absolute http(s) URL; at least one event type ("You must specify at
// least one event type per endpoint", docs create-consumer.md), each from
// Codat's catalogue; at most 10 company tags, each key:value of at most 128
// characters.
func checkConsumer(req codat.WebhookConsumerRequest) *apiError {
	var items []codat.ValidationItem
	add := func(id, format string, args ...any) {
		items = append(items, codat.ValidationItem{ItemID: id, ValidatorName: "WebhookConsumer", Message: fmt.Sprintf(format, args...)})
	}
	if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		add("url", "url must be an absolute http or https URL, got %q.", req.URL)
	}
	if len(req.EventTypes) == 0 {
		add("eventTypes", "At least one event type is required.")
	}
	for _, eventType := range req.EventTypes {
		if !codat.IsWebhookEventType(eventType) {
			add("eventTypes", "%q is not an event type Codat sends (see the event catalogue).", eventType)
		}
	}
	if len(req.CompanyTags) > codat.MaxWebhookCompanyTags {
		add("companyTags", "A consumer can have at most %d company tags; %d were given.", codat.MaxWebhookCompanyTags, len(req.CompanyTags))
	}
	for _, tag := range req.CompanyTags {
		if err := codat.CheckCompanyTagFilter(tag); err != nil {
			add("companyTags", "%s.", err)
		}
	}
	if len(items) > 0 {
		return invalidConsumer(items...)
	}
	return nil
}

// createConsumer enforces Codat's limit of 50 consumers. The spec states the
// limit but not the answer; the emulator uses 400, which the operation
// lists, with the spec's own advice as the message.
func (s *store) createConsumer(req codat.WebhookConsumerRequest) (codat.WebhookConsumer, error) {
	if err := checkConsumer(req); err != nil {
		return codat.WebhookConsumer{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.data.Client.WebhookConsumers) >= codat.MaxWebhookConsumers {
		return codat.WebhookConsumer{}, badRequest(servicePublicAPI, fmt.Sprintf(
			"The number of webhook consumers you can create is limited to %d. Delete an unused consumer first.", codat.MaxWebhookConsumers))
	}
	consumer := &webhookConsumerRecord{
		WebhookConsumer: codat.WebhookConsumer{
			ID:          uuid.NewString(),
			URL:         req.URL,
			Disabled:    req.Disabled,
			EventTypes:  slices.Clone(req.EventTypes),
			CompanyTags: slices.Clone(req.CompanyTags),
		},
		SigningSecret: newSigningSecret(),
	}
	s.data.Client.WebhookConsumers = append(s.data.Client.WebhookConsumers, consumer)
	s.changed()
	return consumerView(consumer), nil
}

func consumerView(c *webhookConsumerRecord) codat.WebhookConsumer {
	out := c.WebhookConsumer
	out.EventTypes = slices.Clone(out.EventTypes)
	out.CompanyTags = slices.Clone(out.CompanyTags)
	return out
}

func (s *store) listConsumers() codat.Results[codat.WebhookConsumer] {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := codat.Results[codat.WebhookConsumer]{Results: []codat.WebhookConsumer{}}
	for _, c := range s.data.Client.WebhookConsumers {
		out.Results = append(out.Results, consumerView(c))
	}
	return out
}

// deleteConsumer removes a consumer and, as the docs say of Codat ("If you
// remove your webhook consumer endpoint, this will remove any remaining
// delivery attempts"), its deliveries.
func (s *store) deleteConsumer(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.data.Client.WebhookConsumers)
	s.data.Client.WebhookConsumers = slices.DeleteFunc(s.data.Client.WebhookConsumers,
		func(c *webhookConsumerRecord) bool { return strings.EqualFold(c.ID, id) })
	if len(s.data.Client.WebhookConsumers) == n {
		return &apiError{status: http.StatusNotFound, service: servicePublicAPI, message: "No webhook consumer was found with ID " + id}
	}
	s.data.Client.WebhookDeliveries = slices.DeleteFunc(s.data.Client.WebhookDeliveries,
		func(d *WebhookDelivery) bool { return strings.EqualFold(d.ConsumerID, id) })
	s.changed()
	return nil
}

func (e *Emulator) handleListWebhookConsumers(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.store.listConsumers())
}

func (e *Emulator) handleCreateWebhookConsumer(w http.ResponseWriter, r *http.Request) {
	var req codat.WebhookConsumerRequest
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	consumer, err := e.store.createConsumer(req)
	reply(w, http.StatusCreated, consumer, err)
}

func (e *Emulator) handleDeleteWebhookConsumer(w http.ResponseWriter, r *http.Request) {
	if err := e.store.deleteConsumer(r.PathValue("webhookId")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// WebhookConsumerInfo is a consumer as the control API shows it: with the
// signing secret a receiver verifies deliveries with.
type WebhookConsumerInfo struct {
	codat.WebhookConsumer
	SigningSecret string `json:"signingSecret"`
}

// WebhookConsumers returns every consumer with its signing secret
// (GET /_emulator/webhooks/consumers).
func (e *Emulator) WebhookConsumers() []WebhookConsumerInfo {
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	out := []WebhookConsumerInfo{}
	for _, c := range e.store.data.Client.WebhookConsumers {
		out = append(out, WebhookConsumerInfo{WebhookConsumer: consumerView(c), SigningSecret: c.SigningSecret})
	}
	return out
}

// WebhookSigningSecret returns a consumer's Svix signing secret ("whsec_..."),
// as Codat's portal shows it, or ErrNotFound.
func (e *Emulator) WebhookSigningSecret(consumerID string) (string, error) {
	for _, c := range e.WebhookConsumers() {
		if strings.EqualFold(c.ID, consumerID) {
			return c.SigningSecret, nil
		}
	}
	return "", &apiError{status: http.StatusNotFound, service: serviceEmulator, message: "No webhook consumer was found with ID " + consumerID}
}
