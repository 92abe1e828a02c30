package codat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on webhook consumers.
const (
	// MaxWebhookConsumers: "The number of webhook consumers you can create
	// is limited to 50" (the spec's create-webhook-consumer).
	MaxWebhookConsumers = 50
	// MaxWebhookCompanyTags: "Each webhook consumer can support up to 10
	// company tags" (docs using-the-api/webhooks/create-consumer.md; the
	// spec's companyTags maxItems).
	MaxWebhookCompanyTags = 10
	// MaxWebhookCompanyTagLength is the spec's maxLength of one company tag.
	MaxWebhookCompanyTagLength = 128
)

// Webhook event types Codat sends (docs using-the-api/webhooks/event-types.md
// and the spec's webhooks section).
const (
	EventCompanyCreated         = "company.created"
	EventCompanyDeleted         = "company.deleted"
	EventConnectionCreated      = "connection.created"
	EventConnectionConnected    = "connection.connected"
	EventConnectionDisconnected = "connection.disconnected"
	EventConnectionReconnected  = "connection.reconnected"
	EventConnectionFailed       = "connection.failed"
	EventConnectionDeleted      = "connection.deleted"
	EventReadCompleted          = "read.completed"
	EventReadCompletedInitial   = "read.completed.initial"
)

// WebhookEventTypes is Codat's event catalogue, except the per-data-type
// write events ({dataType}.write.successful and .unsuccessful), which
// IsWebhookEventType also accepts. It is the union of the docs' page (platform
// and solution events) and the spec's webhooks section, which adds the two
// company.product events.
var WebhookEventTypes = []string{
	EventCompanyCreated, EventCompanyDeleted, "company.product.added", "company.product.removed",
	EventConnectionCreated, EventConnectionConnected, EventConnectionDisconnected, EventConnectionReconnected,
	EventConnectionFailed, EventConnectionDeleted, EventReadCompleted, EventReadCompletedInitial,
	"client.rateLimit.reached", "client.rateLimit.reset",
	"bankFeeds.sourceAccount.connected", "bankFeeds.sourceAccount.disconnected",
	"expenses.sync.successful", "expenses.sync.unsuccessful",
	"report.categorizedBankStatement.generate.successful", "AccountCategoriesUpdated",
	"reports.creditModel.generate.successful", "reports.creditModel.generate.unsuccessful",
	"reports.spendAnalysis.generate.successful", "reports.spendAnalysis.generate.unsuccessful",
}

// IsWebhookEventType reports whether Codat sends events of this type. Names
// are case-sensitive.
func IsWebhookEventType(s string) bool {
	if slices.Contains(WebhookEventTypes, s) {
		return true
	}
	for _, suffix := range []string{".write.successful", ".write.unsuccessful"} {
		if dataType, ok := strings.CutSuffix(s, suffix); ok && slices.Contains(DataTypes, dataType) {
			return true
		}
	}
	return false
}

// WebhookEventTypeProblem explains why name is not an event type Codat
// sends, with the nearest ones, or returns "" when it is one.
func WebhookEventTypeProblem(name string) string {
	if IsWebhookEventType(name) {
		return ""
	}
	return fmt.Sprintf("%q is not an event type Codat sends. Did you mean %s? Event types are case-sensitive; the catalogue is in the Codat docs (using-the-api/webhooks/event-types), and {dataType}.write.successful and .unsuccessful exist for each data type.",
		name, strings.Join(nearestNames(WebhookEventTypes, name, 3), ", "))
}

// CheckCompanyTagFilter reports why s is not a consumer's company tag:
// "key:value" (docs create-consumer.md: "Tags must be formatted as key-value
// pairs separated by a colon"), at most 128 characters. The key is what
// precedes the first colon and must not be empty.
func CheckCompanyTagFilter(s string) error {
	key, _, found := strings.Cut(s, ":")
	switch {
	case !found:
		return fmt.Errorf("company tag %q must be key:value, e.g. region:uk", s)
	case key == "":
		return fmt.Errorf("company tag %q has an empty key", s)
	case utf8.RuneCountInString(s) > MaxWebhookCompanyTagLength:
		return fmt.Errorf("company tag %q is longer than %d characters", s, MaxWebhookCompanyTagLength)
	}
	return nil
}

// CompanyTagsMatch is Codat's routing rule for a consumer's company tags: a
// consumer without any hears about every company; one with tags hears about
// a company when any one of them matches one of the company's tags (key and
// value, case-sensitive). Docs create-consumer.md: "A message will be
// delivered every time any of the company's tags match the tags specified in
// the webhook consumer."
func CompanyTagsMatch(filters []string, tags map[string]string) bool {
	if len(filters) == 0 {
		return true
	}
	for _, filter := range filters {
		key, value, _ := strings.Cut(filter, ":")
		if v, ok := tags[key]; ok && v == value {
			return true
		}
	}
	return false
}

// WebhookConsumer is an HTTP endpoint subscribed to event types.
type WebhookConsumer struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Disabled    bool     `json:"disabled"`
	EventTypes  []string `json:"eventTypes"`
	CompanyTags []string `json:"companyTags,omitempty"`
}

