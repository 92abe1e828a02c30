package provider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// A company is created in three steps, so that neither a lost answer nor an
// interrupted apply can duplicate it or leave it outside the state:
//
//  1. POST /companies with the configured tags plus a creation marker,
//     creationTagKey = "<fingerprint>.<unix time>.<nonce>". The fingerprint
//     identifies the configuration being created, the nonce this one create.
//     An answer that is lost (dropped connection, 5xx, 408, cancellation) is
//     resolved by looking the marker up, never by sending the create again
//     blindly (codat.CreateCompanyOnce).
//  2. The connection, likewise resolved by reading the company when its
//     answer is lost (codat.CreateConnectionOnce).
//  3. The marker is removed (PATCH tags), and only then is the company handed
//     to Terraform. A company still carrying a marker is therefore one whose
//     create never reached Terraform: the provider was killed, or the apply
//     stopped, between step 1 and step 3.
//
// Before creating, a run looks for such companies once (one list request)
// and adopts one with the same fingerprint instead of creating another. The
// marker is a lease: its writer finishes step 3 within createTiming.lease of
// the company's creation or gives up, and another run adopts a marked company
// only once lease+margin have passed, so a create still in progress elsewhere
// is never taken. Adopting is itself a write-then-check (claim), because two
// runs may find the same company at once.

// creationTagKey is the tag Terraform writes on a company while creating it
// (22 characters; Codat allows keys of up to 27).
const creationTagKey = "terraform-codat-create"

// maxUserTags is Codat's 10 tags less the creation marker.
const maxUserTags = 9

// envCreateLease overrides createTiming.lease, for tests of interrupted
// applies; the margins scale with it.
const envCreateLease = "CODAT_CREATE_LEASE"

const defaultCreateLease = 2 * time.Minute

// createTiming holds the lease rules. Two runs' clocks may differ by less
// than margin, and Codat may complete a request up to margin after the client
// gave up on it.
type createTiming struct {
	// lease: a marker's writer removes it within lease of the company's
	// creation (or of its claim), or abandons the company.
	lease time.Duration
	// margin is added before anyone else acts on an expired marker.
	margin time.Duration
	// claimWrite bounds the time from reading a marker to overwriting it.
	claimWrite time.Duration
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
}

func newCreateTiming(lease time.Duration) createTiming {
	margin := lease / 4
	return createTiming{lease: lease, margin: margin, claimWrite: margin / 2, now: time.Now, sleep: codat.SleepContext}
}

// createTimingFromEnv is the default timing, or the one envCreateLease sets.
func createTimingFromEnv() (createTiming, error) {
	lease := defaultCreateLease
	if raw := os.Getenv(envCreateLease); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d < time.Second {
			return createTiming{}, fmt.Errorf("%s must be a duration of at least 1s, such as \"2m\", got %q", envCreateLease, raw)
		}
		lease = d
	}
	return newCreateTiming(lease), nil
}

// creationMarker is the value of creationTagKey.
type creationMarker struct {
	Fingerprint string
	Written     time.Time // by the writer's clock, just before writing
	Nonce       string
}

func (m creationMarker) String() string {
	return fmt.Sprintf("%s.%d.%s", m.Fingerprint, m.Written.Unix(), m.Nonce)
}

func parseCreationMarker(value string) (creationMarker, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return creationMarker{}, false
	}
	secs, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return creationMarker{}, false
	}
	return creationMarker{Fingerprint: parts[0], Written: time.Unix(secs, 0), Nonce: parts[2]}, true
}

