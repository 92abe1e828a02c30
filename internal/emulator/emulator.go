package emulator

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// DefaultAPIKey is the API key used when Options.APIKey is empty. The emulator
// only ever runs locally, so a fixed, documented key is safe and convenient.
const DefaultAPIKey = "codat-emulator-local-dev-key" //nolint:gosec // G101: published on purpose, see above

// DefaultSyncStepDuration is how long a pull stays Queued, and then Fetching,
// when Options.SyncStepDuration is zero.
const DefaultSyncStepDuration = 2 * time.Second

// NoSyncDelay makes every pull complete the moment it is queued, when used
// as Options.SyncStepDuration. (Zero means DefaultSyncStepDuration,
// following the Go convention that a zero Options is a sensible
// configuration.)
const NoSyncDelay time.Duration = -1

// Plan names accepted in Options.Plan.
const (
	// PlanFree rejects hourly sync schedules (syncSchedule below 24) with 402,
	// as Codat's Free plan does.
	PlanFree = "free"
)

// Codat service names used in error bodies, as in the spec's examples.
const (
	servicePublicAPI  = "PublicApi"
	serviceClientsAPI = "ClientsApi"
	servicePullAPI    = "PullApi"
	serviceEmulator   = "Emulator"
)

// Options configure an Emulator. The zero value is usable.
type Options struct {
	// APIKey is the key clients must send as "Authorization: Basic
	// base64(APIKey)". Empty means DefaultAPIKey.
	APIKey string
	// PublicURL is the base URL used in redirect and linkUrl values, e.g.
	// "http://127.0.0.1:8089". Empty means derived from each request's
	// scheme and Host.
	PublicURL string
	// SyncStepDuration is how long each pull stays Queued and then Fetching
	// before it completes. Zero means DefaultSyncStepDuration; NoSyncDelay (or
	// any negative value) completes pulls immediately.
	SyncStepDuration time.Duration
	// Now is the clock for everything the API reports (created, requested,
	// sync progress, rate-limit windows). Nil means time.Now. Injected latency
	// always uses the real clock.
	Now func() time.Time
	// StatePath, if set, is a JSON file the state is loaded from at start and
	// written to (atomically) after every change.
	StatePath string
	// MaxCompanies, if positive, is the number of companies after which
	// creating another answers 402, like the Free plan's 50-company limit.
	MaxCompanies int
	// Plan is the simulated Codat plan. PlanFree rejects hourly sync
	// schedules with 402; anything else allows them.
	Plan string
	// Faults is the initial fault-injection configuration.
	Faults Faults
	// Behaviours are the readings of Codat's behaviour to play where its
	// documentation is silent or disagrees with its OpenAPI description
	// (see Behaviour); nil plays the documented ones. Reset restores them.
	Behaviours []Behaviour
	// ListDelay is how long, by the emulator's clock, a new company stays
	// out of GET /companies under CompanyListDelay. Zero means ListDelay
	// (30 s); tests with a short creation lease shorten it to match.
	ListDelay time.Duration
	// Logger receives warnings (e.g. a failed state write). Nil discards them.
	Logger *slog.Logger

	// WebhookRetrySchedule are the waits before each retry of a failed
	// webhook delivery, on the Now clock. Nil means Codat's (Svix's)
	// schedule, CodatWebhookRetrySchedule; tests on the real clock pass
	// shorter waits.
	WebhookRetrySchedule []time.Duration
}

// Emulator is an http.Handler serving the emulated Codat API, link pages and
// control endpoints. Create it with New or Open; it is safe for concurrent use.
type Emulator struct {
	opts        Options
	now         func() time.Time
	store       *store
	faults      *faultInjector
	idempotency *idempotencyCache
	behaviours  *behaviourSwitch
	routes      *router
	log         *slog.Logger
	webhooks    *webhookDispatcher
}

// New returns an emulator configured by opts. If opts.StatePath names a file
// that cannot be loaded, New logs the error and runs without persistence (so
// the file is never overwritten); use Open to get the error instead.
func New(opts Options) *Emulator {
	e, err := Open(opts)
	if err != nil {
		e.log.Error("codat emulator: bad options; see Open", "err", err)
	}
	return e
}

