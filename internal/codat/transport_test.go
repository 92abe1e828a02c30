package codat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestRetryAfterSecondsIsHonouredExactly(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", "3"), respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	got, err := c.GetCompany(context.Background(), sampleCompany.ID)
	if err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	if got.ID != sampleCompany.ID {
		t.Errorf("id = %q", got.ID)
	}
	assertSleeps(t, clk, 3*time.Second)
	assertRequestCount(t, srv, 2)
	if s := c.Stats(); s.Attempts != 2 || s.Retries != 1 {
		t.Errorf("stats = %+v, want 2 attempts, 1 retry", s)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	clk := newFakeClock()
	when := clk.Now().Add(7 * time.Second).UTC().Format(http.TimeFormat)
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", when), respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	assertSleeps(t, clk, 7*time.Second)
}

func TestRateLimitWithoutRetryAfterBacksOff(t *testing.T) {
	for _, header := range []string{"", "0", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"} {
		t.Run("RetryAfter="+header, func(t *testing.T) {
			clk := newFakeClock()
			var headers []string
			if header != "" {
				headers = []string{"Retry-After", header}
			}
			srv := newScriptedServer(t, respondStatus(429, headers...), respondStatus(429, headers...),
				respondJSON(200, sampleCompany))
			c := newTestClient(t, srv.URL, clk.policy())
			if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
				t.Fatalf("GetCompany: %v", err)
			}
			assertSleeps(t, clk, 500*time.Millisecond, 750*time.Millisecond)
		})
	}
}

func TestServerErrorsBackOffExponentiallyCapped(t *testing.T) {
	for _, status := range []int{408, 500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			clk := newFakeClock()
			policy := clk.policy()
			policy.MaxBackoff = 2 * time.Second
			steps := []http.HandlerFunc{}
			for range 6 {
				steps = append(steps, respondStatus(status))
			}
			srv := newScriptedServer(t, append(steps, respondJSON(200, sampleCompany))...)
			c := newTestClient(t, srv.URL, policy)

			if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
				t.Fatalf("GetCompany: %v", err)
			}
			assertSleeps(t, clk, 500*time.Millisecond, 750*time.Millisecond, 1125*time.Millisecond,
				1687500*time.Microsecond, 2*time.Second, 2*time.Second)
			assertRequestCount(t, srv, 7)
		})
	}
}

func TestJitterIsAppliedAndCapped(t *testing.T) {
	clk := newFakeClock()
	policy := clk.policy()
	policy.MaxBackoff = time.Second
	policy.Jitter = func(d time.Duration) time.Duration { return d + d/10 }
	srv := newScriptedServer(t, respondStatus(503), respondStatus(503), respondStatus(503),
		respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, policy)

	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	// 500ms+10%, 750ms+10%, then 1125ms capped to 1s before jitter and after.
	assertSleeps(t, clk, 550*time.Millisecond, 825*time.Millisecond, time.Second)
}

func TestDefaultJitterStaysWithinTwentyPercent(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	for n := 1; n <= 12; n++ {
		base := time.Duration(float64(DefaultInitialBackoff) * pow(DefaultMultiplier, n-1))
		base = min(base, DefaultMaxBackoff)
		for range 50 {
			got := p.backoff(n)
			if got < base*8/10 || got > min(base*12/10, DefaultMaxBackoff) {
				t.Fatalf("backoff(%d) = %v, want within ±20%% of %v and <= %v", n, got, base, DefaultMaxBackoff)
			}
		}
	}
}

func pow(x float64, n int) float64 {
	out := 1.0
	for range n {
		out *= x
	}
	return out
}

func TestMaxRetriesExhaustedReturnsLastAPIError(t *testing.T) {
	clk := newFakeClock()
	policy := clk.policy()
	policy.MaxRetries = 3
	srv := newScriptedServer(t, respondStatus(503))
	c := newTestClient(t, srv.URL, policy)

	_, err := c.GetCompany(context.Background(), sampleCompany.ID)
	apiErr, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 503 || apiErr.Attempts != 4 {
		t.Errorf("status %d attempts %d, want 503 and 4", apiErr.StatusCode, apiErr.Attempts)
	}
	assertRequestCount(t, srv, 4)
	if len(clk.Sleeps()) != 3 {
		t.Errorf("sleeps = %v, want 3", clk.Sleeps())
	}
}

