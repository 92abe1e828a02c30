package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Behaviour names one reading of Codat's behaviour where its documentation
// is silent or disagrees with its OpenAPI description. By default the
// emulator plays the reading that docs and spec agree on or the spec states;
// each Behaviour switches on another one, so a client can be tested under
// every reading (Options.Behaviours, the -codat-behaviour flag, and
// GET/PUT /_emulator/behaviours). cmd/codat-probe finds which of them a real
// Codat account shows.
type Behaviour string

// The readings. Each one's doc names the page (under Codat's docs/) or the
// spec entry that makes it a possibility.
const (
	// HistoryQueryIgnored: GET /companies/{id}/data/history answers as if
	// no query parameter had been sent. using-the-api/querying.md: the query
	// language "will not work on settings or metadata endpoints", while the
	// spec lists query for list-pull-operations.
	HistoryQueryIgnored Behaviour = "history-query-ignored"
	// HistoryQueryRejected: the same request with a query is 400 (same
	// page). Excludes HistoryQueryIgnored.
	HistoryQueryRejected Behaviour = "history-query-rejected"
	// TagsFilterPlain: the tags filter of GET /companies accepts only keys
	// of letters, digits and '_' and values of letters, digits, '_' and '-',
	// as in every example (using-the-api/managing-companies.md, the spec's
	// list-companies), and answers anything else 400 Malformed query.
	TagsFilterPlain Behaviour = "tags-filter-plain"
	// SyncSettingsSparse: GET company and profile sync settings leave out
	// what the spec does not mark required in them (CompanySyncSettings,
	// SyncSettings): the companyId or clientId, and overridesDefaults when it
	// is true, the default the POST bodies state.
	SyncSettingsSparse Behaviour = "sync-settings-sparse"
	// CompanySyncSettings404: GET /companies/{id}/syncSettings of a company
	// whose own settings were never set is 404, like an unknown company. The
	// spec lists 404 for it and says nothing of companies without settings.
	CompanySyncSettings404 Behaviour = "company-sync-settings-404"
	// PatchTagsMerge: PATCH /companies/{id} merges the tags sent into the
	// company's tags instead of replacing them. The spec says fields not
	// sent are left unchanged; using-the-api/managing-companies.md warns that
	// null or empty tags remove them, which reads as replacing.
	PatchTagsMerge Behaviour = "patch-tags-merge"
	// CompanyListDelay: a new company appears in GET /companies (and its
	// tags filter) only ListDelay after it was created; GET by id finds it
	// at once. Nothing in the docs promises a list is current.
	CompanyListDelay Behaviour = "company-list-delay"
	// DatasetInProgress409: queueing a data type that is still syncing is
	// 409 instead of 400. using-the-api/queueing-data-syncs.md gives the
	// error text but no status; the spec lists 400, not 409, for
	// refresh-data-type, and using-the-api/errors.md gives 409 for a data
	// set still syncing.
	DatasetInProgress409 Behaviour = "dataset-in-progress-409"
	// LastAPIKeyDeletable: DELETE /apiKeys/{id} deletes the client's last
	// remaining key, after which every request is 403 until the control API
	// sets a new key. The spec's delete-api-key says "It is possible to
	// delete the last remaining API key"; using-the-api/authentication.md
	// says it is not, which is the default (409).
	LastAPIKeyDeletable Behaviour = "last-api-key-deletable" //nolint:gosec // G101: a switch's name, not a credential
	// APIKeysListedWithoutSecrets: GET /apiKeys lists ids, names and dates
	// but no apiKey, so a key's secret is seen once, when it is created.
	// The spec's list-api-keys example shows each apiKey, and
	// using-the-api/authentication.md says keys can be viewed through the
	// API (the default), but nothing promises it.
	APIKeysListedWithoutSecrets Behaviour = "api-keys-listed-without-secrets" //nolint:gosec // G101: a switch's name, not a credential
)

// ListDelay is how long, by the emulator's clock, a new company stays out
// of GET /companies under CompanyListDelay, unless Options.ListDelay says
// otherwise.
const ListDelay = 30 * time.Second

// Preset names accepted by ParseBehaviours.
const (
	// PresetDefault is no switch: the documented readings only.
	PresetDefault = "default"
	// PresetStrict is the least convenient reading of each question: every
	// switch, with HistoryQueryRejected for the history query.
	PresetStrict = "strict"
)

