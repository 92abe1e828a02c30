package codat

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// failingTransport fails every attempt with err, before sending anything.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// TestRefusedLoopbackGivesUpAfterAShortWait: nothing listens on a local
// address (the emulator is not running). The client stops retrying after
// loopbackRefusedWait instead of the whole budget, and says what to do.
func TestRefusedLoopbackGivesUpAfterAShortWait(t *testing.T) {
	addr := closedLoopbackAddr(t)
	clk := newFakeClock()
	c, err := New(Config{BaseURL: "http://" + addr, BaseURLSource: "from CODAT_BASE_URL", APIKey: testAPIKey, Retry: clk.policy()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err == nil {
		t.Fatal("expected an error")
	}
	var slept time.Duration
	for _, d := range clk.Sleeps() {
		slept += d
	}
	if slept > loopbackRefusedWait {
		t.Errorf("waited %s in all, want at most %s", slept, loopbackRefusedWait)
	}
	// 0.5 s, 0.75 s and 1.125 s fit in 3 s; the next wait (1.7 s) does not.
	if got := c.Stats().Attempts; got != 4 {
		t.Errorf("attempts = %d, want 4", got)
	}
	for _, want := range []string{
		"codat: POST /companies: cannot connect to http://" + addr + " (from CODAT_BASE_URL): ",
		"connection refused (after 4 attempts).",
		"is the local emulator running?",
		`"go run ./cmd/codat-emulator -addr ` + addr + `"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	if !errors.Is(err, syscall.ECONNREFUSED) || OutcomeUnknown(err) {
		t.Errorf("the error must still be a refused dial that sent nothing: %v", err)
	}
}

// TestUnreachableRemoteUsesTheWholeBudget: a DNS failure or a refusal from
// a remote host may pass (a network blip), so it is retried as before; the
// error names the URL and where it came from.
func TestUnreachableRemoteUsesTheWholeBudget(t *testing.T) {
	dnsFailure := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.codat.io", IsNotFound: true}}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name, baseURL, source string
		err                   error
		want                  []string
	}{
		{"default URL, no DNS", "", "", dnsFailure, []string{
			"codat: GET /companies/c: cannot connect to https://api.codat.io (the default): ",
			"no such host (after 9 attempts).",
			"To use the local emulator instead, set the base URL",
		}},
		{"source given by the caller", "", "the default: neither base_url nor CODAT_BASE_URL is set", dnsFailure, []string{
			"cannot connect to https://api.codat.io (the default: neither base_url nor CODAT_BASE_URL is set): ",
		}},
		{"remote host refuses", "https://codat.example.com/api", "base_url in the provider block", refused, []string{
			"cannot connect to https://codat.example.com/api (base_url in the provider block): ",
			"connection refused (after 9 attempts). Check the base URL",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			c, err := New(Config{BaseURL: tc.baseURL, BaseURLSource: tc.source, APIKey: testAPIKey,
				Transport: failingTransport{tc.err}, Retry: clk.policy()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetCompany(context.Background(), "c")
			if err == nil {
				t.Fatal("expected an error")
			}
			if got := len(clk.Sleeps()); got != DefaultMaxRetries {
				t.Errorf("retries = %d, want %d", got, DefaultMaxRetries)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "emulator running") {
				t.Errorf("a remote address is not the emulator: %v", err)
			}
		})
	}
}

// TestAnsweredRequestIsNotUnreachable: a server that answers, even with an
// error, is reachable; so is one that drops the connection after the request.
func TestAnsweredRequestIsNotUnreachable(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", RetryPolicy{MaxRetries: -1})
	c.transport.base = failingTransport{&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	_, err := c.GetCompany(context.Background(), "c")
	if err == nil || strings.Contains(err.Error(), "cannot connect") {
		t.Errorf("a reset after sending is not a failure to connect: %v", err)
	}
}
