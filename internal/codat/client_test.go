package codat

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recordingTransport records requests and answers 200 {}.
type recordingTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

func (r *recordingTransport) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func TestNewRefusesCleartextToNonLoopbackHosts(t *testing.T) {
	refused := []string{
		"http://example.com",
		"http://api.codat.io",
		"http://10.0.0.1:8080",
		"http://0.0.0.0:8080",
		"http://localhost.example.com",
		"http://127.0.0.1.nip.io",
		"ftp://127.0.0.1",
		"ws://localhost:1",
		"https://user:pass@api.codat.io",
		"https://api.codat.io?x=1",
		"https://",
		"api.codat.io",
		"://bad",
	}
	for _, raw := range refused {
		t.Run(raw, func(t *testing.T) {
			rec := &recordingTransport{}
			c, err := New(Config{BaseURL: raw, APIKey: testAPIKey, Transport: rec})
			if err == nil {
				_, _ = c.ListIntegrations(context.Background(), ListOptions{})
				t.Fatalf("New(%q) accepted", raw)
			}
			if rec.count() != 0 {
				t.Errorf("%d requests sent", rec.count())
			}
			assertNoSecret(t, err.Error())
		})
	}
}

func TestNewAcceptsHTTPSAndLoopback(t *testing.T) {
	accepted := map[string]string{
		"":                        DefaultBaseURL,
		"https://api.codat.io":    "https://api.codat.io",
		"https://api.codat.io/":   "https://api.codat.io",
		"HTTPS://example.com/v1/": "https://example.com/v1",
		"http://127.0.0.1:8080":   "http://127.0.0.1:8080",
		"http://127.5.6.7:1":      "http://127.5.6.7:1",
		"http://localhost:9999":   "http://localhost:9999",
		"http://LOCALHOST:9999":   "http://LOCALHOST:9999",
		"http://[::1]:8080":       "http://[::1]:8080",
	}
	for raw, want := range accepted {
		c, err := New(Config{BaseURL: raw, APIKey: testAPIKey, Transport: &recordingTransport{}})
		if err != nil {
			t.Errorf("New(%q): %v", raw, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("New(%q).BaseURL() = %q, want %q", raw, c.BaseURL(), want)
		}
	}
}

func TestNewRefusesEmptyKeyAndBadUserAgent(t *testing.T) {
	for _, key := range []string{"", "   "} {
		if _, err := New(Config{APIKey: key}); err == nil {
			t.Errorf("New accepted key %q", key)
		}
	}
	if _, err := New(Config{APIKey: testAPIKey, UserAgent: "x\r\nInjected: 1"}); err == nil {
		t.Error("New accepted a user agent with CRLF")
	}
}

func TestRequestsCarryAuthUserAgentAndJSON(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, UserAgent: "terraform-provider-codat/1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	h := srv.Requests()[0].Header
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	if h.Get("Authorization") != wantAuth {
		t.Errorf("Authorization = %q", h.Get("Authorization"))
	}
	if h.Get("User-Agent") != "terraform-provider-codat/1.2.3" {
		t.Errorf("User-Agent = %q", h.Get("User-Agent"))
	}
	if h.Get("Content-Type") != "application/json" || h.Get("Accept") != "application/json" {
		t.Errorf("content headers = %v", h)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	if _, err := c.GetCompany(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if ua := srv.Requests()[0].Header.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestKeyNeverInErrorsOrLogs(t *testing.T) {
	encoded := base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	echo := func(w http.ResponseWriter, r *http.Request) {
		// A misbehaving proxy page that echoes the request headers.
		w.WriteHeader(500)
		fmt.Fprintf(w, "<html>debug: Authorization=%s key=%s</html>", r.Header.Get("Authorization"), testAPIKey)
	}
	echoJSON := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":"bad key %s (%s)","validation":{"errors":[{"itemId":"%s","message":"%s"}]}}`,
			testAPIKey, r.Header.Get("Authorization"), testAPIKey, encoded)
	}
	for name, handler := range map[string]http.HandlerFunc{"html": echo, "json": echoJSON} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			clk := newFakeClock()
			srv := newScriptedServer(t, handler)
			c, err := New(Config{BaseURL: srv.URL, APIKey: testAPIKey, Retry: clk.policy(),
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetCompany(context.Background(), "x")
			if err == nil {
				t.Fatal("expected an error")
			}
			assertNoSecret(t, err.Error())
			assertNoSecret(t, fmt.Sprintf("%v %+v %#v", err, err, err))
			assertNoSecret(t, logs.String())
			if !strings.Contains(logs.String(), "status=") {
				t.Errorf("logs carry no status: %s", logs.String())
			}
		})
	}
}

func TestKeyNeverInTransportErrors(t *testing.T) {
	addr := closedLoopbackAddr(t)
	clk := newFakeClock()
	policy := clk.policy()
	policy.MaxRetries = 2
	c := newTestClient(t, "http://"+addr, policy)
	_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err == nil {
		t.Fatal("expected an error")
	}
	assertNoSecret(t, err.Error())
	// A refused dial provably sent nothing, so even a create retries.
	if got := c.Stats().Attempts; got != 3 {
		t.Errorf("attempts = %d, want 3", got)
	}
	if !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("err = %v", err)
	}
}

