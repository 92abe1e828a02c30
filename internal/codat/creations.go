package codat

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A managed company is created in three steps, so that neither a lost answer
// nor an interrupted run can duplicate it or leave it unrecorded:
//
//  1. POST /companies with the wanted tags plus a creation marker,
//     CreationTagKey = "<fingerprint>.<unix time>.<nonce>". The fingerprint
//     identifies what is being created, the nonce this one create. An answer
//     that is lost (dropped connection, 5xx, 408, cancellation) is resolved
//     by looking the marker up, never by sending the create again blindly
//     (CreateCompanyOnce).
//  2. The connection, likewise resolved by reading the company when its
//     answer is lost (CreateConnectionOnce).
//  3. The marker is removed (PATCH tags), and only then is the company handed
//     to the caller. A company still carrying a marker is therefore one whose
//     create never reached its caller: the process was killed, or the run
//     stopped, between step 1 and step 3.
//
// Before creating, a run looks for such companies once (one list request)
// and adopts one with the same fingerprint instead of creating another. The
// marker is a lease: its writer finishes step 3 within CreateTiming.Lease of
// the company's creation or gives up, and another run adopts a marked company
// only once Lease+Margin have passed, so a create still in progress elsewhere
// is never taken. Adopting is itself a write-then-check (claim), because two
// runs may find the same company at once.

// CreationTagKey is the tag a company carries while it is being created
// (22 characters; Codat allows keys of up to 27).
const CreationTagKey = "terraform-codat-create"

// MaxUserTags is Codat's 10 tags per company less the creation marker.
const MaxUserTags = 9

// DefaultCreateLease is how long a create may take from the company's
// creation to the marker's removal.
const DefaultCreateLease = 2 * time.Minute

// CreateTiming holds the lease rules. Two runs' clocks may differ by less
// than Margin, and Codat may complete a request up to Margin after the client
// gave up on it.
type CreateTiming struct {
	// Lease: a marker's writer removes it within Lease of the company's
	// creation (or of its claim), or abandons the company.
	Lease time.Duration
	// Margin is added before anyone else acts on an expired marker.
	Margin time.Duration
	// ClaimWrite bounds the time from reading a marker to overwriting it.
	ClaimWrite time.Duration
	Now        func() time.Time
	Sleep      func(ctx context.Context, d time.Duration) error
}

// NewCreateTiming is the timing for a lease; the margins scale with it.
func NewCreateTiming(lease time.Duration) CreateTiming {
	margin := lease / 4
	return CreateTiming{Lease: lease, Margin: margin, ClaimWrite: margin / 2, Now: time.Now, Sleep: SleepContext}
}

// creationMarker is the value of CreationTagKey.
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

