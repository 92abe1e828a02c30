package emulator

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults configures random faults and rate limits on Codat API routes (never
// on link pages or /_emulator/). Rates are shares of requests, 0 to 1.
type Faults struct {
	// ErrorRate is the share answered 500 or 503 (half each) with Codat's
	// error bodies.
	ErrorRate float64 `json:"errorRate"`
	// TooManyRequestsRate is the share answered 429 with a Retry-After of
	// RetryAfterSeconds.
	TooManyRequestsRate float64 `json:"tooManyRequestsRate"`
	// RetryAfterSeconds is the Retry-After of random 429s; 0 means 1.
	RetryAfterSeconds int `json:"retryAfterSeconds"`
	// LatencyMs is added (real-clock) latency for every API request.
	LatencyMs int `json:"latencyMs"`
	// DropRate is the share whose TCP connection is closed before any
	// response is written.
	DropRate float64 `json:"dropRate"`
	// DropAfterWriteRate is the share that is carried out before the
	// connection is closed without a response: the "ambiguous create".
	DropAfterWriteRate float64 `json:"dropAfterWriteRate"`
	// Seed seeds the random choices, so a run is repeatable.
	Seed uint64 `json:"seed"`
	// RateLimit enforces Codat's rate limits.
	RateLimit RateLimit `json:"rateLimit"`
}

// RateLimit sets Codat's limits; zero disables each. While any is set, every
// API response carries X-Rate-Limit-Limit, X-Rate-Limit-Remaining and
// X-Rate-Limit-Reset, and an exceeded limit is answered 429 with Retry-After.
type RateLimit struct {
	// Concurrent is the number of API requests served at once (Codat: 10
	// per active connected company).
	Concurrent int `json:"concurrent"`
	// PerMinute is the requests allowed per clock minute (Codat's DoS limit
	// is 1000 per IP).
	PerMinute int `json:"perMinute"`
	// Daily is the requests allowed per UTC day (Codat: 1000 × (1 + active
	// connected companies)). It resets at 00:00 UTC.
	Daily int `json:"daily"`
}

// ScriptedFault answers the next Count requests matching Method and Route
// with a fault, before any random fault or rate limit. Scripts are consumed
// in the order they were added.
type ScriptedFault struct {
	// Method is an HTTP method; empty matches any (or the one in Route).
	Method string `json:"method,omitempty"`
	// Route is a route template, with or without its method:
	// "POST /companies" or "/companies/{companyId}". Empty matches any route.
	Route string `json:"route,omitempty"`
	// Status is the error status to answer (400-599) with a Codat body.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent verbatim as the Retry-After header, so it can be
	// seconds or an HTTP date. Empty sends none.
	RetryAfter string `json:"retryAfter,omitempty"`
	// Count is how many requests the fault applies to; 0 means 1.
	Count int `json:"count,omitempty"`
	// Drop closes the connection without a response.
	Drop bool `json:"drop,omitempty"`
	// DropAfterWrite carries the request out, then closes the connection
	// without a response.
	DropAfterWrite bool `json:"dropAfterWrite,omitempty"`
}

// RequestCounts reports the traffic the emulator has seen since the last
// reset. Routes counts API and link-page requests by "METHOD /template", e.g.
// "GET /companies/{companyId}"; control endpoints are not counted.
type RequestCounts struct {
	Routes map[string]int `json:"routes"`
	// Total is every counted request, including Unmatched.
	Total int `json:"total"`
	// Unmatched is requests to no known route.
	Unmatched int `json:"unmatched"`
	// FaultsInjected is requests answered by a random or scripted fault of
	// any kind (errors, 429s, drops).
	FaultsInjected int `json:"faultsInjected"`
	// ScriptedFaults is the part of FaultsInjected that came from scripts.
	ScriptedFaults int `json:"scriptedFaults"`
	// ServerErrors is injected 5xx answers (random or scripted).
	ServerErrors int `json:"serverErrors"`
	// TooManyRequests is every 429 answered: random, scripted or rate limit.
	TooManyRequests int `json:"tooManyRequests"`
	// RateLimited is the 429s caused by exceeded rate limits.
	RateLimited int `json:"rateLimited"`
	// Dropped is connections closed before the request was carried out.
	Dropped int `json:"dropped"`
	// DroppedAfterWrite is connections closed after it was carried out.
	DroppedAfterWrite int `json:"droppedAfterWrite"`
	// AuthFailures is 401 and 403 answers to a missing or wrong API key.
	AuthFailures int `json:"authFailures"`
}

// faultAction is what admit decided for a request.
type faultAction int

const (
	actionServe faultAction = iota
	actionReject
	actionDrop
	actionDropAfterWrite
)

// admission is admit's decision for one request.
type admission struct {
	action     faultAction
	status     int    // for actionReject
	retryAfter string // for actionReject
	headers    map[string]string
	latency    time.Duration
	release    func()
}

// faultInjector decides, per API request, whether to serve it or inject a
// fault, enforces rate limits and counts requests. It has its own lock,
// never held together with the store's, because it runs before every
// request and has nothing to do with Codat state.
type faultInjector struct {
	mu      sync.Mutex
	config  Faults
	rng     *rand.Rand
	scripts []*ScriptedFault
	counts  RequestCounts

	inFlight    int
	minuteStart time.Time
	minuteCount int
	dayStart    time.Time
	dayCount    int
}

func newFaultInjector() *faultInjector {
	f := &faultInjector{}
	f.reset()
	return f
}

func (f *faultInjector) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.config = Faults{}
	f.rng = newRNG(0)
	f.scripts = nil
	f.counts = RequestCounts{Routes: map[string]int{}}
	f.minuteStart, f.minuteCount, f.dayStart, f.dayCount = time.Time{}, 0, time.Time{}, 0
}

