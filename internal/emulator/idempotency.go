package emulator

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// IdempotencyTTL is how long an answer stays cached against its
// Idempotency-Key (docs using-the-api/write-data/idempotency.md: 90 minutes).
const IdempotencyTTL = 90 * time.Minute

// idempotencyCache plays Codat's Idempotency-Key on every POST and PATCH
// API route (docs using-the-api/write-data/idempotency.md): the first answer
// to a key is kept for IdempotencyTTL and replayed to every later request
// with that key and the same method, path, query and body, whatever its
// status, except 429 (and 401/403, which answer no client); the same key
// with anything else different is 422; the same key while its first request
// is still being carried out is 409. It has its own lock, never held with
// the store's.
type idempotencyCache struct {
	mu      sync.Mutex
	entries map[string]*idempotencyEntry
}

// idempotencyEntry is a key in use (answer nil) or answered.
type idempotencyEntry struct {
	fingerprint [sha256.Size]byte
	expires     time.Time
	answer      *recordedAnswer
}

func newIdempotencyCache() *idempotencyCache {
	return &idempotencyCache{entries: map[string]*idempotencyEntry{}}
}

func (c *idempotencyCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[string]*idempotencyEntry{}
}

// inUse counts keys whose first request is still being carried out.
func (c *idempotencyCache) inUse() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.entries {
		if e.answer == nil {
			n++
		}
	}
	return n
}

// idempotencyClaim is a request that holds its key until it has an answer.
type idempotencyClaim struct {
	cache *idempotencyCache
	key   string
	entry *idempotencyEntry
	now   func() time.Time
	done  bool
}

// begin looks r's Idempotency-Key up. When the key settles r (a replay,
// 409, 422, or 400 for a malformed key) it returns that answer, to be sent
// like any other (so a dropped connection still drops it). Otherwise it
// returns a claim (nil when r carries no key or is not a POST or PATCH)
// that the caller must finish or abandon.
func (c *idempotencyCache) begin(r *http.Request, now func() time.Time) (*idempotencyClaim, *recordedAnswer) {
	if r.Method != http.MethodPost && r.Method != http.MethodPatch {
		return nil, nil // the docs: the header is for POST and PATCH only
	}
	values := r.Header.Values(codat.IdempotencyKeyHeader)
	if len(values) == 0 || (len(values) == 1 && values[0] == "") {
		return nil, nil
	}
	answer := newRecordedAnswer()
	if len(values) > 1 {
		writeError(answer, badRequest(servicePublicAPI, "Only one Idempotency-Key header may be sent."))
		return nil, answer
	}
	key := values[0]
	if _, err := uuid.Parse(key); err != nil {
		writeError(answer, badRequest(servicePublicAPI, fmt.Sprintf("The Idempotency-Key header must be a GUID, got %q.", key)))
		return nil, answer
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeError(answer, badRequest(servicePublicAPI, "Error processing request - the body could not be read."))
		return nil, answer
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	fingerprint := sha256.Sum256(fmt.Appendf(nil, "%s %s?%s\n%s", r.Method, r.URL.Path, r.URL.RawQuery, body))

	at := now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(at)
	if e, ok := c.entries[key]; ok {
		switch {
		case e.fingerprint != fingerprint:
			writeError(answer, &apiError{status: http.StatusUnprocessableEntity, service: servicePublicAPI,
				message: "The Idempotency-Key was already used for a different request. Send each request under its own key."})
		case e.answer == nil:
			writeError(answer, &apiError{status: http.StatusConflict, service: servicePublicAPI,
				message: "A request with the same Idempotency-Key is still being processed. Retry it later with the same key."})
		default:
			return nil, e.answer
		}
		return nil, answer
	}
	e := &idempotencyEntry{fingerprint: fingerprint}
	c.entries[key] = e
	return &idempotencyClaim{cache: c, key: key, entry: e, now: now}, nil
}

// expire drops answers older than IdempotencyTTL; call with c.mu held.
func (c *idempotencyCache) expire(now time.Time) {
	for key, e := range c.entries {
		if e.answer != nil && !now.Before(e.expires) {
			delete(c.entries, key)
		}
	}
}

// finish caches the answer, or releases the key for an answer Codat does not
// cache (429) or that belongs to no client (401, 403).
func (cl *idempotencyClaim) finish(a *recordedAnswer) {
	if cl == nil || cl.done {
		return
	}
	cl.done = true
	cl.cache.mu.Lock()
	defer cl.cache.mu.Unlock()
	if cl.cache.entries[cl.key] != cl.entry {
		return // a reset emptied the cache meanwhile
	}
	switch a.status {
	case http.StatusTooManyRequests, http.StatusUnauthorized, http.StatusForbidden:
		delete(cl.cache.entries, cl.key)
		return
	}
	cl.entry.answer = a
	cl.entry.expires = cl.now().Add(IdempotencyTTL)
}

// abandon releases the key of a request that ended without an answer (its
// connection was dropped before it was carried out, or the client left).
func (cl *idempotencyClaim) abandon() {
	if cl == nil || cl.done {
		return
	}
	cl.done = true
	cl.cache.mu.Lock()
	defer cl.cache.mu.Unlock()
	if cl.cache.entries[cl.key] == cl.entry {
		delete(cl.cache.entries, cl.key)
	}
}

// recordedAnswer is a response kept to be replayed (or dropped).
type recordedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecordedAnswer() *recordedAnswer {
	return &recordedAnswer{header: http.Header{}, status: http.StatusOK}
}

func (a *recordedAnswer) Header() http.Header         { return a.header }
func (a *recordedAnswer) Write(p []byte) (int, error) { return a.body.Write(p) }
func (a *recordedAnswer) WriteHeader(status int)      { a.status = status }

// replay writes the answer to w, keeping headers w already has (such as
// the rate-limit ones of this request).
func (a *recordedAnswer) replay(w http.ResponseWriter) {
	maps.Copy(w.Header(), a.header)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes())
}

// InFlightWrites is the number of Idempotency-Keys whose first request is
// still being carried out: a request with one of them now is answered 409.
func (e *Emulator) InFlightWrites() int { return e.idempotency.inUse() }
