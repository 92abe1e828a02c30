// Package codat is a typed client for the Codat Platform API. It knows
// nothing about Terraform: it builds URLs, authenticates, retries and decodes
// JSON, and reports failures as *APIError or *DecodeError.
//
// Retries (transport.go) follow one rule set. 429 is always retried,
// honouring Retry-After. 408, 5xx (except 501) and dropped or timed-out
// connections are retried for requests that may be replayed: reads, PUT,
// DELETE, the PATCHes, the sync-settings and CORS-settings POSTs and the
// refresh POSTs. Every POST and PATCH carries an Idempotency-Key
// (idempotency.go), so the creates (POST /companies, /companies/{id}/
// connections, /webhooks and /apiKeys) are also retried after a dropped
// connection or a 409 for their key, and Codat answers with the first
// attempt's answer; after 408 or 5xx they are not, because Codat would
// replay that failure: CreateCompanyOnce and CreateConnectionOnce look
// first, then send again under a new key. Waits grow by 1.5 from 500 ms
// with jitter, capped per wait, and never run past the context deadline or
// the policy's total budget.
package codat

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
)

const (
	// DefaultBaseURL is Codat's production API.
	DefaultBaseURL = "https://api.codat.io"
	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "terraform-provider-codat/dev"

	// Body limits: success bodies can be whole catalogues (5000 items per
	// page); error bodies only need enough to diagnose.
	maxSuccessBody = 10 << 20
	maxErrorBody   = 64 << 10
)

// Config configures a Client. Only APIKey is required.
type Config struct {
	// BaseURL defaults to DefaultBaseURL. It must be https, except for a
	// loopback host (127.0.0.0/8, ::1, localhost), so the key never travels
	// in clear text.
	BaseURL string
	// BaseURLSource says where BaseURL came from, such as "base_url in the
	// provider block", so an error about an address that cannot be reached
	// can say what to change.
	BaseURLSource string
	// APIKey is the Codat API key as shown in the portal (not Base64).
	APIKey string
	// UserAgent names the caller, e.g. "terraform-provider-codat/1.2.3".
	UserAgent string
	// Transport is the base transport under the retry layer; nil means an
	// http.Transport with connect, TLS and response-header timeouts.
	Transport http.RoundTripper
	// Retry tunes retries; the zero value means the defaults.
	Retry RetryPolicy
	// RateLimit paces requests, retries included; the zero value does not.
	// CodatRateLimit is Codat's documented limit.
	RateLimit RateLimit
	// Logger receives one debug line per attempt and one info line per
	// retry (method, path, status, attempt, wait). Nil disables logging.
	Logger *slog.Logger
	// OnRetry, if set, is called before each retry's wait.
	OnRetry func(RetryEvent)
}

// String hides the API key if a Config is ever printed.
func (c Config) String() string {
	return fmt.Sprintf("codat.Config{BaseURL: %q, APIKey: [REDACTED], UserAgent: %q}", c.BaseURL, c.UserAgent)
}

// GoString hides the API key from %#v as well.
func (c Config) GoString() string { return c.String() }

// Client calls the Codat API. It is safe for concurrent use.
type Client struct {
	baseURL    string // scheme://host[/prefix], no trailing slash
	urlSource  string // Config.BaseURLSource
	authHeader string
	userAgent  string
	transport  *retryTransport
	redact     redactor
	now        func() time.Time
	// writes are the companies this client has sent a write for.
	writes companyWrites
	// patchMergesTags is set once a PATCH kept tags it was not sent (see
	// setCompanyTags).
	patchMergesTags atomic.Bool
	// historyUnfiltered is set once Codat refused or ignored a query on the
	// pull history (see pullHistory).
	historyUnfiltered atomic.Bool
}

// String hides credentials if a Client is ever printed.
func (c *Client) String() string { return fmt.Sprintf("codat.Client{BaseURL: %q}", c.baseURL) }

// GoString hides credentials from %#v as well.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the API base URL the client sends to.
func (c *Client) BaseURL() string { return c.baseURL }

// Stats returns the attempts and retries made so far.
func (c *Client) Stats() Stats { return c.transport.stats() }

