package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// API keys. The key the emulator starts with (Options.APIKey, or the last
// SetAPIKey) is the key Codat provisions with a client: listed first, with
// no name or created date, and it counts towards the limit of 10. Keys
// created through POST /apiKeys authenticate like it. A deleted key, like a
// rotated one, is answered 403 "outdated API key".

// apiKeyRecord is a key created through the API.
type apiKeyRecord struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	Key     string    `json:"apiKey"`
	Created time.Time `json:"created"`
}

// apiKeyAlphabet is what Codat's keys are made of (the spec's examples are
// 40 letters and digits).
const apiKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func newAPIKeySecret() string { return randomAlphanumeric(40) }

// randomAlphanumeric draws n characters uniformly from apiKeyAlphabet
// (bytes past the last whole multiple of its length are redrawn).
func randomAlphanumeric(n int) string {
	const limit = 256 - 256%len(apiKeyAlphabet)
	out := make([]byte, 0, n)
	var b [64]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(b[:])
		for _, c := range b {
			if int(c) < limit && len(out) < cap(out) {
				out = append(out, apiKeyAlphabet[int(c)%len(apiKeyAlphabet)])
			}
		}
	}
	return string(out)
}

// startKeyID is the id of the key the emulator started with, derived from
// the key so it is stable across restarts.
func startKeyID(key string) string {
	return uuid.NewSHA1(emulatorNamespace, []byte("apikey:"+key)).String()
}

func encodedKey(key string) string { return base64.StdEncoding.EncodeToString([]byte(key)) }

// keyDeletedLocked reports whether key was deleted through the API; call
// with s.mu held.
func (s *store) keyDeletedLocked(key string) bool {
	return slices.Contains(s.data.Client.DeletedAPIKeys, key)
}

// checkCreatedKeysLocked classifies a token against the keys created and
// deleted through the API; call with s.mu held.
func (s *store) checkCreatedKeysLocked(token string) keyState {
	for _, k := range s.data.Client.APIKeys {
		if constantTimeEqual(token, encodedKey(k.Key)) {
			return keyCurrent
		}
	}
	for _, key := range s.data.Client.DeletedAPIKeys {
		if constantTimeEqual(token, encodedKey(key)) {
			return keyRetired
		}
	}
	return keyUnknown
}

// listAPIKeysLocked is every live key, the start key first; call with s.mu
// held.
func (s *store) listAPIKeysLocked() []codat.APIKey {
	var out []codat.APIKey
	if !s.keyDeletedLocked(s.apiKey) {
		out = append(out, codat.APIKey{ID: startKeyID(s.apiKey), Key: s.apiKey})
	}
	for _, k := range s.data.Client.APIKeys {
		out = append(out, codat.APIKey{ID: k.ID, Name: k.Name, Key: k.Key, CreatedDate: formatTime(k.Created)})
	}
	return out
}

// profileAPIKey is the deprecated Profile.apiKey: the start key while it
// lives, else the oldest remaining key.
func (s *store) profileAPIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if keys := s.listAPIKeysLocked(); len(keys) > 0 {
		return keys[0].Key
	}
	return ""
}

func (s *store) listAPIKeys() codat.Results[codat.APIKey] {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := s.listAPIKeysLocked()
	if s.on(APIKeysListedWithoutSecrets) {
		for i := range keys {
			keys[i].Key = ""
		}
	}
	return codat.Results[codat.APIKey]{Results: append([]codat.APIKey{}, keys...)}
}

// createAPIKey answers the spec's errors: 400 for a name over 50
// characters, 409 once the client has 10 keys.
func (s *store) createAPIKey(name string) (codat.APIKey, error) {
	if err := codat.CheckAPIKeyName(name); err != nil {
		return codat.APIKey{}, badRequest(servicePublicAPI, fmt.Sprintf("Max string length (%d) for `name` reached.", codat.MaxAPIKeyNameLength))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.listAPIKeysLocked()) >= codat.MaxAPIKeys {
		return codat.APIKey{}, &apiError{status: http.StatusConflict, service: servicePublicAPI,
			message: "Maximum number of API keys reached. To create a new API key, delete an unused key and try again."}
	}
	k := &apiKeyRecord{ID: uuid.NewString(), Name: name, Key: newAPIKeySecret(), Created: s.now()}
	s.data.Client.APIKeys = append(s.data.Client.APIKeys, k)
	s.changed()
	return codat.APIKey{ID: k.ID, Name: k.Name, Key: k.Key, CreatedDate: formatTime(k.Created)}, nil
}

// deleteAPIKey deletes a key, which then answers 403. The spec says a
// request may delete the key it authenticated with. Whether the last key
// may go is where the docs and the spec disagree: see LastAPIKeyDeletable.
func (s *store) deleteAPIKey(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := s.listAPIKeysLocked()
	i := slices.IndexFunc(keys, func(k codat.APIKey) bool { return k.ID == id })
	if i < 0 {
		return &apiError{status: http.StatusNotFound, service: servicePublicAPI, message: "No API key was found with ID " + id}
	}
	if len(keys) == 1 && !s.on(LastAPIKeyDeletable) {
		return &apiError{status: http.StatusConflict, service: servicePublicAPI,
			message: "It is not possible to delete the last remaining API key. Create a new key, then delete the key you no longer need."}
	}
	s.data.Client.DeletedAPIKeys = append(s.data.Client.DeletedAPIKeys, keys[i].Key)
	s.data.Client.APIKeys = slices.DeleteFunc(s.data.Client.APIKeys, func(k *apiKeyRecord) bool { return k.ID == id })
	s.changed()
	return nil
}

func (e *Emulator) handleListAPIKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.store.listAPIKeys())
}

// createAPIKeyBody is the body of POST /apiKeys (CreateApiKey).
type createAPIKeyBody struct {
	Name string `json:"name"`
}

func (e *Emulator) handleCreateAPIKey(w http.ResponseWriter, r *http.Request) {
	var req createAPIKeyBody
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	k, err := e.store.createAPIKey(req.Name)
	reply(w, http.StatusCreated, k, err)
}

func (e *Emulator) handleDeleteAPIKey(w http.ResponseWriter, r *http.Request) {
	if err := e.store.deleteAPIKey(r.PathValue("apiKeyId")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
