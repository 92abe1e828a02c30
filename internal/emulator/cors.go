package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The CORS settings are the origins allowed to call Codat from a browser.
// The emulator stores them; it serves no browser SDK, so it does not answer
// preflight requests or add Access-Control headers.

func (s *store) allowedOrigins() codat.AllowedOrigins {
	s.mu.Lock()
	defer s.mu.Unlock()
	return codat.AllowedOrigins{AllowedOrigins: append([]string{}, s.data.Client.AllowedOrigins...)}
}

// setAllowedOrigins replaces the list. The spec asks only that each origin
// be a URI; the emulator refuses anything that is not an absolute URI (400)
// and stores the rest as given.
func (s *store) setAllowedOrigins(req codat.AllowedOrigins) (codat.AllowedOrigins, error) {
	if items := checkURIs("allowedOrigins", "AllowedOrigins", req.AllowedOrigins); len(items) > 0 {
		return codat.AllowedOrigins{}, badRequest(servicePublicAPI, "Error processing request - not valid.", items...)
	}
	s.mu.Lock()
	s.data.Client.AllowedOrigins = slices.Clone(req.AllowedOrigins)
	s.changed()
	s.mu.Unlock()
	return s.allowedOrigins(), nil
}

// checkURIs validates a list of the spec's "format": "uri" values.
func checkURIs(field, validator string, values []string) []codat.ValidationItem {
	var items []codat.ValidationItem
	for i, v := range values {
		if !isAbsoluteURI(v) {
			items = append(items, codat.ValidationItem{ItemID: fmt.Sprintf("%s[%d]", field, i), ValidatorName: validator,
				Message: fmt.Sprintf("%q is not an absolute URI such as https://www.example.com.", v)})
		}
	}
	return items
}

// isAbsoluteURI is the spec's "format": "uri": a scheme and, for web URLs, a
// host.
func isAbsoluteURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	return u.Opaque != "" || u.Host != ""
}

func (e *Emulator) handleGetCORSSettings(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.store.allowedOrigins())
}

func (e *Emulator) handleSetCORSSettings(w http.ResponseWriter, r *http.Request) {
	var req codat.AllowedOrigins
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	out, err := e.store.setAllowedOrigins(req)
	reply(w, http.StatusOK, out, err)
}