// createFingerprint identifies what a create makes: two creates with the
// same fingerprint make interchangeable companies.
func createFingerprint(body CompanyRequest, platformKey string) string {
	// json.Marshal sorts map keys, so equal requests hash equally.
	tags := UserTags(body.Tags)
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

// UserTags is tags without the creation marker.
func UserTags(tags map[string]string) map[string]string {
	if _, ok := tags[CreationTagKey]; !ok {
		return tags
	}
	out := maps.Clone(tags)
	delete(out, CreationTagKey)
	return out
}

// leaseStart is when a marked company's lease began: its creation, or the
// marker's writing if later (a claim). Codat's created and the marker are the
// same for everyone who reads them, so every run computes the same start.
func leaseStart(company *Company, m creationMarker) time.Time {
	start := m.Written
	if created, ok := ParseTime(company.Created); ok && created.After(start) {
		start = created
	}
	return start
}

// ParseTime reads one of Codat's DateTimes; one without a zone is UTC.
func ParseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// pendingCompany is a company this run created or adopted and has not yet
// handed to its caller: it still carries marker.
type pendingCompany struct {
	company *Company
	marker  creationMarker
	// adopted is true for a company left by an interrupted create.
	adopted bool
}

// Creations coordinates the company creates of one run (one Terraform
// command): see the comment at the top of this file.
type Creations struct {
	client *Client
	timing CreateTiming

	mu sync.Mutex
	// marked is every company that carried a marker when this run first
	// looked, loaded once.
	marked []Company
	loaded bool
	// claimed holds ids of marked companies this run has tried to adopt, so
	// two creates of one configuration never adopt the same one.
	claimed map[string]bool
	// mine holds the nonces of markers this run wrote.
	mine map[string]bool
}

// NewCreations coordinates the creates of one run made through client.
func NewCreations(client *Client, timing CreateTiming) *Creations {
	return &Creations{client: client, timing: timing, claimed: map[string]bool{}, mine: map[string]bool{}}
}

// Timing is the lease rules this run follows.
func (c *Creations) Timing() CreateTiming { return c.timing }

// CreatedCompany is what CreateCompany made or adopted.
type CreatedCompany struct {
	Company *Company
	// Managed is the connection to the requested platform; nil when none
	// was asked for or it could not be made (ConnectionErr says why).
	Managed       *Connection
	ConnectionErr error
	// Adopted is true for a company an interrupted create of the same
	// request left behind.
	Adopted bool
}

// UnconfirmedError is a company that was created but whose creation marker
// could not be removed: the caller must not record it, and the next create
// of the same request adopts it once RetryAfter has passed.
type UnconfirmedError struct {
	CompanyID  string
	RetryAfter time.Duration
	Err        error
}

func (e *UnconfirmedError) Error() string {
	return fmt.Sprintf("company %s was created, but its %s tag could not be removed: %v", e.CompanyID, CreationTagKey, e.Err)
}

func (e *UnconfirmedError) Unwrap() error { return e.Err }

// CreateCompany creates a company (or adopts one an interrupted create of
// the same request left) with a connection to platformKey when it is set,
// and hands it over only once its marker is removed. A connection that
// cannot be made does not fail the create: the company is returned with
// ConnectionErr, because a caller that failed the create would lose track
// of a company that exists. It fails with an *UnconfirmedError when the
// marker cannot be removed.
func (c *Creations) CreateCompany(ctx context.Context, body CompanyRequest, platformKey string, catalogue *Catalogue) (*CreatedCompany, error) {
	pending, err := c.start(ctx, body, platformKey)
	if err != nil {
		return nil, err
	}
	out := &CreatedCompany{Company: pending.company, Adopted: pending.adopted}
	if platformKey != "" {
		out.Managed, out.ConnectionErr = c.client.ConnectPlatform(ctx, pending.company, platformKey, catalogue)
	}
	// Only now, with nothing left to do, does the company lose its marker
	// and become the caller's.
	confirmed, err := c.confirm(ctx, pending, body.Tags)
	if err != nil {
		return nil, &UnconfirmedError{CompanyID: pending.company.ID, RetryAfter: c.timing.Lease + c.timing.Margin, Err: err}
	}
	if out.Managed != nil && confirmed.FindConnection(out.Managed.ID) == nil {
		confirmed.DataConnections = append(confirmed.DataConnections, *out.Managed)
	}
	out.Company = confirmed
	return out, nil
}

// start adopts a company an interrupted create of the same request left
// behind, or else creates one, carrying a fresh marker.
func (c *Creations) start(ctx context.Context, body CompanyRequest, platformKey string) (*pendingCompany, error) {
	fingerprint := createFingerprint(body, platformKey)
	if p, err := c.adopt(ctx, fingerprint); p != nil || err != nil {
		return p, err
	}
	marker := c.newMarker(fingerprint)
	body.Tags = maps.Clone(body.Tags)
	if body.Tags == nil {
		body.Tags = map[string]string{}
	}
	body.Tags[CreationTagKey] = marker.String()
	company, err := c.client.CreateCompanyOnce(ctx, body, CreationTagKey, marker.String())
	if err != nil {
		return nil, err
	}
	return &pendingCompany{company: company, marker: marker}, nil
}

func (c *Creations) newMarker(fingerprint string) creationMarker {
	m := creationMarker{Fingerprint: fingerprint, Written: c.timing.Now(), Nonce: newNonce()}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mine[m.Nonce] = true
	return m
}

// confirm removes the marker, leaving tags (the wanted ones), within the
// lease; after it, the company is the caller's. When ctx was cancelled (the
// caller is stopping) it still runs, on a context of its own, because
// Terraform records what a stopped create returns.
func (c *Creations) confirm(ctx context.Context, p *pendingCompany, tags map[string]string) (*Company, error) {
	deadline := leaseStart(p.company, p.marker).Add(c.timing.Lease)
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), LookupTimeout)
		defer cancel()
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	company, err := c.client.setCompanyTags(ctx, p.company.ID, tags)
	if err != nil {
		return nil, fmt.Errorf("removing the tag %s from company %s (due by %s, %s after Codat created it): %w",
			CreationTagKey, p.company.ID, deadline.UTC().Format(time.RFC3339), c.timing.Lease, err)
	}
	return company, nil
}

