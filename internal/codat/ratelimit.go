package codat

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// RateLimit paces the client so that it stays inside Codat's limits instead
// of running into them. Codat answers 429 beyond its limits, which the
// client retries, but it also says it may block an address that goes over
// 1,000 requests a minute without warning; and a 429 storm wastes requests
// that count against the quota. The zero value sends requests as they come.
type RateLimit struct {
	// PerMinute is the most requests the client starts in any 60 seconds,
	// retries included. 0 means no limit.
	PerMinute int
	// Concurrent is the most requests in flight at once. 0 means no limit.
	Concurrent int
	// Now and Sleep are injectable so tests never wait; nil means the real
	// clock. Sleep must return ctx.Err() promptly when ctx is done.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// CodatRateLimit is Codat's documented limit: 1,000 requests a minute from
// one IP address, 10 concurrent requests.
var CodatRateLimit = RateLimit{PerMinute: 1000, Concurrent: 10}

// limiter enforces a RateLimit: a slot per request in flight, and a token
// bucket holding up to burst tokens, refilled at one per interval. In any 60
// seconds it starts at most burst + 60s/interval = PerMinute requests.
type limiter struct {
	slots chan struct{} // nil: no concurrency limit

	mu       sync.Mutex
	interval time.Duration // 0: no rate limit
	burst    int
	// next is when the bucket will next be empty of the tokens handed out
	// so far (the generic cell rate algorithm's "theoretical arrival time").
	next  time.Time
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// newLimiter returns nil when rl limits nothing.
func newLimiter(rl RateLimit) *limiter {
	if rl.PerMinute <= 0 && rl.Concurrent <= 0 {
		return nil
	}
	l := &limiter{now: rl.Now, sleep: rl.Sleep}
	if l.now == nil {
		l.now = time.Now
	}
	if l.sleep == nil {
		l.sleep = SleepContext
	}
	if rl.Concurrent > 0 {
		l.slots = make(chan struct{}, rl.Concurrent)
	}
	if rl.PerMinute > 0 {
		// A burst as large as the concurrency lets a small run go at once;
		// the refill rate leaves room for it within the minute.
		l.burst = max(1, min(rl.Concurrent, rl.PerMinute/10))
		l.interval = time.Minute / time.Duration(max(rl.PerMinute-l.burst, 1))
	}
	return l
}

// acquire waits for a slot, then for a token. Holding the slot while waiting
// for the token keeps each request's start at its token's time.
func (l *limiter) acquire(ctx context.Context) error {
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if wait := l.reserve(); wait > 0 {
		if err := l.sleep(ctx, wait); err != nil {
			l.release()
			return err
		}
	}
	return nil
}

// reserve takes the next token and returns how long to wait for it.
func (l *limiter) reserve() time.Duration {
	if l.interval == 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.next.Before(now) {
		l.next = now
	}
	wait := l.next.Sub(now) - time.Duration(l.burst-1)*l.interval
	l.next = l.next.Add(l.interval)
	return max(wait, 0)
}

func (l *limiter) release() {
	if l.slots != nil {
		<-l.slots
	}
}

// limitedTransport takes a slot and a token for each attempt, and gives the
// slot back once the response body is closed (the retry layer reads it
// whole at once) or the attempt failed.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.limiter.acquire(req.Context()); err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		t.limiter.release()
		return resp, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(t.limiter.release)}
	return resp, nil
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