// New checks cfg and returns a client. It sends nothing.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("codat: API key is empty")
	}
	baseURL, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	userAgent := cfg.UserAgent
	if userAgent == "" {
		userAgent = DefaultUserAgent
	}
	if strings.ContainsFunc(userAgent, unicode.IsControl) {
		return nil, errors.New("codat: user agent contains control characters")
	}
	base := cfg.Transport
	if base == nil {
		base = defaultBaseTransport()
	}
	if lim := newLimiter(cfg.RateLimit); lim != nil {
		base = &limitedTransport{base: base, limiter: lim}
	}
	policy := cfg.Retry.withDefaults()
	encodedKey := base64.StdEncoding.EncodeToString([]byte(cfg.APIKey))
	return &Client{
		baseURL:    baseURL,
		urlSource:  cfg.BaseURLSource,
		authHeader: "Basic " + encodedKey,
		userAgent:  userAgent,
		transport:  &retryTransport{base: base, policy: policy, logger: cfg.Logger, onRetry: cfg.OnRetry},
		redact:     newRedactor(cfg.APIKey, encodedKey),
		now:        policy.Now,
	}, nil
}

// checkBaseURL enforces https (or loopback http) and strips a trailing
// slash. Errors quote only the URL, which cannot contain the key.
func checkBaseURL(raw string) (string, error) {
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("codat: invalid base URL: %w", err)
	}
	if u.User != nil {
		return "", errors.New("codat: base URL must not contain user info")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("codat: base URL %q must not have a query or fragment", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("codat: base URL %q has no host", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("codat: base URL %q must use https (plain http is allowed only for loopback hosts)", raw)
		}
	default:
		return "", fmt.Errorf("codat: base URL %q must use https", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultBaseTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10, // Codat allows 10 concurrent requests per company
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// call describes one API operation invocation.
type call struct {
	operation string // Codat operationId, used in decode errors
	method    string
	path      string // escaped, without base URL
	query     url.Values
	body      any // nil: no body
	safety    replaySafety
	// maxBody bounds a success body; 0 means maxSuccessBody.
	maxBody int64
}

// do sends c and decodes a 2xx JSON body into out (nil: body ignored).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if cl.method != http.MethodGet {
		c.writes.note(cl.path)
	}
	resp, attempts, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(cl, resp, attempts)
	}
	if out == nil {
		return nil
	}
	limit := cl.maxBody
	if limit == 0 {
		limit = maxSuccessBody
	}
	data, truncated, err := readLimited(resp.Body, limit)
	if err != nil {
		return c.decodeError(cl, resp.StatusCode, fmt.Errorf("reading body: %w", err))
	}
	if truncated {
		return c.decodeError(cl, resp.StatusCode, fmt.Errorf("body exceeds %d MiB", limit>>20))
	}
	if err := decodeJSON(data, out); err != nil {
		return c.decodeError(cl, resp.StatusCode, err)
	}
	if v, ok := out.(checker); ok {
		if err := v.check(); err != nil {
			return c.decodeError(cl, resp.StatusCode, err)
		}
	}
	return nil
}

// checker is a decoded answer that can tell whether it lacks a field
// callers rely on, such as the id of what was created.
type checker interface{ check() error }

// missingField reports an identity field the spec requires but the body
// left out or left empty.
func missingField(name string, value string) error {
	if value == "" {
		return fmt.Errorf("the response has no %s", name)
	}
	return nil
}

func (c *Company) check() error       { return missingField("company id", c.ID) }
func (c *Connection) check() error    { return missingField("connection id", c.ID) }
func (i *Integration) check() error   { return missingField("integration key", i.Key) }
func (p *PullOperation) check() error { return missingField("pull operation id", p.ID) }

func (p *Page[T]) check() error    { return checkResults(p.Results) }
func (r *Results[T]) check() error { return checkResults(r.Results) }

// checkResults checks each item of a list that can check itself.
func checkResults[T any](items []T) error {
	for i := range items {
		if v, ok := any(&items[i]).(checker); ok {
			if err := v.check(); err != nil {
				return fmt.Errorf("results[%d]: %w", i, err)
			}
		}
	}
	return nil
}

