package codat

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Limits on API keys.
const (
	// MaxAPIKeys: "The number of API keys is limited to 10" (docs
	// using-the-api/authentication.md and the spec's create-api-key), the
	// key Codat provisions with the client included. Creating an eleventh
	// is 409.
	MaxAPIKeys = 10
	// MaxAPIKeyNameLength is the spec's maxLength of a key's name; a longer
	// one is 400 "Max string length (50) for `name` reached."
	MaxAPIKeyNameLength = 50
)

// APIKey is one of the client's API keys (ApiKeyDetails). Key is the
// secret: String and GoString never print it, but json.Marshal does, so
// never log or store an APIKey as a whole.
type APIKey struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Key is the API key itself, as the portal shows it (not Base64).
	Key string `json:"apiKey,omitempty"`
	// CreatedDate is empty for keys created before Codat recorded it, such
	// as the key provisioned with the client.
	CreatedDate string `json:"createdDate,omitempty"`
}

// String hides the key if an APIKey is ever printed.
func (k APIKey) String() string {
	return fmt.Sprintf("codat.APIKey{ID: %q, Name: %q, Key: [REDACTED], CreatedDate: %q}", k.ID, k.Name, k.CreatedDate)
}

// GoString hides the key from %#v as well.
func (k APIKey) GoString() string { return k.String() }

func (k *APIKey) check() error { return missingField("API key id", k.ID) }

// createAPIKeyRequest is the body of POST /apiKeys (CreateApiKey).
type createAPIKeyRequest struct {
	Name string `json:"name,omitempty"`
}

// CheckAPIKeyName reports why name cannot name an API key.
func CheckAPIKeyName(name string) error {
	if n := utf8.RuneCountInString(name); n > MaxAPIKeyNameLength {
		return fmt.Errorf("an API key name must be at most %d characters, got %d", MaxAPIKeyNameLength, n)
	}
	return nil
}

// ListAPIKeys returns every API key of the client (list-api-keys, one
// request). Each carries its secret Key, as the spec's example and the docs
// ("You can only view API keys ... via the API") show; a caller must still
// cope with an empty Key (the emulator's ListAPIKeysWithoutSecrets reading).
func (c *Client) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	return listUnpaged[APIKey](ctx, c, "list-api-keys", "/apiKeys")
}

// CreateAPIKey creates a key named name, which may be empty
// (create-api-key; 201). The answer holds the new key's secret. Like
// CreateCompany it is not retried once the request may have reached Codat;
// a failure can still mean the key exists (look for its name in
// ListAPIKeys). 409 (IsConflict) means the client already has MaxAPIKeys.
func (c *Client) CreateAPIKey(ctx context.Context, name string) (*APIKey, error) {
	if err := CheckAPIKeyName(name); err != nil {
		return nil, fmt.Errorf("codat: %w", err)
	}
	var out APIKey
	cl := call{operation: "create-api-key", method: http.MethodPost, path: "/apiKeys",
		body: createAPIKeyRequest{Name: name}, safety: replayUnlessSent}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAPIKey deletes a key (delete-api-key; 204). Codat lets a request
// delete the key it authenticated with (the spec says so), after which this
// client gets 403: use UsesAPIKey first. A retried delete that already
// succeeded answers 404 (or 403, if it was this client's key).
func (c *Client) DeleteAPIKey(ctx context.Context, apiKeyID string) error {
	path, err := escapePath("/apiKeys/{apiKeyId}", param{"apiKeyId", apiKeyID})
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete-api-key", method: http.MethodDelete, path: path, safety: replaySafe}, nil)
}

// UsesAPIKey reports whether k is the key this client authenticates with,
// comparing in constant time. k needs its Key (as ListAPIKeys and
// CreateAPIKey return it).
func (c *Client) UsesAPIKey(k APIKey) bool {
	if k.Key == "" {
		return false
	}
	got := "Basic " + base64.StdEncoding.EncodeToString([]byte(k.Key))
	return subtle.ConstantTimeCompare([]byte(c.authHeader), []byte(got)) == 1
}
