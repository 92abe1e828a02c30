package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// defaultProfile is the profile of a new client. Codat does not document
// its defaults; these name the emulator and send businesses nowhere real.
func defaultProfile() codat.Profile {
	return codat.Profile{
		Name:        "Codat Emulator",
		RedirectURL: "https://example.com/{companyId}",
	}
}

// profileLocked returns a copy of the profile; call with s.mu held.
func (s *store) profileLocked() codat.Profile {
	p := defaultProfile()
	if s.data.Client.Profile != nil {
		p = *s.data.Client.Profile
	}
	p.WhiteListURLs = slices.Clone(p.WhiteListURLs)
	return p
}

func (s *store) getProfile() codat.Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.profileLocked()
}

// replaceProfile is PUT /profile: every field takes the body's value, so an
// omitted logo, icon, list of URLs or confirmCompanyName is cleared. The
// deprecated apiKey is ignored: a profile update never changes credentials.
func (s *store) replaceProfile(p codat.Profile, present map[string]bool) (codat.Profile, error) {
	items := requireFields(present, "name", "redirectUrl")
	if len(items) == 0 {
		if strings.TrimSpace(p.Name) == "" {
			items = append(items, codat.ValidationItem{ItemID: "name", ValidatorName: "Profile", Message: "name must not be empty."})
		}
		if strings.TrimSpace(p.RedirectURL) == "" {
			items = append(items, codat.ValidationItem{ItemID: "redirectUrl", ValidatorName: "Profile", Message: "redirectUrl must not be empty."})
		}
	}
	items = append(items, checkURIs("whiteListUrls", "Profile", p.WhiteListURLs)...)
	if len(items) > 0 {
		return codat.Profile{}, badRequest(serviceClientsAPI, "Error processing request - not valid.", items...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := codat.Profile{Name: p.Name, LogoURL: p.LogoURL, IconURL: p.IconURL, RedirectURL: p.RedirectURL,
		WhiteListURLs: slices.Clone(p.WhiteListURLs), ConfirmCompanyName: p.ConfirmCompanyName}
	s.data.Client.Profile = &stored
	s.changed()
	return s.profileLocked(), nil
}

// profileWithAPIKey renders a profile as Codat's GET does, with the
// deprecated apiKey field holding the key the client started with. The
// client's Profile type drops it; serving it proves that it does.
func profileWithAPIKey(p codat.Profile, key string) (map[string]json.RawMessage, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if key != "" {
		out["apiKey"], _ = json.Marshal(key)
	}
	return out, nil
}

func (e *Emulator) writeProfile(w http.ResponseWriter, p codat.Profile) {
	body, err := profileWithAPIKey(p, e.store.profileAPIKey())
	reply(w, http.StatusOK, body, err)
}

func (e *Emulator) handleGetProfile(w http.ResponseWriter, r *http.Request) {
	e.writeProfile(w, e.store.getProfile())
}

func (e *Emulator) handleUpdateProfile(w http.ResponseWriter, r *http.Request) {
	var req codat.Profile
	present, derr := decodeJSONFields(r, serviceClientsAPI, &req)
	if derr != nil {
		writeError(w, derr)
		return
	}
	p, err := e.store.replaceProfile(req, present)
	if err != nil {
		writeError(w, err)
		return
	}
	e.writeProfile(w, p)
}
