package emulator

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// stateVersion is the version of the state file format; bump it when the
// records below change incompatibly.
const stateVersion = 1

// emulatorNamespace seeds the emulator's deterministic (name-based) uuids:
// client id, integration ids, platform references.
var emulatorNamespace = uuid.MustParse("6f3c1d2e-8a4b-5c6d-9e7f-0a1b2c3d4e5f")

// storeConfig is what the store needs from Options.
type storeConfig struct {
	now          func() time.Time
	apiKey       string
	syncStep     time.Duration
	maxCompanies int
	plan         string
	statePath    string
	logger       *slog.Logger
	behaves      func(Behaviour) bool // whether a behaviour switch is on
	listDelay    time.Duration        // see Options.ListDelay
}

// store holds every piece of emulated Codat state behind one mutex. Its
// methods lock, do their work and return wire values (never internal
// pointers), so handlers never touch shared state.
type store struct {
	mu sync.Mutex

	now          func() time.Time
	syncStep     time.Duration
	maxCompanies int
	plan         string
	statePath    string
	log          *slog.Logger
	behaves      func(Behaviour) bool
	listDelay    time.Duration

	apiKey      string
	retiredKeys []string
	clientID    string

	data      stateData
	companies map[string]*companyRecord // index of data.Companies by id

	client clientRuntime // the client-wide areas' options (clientstate.go)
}

// stateData is everything persisted to Options.StatePath. It is the
// emulator's own format, not a Codat wire format: links are derived from the
// base URL and statuses from the clock when read.
type stateData struct {
	Version             int                       `json:"version"`
	Companies           []*companyRecord          `json:"companies"`
	ProfileSyncSettings codat.ProfileSyncSettings `json:"profileSyncSettings"`
	Client              clientState               `json:"client,omitzero"`
}

// companyRecord is a company and everything that belongs to it, so deleting
// the company deletes its connections, pulls and settings too.
type companyRecord struct {
	ID           string                     `json:"id"`
	Name         string                     `json:"name"`
	Description  string                     `json:"description,omitempty"`
	Tags         map[string]string          `json:"tags,omitempty"`
	Created      time.Time                  `json:"created"`
	Connections  []*connectionRecord        `json:"connections,omitempty"`
	Pulls        []*pullRecord              `json:"pulls,omitempty"`
	SyncSettings *codat.CompanySyncSettings `json:"syncSettings,omitempty"`
	PullFailures []*PullFailure             `json:"pullFailures,omitempty"`
	// PendingRefreshes are when accepted data/all refreshes queue their
	// pulls, earliest first (see store.pulls).
	PendingRefreshes []time.Time `json:"pendingRefreshes,omitempty"`
}

// connectionRecord copies the integration's identity at creation, so a
// connection keeps rendering even if the catalogue changes between versions.
type connectionRecord struct {
	ID             string                  `json:"id"`
	IntegrationKey string                  `json:"integrationKey"`
	IntegrationID  string                  `json:"integrationId"`
	SourceID       string                  `json:"sourceId"`
	SourceType     string                  `json:"sourceType"`
	PlatformName   string                  `json:"platformName"`
	Status         codat.ConnectionStatus  `json:"status"`
	Created        time.Time               `json:"created"`
	Errors         []codat.ConnectionError `json:"errors,omitempty"`
}

// pullRecord is a queued pull; its status at any moment follows from
// Requested, the sync step and Outcome (see pullStatusAt).
type pullRecord struct {
	ID           string           `json:"id"`
	ConnectionID string           `json:"connectionId"`
	DataType     string           `json:"dataType"`
	Requested    time.Time        `json:"requested"`
	Outcome      codat.PullStatus `json:"outcome"`
	ErrorMessage string           `json:"errorMessage,omitempty"`
}

func newStore(cfg storeConfig) *store {
	s := &store{
		now:          cfg.now,
		syncStep:     cfg.syncStep,
		maxCompanies: cfg.maxCompanies,
		plan:         cfg.plan,
		statePath:    cfg.statePath,
		log:          cfg.logger,
		behaves:      cfg.behaves,
		listDelay:    cfg.listDelay,
		apiKey:       cfg.apiKey,
		// Derived from the key so it survives resets and restarts.
		clientID: uuid.NewSHA1(emulatorNamespace, []byte("client:"+cfg.apiKey)).String(),
	}
	s.data = s.initialData()
	s.reindex()
	return s
}

