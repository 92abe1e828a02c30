// Command codat-emulator runs the local Codat API emulator.
//
// It prints one line when it is ready to serve, then logs requests to
// stderr:
//
//	codat-emulator listening on http://127.0.0.1:41234 api-key=codat-emulator-local-dev-key
//
// The line is "codat-emulator listening on <base-url> api-key=<key>": the base
// URL and key are separated by single spaces and contain none, so scripts can
// split it on whitespace (fields 4 and 5). Run with -h for every flag and
// control endpoint.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// defaultAddr is the emulator's usual address; port 0 picks a free port.
const defaultAddr = "127.0.0.1:8089"

func main() {
	os.Exit(exitCode())
}

// exitCode runs the emulator and maps its result to an exit status; it is
// separate from main so its deferred cleanup runs before os.Exit.
func exitCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(os.Stderr, "codat-emulator:", err)
		return 1
	}
}

// config is the parsed command line.
type config struct {
	addr, apiKey, statePath, publicURL, plan string
	syncStep                                 time.Duration
	maxCompanies                             int
	faults                                   emulator.Faults
	behaviours                               []emulator.Behaviour
	latency                                  time.Duration
	quiet                                    bool
	webhookRetries                           []time.Duration
}

// parseFlags reads flags, with CODAT_EMULATOR_* environment variables as
// defaults for the address, key, state file and public URL.
func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (config, error) {
	envOr := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	var c config
	fs := flag.NewFlagSet("codat-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", envOr("CODAT_EMULATOR_ADDR", defaultAddr), "`host:port` to listen on; port 0 picks a free port (env CODAT_EMULATOR_ADDR)")
	fs.StringVar(&c.apiKey, "api-key", envOr("CODAT_EMULATOR_API_KEY", emulator.DefaultAPIKey), "API `key` clients send as \"Authorization: Basic base64(key)\" (env CODAT_EMULATOR_API_KEY)")
	fs.StringVar(&c.statePath, "state", envOr("CODAT_EMULATOR_STATE", ""), "JSON `file` to keep state in across restarts; empty keeps it in memory (env CODAT_EMULATOR_STATE)")
	fs.StringVar(&c.publicURL, "public-url", envOr("CODAT_EMULATOR_PUBLIC_URL", ""), "base `URL` for link pages and the first line; empty derives it from each request (env CODAT_EMULATOR_PUBLIC_URL)")
	fs.DurationVar(&c.syncStep, "sync-step", emulator.DefaultSyncStepDuration, "how long each pull stays Queued, then Fetching; 0 completes pulls at once")
	fs.IntVar(&c.maxCompanies, "max-companies", 0, "answer 402 once this many companies exist (the Free plan's limit is 50); 0 is unlimited")
	fs.StringVar(&c.plan, "plan", "", "simulated plan: \"free\" refuses hourly sync schedules (under 24 hours) with 402")
	fs.Float64Var(&c.faults.ErrorRate, "error-rate", 0, "share (0-1) of API requests answered 500 or 503")
	fs.Float64Var(&c.faults.TooManyRequestsRate, "too-many-requests-rate", 0, "share (0-1) of API requests answered 429")
	fs.Float64Var(&c.faults.TooManyRequestsRate, "429-rate", 0, "same as -too-many-requests-rate")
	fs.IntVar(&c.faults.RetryAfterSeconds, "retry-after", 1, "Retry-After `seconds` of random 429s")
	fs.DurationVar(&c.latency, "latency", 0, "latency added to every API request, e.g. 150ms")
	fs.Float64Var(&c.faults.DropRate, "drop-rate", 0, "share (0-1) of API requests whose connection is closed before any response")
	fs.Float64Var(&c.faults.DropAfterWriteRate, "drop-after-write-rate", 0, "share (0-1) of API requests carried out, then closed without a response")
	fs.IntVar(&c.faults.RateLimit.Concurrent, "rate-limit-concurrent", 0, "concurrent API requests allowed (Codat: 10); 0 is unlimited")
	fs.IntVar(&c.faults.RateLimit.PerMinute, "rate-limit-per-minute", 0, "API requests allowed per minute (Codat: 1000); 0 is unlimited")
	fs.IntVar(&c.faults.RateLimit.Daily, "rate-limit-daily", 0, "API requests allowed per UTC day (Codat: 1000 x (1 + active companies)); 0 is unlimited")
	fs.Uint64Var(&c.faults.Seed, "seed", 0, "seed for the random faults, so a run is repeatable")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log requests to stderr")
	behaviours := fs.String("codat-behaviour", envOr("CODAT_EMULATOR_BEHAVIOUR", ""), "comma-separated `readings` of Codat's behaviour to play where its docs are silent, or \"strict\" for the least convenient of each (see Behaviours below; env CODAT_EMULATOR_BEHAVIOUR)")
	fs.Func("webhook-retry-schedule", "`waits` before each retry of a failed webhook delivery, e.g. 1s,5s,30s (default Codat's: 5s,5m,30m,2h,5h,10h,10h)",
		func(v string) error {
			c.webhookRetries = nil
			for _, part := range strings.Split(v, ",") {
				d, err := time.ParseDuration(strings.TrimSpace(part))
				if err != nil || d < 0 {
					return fmt.Errorf("want comma-separated durations such as 1s,5s,30s, got %q", v)
				}
				c.webhookRetries = append(c.webhookRetries, d)
			}
			return nil
		})
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: codat-emulator [flags]

Runs a local emulator of the Codat Platform API (companies, connections,
integrations, data sync, sync settings, company info, profile, CORS settings,
API keys, webhook consumers, supplemental and custom data) with HTML link
pages, webhook delivery and fault injection, for tests, demos and
integration work.

When ready it prints one line to stdout, then logs requests to stderr:

  codat-emulator listening on <base-url> api-key=<key>

Send "Authorization: Basic base64(<key>)" to the API. SIGINT or SIGTERM stops
it cleanly (saving -state).

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\n%s\n\nLink pages (no API key): a company's redirect is <base-url>/link/company/{companyId};\n"+
			"a connection's linkUrl is <base-url>/link/companies/{companyId}/connections/{connectionId}/start.\n\n%s\n",
			emulator.BehavioursHelp(), emulator.ControlEndpointsHelp())
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.apiKey == "" || strings.ContainsFunc(c.apiKey, func(r rune) bool { return r <= ' ' }) {
		return c, errors.New("-api-key must be non-empty and contain no spaces or control characters")
	}
	if c.syncStep < 0 {
		return c, errors.New("-sync-step must not be negative")
	}
	if c.latency < 0 {
		return c, errors.New("-latency must not be negative")
	}
	c.faults.LatencyMs = int(c.latency / time.Millisecond)
	list, err := emulator.ParseBehaviours(*behaviours)
	if err != nil {
		return c, fmt.Errorf("-codat-behaviour: %w", err)
	}
	c.behaviours = list
	return c, nil
}