func newRNG(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// validate rejects rates outside 0..1 and negative settings.
func (c Faults) validate() error {
	var errs []error
	for name, rate := range map[string]float64{
		"errorRate": c.ErrorRate, "tooManyRequestsRate": c.TooManyRequestsRate,
		"dropRate": c.DropRate, "dropAfterWriteRate": c.DropAfterWriteRate,
	} {
		if rate < 0 || rate > 1 || rate != rate {
			errs = append(errs, fmt.Errorf("%s must be between 0 and 1, got %v", name, rate))
		}
	}
	for name, n := range map[string]int{
		"retryAfterSeconds": c.RetryAfterSeconds, "latencyMs": c.LatencyMs,
		"rateLimit.concurrent": c.RateLimit.Concurrent, "rateLimit.perMinute": c.RateLimit.PerMinute,
		"rateLimit.daily": c.RateLimit.Daily,
	} {
		if n < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative, got %d", name, n))
		}
	}
	return errors.Join(errs...)
}

// set replaces the configuration and reseeds the random choices. Rate-limit
// windows restart; scripts are kept.
func (f *faultInjector) set(c Faults) error {
	if err := c.validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.config = c
	f.rng = newRNG(c.Seed)
	f.minuteStart, f.minuteCount, f.dayStart, f.dayCount = time.Time{}, 0, time.Time{}, 0
	return nil
}

func (f *faultInjector) get() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.config
}

// normalizeScript checks a scripted fault against the route table and
// splits "METHOD /path" routes.
func normalizeScript(sf ScriptedFault, routes *router) (ScriptedFault, error) {
	sf.Method = strings.ToUpper(strings.TrimSpace(sf.Method))
	route := strings.TrimSpace(sf.Route)
	if method, path, ok := strings.Cut(route, " "); ok {
		method = strings.ToUpper(method)
		if sf.Method != "" && sf.Method != method {
			return sf, fmt.Errorf("route %q contradicts method %q", sf.Route, sf.Method)
		}
		sf.Method, route = method, strings.TrimSpace(path)
	}
	sf.Route = route
	if route != "" {
		found := false
		for _, rt := range routes.routes {
			if rt.kind == apiRoute && rt.path == route && (sf.Method == "" || rt.method == sf.Method) {
				found = true
			}
		}
		if !found {
			return sf, fmt.Errorf("no Codat API route %q %q (use a template such as \"POST /companies\" or \"GET /companies/{companyId}\")", sf.Method, route)
		}
	}
	switch {
	case sf.Drop && sf.DropAfterWrite:
		return sf, errors.New("drop and dropAfterWrite are exclusive")
	case (sf.Drop || sf.DropAfterWrite) && sf.Status != 0:
		return sf, errors.New("a dropped request has no status")
	case !sf.Drop && !sf.DropAfterWrite && (sf.Status < 400 || sf.Status > 599):
		return sf, fmt.Errorf("status must be 400-599 (or set drop/dropAfterWrite), got %d", sf.Status)
	case sf.Count < 0:
		return sf, fmt.Errorf("count must not be negative, got %d", sf.Count)
	}
	if sf.Count == 0 {
		sf.Count = 1
	}
	return sf, nil
}

func (f *faultInjector) addScripts(scripts []ScriptedFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, sf := range scripts {
		f.scripts = append(f.scripts, &sf)
	}
}

func (f *faultInjector) pendingScripts() []ScriptedFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]ScriptedFault, 0, len(f.scripts))
	for _, sf := range f.scripts {
		out = append(out, *sf)
	}
	return out
}