// adopt claims a company left marked by an interrupted create with this
// fingerprint, if there is one.
func (c *Creations) adopt(ctx context.Context, fingerprint string) (*pendingCompany, error) {
	for {
		candidate, err := c.nextCandidate(ctx, fingerprint)
		if err != nil || candidate == nil {
			return nil, err
		}
		p, err := c.claim(ctx, candidate, fingerprint)
		if err != nil || p != nil {
			return p, err
		}
	}
}

// nextCandidate loads the marked companies on first use and returns one with
// this fingerprint that no create of this run has tried yet.
func (c *Creations) nextCandidate(ctx context.Context, fingerprint string) (*Company, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		// Every marker contains a '.', so this lists every marked company.
		list, err := c.client.ListCompanies(ctx, ListCompaniesOptions{Tags: CreationTagKey + "~."})
		if err != nil {
			return nil, fmt.Errorf("looking for companies left by an interrupted create: %w", err)
		}
		c.marked, c.loaded = list, true
	}
	for i := range c.marked {
		candidate := &c.marked[i]
		m, ok := parseCreationMarker(candidate.Tags[CreationTagKey])
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
func (c *Creations) claim(ctx context.Context, candidate *Company, fingerprint string) (*pendingCompany, error) {
	old, _ := parseCreationMarker(candidate.Tags[CreationTagKey])
	// Until the lease ends, its writer may still finish the create.
	expires := leaseStart(candidate, old).Add(c.timing.Lease + c.timing.Margin)
	if wait := expires.Sub(c.timing.Now()); wait > 0 {
		if err := c.timing.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	current, err := c.client.GetCompany(ctx, candidate.ID)
	readAt := c.timing.Now()
	switch {
	case IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading company %s, left by an interrupted create: %w", candidate.ID, err)
	case current.Tags[CreationTagKey] != candidate.Tags[CreationTagKey]:
		// Its create finished, or another run claimed it.
		return nil, nil
	}

	mine := c.newMarker(fingerprint)
	tags := maps.Clone(current.Tags)
	tags[CreationTagKey] = mine.String()
	// A run that read the old marker writes within ClaimWrite of reading it,
	// or not at all; so once ClaimWrite+Margin have passed since this write,
	// whichever marker the company carries is the claim that won.
	writeCtx, cancel := context.WithDeadline(ctx, readAt.Add(c.timing.ClaimWrite))
	_, err = c.client.UpdateCompany(writeCtx, current.ID, CompanyUpdate{Tags: &tags})
	cancel()
	if err != nil {
		return nil, fmt.Errorf("adopting company %s, left by an interrupted create: %w", current.ID, err)
	}
	if err := c.timing.Sleep(ctx, c.timing.ClaimWrite+c.timing.Margin); err != nil {
		return nil, err
	}
	final, err := c.client.GetCompany(ctx, current.ID)
	switch {
	case IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading company %s after adopting it: %w", current.ID, err)
	case final.Tags[CreationTagKey] != mine.String():
		return nil, nil
	}
	return &pendingCompany{company: final, marker: mine, adopted: true}, nil
}

// GetManagedCompany is GetCompany for a company the caller already holds
// (in Terraform state): its create reached the caller, or it was imported.
// A creation marker left on it is removed (keepManaged).
func (c *Client) GetManagedCompany(ctx context.Context, companyID string) (*Company, error) {
	company, err := c.GetCompany(ctx, companyID)
	if err != nil {
		return nil, err
	}
	return c.keepManaged(ctx, company), nil
}

// keepManaged removes a creation marker left on a company the caller holds,
// or another run could adopt it; a removal that fails is logged and tried
// again on the next read.
func (c *Client) keepManaged(ctx context.Context, company *Company) *Company {
	if _, marked := company.Tags[CreationTagKey]; !marked {
		return company
	}
	updated, err := c.setCompanyTags(ctx, company.ID, UserTags(company.Tags))
	if err != nil {
		c.logInfo(ctx, "could not remove the creation marker of a managed company; the next read tries again", "company", company.ID, "error", err.Error())
		return company
	}
	return updated
}

// setCompanyTags replaces a company's tags (PATCH), all of them: nil or
// empty removes every tag.
func (c *Client) setCompanyTags(ctx context.Context, companyID string, tags map[string]string) (*Company, error) {
	if tags == nil {
		tags = map[string]string{}
	}
	return c.UpdateCompany(ctx, companyID, CompanyUpdate{Tags: &tags})
}

// errCreateStopped is returned instead of starting a create after the
// caller stopped.
var errCreateStopped = errors.New("stopped before creating")
