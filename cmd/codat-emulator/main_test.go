package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// syncBuffer is a goroutine-safe stderr for run.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a running emulator command.
type started struct {
	baseURL, apiKey string
	stderr          *syncBuffer
	stop            func() error
}

func start(t *testing.T, env map[string]string, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), stdoutW, stderr, func(k string) string { return env[k] })
		stdoutW.CloseWithError(io.EOF)
		done <- err
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading first line: %v (stderr: %s)", err, stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	fields := strings.Fields(line)
	if len(fields) != 5 || strings.Join(fields[:3], " ") != "codat-emulator listening on" || !strings.HasPrefix(fields[4], "api-key=") {
		cancel()
		t.Fatalf("first line = %q", line)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("run did not return after cancel")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return started{baseURL: fields[3], apiKey: strings.TrimPrefix(fields[4], "api-key="), stderr: stderr, stop: stop}
}

func (s started) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.baseURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.apiKey)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesAndStopsCleanly(t *testing.T) {
	t.Parallel()
	s := start(t, nil, "-sync-step", "0")
	if !strings.HasPrefix(s.baseURL, "http://127.0.0.1:") || strings.HasSuffix(s.baseURL, ":0") {
		t.Errorf("base URL = %q", s.baseURL)
	}
	if s.apiKey != "codat-emulator-local-dev-key" {
		t.Errorf("default key = %q", s.apiKey)
	}
	status, body := s.do(t, "POST", "/companies", `{"name":"Acme"}`)
	if status != http.StatusOK || !strings.Contains(body, `"redirect":"`+s.baseURL+`/link/company/`) {
		t.Errorf("create = %d %s", status, body)
	}
	if status, _ := s.do(t, "GET", "/_emulator/requests", ""); status != http.StatusOK {
		t.Errorf("control = %d", status)
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !strings.Contains(s.stderr.String(), "path=/companies status=200") {
		t.Errorf("request not logged: %s", s.stderr.String())
	}
}

func TestRunKeepsStateAcrossRestarts(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	first := start(t, nil, "-state", state, "-quiet")
	if status, _ := first.do(t, "POST", "/companies", `{"name":"Persisted"}`); status != http.StatusOK {
		t.Fatalf("create = %d", status)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	if first.stderr.String() != "" {
		t.Errorf("-quiet logged: %s", first.stderr.String())
	}
	second := start(t, map[string]string{"CODAT_EMULATOR_STATE": state})
	status, body := second.do(t, "GET", "/companies", "")
	if status != http.StatusOK || !strings.Contains(body, `"name":"Persisted"`) || !strings.Contains(body, `"totalResults":1`) {
		t.Errorf("after restart = %d %s", status, body)
	}
}

func TestRunFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	s := start(t, map[string]string{"CODAT_EMULATOR_API_KEY": "env-key"},
		"-max-companies", "1", "-plan", "free", "-rate-limit-per-minute", "100", "-seed", "7", "-quiet")
	if s.apiKey != "env-key" {
		t.Fatalf("key = %q", s.apiKey)
	}
	if status, _ := s.do(t, "POST", "/companies", `{"name":"One"}`); status != http.StatusOK {
		t.Errorf("first company = %d", status)
	}
	if status, body := s.do(t, "POST", "/companies", `{"name":"Two"}`); status != http.StatusPaymentRequired {
		t.Errorf("-max-companies 1: second company = %d %s", status, body)
	}
	_, profile := s.do(t, "GET", "/profile/syncSettings", "")
	clientID := profile[strings.Index(profile, `"clientId":"`)+12:][:36]
	hourly := `{"clientId":"` + clientID + `","overridesDefaults":true,"settings":[{"dataType":"invoices","syncSchedule":1,"syncOrder":0,"fetchOnFirstLink":true}]}`
	if status, body := s.do(t, "POST", "/profile/syncSettings", hourly); status != http.StatusPaymentRequired {
		t.Errorf("-plan free: hourly schedule = %d %s", status, body)
	}
	_, faults := s.do(t, "GET", "/_emulator/faults", "")
	if !strings.Contains(faults, `"perMinute":100`) || !strings.Contains(faults, `"seed":7`) || !strings.Contains(faults, `"retryAfterSeconds":1`) {
		t.Errorf("faults from flags = %s", faults)
	}

	faulty := start(t, nil, "-error-rate", "1", "-429-rate", "0", "-retry-after", "3", "-latency", "1ms",
		"-drop-rate", "0", "-drop-after-write-rate", "0", "-rate-limit-concurrent", "5", "-rate-limit-daily", "1000", "-quiet")
	if status, _ := faulty.do(t, "GET", "/integrations", ""); status != 500 && status != 503 {
		t.Errorf("-error-rate 1 answered %d", status)
	}
	_, faults = faulty.do(t, "GET", "/_emulator/faults", "")
	if !strings.Contains(faults, `"latencyMs":1`) || !strings.Contains(faults, `"concurrent":5`) || !strings.Contains(faults, `"daily":1000`) ||
		!strings.Contains(faults, `"retryAfterSeconds":3`) {
		t.Errorf("faults from flags = %s", faults)
	}

	strict := start(t, nil, "-codat-behaviour", "strict", "-quiet")
	if _, body := strict.do(t, "GET", "/_emulator/behaviours", ""); !strings.Contains(body, `"active":["history-query-rejected",`) {
		t.Errorf("-codat-behaviour strict: %s", body)
	}

	public := start(t, nil, "-public-url", "http://emulator.test:9/", "-quiet")
	if public.baseURL != "http://emulator.test:9" {
		t.Errorf("-public-url printed %q", public.baseURL)
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	_, err := parseFlags([]string{"-h"}, &stderr, func(string) string { return "" })
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	help := stderr.String()
	for _, want := range []string{"-addr", "-api-key", "-state", "-public-url", "-sync-step", "-max-companies", "-plan",
		"-error-rate", "-429-rate", "-too-many-requests-rate", "-retry-after", "-latency", "-drop-rate", "-drop-after-write-rate",
		"-rate-limit-concurrent", "-rate-limit-per-minute", "-rate-limit-daily", "-seed", "-quiet",
		"codat-emulator listening on <base-url> api-key=<key>",
		"/_emulator/reset", "/_emulator/state", "/_emulator/requests", "/_emulator/faults", "/_emulator/faults/script",
		"/_emulator/api-key", "/status", "/authorize", "/pull-failures", "/_emulator/behaviours", "CODAT_EMULATOR_ADDR",
		"CODAT_EMULATOR_API_KEY", "-codat-behaviour", "CODAT_EMULATOR_BEHAVIOUR", "strict", "patch-tags-merge", "company-list-delay",
		"-webhook-retry-schedule", "/_emulator/webhooks/consumers", "/_emulator/webhooks/deliveries", "/_emulator/webhooks/deliver"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}

	c, err := parseFlags([]string{"-too-many-requests-rate", "0.25", "-latency", "150ms", "-sync-step", "0"}, io.Discard, func(string) string { return "" })
	if err != nil || c.faults.TooManyRequestsRate != 0.25 || c.faults.LatencyMs != 150 || c.syncStep != 0 || c.addr != defaultAddr {
		t.Errorf("parsed %+v, %v", c, err)
	}
	c, _ = parseFlags(nil, io.Discard, func(k string) string {
		return map[string]string{"CODAT_EMULATOR_ADDR": "127.0.0.1:0", "CODAT_EMULATOR_PUBLIC_URL": "http://x"}[k]
	})
	if c.addr != "127.0.0.1:0" || c.publicURL != "http://x" {
		t.Errorf("environment defaults: %+v", c)
	}
	c, err = parseFlags([]string{"-codat-behaviour", "patch-tags-merge, company-list-delay"}, io.Discard, func(string) string { return "" })
	if err != nil || !slices.Equal(c.behaviours, []emulator.Behaviour{emulator.PatchTagsMerge, emulator.CompanyListDelay}) {
		t.Errorf("-codat-behaviour: %v, %v", c.behaviours, err)
	}
	c, _ = parseFlags(nil, io.Discard, func(k string) string { return map[string]string{"CODAT_EMULATOR_BEHAVIOUR": "strict"}[k] })
	if !slices.Equal(c.behaviours, emulator.StrictBehaviours()) {
		t.Errorf("CODAT_EMULATOR_BEHAVIOUR=strict: %v", c.behaviours)
	}
	for _, bad := range [][]string{{"-api-key", "two words"}, {"-api-key", ""}, {"-sync-step", "-1s"}, {"-latency", "-1ms"}, {"extra"}, {"-nope"},
		{"-codat-behaviour", "patch-tags-merged"}} {
		if _, err := parseFlags(bad, io.Discard, func(string) string { return "" }); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-error-rate", "2"}, io.Discard, io.Discard, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "errorRate") {
		t.Errorf("-error-rate 2: %v", err)
	}
}

// TestRunDeliversWebhooks: the command delivers webhooks on its own, retries
// on the -webhook-retry-schedule, and shows the signing secret a receiver
// verifies them with.
func TestRunDeliversWebhooks(t *testing.T) {
	t.Parallel()
	type delivery struct {
		header http.Header
		body   []byte
	}
	arrived := make(chan delivery, 10)
	var mu sync.Mutex
	answers := []int{http.StatusInternalServerError, http.StatusOK}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		status := answers[0]
		answers = answers[1:]
		mu.Unlock()
		w.WriteHeader(status)
		arrived <- delivery{header: r.Header.Clone(), body: body}
	}))
	defer receiver.Close()

	s := start(t, nil, "-quiet", "-webhook-retry-schedule", "10ms")
	status, body := s.do(t, "POST", "/webhooks", `{"url":"`+receiver.URL+`","eventTypes":["company.created"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create consumer = %d %s", status, body)
	}
	if status, body := s.do(t, "POST", "/companies", `{"name":"Hooked Ltd"}`); status != http.StatusOK {
		t.Fatalf("create company = %d %s", status, body)
	}
	var got []delivery
	for range 2 { // the 500, then the retry
		select {
		case d := <-arrived:
			got = append(got, d)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of 2 attempts arrived", len(got))
		}
	}
	_, consumers := s.do(t, "GET", "/_emulator/webhooks/consumers", "")
	var list []struct {
		SigningSecret string `json:"signingSecret"`
	}
	if err := json.Unmarshal([]byte(consumers), &list); err != nil || len(list) != 1 {
		t.Fatalf("consumers = %s (%v)", consumers, err)
	}
	wh, err := svix.NewWebhook(list[0].SigningSecret)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range got {
		if err := wh.Verify(d.body, d.header); err != nil {
			t.Errorf("attempt %d: %v", i+1, err)
		}
		if !strings.Contains(string(d.body), `"eventType":"company.created"`) || d.header.Get("webhook-id") != got[0].header.Get("webhook-id") {
			t.Errorf("attempt %d: %s %v", i+1, d.body, d.header)
		}
	}
	if err := s.stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestParseFlags_webhookRetrySchedule(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-webhook-retry-schedule", "1s, 2m,0s"}, io.Discard, func(string) string { return "" })
	if err != nil || !slices.Equal(c.webhookRetries, []time.Duration{time.Second, 2 * time.Minute, 0}) {
		t.Errorf("parsed %v, %v", c.webhookRetries, err)
	}
	for _, bad := range []string{"", "1s,,2s", "-1s", "soon"} {
		if _, err := parseFlags([]string{"-webhook-retry-schedule", bad}, io.Discard, func(string) string { return "" }); err == nil {
			t.Errorf("-webhook-retry-schedule %q accepted", bad)
		}
	}
	if c, _ := parseFlags(nil, io.Discard, func(string) string { return "" }); c.webhookRetries != nil {
		t.Errorf("default schedule = %v, want nil (Codat's)", c.webhookRetries)
	}
}
