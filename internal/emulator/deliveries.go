package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Webhook delivery. Codat delivers webhooks through Svix: a POST of the
// event's JSON with webhook-id, webhook-timestamp and webhook-signature
// headers, signed with the consumer's secret (docs
// using-the-api/webhooks/create-consumer.md), retried on failure on Svix's
// schedule (docs using-the-api/webhooks/troubleshooting.md): at once, then
// 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours
// after each failed attempt. A 2xx within 15 seconds is a success; anything
// else (another status, a redirect, a timeout, a refused connection) a
// failure.
//
// Deliveries are real HTTP requests, so they run on a goroutine the
// emulator owns (started with the first event for a consumer, stopped by
// Close). A
// delivery pass claims every attempt due by Options.Now, posts them (one
// consumer's in order, consumers in parallel), records the outcomes and
// schedules retries on Options.Now; it runs when an event is queued, after
// every API request, whenever the next attempt falls due (checking at least
// once a second) and on DeliverWebhooks, which runs a pass synchronously so
// tests on an injected clock need no sleeps: move the clock, call
// DeliverWebhooks, look at the receiver. The webhook-timestamp header alone
// is the real time of the attempt, because Svix receivers compare it with
// their own clock (5 minutes' tolerance).

// CodatWebhookRetrySchedule is Svix's wait before each retry of a failed
// delivery, as Codat documents it.
var CodatWebhookRetrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// webhookTimeout is how long a consumer has to answer (docs: "This consumer
// must return a 2XX ... within 15 seconds").
const webhookTimeout = 15 * time.Second

// maxDispatcherIdle bounds how long the dispatcher sleeps, so an injected
// clock moved without a request is still noticed.
const maxDispatcherIdle = time.Second

// WebhookDelivery is one event on its way to one consumer, as the control
// API shows it.
type WebhookDelivery struct {
	// MessageID is the webhook-id header: the same for every consumer of
	// the event and every attempt.
	MessageID  string `json:"messageId"`
	EventID    string `json:"eventId"`
	EventType  string `json:"eventType"`
	CompanyID  string `json:"companyId,omitempty"`
	ConsumerID string `json:"consumerId"`
	URL        string `json:"url"`
	// Status is Sending, Attempting, Success or Failure.
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
	// NextAttempt is when the next attempt is due; zero once the delivery
	// succeeded or failed for good.
	NextAttempt time.Time        `json:"nextAttempt,omitzero"`
	Attempts    []WebhookAttempt `json:"attempts"`
	// Payload is the body, byte for byte as signed and sent.
	Payload json.RawMessage `json:"payload"`

	inFlight bool // claimed by a pass that has not recorded its outcome
}

// WebhookAttempt is one POST of a delivery.
type WebhookAttempt struct {
	At time.Time `json:"at"`
	// StatusCode is the consumer's answer; 0 when there was none.
	StatusCode int `json:"statusCode,omitempty"`
	// Error says why an attempt without an answer failed.
	Error string `json:"error,omitempty"`
}

func (d *WebhookDelivery) clone() WebhookDelivery {
	out := *d
	out.Attempts = slices.Clone(d.Attempts)
	out.Payload = slices.Clone(d.Payload)
	out.inFlight = false
	return out
}

// deliveryJob is a claimed attempt, with what posting it needs.
type deliveryJob struct {
	delivery  *WebhookDelivery
	messageID string
	url       string
	secret    string
	body      []byte
}