func (w *WebhookConsumer) check() error { return missingField("webhook consumer id", w.ID) }

// WebhookConsumerRequest is the body of POST /webhooks
// (webhookConsumerPrototype). There is no update: change a consumer by
// creating a new one and deleting the old.
type WebhookConsumerRequest struct {
	URL         string   `json:"url"`
	Disabled    bool     `json:"disabled"`
	EventTypes  []string `json:"eventTypes"`
	CompanyTags []string `json:"companyTags,omitempty"`
}

// CheckWebhookURL reports why s cannot be a consumer's URL: an absolute
// https URL, or plain http to a loopback host (a receiver on this machine,
// for the local emulator, which delivers there; Codat cannot reach one).
func CheckWebhookURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not contain user info", s)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%q must use https (plain http only to a loopback host, such as a local receiver for the emulator)", s)
	}
	return fmt.Errorf("%q must start with https://", s)
}

// Matches reports whether c is the consumer req creates: the same URL,
// disabled flag, event types and company tags (in any order). It finds a
// consumer whose create answer was lost.
func (req WebhookConsumerRequest) Matches(c WebhookConsumer) bool {
	return c.URL == req.URL && c.Disabled == req.Disabled &&
		sameStrings(c.EventTypes, req.EventTypes) && sameStrings(c.CompanyTags, req.CompanyTags)
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// ListWebhookConsumers returns every webhook consumer (list-webhook-consumers,
// one request: the list, at most 50, is not paged).
func (c *Client) ListWebhookConsumers(ctx context.Context) ([]WebhookConsumer, error) {
	return listUnpaged[WebhookConsumer](ctx, c, "list-webhook-consumers", "/webhooks")
}

// CreateWebhookConsumer creates a consumer (create-webhook-consumer; 201).
// Like CreateCompany it is not retried once the request may have reached
// Codat: a failure can still mean the consumer exists (look for its URL in
// ListWebhookConsumers).
func (c *Client) CreateWebhookConsumer(ctx context.Context, req WebhookConsumerRequest) (*WebhookConsumer, error) {
	var out WebhookConsumer
	cl := call{operation: "create-webhook-consumer", method: http.MethodPost, path: "/webhooks", body: req,
		safety: replayUnlessSent}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteWebhookConsumer deletes a consumer and its pending deliveries
// (delete-webhook-consumer; 204). A retried delete that already succeeded
// answers 404; treat IsNotFound as done.
func (c *Client) DeleteWebhookConsumer(ctx context.Context, webhookID string) error {
	path, err := escapePath("/webhooks/{webhookId}", param{"webhookId", webhookID})
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete-webhook-consumer", method: http.MethodDelete, path: path,
		safety: replaySafe}, nil)
}

// Webhook events, as Codat POSTs them to consumers (the spec's webhooks
// section; docs using-the-api/webhooks/event-types.md). Codat signs them
// with Svix: the webhook-id, webhook-timestamp and webhook-signature headers
// verify with the consumer's signing secret (docs create-consumer.md).

// Headers of a delivered webhook. WebhookIDHeader is the same on every
// attempt at one message, so a consumer can drop duplicates.
const (
	WebhookIDHeader        = "webhook-id"
	WebhookTimestampHeader = "webhook-timestamp"
	WebhookSignatureHeader = "webhook-signature"
)

// WebhookEvent is the envelope of every event. Payload depends on
// EventType: a Company for company.*, a ConnectionEventPayload for
// connection.*, a ReadCompletedPayload for read.completed(.initial).
type WebhookEvent struct {
	ID            string          `json:"id"`
	EventType     string          `json:"eventType"`
	GeneratedDate string          `json:"generatedDate"`
	Payload       json.RawMessage `json:"payload"`
}

// ConnectionEventPayload is the payload of the connection.* events.
type ConnectionEventPayload struct {
	ReferenceCompany CompanyReference `json:"referenceCompany"`
	Connection       Connection       `json:"connection"`
}

// ReadCompletedPayload is the payload of read.completed and
// read.completed.initial: the outcome of each data type read.
type ReadCompletedPayload struct {
	ReferenceCompany CompanyReference      `json:"referenceCompany"`
	ModifiedFromDate string                `json:"modifiedFromDate,omitempty"`
	DataTypes        []DataTypeReadSummary `json:"dataTypes"`
}

// DataTypeReadSummary is one data type's read in a ReadCompletedPayload.
type DataTypeReadSummary struct {
	ConnectionID    string      `json:"connectionId"`
	DataType        string      `json:"dataType"`
	RecordsModified bool        `json:"recordsModified"`
	Status          PullStatus  `json:"status"`
	Issues          []ReadIssue `json:"issues"`
}

// ReadIssue is a problem met during a read, such as a validation warning.
type ReadIssue struct {
	Type    string          `json:"type,omitempty"`
	Message string          `json:"message,omitempty"`
	Links   *ReadIssueLinks `json:"links,omitempty"`
}

// ReadIssueLinks point at the logs and documentation of a ReadIssue.
type ReadIssueLinks struct {
	Logs     string `json:"logs,omitempty"`
	Portal   string `json:"portal,omitempty"`
	ReadMore string `json:"readMore,omitempty"`
}
