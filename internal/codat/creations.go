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
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A managed company is created in three steps, so that neither a lost answer
// nor an interrupted run can duplicate it or leave it unrecorded:
//
//  1. POST /companies with the wanted tags plus a creation marker,
//     CreationTagKey = "<fingerprint>_<unix time>_<nonce>". The fingerprint
//     identifies what is being created, the nonce this one create. An answer
//     that is lost (dropped connection, 5xx, 408, cancellation) is resolved
//     by looking the marker up, never by sending the create again blindly
//     (CreateCompanyOnce).
//  2. The connection, likewise resolved by reading the company when its
//     answer is lost (CreateConnectionOnce).
//  3. The marker is removed (PATCH tags, checked: see setCompanyTags), and
//     only then is the company handed
//     to the caller. A company still carrying a marker is therefore one whose
//     create never reached its caller: the process was killed, or the run
//     stopped, between step 1 and step 3.
//
// A run looks for such companies once (one list request, made right after
// its first create: see createFirst) and adopts one with the same
// fingerprint instead of creating another. The
// marker is a lease: its writer finishes step 3 within CreateTiming.Lease of
// the company's creation or gives up, and another run adopts a marked company
// only once Lease+Margin have passed, so a create still in progress elsewhere
// is never taken. Adopting is itself a write-then-check (claim), because two
// runs may find the same company at once.

// CreationTagKey is the tag a company carries while it is being created
// (22 characters; Codat allows keys of up to 27). The key and the marker's
// value are plain (letters, digits, '_' and, in a value, '-'), the only tags
// every example of the tags filter uses (using-the-api/managing-companies.md):
// a filter that accepted nothing else could still find them.
const CreationTagKey = "terraform_codat_create"

// markerSeparator joins a marker's parts. It is in every marker, so the
// filter CreationTagKey~_ lists every marked company; it is in no
// fingerprint (base32), time (digits and '-') or nonce (hex).
const markerSeparator = "_"

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
	return strings.Join([]string{m.Fingerprint, strconv.FormatInt(m.Written.Unix(), 10), m.Nonce}, markerSeparator)
}

func parseCreationMarker(value string) (creationMarker, bool) {
	parts := strings.Split(value, markerSeparator)
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
	// first makes the run's other creates wait for its first (createFirst).
	first sync.Mutex
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
	if p, done, err := c.createFirst(ctx, body, fingerprint); done || err != nil {
		return p, err
	}
	if p, err := c.adopt(ctx, fingerprint); p != nil || err != nil {
		return p, err
	}
	return c.create(ctx, body, fingerprint)
}

// create sends the create, carrying a fresh marker.
func (c *Creations) create(ctx context.Context, body CompanyRequest, fingerprint string) (*pendingCompany, error) {
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

// createFirst is the run's first create: while no create of the run has
// looked for companies left by interrupted creates, it creates, and only then
// looks (load). In that order because Codat may list a new company only some
// time after creating it: nothing promises GET /companies is current (the
// emulator's company-list-delay). A look-up that shows the company just made
// is current up to its creation, so it also shows every company an
// interrupted create left before it; one that did not could miss a company
// a killed run made a moment ago, and the run would make a second. When the
// look-up shows an earlier company of the same request, the new one, which
// nobody else knows of and which has no connection yet, is deleted and the
// caller goes on to adopt the earlier one. done is false when the caller
// should go on: another create loaded the look-up, or this one gave way.
func (c *Creations) createFirst(ctx context.Context, body CompanyRequest, fingerprint string) (p *pendingCompany, done bool, err error) {
	c.first.Lock()
	defer c.first.Unlock()
	if c.isLoaded() {
		return nil, false, nil
	}
	if p, err = c.create(ctx, body, fingerprint); err != nil {
		return nil, true, err
	}
	if err := c.load(ctx, p); err != nil {
		if ctx.Err() != nil {
			// The run is stopping: hand the company over, so Terraform
			// records it, rather than delete it.
			return p, true, nil
		}
		// A look-up that failed must not lead to a company that may be a
		// second one.
		c.discard(ctx, p)
		return nil, true, fmt.Errorf("looking for companies left by an interrupted create: %w", err)
	}
	if !c.leftBefore(fingerprint, p.company) {
		return p, true, nil
	}
	c.discard(ctx, p)
	return nil, false, nil
}

func (c *Creations) isLoaded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loaded
}