// claimDueWebhooks turns due reads into events, then claims every attempt
// due by now. next is when the earliest unclaimed work falls due (zero if
// none).
func (s *store) claimDueWebhooks() (jobs []deliveryJob, next time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	next, changed := s.emitDueReadsLocked(now)
	secrets := map[string]string{}
	for _, c := range s.data.Client.WebhookConsumers {
		secrets[c.ID] = c.SigningSecret
	}
	for _, d := range s.data.Client.WebhookDeliveries {
		if d.inFlight || d.NextAttempt.IsZero() {
			continue
		}
		if d.NextAttempt.After(now) {
			if next.IsZero() || d.NextAttempt.Before(next) {
				next = d.NextAttempt
			}
			continue
		}
		secret, ok := secrets[d.ConsumerID]
		if !ok {
			continue
		}
		d.inFlight = true
		jobs = append(jobs, deliveryJob{delivery: d, messageID: d.MessageID, url: d.URL, secret: secret,
			body: slices.Clone(d.Payload)})
	}
	if changed {
		s.changed()
	}
	return jobs, next
}

// recordAttempt stores an attempt's outcome and schedules the next one. A
// delivery removed meanwhile (its consumer deleted, a reset) is left alone.
func (s *store) recordAttempt(d *WebhookDelivery, attempt WebhookAttempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.inFlight = false
	if !slices.Contains(s.data.Client.WebhookDeliveries, d) {
		return
	}
	d.Attempts = append(d.Attempts, attempt)
	failures := len(d.Attempts)
	switch {
	case attempt.StatusCode >= 200 && attempt.StatusCode <= 299:
		d.Status, d.NextAttempt = DeliverySuccess, time.Time{}
	case failures <= len(s.client.retrySchedule):
		d.Status, d.NextAttempt = DeliveryAttempting, attempt.At.Add(s.client.retrySchedule[failures-1])
	default:
		d.Status, d.NextAttempt = DeliveryFailure, time.Time{}
	}
	s.pruneDeliveriesLocked()
	s.changed()
}

// releaseClaim returns a claimed attempt unmade.
func (s *store) releaseClaim(d *WebhookDelivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.inFlight = false
}

// webhookDispatcher owns the goroutine that delivers webhooks.
type webhookDispatcher struct {
	store   *store
	client  *http.Client
	wallNow func() time.Time // the signature's timestamp

	runMu sync.Mutex // one pass at a time, so DeliverWebhooks sees every due attempt through

	mu      sync.Mutex // guards started and closed
	started bool
	closed  bool
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
}

func newWebhookDispatcher(s *store) *webhookDispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &webhookDispatcher{
		store: s,
		client: &http.Client{
			Timeout:   webhookTimeout,
			Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DisableKeepAlives: true},
			// Svix does not follow redirects: a 3xx is a failed attempt.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		wallNow: time.Now,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
	}
}

// start runs the dispatcher's goroutine, once; never after close.
func (d *webhookDispatcher) start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started || d.closed {
		return
	}
	d.started = true
	go d.loop()
}

// kick starts the dispatcher if needed and wakes it. It never blocks, so
// the store calls it with its lock held.
func (d *webhookDispatcher) kick() {
	d.start()
	d.poke()
}

