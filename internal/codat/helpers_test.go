package codat

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const testAPIKey = "test-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0" //nolint:gosec // G101: a made-up key for tests

// fakeClock is a clock whose Sleep records the wait and advances Now, so
// retry tests never sleep. It starts at the real time (to the second) so
// context deadlines, which use the real clock, compare sensibly.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now().Truncate(time.Second)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.now = f.now.Add(d)
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// policy is a retry policy on the fake clock with no jitter.
func (f *fakeClock) policy() RetryPolicy {
	return RetryPolicy{Now: f.Now, Sleep: f.Sleep, Jitter: func(d time.Duration) time.Duration { return d }}
}

// closedLoopbackAddr is a local host:port where nothing listens, so a
// connection to it is refused.
func closedLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func newTestClient(t *testing.T, baseURL string, policy RetryPolicy) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: baseURL, APIKey: testAPIKey, Retry: policy})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// scriptedServer answers each request with the next step; the last step
// repeats. It records request bodies and counts requests.
type scriptedServer struct {
	mu       sync.Mutex
	steps    []http.HandlerFunc
	requests []recordedRequest
	*httptest.Server
}

type recordedRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

func newScriptedServer(t *testing.T, steps ...http.HandlerFunc) *scriptedServer {
	t.Helper()
	s := &scriptedServer{steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptedServer) serve(w http.ResponseWriter, r *http.Request) {
	body := readAllString(r)
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, recordedRequest{Method: r.Method, Path: r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	step := s.steps[min(n, len(s.steps)-1)]
	s.mu.Unlock()
	step(w, r)
}

func (s *scriptedServer) Requests() []recordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recordedRequest(nil), s.requests...)
}

func readAllString(r *http.Request) string {
	buf := make([]byte, 0, 512)
	tmp := make([]byte, 512)
	for {
		n, err := r.Body.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			return string(buf)
		}
	}
}

func respondJSON(status int, v any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
}

func respondStatus(status int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(ErrorMessage{StatusCode: status, Error: http.StatusText(status),
			CorrelationID: "c0ffee"})
	}
}

// dropConnection closes the connection after reading the request, without
// answering: the server may have acted, the client sees EOF.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.WriteHeader(http.StatusTeapot) // makes the calling test fail visibly
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

var sampleCompany = Company{ID: "8a210b68-6988-11ed-a1eb-0242ac120002", Name: "Acme",
	Redirect: "https://link.codat.io/company/8a210b68-6988-11ed-a1eb-0242ac120002"}

func asDecodeError(err error, target **DecodeError) bool {
	return errors.As(err, target)
}
