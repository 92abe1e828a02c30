package codat

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Retry defaults follow the spec's x-speakeasy-retries (500 ms initial,
// factor 1.5, 60 s cap per wait) with a tighter total budget: a Terraform run
// should fail with a clear 429 rather than wait out an hour-long quota reset.
const (
	DefaultMaxRetries     = 8
	DefaultInitialBackoff = 500 * time.Millisecond
	DefaultMaxBackoff     = 60 * time.Second
	DefaultMultiplier     = 1.5
	DefaultMaxElapsed     = 10 * time.Minute
)

// maxRetryAfter bounds a parsed Retry-After so the arithmetic cannot
// overflow; the elapsed budget rejects such waits anyway.
const maxRetryAfter = 7 * 24 * time.Hour

// RetryPolicy says how often and how long the client retries. The zero
// value means the defaults above.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt.
	// 0 means DefaultMaxRetries; a negative value disables retries.
	MaxRetries int
	// InitialBackoff is the first computed wait; later waits grow by
	// Multiplier and are capped at MaxBackoff (before and after jitter).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	Multiplier     float64
	// MaxElapsed bounds the total time from the first attempt to the start
	// of the last one; a wait that would cross it is not started and the
	// last result is returned instead. Negative means no bound other than
	// the context's deadline.
	MaxElapsed time.Duration
	// Now, Sleep and Jitter are injectable so tests never sleep for real.
	// Sleep must return ctx.Err() promptly when ctx is done.
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(d time.Duration) time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxRetries == 0 {
		p.MaxRetries = DefaultMaxRetries
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.InitialBackoff <= 0 {
		p.InitialBackoff = DefaultInitialBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.Multiplier < 1 {
		p.Multiplier = DefaultMultiplier
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = SleepContext
	}
	if p.Jitter == nil {
		p.Jitter = defaultJitter
	}
	return p
}

// SleepContext waits for d or until ctx is done, whichever comes first.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// defaultJitter spreads waits by ±20% so clients that failed together do not
// retry together.
func defaultJitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// backoff is the computed wait before retry number n (1-based).
func (p RetryPolicy) backoff(n int) time.Duration {
	wait := float64(p.InitialBackoff) * math.Pow(p.Multiplier, float64(n-1))
	capped := time.Duration(math.Min(wait, float64(p.MaxBackoff)))
	return clampDuration(p.Jitter(capped), 0, p.MaxBackoff)
}

func clampDuration(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}

// RetryEvent describes one retry about to happen.
type RetryEvent struct {
	Method string
	Path   string
	// Attempt is the 1-based attempt that failed.
	Attempt int
	// StatusCode is the failed attempt's HTTP status, 0 for a transport error.
	StatusCode int
	// Err is the transport error, nil when a response arrived.
	Err error
	// Wait is how long the client sleeps before the next attempt.
	Wait time.Duration
	// FromRetryAfter is true when Wait came from the Retry-After header.
	FromRetryAfter bool
}

// Stats counts what the transport did over the client's lifetime.
type Stats struct {
	Attempts int64 // requests sent, including retries
	Retries  int64 // retries scheduled
}

// replaySafety says whether a request may be sent again after a failure.
// Operations set it; the retry rules that use it live only in this file.
type replaySafety int

const (
	// replayByMethod: no explicit mark. GET, HEAD, OPTIONS, PUT and DELETE
	// are replayable; anything else is treated like replayUnlessSent.
	replayByMethod replaySafety = iota
	// replaySafe: sending twice has the effect of sending once.
	replaySafe
	// replayUnlessSent: a create. Retried only when the server provably did
	// not act on it (a 429, or a failure before the request left the
	// client), or under its Idempotency-Key, which makes Codat answer a
	// retry with the first answer: after no answer at all, or a 409 for a
	// key still in use. Never after 408 or 5xx: see IdempotencyKeyHeader.
	replayUnlessSent
)

type replaySafetyKey struct{}

func withReplaySafety(ctx context.Context, s replaySafety) context.Context {
	return context.WithValue(ctx, replaySafetyKey{}, s)
}

func replaySafetyOf(req *http.Request) replaySafety {
	s, _ := req.Context().Value(replaySafetyKey{}).(replaySafety)
	if s != replayByMethod {
		return s
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return replaySafe
	}
	return replayUnlessSent
}

// attemptCounter lets the caller learn how many attempts a request took.
type attemptCounter struct{ n int }

type attemptCounterKey struct{}

func withAttemptCounter(ctx context.Context, c *attemptCounter) context.Context {
	return context.WithValue(ctx, attemptCounterKey{}, c)
}

// retryTransport is the client's only retry layer. It returns the final
// response (even a failing one) so the caller decodes it into an APIError.
type retryTransport struct {
	base    http.RoundTripper
	policy  RetryPolicy
	logger  *slog.Logger
	onRetry func(RetryEvent)

	attempts atomic.Int64
	retries  atomic.Int64
}

func (t *retryTransport) stats() Stats {
	return Stats{Attempts: t.attempts.Load(), Retries: t.retries.Load()}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := snapshotBody(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	safety := replaySafetyOf(req)
	key := req.Header.Get(IdempotencyKeyHeader)
	_, pinned := ctx.Value(idempotencyKeyCtx{}).(string)
	counter, _ := ctx.Value(attemptCounterKey{}).(*attemptCounter)
	start := t.policy.Now()

	for attempt := 1; ; attempt++ {
		if counter != nil {
			counter.n = attempt
		}
		resp, err := t.send(req, body, key, attempt)
		if err != nil && ctx.Err() != nil {
			return nil, contextError(ctx, err)
		}
		plan := t.decide(safety, key != "", resp, err, attempt)
		if !plan.retry {
			return resp, err
		}
		if !t.fitsBudget(ctx, start, plan.wait) || refusedByLoopback(req, err, t.policy.Now().Sub(start)+plan.wait) {
			t.log(ctx, slog.LevelDebug, "codat retry skipped: wait exceeds budget or deadline", req, attempt, resp, err, "wait", plan.wait)
			return resp, err
		}
		discardResponse(resp)
		t.retries.Add(1)
		t.notify(req, attempt, resp, err, plan.wait, plan.fromHeader)
		if sleepErr := t.policy.Sleep(ctx, plan.wait); sleepErr != nil {
			return nil, fmt.Errorf("%w (while waiting to retry after %s)", sleepErr, describeOutcome(resp, err))
		}
		if plan.newKey && !pinned {
			key = newIdempotencyKey()
		}
	}
}

// send makes one attempt with a fresh copy of the body, under key if the
// request carries one.
func (t *retryTransport) send(req *http.Request, body []byte, key string, attempt int) (*http.Response, error) {
	attemptReq := req.Clone(req.Context())
	if body != nil {
		attemptReq.Body = io.NopCloser(bytes.NewReader(body))
		attemptReq.GetBody = func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(body)), nil
		}
		attemptReq.ContentLength = int64(len(body))
	}
	if key != "" {
		attemptReq.Header.Set(IdempotencyKeyHeader, key)
	}
	t.attempts.Add(1)
	started := t.policy.Now()
	resp, err := t.base.RoundTrip(attemptReq)
	if err == nil {
		err = bufferBody(resp)
		if err != nil {
			resp = nil
		} else if resp.Request == nil {
			resp.Request = attemptReq
		}
	}
	t.log(req.Context(), slog.LevelDebug, "codat request", req, attempt, resp, err, "duration", t.policy.Now().Sub(started))
	return resp, err
}