func (f *faultInjector) clearScripts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts = nil
}

func (f *faultInjector) countRoute(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts.Routes[key]++
	f.counts.Total++
}

func (f *faultInjector) countUnmatched() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts.Unmatched++
	f.counts.Total++
}

func (f *faultInjector) countAuthFailure() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts.AuthFailures++
}

func (f *faultInjector) snapshotCounts() RequestCounts {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.counts
	out.Routes = maps.Clone(f.counts.Routes)
	return out
}

func (f *faultInjector) resetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = RequestCounts{Routes: map[string]int{}}
}

// admit counts an API request and decides its fate, in this order: scripted
// faults, rate limits, random faults. The caller must call release when the
// request is done (it frees the concurrency slot).
func (f *faultInjector) admit(key string, now time.Time) admission {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts.Routes[key]++
	f.counts.Total++
	adm := admission{release: func() {}, latency: time.Duration(f.config.LatencyMs) * time.Millisecond}

	limited := f.config.RateLimit != (RateLimit{})
	if limited {
		f.rollWindows(now)
	}
	if sf := f.takeScript(key); sf != nil {
		if limited {
			adm.headers = f.rateLimitHeaders(now)
		}
		f.counts.ScriptedFaults++
		f.counts.FaultsInjected++
		switch {
		case sf.Drop:
			adm.action = actionDrop
			f.counts.Dropped++
		case sf.DropAfterWrite:
			adm.action = actionDropAfterWrite
			f.counts.DroppedAfterWrite++
		default:
			adm.action, adm.status, adm.retryAfter = actionReject, sf.Status, sf.RetryAfter
			f.countStatus(sf.Status)
		}
		return adm
	}

	if rl := f.config.RateLimit; limited {
		if status, retryAfter, ok := f.overLimit(now); ok {
			adm.headers = f.rateLimitHeaders(now)
			adm.action, adm.status, adm.retryAfter = actionReject, status, retryAfter
			f.counts.RateLimited++
			f.countStatus(status)
			return adm
		}
		f.minuteCount++
		f.dayCount++
		if rl.Concurrent > 0 {
			f.inFlight++
			adm.release = sync.OnceFunc(func() {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.inFlight--
			})
		}
		adm.headers = f.rateLimitHeaders(now)
	}

	c := f.config
	switch {
	case c.DropRate > 0 && f.rng.Float64() < c.DropRate:
		adm.action = actionDrop
		f.counts.Dropped++
	case c.TooManyRequestsRate > 0 && f.rng.Float64() < c.TooManyRequestsRate:
		retry := c.RetryAfterSeconds
		if retry <= 0 {
			retry = 1
		}
		adm.action, adm.status, adm.retryAfter = actionReject, http.StatusTooManyRequests, strconv.Itoa(retry)
		f.countStatus(adm.status)
	case c.ErrorRate > 0 && f.rng.Float64() < c.ErrorRate:
		adm.action, adm.status = actionReject, http.StatusInternalServerError
		if f.rng.IntN(2) == 1 {
			adm.status = http.StatusServiceUnavailable
		}
		f.countStatus(adm.status)
	case c.DropAfterWriteRate > 0 && f.rng.Float64() < c.DropAfterWriteRate:
		adm.action = actionDropAfterWrite
		f.counts.DroppedAfterWrite++
	default:
		return adm
	}
	f.counts.FaultsInjected++
	return adm
}

func (f *faultInjector) countStatus(status int) {
	switch {
	case status == http.StatusTooManyRequests:
		f.counts.TooManyRequests++
	case status >= 500:
		f.counts.ServerErrors++
	}
}

// takeScript consumes one use of the first script matching key.
func (f *faultInjector) takeScript(key string) *ScriptedFault {
	method, path, _ := strings.Cut(key, " ")
	for i, sf := range f.scripts {
		if (sf.Method == "" || sf.Method == method) && (sf.Route == "" || sf.Route == path) {
			taken := *sf
			sf.Count--
			if sf.Count <= 0 {
				f.scripts = append(f.scripts[:i:i], f.scripts[i+1:]...)
			}
			return &taken
		}
	}
	return nil
}

// rollWindows starts a new minute or day window when the clock has moved on.
func (f *faultInjector) rollWindows(now time.Time) {
	if minute := now.Truncate(time.Minute); !minute.Equal(f.minuteStart) {
		f.minuteStart, f.minuteCount = minute, 0
	}
	if day := now.Truncate(24 * time.Hour); !day.Equal(f.dayStart) {
		f.dayStart, f.dayCount = day, 0
	}
}