func TestNegativeMaxRetriesDisablesRetries(t *testing.T) {
	clk := newFakeClock()
	policy := clk.policy()
	policy.MaxRetries = -1
	srv := newScriptedServer(t, respondStatus(503))
	c := newTestClient(t, srv.URL, policy)
	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); StatusCode(err) != 503 {
		t.Fatalf("err = %v, want 503", err)
	}
	assertRequestCount(t, srv, 1)
}

func TestWaitPastDeadlineIsNeverScheduled(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(503, "Retry-After", "4"))
	c := newTestClient(t, srv.URL, clk.policy())
	deadline := clk.Now().Add(10 * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	_, err := c.GetCompany(ctx, sampleCompany.ID)
	if StatusCode(err) != 503 {
		t.Fatalf("err = %v, want the last 503", err)
	}
	// 4 s + 4 s fit in 10 s; a third 4 s wait would end past the deadline.
	assertSleeps(t, clk, 4*time.Second, 4*time.Second)
	if end := clk.Now(); end.After(deadline) {
		t.Errorf("slept until %v, past deadline %v", end, deadline)
	}
}

func TestRetryAfterBeyondDeadlineReturnsRateLimitAtOnce(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", "3600"))
	c := newTestClient(t, srv.URL, clk.policy())
	ctx, cancel := context.WithDeadline(context.Background(), clk.Now().Add(time.Minute))
	defer cancel()

	_, err := c.GetCompany(ctx, sampleCompany.ID)
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want 429", err)
	}
	apiErr, _ := AsAPIError(err)
	if apiErr.RetryAfter != time.Hour {
		t.Errorf("RetryAfter = %v, want 1h", apiErr.RetryAfter)
	}
	assertSleeps(t, clk)
	assertRequestCount(t, srv, 1)
}

func TestMaxElapsedBoundsTotalWait(t *testing.T) {
	clk := newFakeClock()
	policy := clk.policy()
	policy.MaxElapsed = 5 * time.Second
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", "3"))
	c := newTestClient(t, srv.URL, policy)

	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); !IsRateLimited(err) {
		t.Fatalf("err = %v, want 429", err)
	}
	assertSleeps(t, clk, 3*time.Second)
}

func TestCancelDuringWaitReturnsPromptly(t *testing.T) {
	// Real sleeping here on purpose: it checks the default Sleep honours
	// cancellation. The server asks for a 30 s wait; we cancel after 50 ms.
	srv := newScriptedServer(t, respondStatus(503, "Retry-After", "30"))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)

	start := time.Now()
	_, err := c.GetCompany(ctx, sampleCompany.ID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v to notice the cancel", elapsed)
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.GetCompany(ctx, sampleCompany.ID); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertSleeps(t, clk)
	assertRequestCount(t, srv, 0)
}

func TestConnectionDropRetriedForGet(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, dropConnection, dropConnection, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	assertSleeps(t, clk, 500*time.Millisecond, 750*time.Millisecond)
	assertRequestCount(t, srv, 3)
}

func TestTruncatedBodyRetriedForGet(t *testing.T) {
	clk := newFakeClock()
	truncated := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"id":"`))
		dropConnectionAfterFlush(w)
	}
	srv := newScriptedServer(t, truncated, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
		t.Fatalf("GetCompany: %v", err)
	}
	assertRequestCount(t, srv, 2)
}

func dropConnectionAfterFlush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	dropConnection(w, nil)
}