// Open is New, but returns an error if opts.StatePath exists and cannot be
// loaded. The returned emulator is usable (with persistence disabled) even
// when err is not nil.
func Open(opts Options) (*Emulator, error) {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.SyncStepDuration == 0 {
		opts.SyncStepDuration = DefaultSyncStepDuration
	}
	if opts.SyncStepDuration < 0 {
		opts.SyncStepDuration = 0
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Emulator{
		opts:        opts,
		now:         func() time.Time { return now().UTC() },
		log:         logger,
		faults:      newFaultInjector(),
		idempotency: newIdempotencyCache(),
		behaviours:  &behaviourSwitch{},
	}
	e.store = newStore(storeConfig{
		now:          e.now,
		apiKey:       opts.APIKey,
		syncStep:     opts.SyncStepDuration,
		maxCompanies: opts.MaxCompanies,
		plan:         opts.Plan,
		statePath:    opts.StatePath,
		logger:       logger,
		behaves:      e.behaviours.on,
		listDelay:    cmp.Or(opts.ListDelay, ListDelay),
	})
	e.configureClientAreas(opts)
	e.routes = e.buildRoutes()
	var errs []error
	if err := e.faults.set(opts.Faults); err != nil {
		errs = append(errs, fmt.Errorf("faults: %w", err))
	}
	if err := e.SetBehaviours(opts.Behaviours...); err != nil {
		errs = append(errs, fmt.Errorf("behaviours: %w", err))
	}
	if opts.StatePath != "" {
		if err := e.store.load(); err != nil {
			e.store.statePath = ""
			errs = append(errs, err)
		}
	}
	e.resumeWebhooks()
	return e, errors.Join(errs...)
}

// APIKey returns the API key clients must present.
func (e *Emulator) APIKey() string { return e.store.currentAPIKey() }

// AuthorizationHeader returns the Authorization header value for the current
// API key: "Basic " + base64(key).
func (e *Emulator) AuthorizationHeader() string { return authorizationHeader(e.APIKey()) }

// SetAPIKey replaces the API key. Requests with a previous key then get 403
// ("outdated API key"), as Codat answers a deleted key; unknown keys get 401.
func (e *Emulator) SetAPIKey(key string) { e.store.rotateAPIKey(key) }

// Save writes the state to Options.StatePath now (it is also written after
// every change). It does nothing without a state path.
func (e *Emulator) Save() error { return e.store.save() }

// Reset returns the emulator to its initial state: no companies, the default
// profile and sync settings, no webhook consumers or deliveries, only the
// start API key (undeleted), request counts zeroed, every fault cleared, no
// Idempotency-Key remembered and the behaviours of Options.Behaviours.
func (e *Emulator) Reset() {
	e.store.reset()
	e.faults.reset()
	e.idempotency.reset()
	_ = e.SetBehaviours(e.opts.Behaviours...) // checked by Open; on error none stay on
}

func authorizationHeader(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key))
}

// ServeHTTP routes a request to the API, a link page or a control endpoint.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, params, allowed := e.routes.match(r.Method, r.URL.Path)
	if rt == nil {
		if !isControlPath(r.URL.Path) {
			e.faults.countUnmatched()
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, service: servicePublicAPI,
				message: fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method)})
			return
		}
		writeError(w, &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", r.URL.Path)})
		return
	}
	for name, value := range params {
		r.SetPathValue(name, value)
	}
	r.Pattern = rt.key()
	switch rt.kind {
	case controlRoute:
		rt.handler(w, r)
	case linkRoute:
		e.rememberBase(r)
		e.faults.countRoute(rt.key())
		rt.handler(w, r)
	default:
		e.rememberBase(r)
		e.serveAPI(w, r, rt)
		e.webhooks.poke() // a request may have read the clock past a due read or retry
	}
}