func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// createFingerprint identifies what a create makes: two configurations with
// the same fingerprint create interchangeable companies.
func createFingerprint(body codat.CompanyRequest, platformKey string) string {
	// json.Marshal sorts map keys, so equal configurations hash equally.
	tags := userTags(body.Tags)
	if len(tags) == 0 {
		tags = nil
	}
	data, _ := json.Marshal(struct {
		Name, Description, Platform string
		Tags                        map[string]string
	}{body.Name, body.Description, platformKey, tags})
	sum := sha256.Sum256(data)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// userTags is tags without the creation marker.
func userTags(tags map[string]string) map[string]string {
	if _, ok := tags[creationTagKey]; !ok {
		return tags
	}
	out := maps.Clone(tags)
	delete(out, creationTagKey)
	return out
}

// leaseStart is when a marked company's lease began: its creation, or the
// marker's writing if later (a claim). Codat's created and the marker are the
// same for everyone who reads them, so every run computes the same start.
func leaseStart(company *codat.Company, m creationMarker) time.Time {
	start := m.Written
	if created, ok := parseCodatTime(company.Created); ok && created.After(start) {
		start = created
	}
	return start
}

// parseCodatTime reads a DateTime; one without a zone is taken as UTC.
func parseCodatTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// pendingCompany is a company this run created or adopted and has not yet
// handed to Terraform: it still carries marker.
type pendingCompany struct {
	company *codat.Company
	marker  creationMarker
	// adopted is true for a company left by an interrupted create.
	adopted bool
}

// creations coordinates the company creates of one provider process (one
// Terraform command).
type creations struct {
	timing createTiming

	mu sync.Mutex
	// marked is every company that carried a marker when this run first
	// looked, loaded once.
	marked []codat.Company
	loaded bool
	// claimed holds ids of marked companies this run has tried to adopt, so
	// two creates of one configuration never adopt the same one.
	claimed map[string]bool
	// mine holds the nonces of markers this run wrote.
	mine map[string]bool
}

func newCreations(timing createTiming) *creations {
	return &creations{timing: timing, claimed: map[string]bool{}, mine: map[string]bool{}}
}

// start adopts a company an interrupted create of the same configuration left
// behind, or else creates one, carrying a fresh marker.
func (c *creations) start(ctx context.Context, client *codat.Client, body codat.CompanyRequest, platformKey string) (*pendingCompany, error) {
	fingerprint := createFingerprint(body, platformKey)
	if p, err := c.adopt(ctx, client, fingerprint); p != nil || err != nil {
		return p, err
	}
	marker := c.newMarker(fingerprint)
	body.Tags = maps.Clone(body.Tags)
	if body.Tags == nil {
		body.Tags = map[string]string{}
	}
	body.Tags[creationTagKey] = marker.String()
	company, err := client.CreateCompanyOnce(ctx, body, creationTagKey, marker.String())
	if err != nil {
		return nil, err
	}
	return &pendingCompany{company: company, marker: marker}, nil
}

func (c *creations) newMarker(fingerprint string) creationMarker {
	m := creationMarker{Fingerprint: fingerprint, Written: c.timing.now(), Nonce: newNonce()}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mine[m.Nonce] = true
	return m
}

// confirm removes the marker, leaving tags (the configured ones), within the
// lease; after it, the company is the caller's to hand to Terraform. When ctx
// was cancelled (Terraform is stopping) it still runs, on a context of its
// own, because Terraform records what a stopped create returns.
func (c *creations) confirm(ctx context.Context, client *codat.Client, p *pendingCompany, tags map[string]string) (*codat.Company, error) {
	deadline := leaseStart(p.company, p.marker).Add(c.timing.lease)
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), codat.LookupTimeout)
		defer cancel()
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if tags == nil {
		tags = map[string]string{}
	}
	company, err := client.UpdateCompany(ctx, p.company.ID, codat.CompanyUpdate{Tags: &tags})
	if err != nil {
		return nil, fmt.Errorf("removing the tag %s from company %s (due by %s, %s after Codat created it): %w",
			creationTagKey, p.company.ID, deadline.UTC().Format(time.RFC3339), c.timing.lease, err)
	}
	return company, nil
}

// adopt claims a company left marked by an interrupted create with this
// fingerprint, if there is one.
func (c *creations) adopt(ctx context.Context, client *codat.Client, fingerprint string) (*pendingCompany, error) {
	for {
		candidate, err := c.nextCandidate(ctx, client, fingerprint)
		if err != nil || candidate == nil {
			return nil, err
		}
		p, err := c.claim(ctx, client, candidate, fingerprint)
		if err != nil || p != nil {
			return p, err
		}
	}
}

// nextCandidate loads the marked companies on first use and returns one with
// this fingerprint that no create of this run has tried yet.
func (c *creations) nextCandidate(ctx context.Context, client *codat.Client, fingerprint string) (*codat.Company, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		// Every marker contains a '.', so this lists every marked company.
		list, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: creationTagKey + "~."})
		if err != nil {
			return nil, fmt.Errorf("looking for companies left by an interrupted apply: %w", err)
		}
		c.marked, c.loaded = list, true
	}
	for i := range c.marked {
		candidate := &c.marked[i]
		m, ok := parseCreationMarker(candidate.Tags[creationTagKey])
		if !ok || m.Fingerprint != fingerprint || c.mine[m.Nonce] || c.claimed[candidate.ID] {
			continue
		}
		c.claimed[candidate.ID] = true
		return candidate, nil
	}
	return nil, nil
}

// claim adopts candidate unless its create is still in progress, finished,
// or another run adopts it first. It returns nil, nil when it is not ours.
func (c *creations) claim(ctx context.Context, client *codat.Client, candidate *codat.Company, fingerprint string) (*pendingCompany, error) {
	old, _ := parseCreationMarker(candidate.Tags[creationTagKey])
	// Until the lease ends, its writer may still finish the create.
	expires := leaseStart(candidate, old).Add(c.timing.lease + c.timing.margin)
	if wait := expires.Sub(c.timing.now()); wait > 0 {
		if err := c.timing.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	current, err := client.GetCompany(ctx, candidate.ID)
	readAt := c.timing.now()
	switch {
	case codat.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading company %s, left by an interrupted apply: %w", candidate.ID, err)
	case current.Tags[creationTagKey] != candidate.Tags[creationTagKey]:
		// Its create finished, or another run claimed it.
		return nil, nil
	}

	mine := c.newMarker(fingerprint)
	tags := maps.Clone(current.Tags)
	tags[creationTagKey] = mine.String()
	// A run that read the old marker writes within claimWrite of reading it,
	// or not at all; so once claimWrite+margin have passed since this write,
	// whichever marker the company carries is the claim that won.
	writeCtx, cancel := context.WithDeadline(ctx, readAt.Add(c.timing.claimWrite))
	_, err = client.UpdateCompany(writeCtx, current.ID, codat.CompanyUpdate{Tags: &tags})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("adopting company %s, left by an interrupted apply: %w", current.ID, err)
	}
	if err := c.timing.sleep(ctx, c.timing.claimWrite+c.timing.margin); err != nil {
		return nil, err
	}
	final, err := client.GetCompany(ctx, current.ID)
	switch {
	case codat.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading company %s after adopting it: %w", current.ID, err)
	case final.Tags[creationTagKey] != mine.String():
		return nil, nil
	}
	return &pendingCompany{company: final, marker: mine, adopted: true}, nil
}