// bufferBody reads the response body inside the attempt, so a connection
// dropped mid-body is a retryable failure of that attempt rather than a
// surprise for the caller. It keeps at most maxSuccessBody+1 bytes: enough
// for the caller to detect an oversized body.
func bufferBody(resp *http.Response) error {
	if resp.Body == nil {
		resp.Body = http.NoBody
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSuccessBody+1))
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("reading response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return nil
}

// retryPlan is decide's verdict on one attempt.
type retryPlan struct {
	retry      bool
	wait       time.Duration
	fromHeader bool // wait came from Retry-After
	newKey     bool // send the retry under a new Idempotency-Key
}

// decide applies the retry rules to one attempt's outcome. keyed says the
// request carries an Idempotency-Key (every POST and PATCH does).
func (t *retryTransport) decide(safety replaySafety, keyed bool, resp *http.Response, err error, attempt int) retryPlan {
	if attempt > t.policy.MaxRetries {
		return retryPlan{}
	}
	if err != nil {
		if !retryableError(safety, keyed, err) {
			return retryPlan{}
		}
		return retryPlan{retry: true, wait: t.policy.backoff(attempt)}
	}
	retry, newKey := retryableStatus(safety, keyed, resp)
	if !retry {
		return retryPlan{}
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.policy.Now()); ok {
		return retryPlan{retry: true, wait: d, fromHeader: true, newKey: newKey}
	}
	return retryPlan{retry: true, wait: t.policy.backoff(attempt), newKey: newKey}
}