// overLimit reports the first exceeded limit as a 429 and its Retry-After.
func (f *faultInjector) overLimit(now time.Time) (int, string, bool) {
	rl := f.config.RateLimit
	switch {
	case rl.Daily > 0 && f.dayCount >= rl.Daily:
		return http.StatusTooManyRequests, secondsUntil(now, f.dayStart.Add(24*time.Hour)), true
	case rl.PerMinute > 0 && f.minuteCount >= rl.PerMinute:
		return http.StatusTooManyRequests, secondsUntil(now, f.minuteStart.Add(time.Minute)), true
	case rl.Concurrent > 0 && f.inFlight >= rl.Concurrent:
		return http.StatusTooManyRequests, "1", true
	}
	return 0, "", false
}

// secondsUntil is a Retry-After in whole seconds, rounded up, at least 1.
func secondsUntil(now, then time.Time) string {
	d := then.Sub(now)
	secs := int((d + time.Second - 1) / time.Second)
	return strconv.Itoa(max(secs, 1))
}

// rateLimitHeaders describe the tightest quota: the daily one if set, else
// the per-minute one, else the concurrency limit. X-Rate-Limit-Reset is the
// ISO 8601 time the quota resets (docs: "the date when the quota will be
// reset").
func (f *faultInjector) rateLimitHeaders(now time.Time) map[string]string {
	rl := f.config.RateLimit
	var limit, used int
	var reset time.Time
	switch {
	case rl.Daily > 0:
		limit, used, reset = rl.Daily, f.dayCount, f.dayStart.Add(24*time.Hour)
	case rl.PerMinute > 0:
		limit, used, reset = rl.PerMinute, f.minuteCount, f.minuteStart.Add(time.Minute)
	default:
		limit, used, reset = rl.Concurrent, f.inFlight, now
	}
	return map[string]string{
		"X-Rate-Limit-Limit":     strconv.Itoa(limit),
		"X-Rate-Limit-Remaining": strconv.Itoa(max(limit-used, 0)),
		"X-Rate-Limit-Reset":     formatTime(reset),
	}
}

// faultError is the Codat error body for an injected status.
func faultError(status int) *apiError {
	messages := map[int]string{
		http.StatusBadRequest:          "Error processing request - not valid.",
		http.StatusUnauthorized:        "Unauthorized",
		http.StatusPaymentRequired:     "An account limit has been exceeded.",
		http.StatusForbidden:           "You are using an outdated API key or a key not associated with that resource.",
		http.StatusNotFound:            "One or more of the resources you referenced could not be found.",
		http.StatusConflict:            "The request could not be completed because of a conflict.",
		http.StatusTooManyRequests:     "You have made too many requests in a given amount of time; please retry later.",
		http.StatusInternalServerError: "There is a problem with our server. Please try again later.",
		http.StatusServiceUnavailable:  "The Codat API is temporarily offline for maintenance. Please try again later.",
	}
	msg, ok := messages[status]
	if !ok {
		msg = http.StatusText(status)
		if msg == "" {
			msg = fmt.Sprintf("Error %d", status)
		}
	}
	return &apiError{status: status, service: servicePublicAPI, message: msg}
}

// SetFaults replaces the random-fault and rate-limit configuration (scripted
// faults are kept) and reseeds the random choices with f.Seed.
func (e *Emulator) SetFaults(f Faults) error { return e.faults.set(f) }

// Faults returns the current random-fault and rate-limit configuration.
func (e *Emulator) Faults() Faults { return e.faults.get() }

// ScriptFaults queues faults for the next matching API requests, after any
// already queued. It fails, queueing nothing, if one names an unknown route
// or is inconsistent.
func (e *Emulator) ScriptFaults(faults ...ScriptedFault) error {
	normalized := make([]ScriptedFault, 0, len(faults))
	for i, sf := range faults {
		n, err := normalizeScript(sf, e.routes)
		if err != nil {
			return fmt.Errorf("scripted fault %d: %w", i, err)
		}
		normalized = append(normalized, n)
	}
	e.faults.addScripts(normalized)
	return nil
}

// ScriptedFaults returns the scripted faults not yet used up.
func (e *Emulator) ScriptedFaults() []ScriptedFault { return e.faults.pendingScripts() }

// ClearScriptedFaults drops every pending scripted fault.
func (e *Emulator) ClearScriptedFaults() { e.faults.clearScripts() }

// RequestCounts returns the request counts since the last reset.
func (e *Emulator) RequestCounts() RequestCounts { return e.faults.snapshotCounts() }

// ResetRequestCounts zeroes the request counts.
func (e *Emulator) ResetRequestCounts() { e.faults.resetCounts() }