// BehaviourInfo describes one switch, for help text and the control API.
type BehaviourInfo struct {
	Name Behaviour `json:"name"`
	// Source is the docs page or spec entry that motivates the switch.
	Source string `json:"source"`
	// Summary says what the emulator does when the switch is on.
	Summary string `json:"summary"`
	// Excludes names switches that cannot be on with this one.
	Excludes []Behaviour `json:"excludes,omitempty"`
	// Strict is whether PresetStrict turns it on.
	Strict bool `json:"strict"`
	// NotProbed says why cmd/codat-probe cannot tell whether an account
	// plays this reading (empty when it can).
	NotProbed string `json:"notProbed,omitempty"`
}

// behaviourRegistry is every switch, in the order help text lists them.
var behaviourRegistry = []BehaviourInfo{
	{Name: HistoryQueryIgnored, Source: "using-the-api/querying.md",
		Summary:  "GET .../data/history ignores the query parameter",
		Excludes: []Behaviour{HistoryQueryRejected}},
	{Name: HistoryQueryRejected, Source: "using-the-api/querying.md",
		Summary:  "GET .../data/history answers 400 to any query parameter",
		Excludes: []Behaviour{HistoryQueryIgnored}, Strict: true},
	{Name: TagsFilterPlain, Source: "using-the-api/managing-companies.md; spec list-companies",
		Summary: "GET /companies?tags= answers 400 to a key or value that is not plain (letters, digits, _ and - in values)",
		Strict:  true},
	{Name: SyncSettingsSparse, Source: "spec CompanySyncSettings, SyncSettings (no required fields)",
		Summary: "GET sync settings omit companyId/clientId, and overridesDefaults when true",
		Strict:  true},
	{Name: CompanySyncSettings404, Source: "spec get-company-syncSettings",
		Summary: "GET /companies/{id}/syncSettings is 404 until the company's own settings are set",
		Strict:  true},
	{Name: PatchTagsMerge, Source: "using-the-api/managing-companies.md; spec update-company",
		Summary: "PATCH /companies/{id} merges tags into the existing ones instead of replacing them",
		Strict:  true},
	{Name: CompanyListDelay, Source: "none: nothing promises GET /companies is current",
		Summary: fmt.Sprintf("a new company is listed by GET /companies only %s after its creation", ListDelay),
		Strict:  true},
	{Name: DatasetInProgress409, Source: "using-the-api/queueing-data-syncs.md; using-the-api/errors.md; spec refresh-data-type",
		Summary: "DatasetAlreadyInProgressException is 409 instead of 400",
		Strict:  true},
	{Name: LastAPIKeyDeletable, Source: "using-the-api/authentication.md; spec delete-api-key",
		Summary:   "DELETE /apiKeys/{id} deletes the last remaining key instead of answering 409",
		Strict:    true,
		NotProbed: "finding out would delete the account's last key and lock it out"},
	{Name: APIKeysListedWithoutSecrets, Source: "using-the-api/authentication.md; spec list-api-keys",
		Summary: "GET /apiKeys leaves out each key's apiKey (the secret is shown only on create)",
		Strict:  true},
}

// Behaviours lists every switch with its description.
func Behaviours() []BehaviourInfo {
	out := slices.Clone(behaviourRegistry)
	for i := range out {
		out[i].Excludes = slices.Clone(out[i].Excludes)
	}
	return out
}

// StrictBehaviours is what PresetStrict turns on.
func StrictBehaviours() []Behaviour {
	var out []Behaviour
	for _, info := range behaviourRegistry {
		if info.Strict {
			out = append(out, info.Name)
		}
	}
	return out
}

func behaviourInfo(b Behaviour) (BehaviourInfo, bool) {
	i := slices.IndexFunc(behaviourRegistry, func(info BehaviourInfo) bool { return info.Name == b })
	if i < 0 {
		return BehaviourInfo{}, false
	}
	return behaviourRegistry[i], true
}

// ParseBehaviours reads a comma-separated list of switch names and presets
// ("strict", "default"), e.g. "strict" or "patch-tags-merge,company-list-delay".
func ParseBehaviours(list string) ([]Behaviour, error) {
	var out []Behaviour
	for _, item := range strings.Split(list, ",") {
		name := strings.TrimSpace(item)
		switch name {
		case "", PresetDefault:
			continue
		case PresetStrict:
			out = append(out, StrictBehaviours()...)
			continue
		}
		out = append(out, Behaviour(name))
	}
	set, err := newBehaviourSet(out)
	if err != nil {
		return nil, err
	}
	return set.list(), nil
}