func TestCreatesAreNotRetriedOnceSent(t *testing.T) {
	creates := map[string]func(*Client) error{
		"POST /companies": func(c *Client) error {
			_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			return err
		},
		"POST /companies/{id}/connections": func(c *Client) error {
			_, err := c.CreateConnection(context.Background(), sampleCompany.ID, "gbol")
			return err
		},
	}
	failures := map[string]http.HandlerFunc{
		"500": respondStatus(500),
		"503": respondStatus(503, "Retry-After", "1"),
		"502": respondStatus(502),
		"408": respondStatus(408),
	}
	for opName, create := range creates {
		for failName, fail := range failures {
			t.Run(opName+"/"+failName, func(t *testing.T) {
				clk := newFakeClock()
				srv := newScriptedServer(t, fail, respondJSON(200, sampleCompany))
				c := newTestClient(t, srv.URL, clk.policy())
				if err := create(c); err == nil {
					t.Fatal("create succeeded; it must not have been retried")
				}
				assertRequestCount(t, srv, 1)
				assertSleeps(t, clk)
			})
		}
	}
}

// TestCreateRetriedUnderItsKeyAfterDrop: a create whose answer was lost is
// sent again under the same Idempotency-Key, so Codat answers it with the
// first answer instead of creating again.
func TestCreateRetriedUnderItsKeyAfterDrop(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, dropConnection, dropConnection, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())
	got, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err != nil || got.ID != sampleCompany.ID {
		t.Fatalf("CreateCompany: %+v, %v", got, err)
	}
	assertSameKey(t, srv.Requests(), 3)
	assertSleeps(t, clk, 500*time.Millisecond, 750*time.Millisecond)

	srv = newScriptedServer(t, dropConnection)
	c = newTestClient(t, srv.URL, newFakeClock().policy())
	_, err = c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err == nil || !containsAll(err.Error(), "POST /companies", fmt.Sprintf("after %d attempts", DefaultMaxRetries+1)) {
		t.Fatalf("err = %v", err)
	}
	assertSameKey(t, srv.Requests(), DefaultMaxRetries+1)
}

// assertSameKey checks that want requests were sent, all under one GUID
// Idempotency-Key.
func assertSameKey(t *testing.T, reqs []recordedRequest, want int) {
	t.Helper()
	if len(reqs) != want {
		t.Fatalf("requests = %d, want %d", len(reqs), want)
	}
	key := reqs[0].Header.Get(IdempotencyKeyHeader)
	if _, err := uuid.Parse(key); err != nil {
		t.Fatalf("Idempotency-Key %q is not a GUID", key)
	}
	for i, r := range reqs {
		if got := r.Header.Get(IdempotencyKeyHeader); got != key {
			t.Errorf("request %d: Idempotency-Key %q, want %q (the first attempt's)", i+1, got, key)
		}
	}
}

func TestCreateRetriedOnRateLimitWithSameBody(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", "2"), respondStatus(429),
		respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	got, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme", Tags: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatalf("CreateCompany: %v", err)
	}
	if got.ID != sampleCompany.ID {
		t.Errorf("id = %q", got.ID)
	}
	assertSleeps(t, clk, 2*time.Second, 750*time.Millisecond)
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	want := `{"name":"Acme","tags":{"a":"b"}}`
	for i, r := range reqs {
		if r.Body != want {
			t.Errorf("request %d body = %q, want %q", i+1, r.Body, want)
		}
	}
}

func TestBodyRewoundForIdempotentRetry(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(503), dropConnection, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, clk.policy())

	if _, err := c.ReplaceCompany(context.Background(), sampleCompany.ID, CompanyRequest{Name: "New"}); err != nil {
		t.Fatalf("ReplaceCompany: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Body != `{"name":"New"}` || r.Method != http.MethodPut {
			t.Errorf("request %d = %s %q", i+1, r.Method, r.Body)
		}
	}
}

// failingThenDelegating fails the first n round trips with err, then passes
// requests to the real transport.
type failingThenDelegating struct {
	mu    sync.Mutex
	n     int
	err   error
	calls int
}

func (f *failingThenDelegating) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.calls++
	fail := f.calls <= f.n
	f.mu.Unlock()
	if fail {
		return nil, f.err
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestCreateRetriedWhenDialFailed(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	dialRefused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	base := &failingThenDelegating{n: 2, err: dialRefused}
	c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, Transport: base, Retry: clk.policy()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"}); err != nil {
		t.Fatalf("CreateCompany: %v", err)
	}
	assertRequestCount(t, srv, 1)
	assertSleeps(t, clk, 500*time.Millisecond, 750*time.Millisecond)
}