// Polling for a new company to be listed: soon at first, then further apart.
const (
	listPollFirst = 500 * time.Millisecond
	listPollMax   = 5 * time.Second
)

// MaxListLag is how long after creating a company the client waits for
// GET /companies to show it, where it must (see createFirst and
// CreateCompanyOnce). Past it, it goes on with what the list shows, and
// logs it.
const MaxListLag = time.Minute

// load lists the marked companies into the run's look-up, again and again
// until the list shows p's company (see createFirst), for at most half the
// lease (and MaxListLag): the rest is for the connection and the confirm.
func (c *Creations) load(ctx context.Context, p *pendingCompany) error {
	deadline := c.timing.Now().Add(min(c.timing.Lease/2, MaxListLag))
	list, shown, err := pollListing(ctx, c.timing.Now, c.timing.Sleep, deadline, p.company.ID, c.client.listMarkedCompanies)
	if err != nil {
		return err
	}
	if !shown {
		c.client.logInfo(ctx, "codat create: GET /companies did not show a new company in time; companies left by interrupted creates may be missed",
			"company", p.company.ID, "waited", min(c.timing.Lease/2, MaxListLag))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.marked, c.loaded = list, true
	return nil
}

// pollListing calls list until its result holds the company with id wantID
// or deadline passes (by now), sleeping between calls; it returns the last
// result and whether it held the company.
func pollListing(ctx context.Context, now func() time.Time, sleep func(context.Context, time.Duration) error, deadline time.Time,
	wantID string, list func(context.Context) ([]Company, error)) ([]Company, bool, error) {
	wait := listPollFirst
	for {
		got, err := list(ctx)
		if err != nil {
			return nil, false, err
		}
		shown := slices.ContainsFunc(got, func(co Company) bool { return strings.EqualFold(co.ID, wantID) })
		left := deadline.Sub(now())
		if shown || left <= 0 {
			return got, shown, nil
		}
		if err := sleep(ctx, min(wait, left)); err != nil {
			return nil, false, err
		}
		wait = min(2*wait, listPollMax)
	}
}

// leftBefore reports whether the look-up holds a marked company of this
// fingerprint, not this run's, created no later than own: one an earlier
// create of the same request left.
func (c *Creations) leftBefore(fingerprint string, own *Company) bool {
	ownCreated, ownOK := ParseTime(own.Created)
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.ContainsFunc(c.marked, func(candidate Company) bool {
		m, ok := parseCreationMarker(candidate.Tags[CreationTagKey])
		if !ok || m.Fingerprint != fingerprint || c.mine[m.Nonce] || c.claimed[candidate.ID] {
			return false
		}
		created, createdOK := ParseTime(candidate.Created)
		return !ownOK || !createdOK || !created.After(ownCreated)
	})
}

// discard deletes a company this run created that nobody else knows of (its
// marker is this run's) and that has no connection yet; also when ctx was
// cancelled. If it cannot, the company keeps its marker, and a later create
// of the same request adopts it.
func (c *Creations) discard(ctx context.Context, p *pendingCompany) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), LookupTimeout)
	defer cancel()
	if err := c.client.DeleteCompany(ctx, p.company.ID); err != nil && !IsNotFound(err) {
		c.client.logInfo(ctx, "codat create: could not delete a company made before the look-up found one to adopt", "company", p.company.ID, "error", err.Error())
	}
}

func (c *Creations) newMarker(fingerprint string) creationMarker {
	m := creationMarker{Fingerprint: fingerprint, Written: c.timing.Now(), Nonce: newNonce()}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mine[m.Nonce] = true
	return m
}