// behaviourSet is an immutable set of switches that are on.
type behaviourSet map[Behaviour]bool

// newBehaviourSet checks names and exclusions.
func newBehaviourSet(list []Behaviour) (behaviourSet, error) {
	set := behaviourSet{}
	var errs []error
	for _, b := range list {
		if _, ok := behaviourInfo(b); !ok {
			errs = append(errs, fmt.Errorf("unknown behaviour %q (known: %s, or the presets %q and %q)",
				b, strings.Join(behaviourNames(), ", "), PresetDefault, PresetStrict))
			continue
		}
		set[b] = true
	}
	for _, info := range behaviourRegistry {
		for _, other := range info.Excludes {
			if set[info.Name] && set[other] && info.Name < other {
				errs = append(errs, fmt.Errorf("behaviours %q and %q exclude each other", info.Name, other))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func behaviourNames() []string {
	out := make([]string, 0, len(behaviourRegistry))
	for _, info := range behaviourRegistry {
		out = append(out, string(info.Name))
	}
	return out
}

// list is the set in registry order (never nil, so it encodes as []).
func (s behaviourSet) list() []Behaviour {
	out := []Behaviour{}
	for _, info := range behaviourRegistry {
		if s[info.Name] {
			out = append(out, info.Name)
		}
	}
	return out
}

// behaviourSwitch holds the emulator's current set; reading it takes no
// lock, so store methods may consult it while holding theirs.
type behaviourSwitch struct {
	current atomic.Pointer[behaviourSet]
}

func (b *behaviourSwitch) set(s behaviourSet) { b.current.Store(&s) }

func (b *behaviourSwitch) on(name Behaviour) bool {
	s := b.current.Load()
	return s != nil && (*s)[name]
}

// SetBehaviours replaces the switches that are on (nil: none, the
// documented readings). Reset restores Options.Behaviours.
func (e *Emulator) SetBehaviours(list ...Behaviour) error {
	set, err := newBehaviourSet(list)
	if err != nil {
		return err
	}
	e.behaviours.set(set)
	return nil
}

// ActiveBehaviours lists the switches that are on, in registry order.
func (e *Emulator) ActiveBehaviours() []Behaviour {
	s := e.behaviours.current.Load()
	if s == nil {
		return []Behaviour{}
	}
	return s.list()
}

// behavioursBody is GET and PUT /_emulator/behaviours.
type behavioursBody struct {
	// Active is the switches that are on; PUT accepts presets in it too.
	Active []string `json:"active"`
	// Available describes every switch (GET only).
	Available []BehaviourInfo `json:"available,omitempty"`
}

func (e *Emulator) handleControlGetBehaviours(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.behavioursBody())
}

// handleControlSetBehaviours replaces the switches: {"active":["strict"]}.
func (e *Emulator) handleControlSetBehaviours(w http.ResponseWriter, r *http.Request) {
	var req behavioursBody
	if err := decodeControl(r, &req); err != nil {
		writeError(w, err)
		return
	}
	list, err := ParseBehaviours(strings.Join(req.Active, ","))
	if err == nil {
		err = e.SetBehaviours(list...)
	}
	if err != nil {
		writeError(w, invalidControl(err))
		return
	}
	writeJSON(w, http.StatusOK, e.behavioursBody())
}

func (e *Emulator) behavioursBody() behavioursBody {
	active := e.ActiveBehaviours()
	names := make([]string, 0, len(active))
	for _, b := range active {
		names = append(names, string(b))
	}
	return behavioursBody{Active: names, Available: Behaviours()}
}

// BehavioursHelp describes the switches, for command help.
func BehavioursHelp() string {
	var b strings.Builder
	b.WriteString("Behaviours (-codat-behaviour, comma-separated; \"strict\" is every one marked *):\n")
	width := 0
	for _, info := range behaviourRegistry {
		width = max(width, len(info.Name))
	}
	for _, info := range behaviourRegistry {
		mark := " "
		if info.Strict {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-*s %s\n  %-*s (%s)\n", mark, width, info.Name, info.Summary, width+2, "", info.Source)
	}
	return strings.TrimRight(b.String(), "\n")
}

// on reports whether a behaviour switch is on, for store methods.
func (s *store) on(b Behaviour) bool { return s.behaves != nil && s.behaves(b) }
