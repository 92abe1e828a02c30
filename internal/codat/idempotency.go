package codat

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// IdempotencyKeyHeader is the header Codat reads on POST and PATCH to tell a
// retried write from a new one (docs using-the-api/write-data/idempotency.md):
// it caches the first answer to a key for 90 minutes and replays it to every
// request with that key, 4xx and 5xx included, except 429, after which the
// key is released. The same key with another body is 422; the same key
// while the first request still runs is 409.
//
// The client sends one on every POST and PATCH (newRequest adds it, so no
// write can go without), a fresh GUID per logical write, kept on every retry
// of that write and never used for another, with two exceptions decided by
// the transport and CreateCompanyOnce:
//
//   - a write that is safe to repeat anyway (replaySafe: setting tags, sync
//     settings, queueing) that failed with 408 or 5xx is retried under a new
//     key, since under the old one Codat would only replay the failure;
//   - a create (replayUnlessSent) is never retried after 408 or 5xx by the
//     transport; createOnce sends it again, under a new key, only once a
//     look-up has shown that Codat did not carry it out (see once.go).
//
// A retry after no answer at all (a dropped or timed-out connection) keeps
// the key, also for creates: Codat either never saw the request, or answers
// the retry with its first answer (or 409 while it is still working on it),
// so a create whose answer was lost comes back without a look-up. (net/http
// itself resends a request carrying this header once when a reused
// connection breaks before any answer; under the same key that is as safe.)
const IdempotencyKeyHeader = "Idempotency-Key"

// newIdempotencyKey is a random (version 4) GUID.
func newIdempotencyKey() string { return uuid.NewString() }

// needsIdempotencyKey: Codat honours the header on POST and PATCH only.
func needsIdempotencyKey(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch
}

type idempotencyKeyCtx struct{}

// WithIdempotencyKey makes every POST and PATCH sent with ctx carry key
// instead of a fresh one, and keep it on every retry (even where the client
// would otherwise switch to a new key). It is for callers that check Codat's
// idempotency itself, such as cmd/codat-probe; a key must never be used for
// two different writes, so derive a new context for each write.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKeyCtx{}, key)
}

// idempotencyKeyFor is the key for a new write: the caller's, or a new one.
func idempotencyKeyFor(ctx context.Context) (key string, pinned bool) {
	if key, ok := ctx.Value(idempotencyKeyCtx{}).(string); ok && key != "" {
		return key, true
	}
	return newIdempotencyKey(), false
}

// knownConflicts are 409 answers that are Codat's verdict on the request
// itself, not "a request with this key is still running": they will not
// change on a retry, so the client does not wait for them.
var knownConflicts = []string{
	// docs using-the-api/queueing-data-syncs.md (the status is not
	// documented; some readings answer it 409).
	"DatasetAlreadyInProgressException",
	// The spec's 409 example for create-api-key.
	"Maximum number of API keys",
}

// keyInUse reports a 409 that means the request's Idempotency-Key belongs
// to a request Codat is still carrying out: Codat has not finished the
// write, so waiting and retrying with the same key gets its answer.
func keyInUse(status int, keyed bool, message string) bool {
	if status != http.StatusConflict || !keyed {
		return false
	}
	for _, known := range knownConflicts {
		if strings.Contains(message, known) {
			return false
		}
	}
	return true
}

// responseKeyInUse is keyInUse for a buffered response, whose body stays
// readable.
func responseKeyInUse(resp *http.Response, keyed bool) bool {
	if resp.StatusCode != http.StatusConflict || !keyed {
		return false
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	message := ""
	if fields, ok := errorMessageFields(data); ok {
		message = lenientString(fields["error"])
	}
	return keyInUse(resp.StatusCode, keyed, message)
}

// IdempotencyMismatchError is Codat's 422 to a write whose Idempotency-Key
// it had seen before with a different body. The client gives every write
// its own key and resends only the same bytes under it, so this is a bug
// in the client, never something a user can fix.
type IdempotencyMismatchError struct {
	*APIError
}

func (e *IdempotencyMismatchError) Error() string {
	return fmt.Sprintf("%v: Codat had already received this request's Idempotency-Key with a different body. "+
		"The client sends each write under its own key, so this is a bug in terraform-provider-codat: "+
		"please report it at https://github.com/codat-community/terraform-provider-codat/issues with this message", e.APIError)
}

func (e *IdempotencyMismatchError) Unwrap() error { return e.APIError }