// confirm removes the marker, leaving tags (the wanted ones), within the
// lease; after it, the company is the caller's. It runs on a context of its
// own, so that the caller stopping (Ctrl-C) neither skips it nor cuts it
// short: Terraform records what a stopped create returns, and a removal
// abandoned in flight may still be carried out by Codat, leaving a company
// without its marker that nothing records. When ctx was cancelled already,
// it is bounded by LookupTimeout too.
func (c *Creations) confirm(ctx context.Context, p *pendingCompany, tags map[string]string) (*Company, error) {
	deadline := leaseStart(p.company, p.marker).Add(c.timing.Lease)
	stop := deadline
	if limit := time.Now().Add(LookupTimeout); ctx.Err() != nil && limit.Before(stop) {
		stop = limit
	}
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), stop)
	defer cancel()
	company, err := c.client.setCompanyTags(ctx, p.company, tags)
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
		candidate := c.nextCandidate(fingerprint)
		if candidate == nil {
			return nil, nil
		}
		p, err := c.claim(ctx, candidate, fingerprint)
		if err != nil || p != nil {
			return p, err
		}
	}
}

// nextCandidate returns a company of the run's look-up with this
// fingerprint that no create of this run has tried yet.
func (c *Creations) nextCandidate(fingerprint string) *Company {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.marked {
		candidate := &c.marked[i]
		m, ok := parseCreationMarker(candidate.Tags[CreationTagKey])
		if !ok || m.Fingerprint != fingerprint || c.mine[m.Nonce] || c.claimed[candidate.ID] {
			continue
		}
		c.claimed[candidate.ID] = true
		return candidate
	}
	return nil
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
	updated, err := c.setCompanyTags(ctx, company, UserTags(company.Tags))
	if err != nil {
		c.logInfo(ctx, "could not remove the creation marker of a managed company; the next read tries again", "company", company.ID, "error", err.Error())
		return company
	}
	return updated
}

// setCompanyTags makes company's tags exactly tags (nil or empty: none). It
// PATCHes them (update-company) and checks the answer: the docs
// (using-the-api/managing-companies.md) read as PATCH replacing the tags,
// but the spec says fields not sent are left unchanged, which a server may
// apply tag by tag (the emulator's patch-tags-merge), keeping a tag left out.
// Then it PUTs the company (replace-company, which replaces name, description
// and tags, "even if new values haven't been defined in the payload") with
// the name and description Codat answered, and from then on this client PUTs
// straight away: one request either way, after the first.
func (c *Client) setCompanyTags(ctx context.Context, company *Company, tags map[string]string) (*Company, error) {
	if tags == nil {
		tags = map[string]string{}
	}
	if !c.patchMergesTags.Load() {
		patched, err := c.UpdateCompany(ctx, company.ID, CompanyUpdate{Tags: &tags})
		if err != nil || !hasOtherTags(patched.Tags, tags) {
			return patched, err
		}
		c.patchMergesTags.Store(true)
		c.logInfo(ctx, "codat PATCH kept tags it was not sent: tags are replaced with PUT from now on", "company", company.ID)
		company = patched
	}
	return c.ReplaceCompany(ctx, company.ID, CompanyRequest{Name: company.Name, Description: company.Description, Tags: tags})
}

// hasOtherTags reports whether got has a key that want lacks.
func hasOtherTags(got, want map[string]string) bool {
	for key := range got {
		if _, ok := want[key]; !ok {
			return true
		}
	}
	return false
}

// listMarkedCompanies lists the companies carrying a creation marker: those
// whose CreationTagKey contains markerSeparator, as every marker does. Codat
// documents "~" (contains) for its query language, which the tags filter
// uses (using-the-api/managing-companies.md), but shows no tags filter with
// it; if the filter is refused (400), every company is listed and the marked
// ones kept: one request per 5,000 companies instead of one.
func (c *Client) listMarkedCompanies(ctx context.Context) ([]Company, error) {
	list, err := c.ListCompanies(ctx, ListCompaniesOptions{Tags: CreationTagKey + "~" + markerSeparator})
	if IsBadRequest(err) {
		c.logInfo(ctx, "codat refused the tags filter for marked companies; listing every company instead", "error", err.Error())
		list, err = c.ListCompanies(ctx, ListCompaniesOptions{})
	}
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(co Company) bool {
		_, marked := co.Tags[CreationTagKey]
		return !marked
	}), nil
}

// errCreateStopped is returned instead of starting a create after the
// caller stopped.
var errCreateStopped = errors.New("stopped before creating")