// poke wakes a running dispatcher without starting one.
func (d *webhookDispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *webhookDispatcher) loop() {
	defer close(d.done)
	for {
		wait := d.pass(d.ctx)
		timer := time.NewTimer(wait)
		select {
		case <-d.stop:
			timer.Stop()
			return
		case <-d.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (d *webhookDispatcher) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// close stops the goroutine, abandoning attempts in flight (they stay due).
func (d *webhookDispatcher) close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	started := d.started
	d.mu.Unlock()
	d.cancel()
	close(d.stop)
	if started {
		<-d.done
	}
}

// pass delivers everything due, including retries that fall due at once,
// and returns how long to sleep before the next due work.
func (d *webhookDispatcher) pass(ctx context.Context) time.Duration {
	d.runMu.Lock()
	defer d.runMu.Unlock()
	for ctx.Err() == nil {
		jobs, next := d.store.claimDueWebhooks()
		if len(jobs) == 0 {
			if next.IsZero() {
				return maxDispatcherIdle
			}
			return min(max(next.Sub(d.store.now()), 0), maxDispatcherIdle)
		}
		d.deliver(ctx, jobs)
	}
	return maxDispatcherIdle
}

// deliver posts the jobs: one consumer's in order, consumers in parallel.
func (d *webhookDispatcher) deliver(ctx context.Context, jobs []deliveryJob) {
	byConsumer := map[string][]deliveryJob{}
	var order []string
	for _, job := range jobs {
		id := job.delivery.ConsumerID
		if _, ok := byConsumer[id]; !ok {
			order = append(order, id)
		}
		byConsumer[id] = append(byConsumer[id], job)
	}
	var wg sync.WaitGroup
	for _, id := range order {
		wg.Go(func() {
			for _, job := range byConsumer[id] {
				at := d.store.now()
				status, errText := d.post(ctx, job)
				if ctx.Err() != nil {
					// Stopped (Close), not failed: the attempt stays due.
					d.store.releaseClaim(job.delivery)
					continue
				}
				d.store.recordAttempt(job.delivery, WebhookAttempt{At: at, StatusCode: status, Error: errText})
			}
		})
	}
	wg.Wait()
}

// post sends one attempt, signed with Svix's own library so that a consumer
// verifying with Svix passes. It returns the status, or 0 and why there was
// none.
func (d *webhookDispatcher) post(ctx context.Context, job deliveryJob) (int, string) {
	wh, err := svix.NewWebhook(job.secret)
	if err != nil {
		return 0, "signing: " + err.Error()
	}
	timestamp := d.wallNow()
	signature, err := wh.Sign(job.messageID, timestamp, job.body)
	if err != nil {
		return 0, "signing: " + err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.url, bytes.NewReader(job.body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Svix-Webhooks (Codat emulator)")
	req.Header.Set(codat.WebhookIDHeader, job.messageID)
	req.Header.Set(codat.WebhookTimestampHeader, strconv.FormatInt(timestamp.Unix(), 10))
	req.Header.Set(codat.WebhookSignatureHeader, signature)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, ""
}

// DeliverWebhooks makes every delivery attempt due by Options.Now (and
// emits the read events due by then), waiting for their answers. Tests on
// an injected clock call it after moving the clock.
func (e *Emulator) DeliverWebhooks(ctx context.Context) {
	if !e.webhooks.isClosed() {
		e.webhooks.pass(ctx)
	}
}

// WebhookDeliveries returns every delivery, oldest first, with its attempts
// (GET /_emulator/webhooks/deliveries).
func (e *Emulator) WebhookDeliveries() []WebhookDelivery {
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	out := make([]WebhookDelivery, 0, len(e.store.data.Client.WebhookDeliveries))
	for _, d := range e.store.data.Client.WebhookDeliveries {
		out = append(out, d.clone())
	}
	return out
}

// Close stops webhook delivery, waiting for the delivery goroutine to end.
// The emulator keeps serving and recording deliveries, but no longer posts
// them. Close is safe to call more than once.
func (e *Emulator) Close() error {
	e.webhooks.close()
	return nil
}

// Control endpoints.

func (e *Emulator) handleControlWebhookConsumers(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.WebhookConsumers())
}

// handleControlWebhookDeliveries lists deliveries, filtered by the
// consumerId and eventType query parameters when given.
func (e *Emulator) handleControlWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, filterDeliveries(e.WebhookDeliveries(), r))
}

func filterDeliveries(all []WebhookDelivery, r *http.Request) []WebhookDelivery {
	q := queryParams(r)
	return slices.DeleteFunc(all, func(d WebhookDelivery) bool {
		return (q["consumerid"] != "" && !strings.EqualFold(d.ConsumerID, q["consumerid"])) ||
			(q["eventtype"] != "" && d.EventType != q["eventtype"])
	})
}

// handleControlDeliverWebhooks runs a delivery pass now and answers with the
// deliveries, as GET does.
func (e *Emulator) handleControlDeliverWebhooks(w http.ResponseWriter, r *http.Request) {
	e.DeliverWebhooks(r.Context())
	writeJSON(w, http.StatusOK, filterDeliveries(e.WebhookDeliveries(), r))
}
