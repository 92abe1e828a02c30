package codat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// AllowedOrigins is GET/POST /corsSettings: the origins (your domains)
// allowed to call Codat from a browser, as the embedded Link and
// Connections SDKs do. (The same settings under /connectionManagement/ are
// deprecated.)
type AllowedOrigins struct {
	AllowedOrigins []string `json:"allowedOrigins"`
}

// GetCORSSettings returns the allowed origins (get-cors-settings).
func (c *Client) GetCORSSettings(ctx context.Context) (*AllowedOrigins, error) {
	return c.corsCall(ctx, call{operation: "get-cors-settings", method: http.MethodGet, path: "/corsSettings",
		safety: replaySafe})
}

// SetCORSSettings replaces the allowed origins (set-cors-settings, POST;
// Codat answers with the stored list). An empty list removes them all. The
// POST replaces the whole list, so it is retried like a read.
func (c *Client) SetCORSSettings(ctx context.Context, origins []string) (*AllowedOrigins, error) {
	if origins == nil {
		origins = []string{}
	}
	return c.corsCall(ctx, call{operation: "set-cors-settings", method: http.MethodPost, path: "/corsSettings",
		body: AllowedOrigins{AllowedOrigins: origins}, safety: replaySafe})
}

func (c *Client) corsCall(ctx context.Context, cl call) (*AllowedOrigins, error) {
	var out AllowedOrigins
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckOrigin reports why s is not a web origin as browsers send it in the
// Origin header: http or https, a host, an optional port and nothing else
// (no path, not even "/", no query, fragment or user info), in lower case. The spec only
// says each allowed origin is a URI; an origin with a path never matches a
// browser's Origin header, so it is refused here rather than stored uselessly.
func CheckOrigin(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	switch {
	case !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://"):
		return fmt.Errorf("%q must start with https:// or http://", s)
	case s != strings.ToLower(s):
		return fmt.Errorf("%q must be lower case, as browsers send origins", s)
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not contain user info", s)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#"):
		return fmt.Errorf("%q must be scheme://host[:port] with no path, query or fragment (not even a trailing /)", s)
	}
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q has an invalid port", s)
		}
	}
	return nil
}
