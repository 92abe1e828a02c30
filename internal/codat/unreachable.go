package codat

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// loopbackRefusedWait bounds the retries of a connection refused by a
// loopback address. Nothing listens there, usually because the local
// emulator is not running, and the full retry budget (about 25 s by
// default) would only delay saying so; a few seconds still cover a server
// that is starting up.
const loopbackRefusedWait = 3 * time.Second

// refusedByLoopback reports a retry not worth waiting for: the attempt's
// connection was refused by a loopback address, and the retry would start
// more than loopbackRefusedWait after the first attempt.
func refusedByLoopback(req *http.Request, err error, sinceFirstAfterWait time.Duration) bool {
	return err != nil && sinceFirstAfterWait > loopbackRefusedWait &&
		errors.Is(err, syscall.ECONNREFUSED) && isLoopbackHost(req.URL.Hostname())
}

// unreachableError is a request that could not open a connection to the
// base URL (DNS failure, connection refused, dial timeout): nothing was
// sent. Its text names the URL, where it came from, and what to check.
type unreachableError struct {
	baseURL string
	source  string // Config.BaseURLSource
	err     error  // the last attempt's error, with the attempt count
}

func (e *unreachableError) Error() string {
	source := e.source
	if source == "" && e.baseURL == DefaultBaseURL {
		source = "the default"
	}
	where := e.baseURL
	if source != "" {
		where += " (" + source + ")"
	}
	return fmt.Sprintf("cannot connect to %s: %v. %s", where, e.err, e.hint())
}

func (e *unreachableError) Unwrap() error { return e.err }

func (e *unreachableError) hint() string {
	u, err := url.Parse(e.baseURL)
	if err == nil && isLoopbackHost(u.Hostname()) {
		return fmt.Sprintf("Nothing answers at this local address: is the local emulator running? Start it from a checkout of "+
			"terraform-provider-codat with \"go run ./cmd/codat-emulator -addr %s\", or correct the base URL.", u.Host)
	}
	if e.baseURL == DefaultBaseURL {
		return "Check this machine's network, DNS and proxy settings. To use the local emulator instead, set the base URL " +
			"to the address it prints."
	}
	return "Check the base URL, and this machine's network, DNS and proxy settings."
}

// explainUnreachable turns a failure to connect to the base URL into an
// *unreachableError; other errors are returned as they are.
func (c *Client) explainUnreachable(err error) error {
	if !failedBeforeSending(err) {
		return err
	}
	return &unreachableError{baseURL: c.baseURL, source: c.urlSource, err: err}
}