// serveAPI runs one Codat API request through fault injection, rate limits,
// Idempotency-Key and authentication before its handler. A 429 comes
// first and leaves the key alone, as Codat releases it; a request dropped
// before it is carried out leaves it alone too. Everything else, injected
// 5xx included, is the answer the key replays.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, rt *route) {
	adm := e.faults.admit(rt.key(), e.now())
	defer adm.release()
	for name, value := range adm.headers {
		w.Header().Set(name, value)
	}
	var claim *idempotencyClaim
	var answer *recordedAnswer // settled by the key: sent as is
	if adm.action != actionDrop && (adm.action != actionReject || adm.status != http.StatusTooManyRequests) {
		claim, answer = e.idempotency.begin(r, e.now)
		defer claim.abandon()
	}
	if adm.latency > 0 {
		// Read the body first (a keyed write's was read above), so that a
		// client that goes away during the latency is noticed by every
		// request alike and the request is not carried out: the latency
		// is before Codat acts.
		if claim == nil && r.Body != nil {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		select {
		case <-time.After(adm.latency):
		case <-r.Context().Done():
			return
		}
	}
	if adm.action == actionDrop {
		dropConnection(w)
		return
	}
	if answer == nil {
		answer = newRecordedAnswer()
		if adm.action == actionReject {
			if adm.retryAfter != "" {
				answer.Header().Set("Retry-After", adm.retryAfter)
			}
			writeError(answer, faultError(adm.status))
		} else if err := e.authenticate(r); err != nil {
			e.faults.countAuthFailure()
			writeError(answer, err)
		} else {
			rt.handler(answer, r)
		}
		claim.finish(answer)
	}
	if adm.action == actionDropAfterWrite {
		// Carried out, then the connection is dropped: the client cannot
		// tell whether it succeeded.
		dropConnection(w)
		return
	}
	answer.replay(w)
}

// authenticate checks "Authorization: Basic base64(apiKey)" in constant time.
func (e *Emulator) authenticate(r *http.Request) *apiError {
	header := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if ok && strings.EqualFold(scheme, "Basic") {
		switch e.store.checkAPIKey(strings.TrimSpace(token)) {
		case keyCurrent:
			return nil
		case keyRetired:
			return &apiError{status: http.StatusForbidden, service: servicePublicAPI,
				message: "You are using an outdated API key or a key not associated with that resource."}
		}
	}
	return &apiError{status: http.StatusUnauthorized, service: servicePublicAPI, message: "Unauthorized"}
}

// constantTimeEqual compares secrets without leaking where they differ.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// dropConnection closes the client's TCP connection without a response. When
// the connection cannot be hijacked (HTTP/2, a ResponseRecorder), aborting the
// handler is the only way net/http offers to break the response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// apiError is an error answered with a Codat ErrorMessage body. Store methods
// return it so handlers stay thin.
type apiError struct {
	status     int
	service    string
	message    string
	validation []codat.ValidationItem
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

// Errors returned by the emulator's Go methods match these with errors.Is.
var (
	ErrNotFound = errors.New("not found") // unknown company or connection
	ErrInvalid  = errors.New("invalid")   // a value the operation rejects
)

func (e *apiError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.status == http.StatusNotFound
	case ErrInvalid:
		return e.status == http.StatusBadRequest
	}
	return false
}

// badRequest is a 400 Bad-Request with validation errors.
func badRequest(service, message string, items ...codat.ValidationItem) *apiError {
	return &apiError{status: http.StatusBadRequest, service: service, message: message, validation: items}
}

func companyNotFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, service: serviceClientsAPI,
		message: "No company was found with ID " + id}
}

func connectionNotFound(id string) *apiError {
	return &apiError{status: http.StatusNotFound, service: servicePublicAPI,
		message: "Data connection " + id + " not found"}
}

// writeError answers with err as a Codat ErrorMessage; errors that are not
// *apiError become 500s.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, service: servicePublicAPI,
			message: "There is a problem with our server. Please try again later."}
	}
	body := codat.ErrorMessage{
		StatusCode:        ae.status,
		Service:           ae.service,
		Error:             ae.message,
		CorrelationID:     newCorrelationID(),
		CanBeRetried:      "Unknown",
		DetailedErrorCode: 0,
	}
	if len(ae.validation) > 0 {
		body.Validation = &codat.ErrorValidation{Errors: ae.validation}
	}
	writeJSON(w, ae.status, body)
}