func TestClientAndConfigDoNotPrintKey(t *testing.T) {
	cfg := Config{APIKey: testAPIKey}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, fmt.Sprintf("%v %+v %#v %s", c, c, c, c))
	assertNoSecret(t, fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg))
}

func TestPathParametersAreEscapedAndValidated(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, Connection{ID: "c"}))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	if _, err := c.GetConnection(context.Background(), "a/b?c", "d e"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Path; got != "/companies/a%2Fb%3Fc/connections/d%20e" {
		t.Errorf("path = %q", got)
	}
	for _, bad := range []string{"", ".", ".."} {
		if _, err := c.GetCompany(context.Background(), bad); err == nil {
			t.Errorf("GetCompany(%q) accepted", bad)
		}
	}
	if _, err := c.CreateConnection(context.Background(), "x", ""); err == nil {
		t.Error("CreateConnection with empty platform key accepted")
	}
	assertRequestCount(t, srv, 1)
}

func TestBaseURLPathPrefixIsKept(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL+"/codat/", RetryPolicy{})
	if _, err := c.GetCompany(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Path; got != "/codat/companies/x" {
		t.Errorf("path = %q", got)
	}
}

func TestMalformedSuccessBodies(t *testing.T) {
	huge := func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"id":"`))
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for range 11 {
			_, _ = w.Write(chunk)
		}
		_, _ = w.Write([]byte(`"}`))
	}
	cases := map[string]struct {
		handler http.HandlerFunc
		want    string
	}{
		"truncated json": {respondRaw(200, `{"id":"x","name":`), "unexpected end of JSON input"},
		"empty":          {respondRaw(200, ""), "empty body"},
		"null":           {respondRaw(200, "null"), "JSON null"},
		"html":           {respondRaw(200, "<html>"), "invalid character"},
		"wrong type":     {respondRaw(200, `{"id":42}`), "cannot unmarshal"},
		"oversized":      {huge, "exceeds 10 MiB"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newScriptedServer(t, tc.handler)
			c := newTestClient(t, srv.URL, newFakeClock().policy())
			_, err := c.GetCompany(context.Background(), "abc")
			var decodeErr *DecodeError
			if !asDecodeError(err, &decodeErr) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if !containsAll(err.Error(), "get-company", "GET /companies/abc", tc.want) {
				t.Errorf("err = %v, want it to name the operation and %q", err, tc.want)
			}
		})
	}
}

func respondRaw(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func assertNoSecret(t *testing.T, text string) {
	t.Helper()
	encoded := base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	if strings.Contains(text, testAPIKey) || strings.Contains(text, encoded) {
		t.Errorf("secret leaked in: %s", text)
	}
}

func TestValidateBaseURLMatchesNew(t *testing.T) {
	if err := ValidateBaseURL("http://example.com"); err == nil {
		t.Error("http://example.com accepted")
	}
	if err := ValidateBaseURL("http://127.0.0.1:8089"); err != nil {
		t.Error(err)
	}
}
