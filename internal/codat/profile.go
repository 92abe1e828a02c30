package codat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
)

// Profile is the client's profile (GET and PUT /profile): the name and
// branding Link shows, the redirect URL a business is sent to when it has
// finished, and the URLs allowed to talk to Codat.
//
// The spec's Profile also has apiKey (deprecated: "the API key for this
// Codat instance"). Profile has no field for it and drops it when decoding,
// so the key never reaches a caller, a log or a state file. The spec
// requires only name and redirectUrl, so a PUT without apiKey is valid; the
// emulator leaves the key alone, as a profile update has no business
// changing credentials.
//
// The PUT replaces every field ("All fields should be included when updating
// your profile"), so change a profile by reading it, changing the fields you
// mean to and sending it back (ModifyProfile does this). Fields this type
// does not know are kept from the GET and sent back unchanged, so a field
// Codat adds later is not cleared by a client that predates it.
type Profile struct {
	Name          string
	LogoURL       string
	IconURL       string
	RedirectURL   string
	WhiteListURLs []string
	// ConfirmCompanyName is deprecated in the spec but still part of the
	// profile the PUT replaces.
	ConfirmCompanyName bool

	// unknown holds the fields of a decoded profile that this type does not
	// model (apiKey excepted), to send back on PUT.
	unknown map[string]json.RawMessage
}

// profileWire is the JSON form of the fields Profile models.
type profileWire struct {
	Name               string   `json:"name"`
	LogoURL            string   `json:"logoUrl,omitempty"`
	IconURL            string   `json:"iconUrl,omitempty"`
	RedirectURL        string   `json:"redirectUrl"`
	WhiteListURLs      []string `json:"whiteListUrls,omitempty"`
	ConfirmCompanyName bool     `json:"confirmCompanyName,omitempty"`
}

// profileKnownFields are profileWire's names, plus apiKey, which is dropped.
var profileKnownFields = []string{"name", "logoUrl", "iconUrl", "redirectUrl", "whiteListUrls", "confirmCompanyName", "apiKey"}

// UnmarshalJSON decodes a profile, dropping apiKey and keeping unknown
// fields.
func (p *Profile) UnmarshalJSON(data []byte) error {
	var w profileWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*p = Profile{Name: w.Name, LogoURL: w.LogoURL, IconURL: w.IconURL, RedirectURL: w.RedirectURL,
		WhiteListURLs: w.WhiteListURLs, ConfirmCompanyName: w.ConfirmCompanyName}
	for name, value := range raw {
		if !containsFold(profileKnownFields, name) {
			if p.unknown == nil {
				p.unknown = map[string]json.RawMessage{}
			}
			p.unknown[name] = value
		}
	}
	return nil
}

// MarshalJSON encodes the modelled fields and any unknown ones kept from a
// GET; never apiKey.
func (p Profile) MarshalJSON() ([]byte, error) {
	known, err := json.Marshal(profileWire{Name: p.Name, LogoURL: p.LogoURL, IconURL: p.IconURL,
		RedirectURL: p.RedirectURL, WhiteListURLs: p.WhiteListURLs, ConfirmCompanyName: p.ConfirmCompanyName})
	if err != nil || len(p.unknown) == 0 {
		return known, err
	}
	extra, err := json.Marshal(p.unknown)
	if err != nil {
		return nil, err
	}
	// Both are non-empty objects: join them as {known..., extra...}.
	out := append(bytes.TrimSuffix(known, []byte("}")), ',')
	return append(out, bytes.TrimPrefix(extra, []byte("{"))...), nil
}

// containsFold matches names as encoding/json does, case-insensitively, so
// a field json decoded into Profile is not also kept as unknown.
func containsFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}

func (p *Profile) check() error {
	if p.Name == "" && p.RedirectURL == "" {
		return errors.New("the response has neither a profile name nor a redirect URL")
	}
	return nil
}

// GetProfile returns the client's profile (get-profile).
func (c *Client) GetProfile(ctx context.Context) (*Profile, error) {
	return c.profileCall(ctx, call{operation: "get-profile", method: http.MethodGet, path: "/profile", safety: replaySafe})
}

// UpdateProfile replaces the profile with p (update-profile, PUT): every
// field takes p's value, so start from GetProfile. Replacing twice is
// replacing once, so it is retried like a read.
func (c *Client) UpdateProfile(ctx context.Context, p Profile) (*Profile, error) {
	return c.profileCall(ctx, call{operation: "update-profile", method: http.MethodPut, path: "/profile", body: p,
		safety: replaySafe})
}

// ModifyProfile reads the profile, lets modify change it and sends it back
// (two requests): fields modify leaves alone keep their current values. It
// sends nothing when modify leaves the profile as it was, and returns the
// profile Codat answered with (or the unchanged one).
func (c *Client) ModifyProfile(ctx context.Context, modify func(*Profile)) (*Profile, error) {
	current, err := c.GetProfile(ctx)
	if err != nil {
		return nil, err
	}
	before, err := json.Marshal(current)
	if err != nil {
		return nil, err
	}
	modify(current)
	after, err := json.Marshal(current)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(before, after) {
		return current, nil
	}
	return c.UpdateProfile(ctx, *current)
}

func (c *Client) profileCall(ctx context.Context, cl call) (*Profile, error) {
	var out Profile
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
