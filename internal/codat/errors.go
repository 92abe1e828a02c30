package codat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Limits on text taken from error bodies: enough to diagnose, small enough
// that a hostile or broken server cannot flood logs or Terraform diagnostics.
const (
	maxMessageRunes = 1024
	maxExcerptRunes = 256
)

// APIError is a non-2xx answer from Codat. StatusCode is the HTTP status; the
// body's own statusCode is ignored because Codat's examples contradict it.
type APIError struct {
	// Method and Path identify the request (path without query string).
	Method string
	Path   string
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Message is Codat's error text (ErrorMessage.error), sanitised.
	Message string
	// Service, CorrelationID, CanBeRetried and DetailedErrorCode are copied
	// from the ErrorMessage body when present.
	Service           string
	CorrelationID     string
	CanBeRetried      string
	DetailedErrorCode int
	// Validation holds the body's validation errors and warnings, if any.
	Validation *ErrorValidation
	// Body is a short sanitised excerpt of a body that was not an
	// ErrorMessage (an HTML page from a proxy, truncated JSON, ...).
	Body string
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// Attempts is how many times the request was sent (1 = no retries).
	Attempts int
	// IdempotencyKey is the Idempotency-Key the final attempt carried
	// (POST and PATCH only): a GUID, not a secret, that Codat's support can
	// find the write by.
	IdempotencyKey string
}

// Error renders e.g. "codat: GET /companies/x: 404 Not Found: No company was
// found with ID x (correlation id abc)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("codat: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(statusLine(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Validation != nil {
		for _, item := range e.Validation.Errors {
			b.WriteString("; ")
			b.WriteString(describeValidationItem(item))
		}
	}
	if e.Message == "" && e.Body != "" {
		fmt.Fprintf(&b, " (body: %q)", e.Body)
	}
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " (correlation id %s)", e.CorrelationID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("%d", code)
}

func describeValidationItem(item ValidationItem) string {
	parts := make([]string, 0, 2)
	if item.ItemID != "" {
		parts = append(parts, item.ItemID)
	}
	if item.Message != "" {
		parts = append(parts, item.Message)
	}
	if len(parts) == 0 {
		return item.ValidatorName
	}
	return strings.Join(parts, ": ")
}

// AsAPIError returns the APIError inside err, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr != nil {
		return apiErr, true
	}
	return nil, false
}