// newCorrelationID returns 32 hex characters, like Codat's.
func newCorrelationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeJSON writes v without HTML escaping, so links read "&", not "\u0026",
// as in Codat's responses.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshalUnescaped(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"statusCode":500,"service":"PublicApi","error":"There is a problem with our server. Please try again later.","canBeRetried":"Unknown","detailedErrorCode":0}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body) //nolint:gosec // G705: a JSON body, served as application/json, not HTML
}

// marshalUnescaped is json.Marshal without HTML escaping.
func marshalUnescaped(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// maxBodyBytes bounds request bodies; Codat's own bodies are tiny.
const maxBodyBytes = 1 << 20

// decodeJSON reads a JSON request body into v. Unknown fields are ignored, as
// Codat ignores them. An empty body decodes as {} so that required-field
// validation reports what is missing.
func decodeJSON(r *http.Request, service string, v any) *apiError {
	_, err := decodeJSONFields(r, service, v)
	return err
}

// decodeJSONFields is decodeJSON that also reports which top-level fields
// were present and not null, keyed in lower case (field names match
// case-insensitively, in Go as in Codat's ASP.NET).
func decodeJSONFields(r *http.Request, service string, v any) (map[string]bool, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest(service, "Error processing request - the body could not be read.",
			codat.ValidationItem{ItemID: "body", Message: err.Error(), ValidatorName: "RequestBody"})
	}
	if len(body) > maxBodyBytes {
		return nil, badRequest(service, "Error processing request - the body is too large.",
			codat.ValidationItem{ItemID: "body", Message: fmt.Sprintf("The body must be at most %d bytes.", maxBodyBytes), ValidatorName: "RequestBody"})
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, badRequest(service, "Error processing request - not valid.",
			codat.ValidationItem{ItemID: "body", Message: "The body is not valid JSON for this operation: " + err.Error(), ValidatorName: "JsonParser"})
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(body, &raw) // v decoded, so body is an object or null
	present := make(map[string]bool, len(raw))
	for name, value := range raw {
		if string(bytes.TrimSpace(value)) != "null" {
			present[strings.ToLower(name)] = true
		}
	}
	return present, nil
}

// baseURL is the scheme and host that link pages are served under.
func (e *Emulator) baseURL(r *http.Request) string {
	if e.opts.PublicURL != "" {
		return e.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// formatTime renders a DateTime the way Codat does for UTC values.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// buildRoutes is the emulator's whole surface: Codat API operations (API key,
// faults, rate limits), link pages (a business's browser) and control
// endpoints (tests).
func (e *Emulator) buildRoutes() *router {
	rt := &router{}
	api := func(method, path string, h http.HandlerFunc) { rt.add(apiRoute, method, path, h) }
	link := func(method, path string, h http.HandlerFunc) { rt.add(linkRoute, method, path, h) }
	control := func(method, path string, h http.HandlerFunc) { rt.add(controlRoute, method, path, h) }

	api("GET", "/integrations", e.handleListIntegrations)
	api("GET", "/integrations/{platformKey}", e.handleGetIntegration)

	api("GET", "/companies", e.handleListCompanies)
	api("POST", "/companies", e.handleCreateCompany)
	api("GET", "/companies/{companyId}", e.handleGetCompany)
	api("PUT", "/companies/{companyId}", e.handleReplaceCompany)
	api("PATCH", "/companies/{companyId}", e.handleUpdateCompany)
	api("DELETE", "/companies/{companyId}", e.handleDeleteCompany)

	api("GET", "/companies/{companyId}/connections", e.handleListConnections)
	api("POST", "/companies/{companyId}/connections", e.handleCreateConnection)
	api("GET", "/companies/{companyId}/connections/{connectionId}", e.handleGetConnection)
	api("PATCH", "/companies/{companyId}/connections/{connectionId}", e.handleUnlinkConnection)
	api("DELETE", "/companies/{companyId}/connections/{connectionId}", e.handleDeleteConnection)

	api("GET", "/companies/{companyId}/dataStatus", e.handleDataStatus)
	api("POST", "/companies/{companyId}/data/all", e.handleRefreshAll)
	api("POST", "/companies/{companyId}/data/queue/{dataType}", e.handleRefreshDataType)
	api("GET", "/companies/{companyId}/data/history", e.handleListPullOperations)
	api("GET", "/companies/{companyId}/data/history/{datasetId}", e.handleGetPullOperation)
	api("GET", "/companies/{companyId}/data/info", e.handleCompanyInfo)
	api("GET", "/companies/{companyId}/syncSettings", e.handleGetCompanySyncSettings)
	api("POST", "/companies/{companyId}/syncSettings", e.handleSetCompanySyncSettings)
	api("GET", "/profile/syncSettings", e.handleGetProfileSyncSettings)
	api("POST", "/profile/syncSettings", e.handleSetProfileSyncSettings)

	api("GET", "/profile", e.handleGetProfile)
	api("PUT", "/profile", e.handleUpdateProfile)
	api("GET", "/corsSettings", e.handleGetCORSSettings)
	api("POST", "/corsSettings", e.handleSetCORSSettings)
	api("GET", "/apiKeys", e.handleListAPIKeys)
	api("POST", "/apiKeys", e.handleCreateAPIKey)
	api("DELETE", "/apiKeys/{apiKeyId}", e.handleDeleteAPIKey)
	api("GET", "/webhooks", e.handleListWebhookConsumers)
	api("POST", "/webhooks", e.handleCreateWebhookConsumer)
	api("DELETE", "/webhooks/{webhookId}", e.handleDeleteWebhookConsumer)
	api("GET", "/integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig", e.handleGetSupplementalData)
	api("PUT", "/integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig", e.handleSetSupplementalData)
	api("GET", "/integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}", e.handleGetCustomDataType)
	api("PUT", "/integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}", e.handleConfigureCustomDataType)

	link("GET", "/link/company/{companyId}", e.handleCompanyLinkPage)
	link("POST", "/link/company/{companyId}/connections", e.handleLinkCreateConnection)
	link("GET", "/link/companies/{companyId}/connections/{connectionId}/start", e.handleConnectionLinkPage)
	link("POST", "/link/companies/{companyId}/connections/{connectionId}/authorize", e.handleLinkAuthorize)
	link("POST", "/link/companies/{companyId}/connections/{connectionId}/cancel", e.handleLinkCancel)

	control("POST", "/_emulator/reset", e.handleControlReset)
	control("GET", "/_emulator/state", e.handleControlState)
	control("GET", "/_emulator/requests", e.handleControlRequests)
	control("DELETE", "/_emulator/requests", e.handleControlResetRequests)
	control("GET", "/_emulator/faults", e.handleControlGetFaults)
	control("PUT", "/_emulator/faults", e.handleControlSetFaults)
	control("GET", "/_emulator/faults/script", e.handleControlGetScript)
	control("POST", "/_emulator/faults/script", e.handleControlAddScript)
	control("DELETE", "/_emulator/faults/script", e.handleControlClearScript)
	control("POST", "/_emulator/api-key", e.handleControlSetAPIKey)
	control("POST", "/_emulator/companies/{companyId}/connections/{connectionId}/status", e.handleControlSetStatus)
	control("POST", "/_emulator/companies/{companyId}/connections/{connectionId}/authorize", e.handleControlAuthorize)
	control("POST", "/_emulator/companies/{companyId}/pull-failures", e.handleControlPullFailure)
	control("GET", "/_emulator/behaviours", e.handleControlGetBehaviours)
	control("PUT", "/_emulator/behaviours", e.handleControlSetBehaviours)
	control("GET", "/_emulator/webhooks/consumers", e.handleControlWebhookConsumers)
	control("GET", "/_emulator/webhooks/deliveries", e.handleControlWebhookDeliveries)
	control("POST", "/_emulator/webhooks/deliver", e.handleControlDeliverWebhooks)
	return rt
}
