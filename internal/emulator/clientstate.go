package emulator

import (
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// clientState is the client-wide configuration around the companies: the
// profile, CORS origins, webhook consumers and their deliveries, API keys,
// supplemental data and custom data types. It is persisted with the rest of
// the state (stateData.Client); a state file written before these areas
// existed loads as the zero value, which every reader treats as Codat's
// defaults.
type clientState struct {
	// Profile is nil until the first PUT /profile; reads see defaultProfile.
	Profile        *codat.Profile `json:"profile,omitempty"`
	AllowedOrigins []string       `json:"allowedOrigins,omitempty"`

	WebhookConsumers  []*webhookConsumerRecord `json:"webhookConsumers,omitempty"`
	WebhookDeliveries []*WebhookDelivery       `json:"webhookDeliveries,omitempty"`
	PendingReads      []*pendingRead           `json:"pendingReads,omitempty"`

	// APIKeys are the keys created through POST /apiKeys; the key the
	// emulator was started with (store.apiKey) is listed before them.
	APIKeys []*apiKeyRecord `json:"apiKeys,omitempty"`
	// DeletedAPIKeys are keys deleted through the API (the start key
	// included): requests with them get 403, like rotated keys.
	DeletedAPIKeys []string `json:"deletedApiKeys,omitempty"`

	// Supplemental is keyed by "platformKey/dataType".
	Supplemental map[string]map[string]codat.SupplementalDataSource `json:"supplementalDataConfig,omitempty"`
	// CustomDataTypes is keyed by "platformKey/customDataIdentifier".
	CustomDataTypes map[string]codat.CustomDataTypeConfig `json:"customDataTypes,omitempty"`
}

// clientRuntime is what the client-wide areas need from Options; it is not
// persisted.
type clientRuntime struct {
	// kick wakes the webhook dispatcher; nil until the emulator sets it.
	kick func()
	// base is the public base URL for URLs in webhook payloads, which are
	// built outside any request: Options.PublicURL, else the last request's.
	// It is atomic so recording it costs requests no lock.
	base atomic.Pointer[string]
	// retrySchedule are the waits between webhook delivery attempts.
	retrySchedule []time.Duration
}

// rememberBase records r's base URL for webhook payloads.
func (e *Emulator) rememberBase(r *http.Request) {
	base := e.baseURL(r)
	if last := e.store.client.base.Load(); last == nil || *last != base {
		e.store.client.base.Store(&base)
	}
}

// publicBase is the base URL for links built outside a request; before any
// request, the emulator's default address.
func (s *store) publicBase() string {
	if base := s.client.base.Load(); base != nil {
		return *base
	}
	return "http://127.0.0.1:8089"
}

// integrationOrNotFound looks up a platform key for the
// /integrations/{platformKey}/... operations.
func integrationOrNotFound(key string) (codat.Integration, *apiError) {
	in, ok := integrationByKey(key)
	if !ok {
		return codat.Integration{}, &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: "No integration was found with key " + key}
	}
	return in, nil
}

// settingKey joins two path values into a map key; platform keys hold no "/".
func settingKey(platformKey, name string) string { return platformKey + "/" + name }

// configureClientAreas wires the client-wide areas' options and the
// webhook dispatcher into the store.
func (e *Emulator) configureClientAreas(opts Options) {
	e.webhooks = newWebhookDispatcher(e.store)
	rt := &e.store.client
	rt.kick = e.webhooks.kick
	rt.retrySchedule = slices.Clone(opts.WebhookRetrySchedule)
	if rt.retrySchedule == nil {
		rt.retrySchedule = CodatWebhookRetrySchedule
	}
	if opts.PublicURL != "" {
		base := opts.PublicURL
		rt.base.Store(&base)
	}
}

// resumeWebhooks starts delivery for deliveries and reads loaded from a
// state file.
func (e *Emulator) resumeWebhooks() {
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	if len(e.store.data.Client.WebhookDeliveries) > 0 || len(e.store.data.Client.PendingReads) > 0 {
		e.webhooks.kick()
	}
}