// StatusCode returns the HTTP status of the APIError inside err, or 0.
func StatusCode(err error) int {
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsUnauthorized reports a 401 or 403: a bad, outdated or wrongly scoped key.
func IsUnauthorized(err error) bool {
	code := StatusCode(err)
	return code == http.StatusUnauthorized || code == http.StatusForbidden
}

// IsConflict reports a 409 (e.g. company info requested before it synced).
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsPaymentRequired reports a 402: an account limit of the Codat plan.
func IsPaymentRequired(err error) bool { return StatusCode(err) == http.StatusPaymentRequired }

// IsRateLimited reports a 429 (after any retries were used up).
func IsRateLimited(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return StatusCode(err) == http.StatusBadRequest }

// DecodeError is a 2xx response whose body could not be used: malformed,
// empty when a value was expected, or larger than the client accepts.
type DecodeError struct {
	Operation  string // Codat operationId, e.g. "get-company"
	Method     string
	Path       string
	StatusCode int
	Err        error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("codat: %s %s (%s): cannot decode %d response: %v",
		e.Method, e.Path, e.Operation, e.StatusCode, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// redactor removes secrets from server-supplied text before it reaches an
// error message. A nil redactor leaves text unchanged.
type redactor func(string) string

func (r redactor) apply(s string) string {
	if r == nil {
		return s
	}
	return r(s)
}

// newRedactor replaces every given secret with [REDACTED].
func newRedactor(secrets ...string) redactor {
	var pairs []string
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "[REDACTED]")
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	replacer := strings.NewReplacer(pairs...)
	return replacer.Replace
}

// decodeAPIError turns any error response body into an APIError. It never
// fails: a body that is not an ErrorMessage becomes a short excerpt.
func decodeAPIError(status int, method, path string, body []byte, truncated bool, redact redactor) *APIError {
	apiErr := &APIError{Method: method, Path: path, StatusCode: status}
	if fields, ok := errorMessageFields(body); ok && !truncated {
		fillFromErrorMessage(apiErr, fields, redact)
		if apiErr.Message != "" || apiErr.CorrelationID != "" || apiErr.Validation != nil {
			return apiErr
		}
	}
	apiErr.Body = excerpt(body, truncated, redact)
	return apiErr
}

// errorMessageFields parses body as a JSON object, keeping raw field values
// so that one field of an unexpected type does not discard the others.
func errorMessageFields(body []byte) (map[string]json.RawMessage, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, false
	}
	return fields, true
}

func fillFromErrorMessage(apiErr *APIError, fields map[string]json.RawMessage, redact redactor) {
	// "error" is Codat's field; the others cover gateways that answer in
	// other common shapes before Codat sees the request.
	for _, name := range []string{"error", "message", "detail", "title"} {
		if text := lenientString(fields[name]); text != "" {
			apiErr.Message = sanitize(redact.apply(text), maxMessageRunes)
			break
		}
	}
	apiErr.Service = sanitize(redact.apply(lenientString(fields["service"])), maxExcerptRunes)
	apiErr.CorrelationID = sanitize(redact.apply(lenientString(fields["correlationId"])), maxExcerptRunes)
	apiErr.CanBeRetried = sanitize(redact.apply(lenientString(fields["canBeRetried"])), maxExcerptRunes)
	apiErr.DetailedErrorCode = lenientInt(fields["detailedErrorCode"])
	apiErr.Validation = lenientValidation(fields["validation"], redact)
}

// lenientString accepts a JSON string, number or boolean; anything else
// (null, object, array, malformed) yields "".
func lenientString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var scalar any
	if json.Unmarshal(raw, &scalar) != nil {
		return ""
	}
	switch v := scalar.(type) {
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

func lenientInt(raw json.RawMessage) int {
	var n int
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return 0
	}
	return n
}

func lenientValidation(raw json.RawMessage, redact redactor) *ErrorValidation {
	var fields map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil || fields == nil {
		return nil
	}
	v := &ErrorValidation{
		Errors:   lenientItems(fields["errors"], redact),
		Warnings: lenientItems(fields["warnings"], redact),
	}
	if len(v.Errors) == 0 && len(v.Warnings) == 0 {
		return nil
	}
	return v
}

func lenientItems(raw json.RawMessage, redact redactor) []ValidationItem {
	var items []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make([]ValidationItem, 0, len(items))
	for _, rawItem := range items {
		var item map[string]json.RawMessage
		if json.Unmarshal(rawItem, &item) != nil {
			continue
		}
		v := ValidationItem{
			ItemID:        sanitize(redact.apply(lenientString(item["itemId"])), maxExcerptRunes),
			Message:       sanitize(redact.apply(lenientString(item["message"])), maxMessageRunes),
			ValidatorName: sanitize(redact.apply(lenientString(item["validatorName"])), maxExcerptRunes),
		}
		if v != (ValidationItem{}) {
			out = append(out, v)
		}
	}
	return out
}

// excerpt makes a short, printable, secret-free rendering of a body.
func excerpt(body []byte, truncated bool, redact redactor) string {
	text := sanitize(redact.apply(string(body)), maxExcerptRunes)
	if text == "" && len(body) > 0 {
		return fmt.Sprintf("%d bytes, not text", len(body))
	}
	if truncated && !strings.HasSuffix(text, "…") {
		text += "…"
	}
	return text
}

// sanitize makes s valid UTF-8, turns control characters and runs of
// whitespace into single spaces, and cuts it to maxRunes.
func sanitize(s string, maxRunes int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	runes := 0
	pendingSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			pendingSpace = b.Len() > 0
			continue
		}
		if runes >= maxRunes {
			b.WriteString("…")
			return b.String()
		}
		if pendingSpace {
			b.WriteByte(' ')
			runes++
			pendingSpace = false
		}
		b.WriteRune(r)
		runes++
	}
	return b.String()
}
