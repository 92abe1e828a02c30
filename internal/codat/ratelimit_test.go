package codat

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// maxInWindow is the most of the sorted times that fall within any window
// of length w (closed at the start, open at the end).
func maxInWindow(times []time.Time, w time.Duration) int {
	best, first := 0, 0
	for i, t := range times {
		for !t.Before(times[first].Add(w)) {
			first++
		}
		best = max(best, i-first+1)
	}
	return best
}

func TestRateLimitKeepsEveryMinuteUnderTheLimit(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(RateLimit{PerMinute: 1000, Concurrent: 10, Now: clk.Now, Sleep: clk.Sleep})
	start := clk.Now()
	var starts []time.Time
	for range 3000 {
		if err := l.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, clk.Now())
		l.release()
	}
	if got := maxInWindow(starts, time.Minute); got > 1000 {
		t.Errorf("%d requests started within one minute, want at most 1000", got)
	}
	// The first ten go at once; the rest are paced, so 3,000 take just
	// over three minutes: no slower than the limit needs.
	for i, s := range starts[:10] {
		if !s.Equal(start) {
			t.Fatalf("request %d of the first burst waited %s", i+1, s.Sub(start))
		}
	}
	if took := starts[len(starts)-1].Sub(start); took < 2*time.Minute+55*time.Second || took > 3*time.Minute+5*time.Second {
		t.Errorf("3000 requests took %s, want about 3m", took)
	}
}

func TestRateLimitRefillsAfterAPause(t *testing.T) {
	clk := newFakeClock()
	l := newLimiter(RateLimit{PerMinute: 1000, Concurrent: 10, Now: clk.Now, Sleep: clk.Sleep})
	for range 50 {
		_ = l.acquire(context.Background())
		l.release()
	}
	_ = clk.Sleep(context.Background(), time.Minute) // idle
	before := len(clk.Sleeps())
	for range 10 {
		_ = l.acquire(context.Background())
		l.release()
	}
	if waits := clk.Sleeps()[before:]; len(waits) != 0 {
		t.Errorf("after a minute idle, a burst of 10 waited %v", waits)
	}
}

func TestRateLimitCapsConcurrentRequests(t *testing.T) {
	var mu sync.Mutex
	var inFlight, peak int
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		respondJSON(http.StatusOK, sampleCompany)(w, r)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, RateLimit: RateLimit{Concurrent: 3}})
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.GetCompany(context.Background(), sampleCompany.ID)
			errs <- err
		})
	}
	// Let every request that can start reach the server.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := inFlight
		mu.Unlock()
		if n >= 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	got := peak
	mu.Unlock()
	if got != 3 {
		t.Errorf("at most %d requests were in flight, want 3", got)
	}
}

// A slot is given back when an attempt fails, so retries go on; with one
// slot, a leak would hang here.
func TestRateLimitSlotComesBackAfterAFailedAttempt(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, dropConnection, respondStatus(503), respondJSON(200, sampleCompany))
	c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, Retry: clk.policy(),
		RateLimit: RateLimit{Concurrent: 1, Now: clk.Now, Sleep: clk.Sleep}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.GetCompany(ctx, sampleCompany.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCompany(ctx, sampleCompany.ID); err != nil {
		t.Fatal(err)
	}
	assertRequestCount(t, srv, 4)
}

func TestRateLimitWaitEndsWithTheContext(t *testing.T) {
	l := newLimiter(RateLimit{Concurrent: 1})
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire with a cancelled context = %v, want context.Canceled", err)
	}
	l.release()
	if err := l.acquire(context.Background()); err != nil {
		t.Fatalf("the slot was not free again: %v", err)
	}
}

func TestNoRateLimitByDefault(t *testing.T) {
	if newLimiter(RateLimit{}) != nil {
		t.Error("the zero RateLimit limits requests")
	}
}