// run serves until ctx is done, then shuts down and saves the state.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c, err := parseFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	syncStep := c.syncStep
	if syncStep == 0 {
		syncStep = emulator.NoSyncDelay
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	emu, err := emulator.Open(emulator.Options{
		APIKey:           c.apiKey,
		PublicURL:        c.publicURL,
		SyncStepDuration: syncStep,
		StatePath:        c.statePath,
		MaxCompanies:     c.maxCompanies,
		Plan:             c.plan,
		Faults:           c.faults,
		Behaviours:       c.behaviours,
		Logger:           logger,

		WebhookRetrySchedule: c.webhookRetries,
	})
	if err != nil {
		return err
	}
	defer func() { _ = emu.Close() }()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	var handler http.Handler = emu
	if !c.quiet {
		handler = logRequests(handler, logger)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	base := c.publicURL
	if base == "" {
		base = "http://" + displayAddr(ln.Addr())
	}
	fmt.Fprintf(stdout, "codat-emulator listening on %s api-key=%s\n", strings.TrimRight(base, "/"), emu.APIKey())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if errors.Is(shutdownErr, context.DeadlineExceeded) {
		shutdownErr = srv.Close()
	}
	return errors.Join(shutdownErr, emu.Save())
}

// displayAddr makes a listener address connectable: a wildcard host becomes
// 127.0.0.1.
func displayAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// logRequests logs each request's method, path, status and duration.
func logRequests(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			logger.Info("request", "method", r.Method, "path", r.URL.RequestURI(), "status", status,
				"duration", time.Since(start).Round(time.Microsecond), "dropped", sw.hijacked)
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter records the status; Unwrap lets http.ResponseController
// reach the real writer to hijack it for dropped connections.
type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Hijack is how the emulator drops a connection; it is recorded for the log.
func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	s.hijacked = true
	return http.NewResponseController(s.ResponseWriter).Hijack()
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