// TestCreateRetriedOnResetOrTimeoutAfterSend: the Idempotency-Key makes a
// resend safe after any failure that brought no answer.
func TestCreateRetriedOnResetOrTimeoutAfterSend(t *testing.T) {
	for name, failure := range map[string]error{
		"reset":   &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		"timeout": timeoutError{},
	} {
		t.Run(name, func(t *testing.T) {
			clk := newFakeClock()
			srv := newScriptedServer(t, respondJSON(200, sampleCompany))
			base := &failingThenDelegating{n: 1, err: failure}
			c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, Transport: base, Retry: clk.policy()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"}); err != nil {
				t.Fatalf("create was not retried: %v", err)
			}
			if base.calls != 2 {
				t.Errorf("calls = %d, want 2", base.calls)
			}
			// The same failure on a read is retried.
			base.n = 2
			if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
				t.Fatalf("GetCompany: %v", err)
			}
		})
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "net/http: timeout awaiting response headers" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 402, 403, 404, 409, 501} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			clk := newFakeClock()
			srv := newScriptedServer(t, respondStatus(status), respondJSON(200, sampleCompany))
			c := newTestClient(t, srv.URL, clk.policy())
			if _, err := c.GetCompany(context.Background(), sampleCompany.ID); StatusCode(err) != status {
				t.Fatalf("err = %v, want %d", err, status)
			}
			assertRequestCount(t, srv, 1)
			assertSleeps(t, clk)
		})
	}
}

func TestOtherPostsAreRetriedOnServerErrors(t *testing.T) {
	ops := map[string]func(*Client) error{
		"refresh-all": func(c *Client) error { return c.RefreshAllData(context.Background(), sampleCompany.ID) },
		"refresh-type": func(c *Client) error {
			_, err := c.RefreshDataType(context.Background(), sampleCompany.ID, "invoices", "")
			return err
		},
		"company-sync-settings": func(c *Client) error {
			return c.SetCompanySyncSettings(context.Background(), sampleCompany.ID, CompanySyncSettings{})
		},
		"profile-sync-settings": func(c *Client) error {
			return c.SetProfileSyncSettings(context.Background(), ProfileSyncSettings{ClientID: "x"})
		},
		"unlink": func(c *Client) error {
			_, err := c.UnlinkConnection(context.Background(), sampleCompany.ID, "conn")
			return err
		},
		"update-company": func(c *Client) error {
			_, err := c.UpdateCompany(context.Background(), sampleCompany.ID, CompanyUpdate{})
			return err
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			clk := newFakeClock()
			srv := newScriptedServer(t, respondStatus(503), dropConnection,
				respondJSON(200, PullOperation{ID: "p"}))
			c := newTestClient(t, srv.URL, clk.policy())
			if err := op(c); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			assertRequestCount(t, srv, 3)
		})
	}
}

func TestOnRetryReportsEachRetry(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondStatus(429, "Retry-After", "1"), respondStatus(500),
		respondJSON(200, sampleCompany))
	var events []RetryEvent
	c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, Retry: clk.policy(),
		OnRetry: func(e RetryEvent) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCompany(context.Background(), sampleCompany.ID); err != nil {
		t.Fatal(err)
	}
	want := []RetryEvent{
		{Method: "GET", Path: "/companies/" + sampleCompany.ID, Attempt: 1, StatusCode: 429, Wait: time.Second,
			FromRetryAfter: true},
		{Method: "GET", Path: "/companies/" + sampleCompany.ID, Attempt: 2, StatusCode: 500,
			Wait: 750 * time.Millisecond},
	}
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events = %+v\nwant %+v", events, want)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"", 0, false},
		{"1.5", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999", maxRetryAfter, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, false},
		{"Mon, 02 Jan 2006", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func assertSleeps(t *testing.T, clk *fakeClock, want ...time.Duration) {
	t.Helper()
	got := clk.Sleeps()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func assertRequestCount(t *testing.T, srv *scriptedServer, want int) {
	t.Helper()
	if got := len(srv.Requests()); got != want {
		t.Errorf("server saw %d requests, want %d", got, want)
	}
}