// retryableStatus: 429 always (a rate-limited request was not acted on, and
// Codat releases its key); a 409 saying the key's first request is still
// running, with the same key, to get that request's answer; 408 and 5xx
// (except 501, which will not change) only when replaying is safe, because
// the server may have done the work before failing, and then under a new
// key, because Codat replays a 5xx to its key (see IdempotencyKeyHeader).
func retryableStatus(safety replaySafety, keyed bool, resp *http.Response) (retry, newKey bool) {
	code := resp.StatusCode
	switch {
	case code == http.StatusTooManyRequests:
		return true, false
	case responseKeyInUse(resp, keyed):
		return true, false
	case safety != replaySafe:
		return false, false
	case code == http.StatusRequestTimeout, code >= 500 && code <= 599 && code != http.StatusNotImplemented:
		return true, keyed
	}
	return false, false
}

// retryableError: connection failures are retried when replaying is safe,
// or when the request carries an Idempotency-Key (Codat answers the retry
// with the first attempt's answer if it got that far); otherwise only a
// failure that happened before anything was sent. Certificate problems are
// never retried: they will not fix themselves.
func retryableError(safety replaySafety, keyed bool, err error) bool {
	if isCertificateError(err) {
		return false
	}
	if failedBeforeSending(err) {
		return true
	}
	return (safety == replaySafe || keyed) && isConnectionError(err)
}

// failedBeforeSending is true for errors raised while establishing the
// connection (DNS, refused, dial timeout), when no request byte was written.
func failedBeforeSending(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect")
}

func isConnectionError(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNRESET, syscall.ECONNREFUSED,
		syscall.ECONNABORTED, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	// net/http and HTTP/2 report some drops only as text.
	msg := err.Error()
	for _, fragment := range []string{"connection reset", "broken pipe", "server closed", "connection refused",
		"transport connection broken", "GOAWAY", "stream error", "unexpected EOF"} {
		if strings.Contains(msg, fragment) {
			return true
		}
	}
	return false
}

func isCertificateError(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordHeader tls.RecordHeaderError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &recordHeader)
}

// describeOutcome names a failed attempt's result for error text.
func describeOutcome(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return "HTTP " + strconv.Itoa(resp.StatusCode)
}

// parseRetryAfter accepts delta-seconds or an HTTP date (relative to now).
// A missing, malformed, zero or past value reports ok=false so the caller
// backs off instead of retrying at once.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	d := when.Sub(now)
	if d <= 0 {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// fitsBudget refuses a wait that would end past the context deadline or
// past the policy's total elapsed budget.
func (t *retryTransport) fitsBudget(ctx context.Context, start time.Time, wait time.Duration) bool {
	now := t.policy.Now()
	// A wait ending exactly at the deadline leaves no time for the attempt.
	if deadline, ok := ctx.Deadline(); ok && !now.Add(wait).Before(deadline) {
		return false
	}
	return t.policy.MaxElapsed < 0 || now.Sub(start)+wait <= t.policy.MaxElapsed
}

// contextError reports cancellation as the context's error so callers can
// test it with errors.Is, keeping the transport's text for diagnosis.
func contextError(ctx context.Context, err error) error {
	if errors.Is(err, ctx.Err()) {
		return err
	}
	// err is text only: wrapped, errors.As would find a net.Error in what is a cancellation.
	return fmt.Errorf("%w (%v)", ctx.Err(), err) //nolint:errorlint // see above
}

// snapshotBody reads the request body once so every attempt can resend it.
func snapshotBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer func() { _ = req.Body.Close() }()
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	return body, nil
}

// discardResponse drains a little of an unwanted body so the connection can
// be reused, then closes it.
func discardResponse(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
}

func (t *retryTransport) notify(req *http.Request, attempt int, resp *http.Response, err error, wait time.Duration, fromHeader bool) {
	t.log(req.Context(), slog.LevelInfo, "codat retry scheduled", req, attempt, resp, err, "wait", wait)
	if t.onRetry == nil {
		return
	}
	event := RetryEvent{Method: req.Method, Path: req.URL.Path, Attempt: attempt, Err: err, Wait: wait,
		FromRetryAfter: fromHeader}
	if resp != nil {
		event.StatusCode = resp.StatusCode
	}
	t.onRetry(event)
}

// log records method, path, status, attempt and a duration; never headers,
// so the Authorization value cannot reach a log line.
func (t *retryTransport) log(ctx context.Context, level slog.Level, msg string, req *http.Request, attempt int,
	resp *http.Response, err error, durationKey string, d time.Duration) {
	if t.logger == nil || !t.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Int("attempt", attempt),
		slog.Duration(durationKey, d),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.logger.LogAttrs(ctx, level, msg, attrs...)
}