func (s *store) initialData() stateData {
	return stateData{
		Version:   stateVersion,
		Companies: []*companyRecord{},
		ProfileSyncSettings: codat.ProfileSyncSettings{
			ClientID:          s.clientID,
			Settings:          defaultSyncSettings(),
			OverridesDefaults: false,
		},
	}
}

func (s *store) reindex() {
	s.companies = make(map[string]*companyRecord, len(s.data.Companies))
	for _, c := range s.data.Companies {
		s.companies[c.ID] = c
	}
}

// reset empties the state (the API key and client id stay).
func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = s.initialData()
	s.reindex()
	s.changed()
}

// company returns the record for id, or a Codat 404.
func (s *store) company(id string) (*companyRecord, error) {
	c, ok := s.companies[id]
	if !ok {
		return nil, companyNotFound(id)
	}
	return c, nil
}

// connection returns the company's connection id, or a Codat 404.
func (c *companyRecord) connection(id string) (*connectionRecord, error) {
	for _, conn := range c.Connections {
		if conn.ID == id {
			return conn, nil
		}
	}
	return nil, connectionNotFound(id)
}

// changed persists the state after a mutation. Writing under the lock keeps
// the file in step with memory; the state is small.
func (s *store) changed() {
	if err := s.saveLocked(); err != nil {
		s.log.Warn("codat emulator: writing state failed", "path", s.statePath, "err", err)
	}
}

func (s *store) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked()
}

// saveLocked writes the state to a temporary file and renames it over the
// state file, so a crash never leaves a half-written file.
func (s *store) saveLocked() error {
	if s.statePath == "" {
		return nil
	}
	body, err := json.MarshalIndent(s.data, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.statePath)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".codat-emulator-state-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(body, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), s.statePath); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// load reads the state file; a missing file is an empty state.
func (s *store) load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, err := os.ReadFile(s.statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading state: %w", err)
	}
	var data stateData
	if err := json.Unmarshal(body, &data); err != nil {
		return fmt.Errorf("parsing state %s: %w", s.statePath, err)
	}
	if data.Version != stateVersion {
		return fmt.Errorf("state %s has version %d, want %d", s.statePath, data.Version, stateVersion)
	}
	if data.Companies == nil {
		data.Companies = []*companyRecord{}
	}
	for _, c := range data.Companies {
		if c == nil || c.ID == "" {
			return fmt.Errorf("state %s has a company without an id", s.statePath)
		}
	}
	if len(data.ProfileSyncSettings.Settings) == 0 {
		data.ProfileSyncSettings.Settings = defaultSyncSettings()
	}
	data.ProfileSyncSettings.ClientID = s.clientID
	s.data = data
	s.reindex()
	return nil
}

// snapshot returns the persisted state as JSON, for GET /_emulator/state.
func (s *store) snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.data)
}

// keyState is how a presented API key relates to the emulator's.
type keyState int

const (
	keyUnknown keyState = iota
	keyCurrent
	keyRetired
)

// checkAPIKey classifies the base64 token of a Basic Authorization header.
func (s *store) checkAPIKey(token string) keyState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if constantTimeEqual(token, base64.StdEncoding.EncodeToString([]byte(s.apiKey))) && !s.keyDeletedLocked(s.apiKey) {
		return keyCurrent
	}
	for _, old := range s.retiredKeys {
		if constantTimeEqual(token, base64.StdEncoding.EncodeToString([]byte(old))) {
			return keyRetired
		}
	}
	return s.checkCreatedKeysLocked(token)
}

func (s *store) currentAPIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiKey
}

// rotateAPIKey makes key the API key and remembers the old one, which then
// earns 403 instead of 401.
func (s *store) rotateAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key == "" || key == s.apiKey {
		return
	}
	s.retiredKeys = append(s.retiredKeys, s.apiKey)
	s.apiKey = key
}
