package codat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// ProfileChange is a change to some fields of the profile: a nil field is
// left as Codat has it. It is also what a change replaced (Record), so that
// applying that puts the profile back as it was.
type ProfileChange struct {
	Name               *string   `json:"name,omitempty"`
	LogoURL            *string   `json:"logoUrl,omitempty"`
	IconURL            *string   `json:"iconUrl,omitempty"`
	RedirectURL        *string   `json:"redirectUrl,omitempty"`
	WhiteListURLs      *[]string `json:"whiteListUrls,omitempty"`
	ConfirmCompanyName *bool     `json:"confirmCompanyName,omitempty"`
}

// Apply sets the fields c sets.
func (c ProfileChange) Apply(p *Profile) {
	setIf(c.Name, &p.Name)
	setIf(c.LogoURL, &p.LogoURL)
	setIf(c.IconURL, &p.IconURL)
	setIf(c.RedirectURL, &p.RedirectURL)
	setIf(c.WhiteListURLs, &p.WhiteListURLs)
	setIf(c.ConfirmCompanyName, &p.ConfirmCompanyName)
}

// Record adds to c p's value of each field that change sets and c has not
// recorded yet: what to restore, once, after every change made since.
func (c *ProfileChange) Record(p *Profile, change ProfileChange) {
	recordIf(&c.Name, change.Name, p.Name)
	recordIf(&c.LogoURL, change.LogoURL, p.LogoURL)
	recordIf(&c.IconURL, change.IconURL, p.IconURL)
	recordIf(&c.RedirectURL, change.RedirectURL, p.RedirectURL)
	// Never nil, so that an empty list survives a JSON round trip.
	recordIf(&c.WhiteListURLs, change.WhiteListURLs, append([]string{}, p.WhiteListURLs...))
	recordIf(&c.ConfirmCompanyName, change.ConfirmCompanyName, p.ConfirmCompanyName)
}

func setIf[T any](change *T, field *T) {
	if change != nil {
		*field = *change
	}
}

func recordIf[T any](recorded **T, change *T, current T) {
	if change != nil && *recorded == nil {
		*recorded = &current
	}
}

// IsEmpty reports whether c sets no field.
func (c ProfileChange) IsEmpty() bool { return c == ProfileChange{} }

// ChangeProfile applies change to the profile by read-modify-write
// (ModifyProfile: a GET, and a PUT unless nothing changes). When before is
// not nil, Record adds to it what the change replaces; on an error, before
// may hold values that were never replaced.
func (c *Client) ChangeProfile(ctx context.Context, change ProfileChange, before *ProfileChange) (*Profile, error) {
	return c.ModifyProfile(ctx, func(p *Profile) {
		if before != nil {
			before.Record(p, change)
		}
		change.Apply(p)
	})
}

// CheckRedirectURL reports why s cannot be the profile's redirect URL: an
// absolute http or https URL, in which Codat's parameters, in braces, may
// stand anywhere ("https://bank.example/{companyId}?status={statusCode}";
// docs auth-flow/customize/set-up-redirects.md).
func CheckRedirectURL(s string) error {
	filled, err := fillPlaceholders(s)
	if err != nil {
		return fmt.Errorf("%q %w", s, err)
	}
	return checkWebURL(s, filled)
}

// CheckWebURL reports why s is not an absolute http or https URL, as the
// profile's logo, icon and allowed URLs must be.
func CheckWebURL(s string) error { return checkWebURL(s, s) }

func checkWebURL(s, parsed string) error {
	u, err := url.Parse(parsed)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q must start with https:// (or http://)", s)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q has no host", s)
	case strings.ContainsAny(s, " \t\r\n"):
		return fmt.Errorf("%q contains white space", s)
	}
	return nil
}

// fillPlaceholders replaces each {name} with a letter, so the rest parses as
// a URL, and reports unbalanced or empty braces.
func fillPlaceholders(s string) (string, error) {
	var b strings.Builder
	for rest := s; rest != ""; {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			b.WriteString(rest)
			break
		}
		if rest[open] == '}' {
			return "", errors.New(`has a "}" without its "{"`)
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] == '{' {
			return "", errors.New(`has a "{" without its "}"`)
		}
		if end == 0 {
			return "", errors.New("has an empty parameter {}")
		}
		b.WriteString(rest[:open])
		b.WriteString("x")
		rest = rest[open+1+end+1:]
	}
	return b.String(), nil
}