// listUnpaged fetches a list Codat answers whole, in one request.
func listUnpaged[T any](ctx context.Context, c *Client, operation, path string) ([]T, error) {
	var out Results[T]
	if err := c.do(ctx, call{operation: operation, method: http.MethodGet, path: path, safety: replaySafe}, &out); err != nil {
		return nil, err
	}
	return out.Results, nil
}

// send builds the request and runs it through the retry transport.
func (c *Client) send(ctx context.Context, cl call) (*http.Response, int, error) {
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return nil, 0, err
	}
	resp, err := c.transport.RoundTrip(req)
	attempts := req.Context().Value(attemptCounterKey{}).(*attemptCounter).n
	if err != nil {
		return nil, attempts, c.requestError(cl, attempts, err)
	}
	return resp, attempts, nil
}

func (c *Client) newRequest(ctx context.Context, cl call) (*http.Request, error) {
	if ctx == nil {
		return nil, fmt.Errorf("codat: %s %s: nil context", cl.method, cl.path)
	}
	target := c.baseURL + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.body != nil {
		encoded, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("codat: %s %s: encoding request body: %w", cl.method, cl.path, err)
		}
		body = bytes.NewReader(encoded)
	}
	ctx = withReplaySafety(ctx, cl.safety)
	ctx = withAttemptCounter(ctx, &attemptCounter{})
	req, err := http.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("codat: %s %s: building request: %w", cl.method, cl.path, err)
	}
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Here, where every request is built, so that no write goes without.
	if needsIdempotencyKey(cl.method) {
		key, _ := idempotencyKeyFor(ctx)
		req.Header.Set(IdempotencyKeyHeader, key)
	}
	return req, nil
}

// requestError wraps a transport failure; the text names the request but
// no header, so the key cannot appear in it.
func (c *Client) requestError(cl call, attempts int, err error) error {
	if attempts > 1 {
		err = fmt.Errorf("%w (after %d attempts)", err, attempts)
	}
	return &sendError{err: fmt.Errorf("codat: %s %s: %w", cl.method, cl.path, c.explainUnreachable(err))}
}

// sendError marks a request that reached the transport and got no HTTP
// answer, so OutcomeUnknown can tell it from a request refused before
// sending (an empty id, a body that cannot be encoded).
type sendError struct{ err error }

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

func (c *Client) apiError(cl call, resp *http.Response, attempts int) error {
	data, truncated, _ := readLimited(resp.Body, maxErrorBody)
	apiErr := decodeAPIError(resp.StatusCode, cl.method, cl.path, data, truncated, c.redact)
	apiErr.Attempts = attempts
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
		apiErr.RetryAfter = d
	}
	if resp.Request != nil {
		apiErr.IdempotencyKey = resp.Request.Header.Get(IdempotencyKeyHeader)
	}
	if apiErr.StatusCode == http.StatusUnprocessableEntity && apiErr.IdempotencyKey != "" {
		return &IdempotencyMismatchError{APIError: apiErr}
	}
	return apiErr
}

func (c *Client) decodeError(cl call, status int, err error) error {
	return &DecodeError{Operation: cl.operation, Method: cl.method, Path: cl.path, StatusCode: status, Err: err}
}

// readLimited reads at most limit bytes and reports whether more followed.
func readLimited(r io.Reader, limit int64) (data []byte, truncated bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}

var (
	errEmptyBody = errors.New("empty body")
	errNullBody  = errors.New("body is JSON null")
)

// decodeJSON decodes a success body; an empty or null body is an error
// because every caller expects a value.
func decodeJSON(data []byte, out any) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return errEmptyBody
	}
	if bytes.Equal(trimmed, []byte("null")) {
		return errNullBody
	}
	return json.Unmarshal(trimmed, out)
}

// param is one path parameter.
type param struct{ name, value string }

// escapePath fills {name} placeholders with escaped values. Empty, "." and
// ".." values are refused: they would address a different resource.
func escapePath(template string, params ...param) (string, error) {
	path := template
	for _, p := range params {
		if p.value == "" || p.value == "." || p.value == ".." {
			return "", errEmptyParam(p.name)
		}
		path = strings.Replace(path, "{"+p.name+"}", url.PathEscape(p.value), 1)
	}
	return path, nil
}

func errEmptyParam(name string) error {
	return fmt.Errorf("codat: %s must be a non-empty identifier", name)
}
