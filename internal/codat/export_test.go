package codat

import (
	"context"
	"time"
)

// Internals that the external tests (package codat_test, which can import
// the emulator) exercise directly.

type CreationMarker = creationMarker

var (
	CreateFingerprint   = createFingerprint
	ParseCreationMarker = parseCreationMarker
	NewNonce            = newNonce
)

// PendingCompany is a create between its start and its confirmation.
type PendingCompany = pendingCompany

func (c *Creations) Start(ctx context.Context, body CompanyRequest, platformKey string) (*PendingCompany, error) {
	return c.start(ctx, body, platformKey)
}

func (c *Creations) Confirm(ctx context.Context, p *PendingCompany, tags map[string]string) (*Company, error) {
	return c.confirm(ctx, p, tags)
}

func (p *pendingCompany) Company() *Company { return p.company }
func (p *pendingCompany) Adopted() bool     { return p.adopted }

// Backdate makes the create look as if it had begun d ago, by the real
// clock that the lease's deadlines use.
func (p *pendingCompany) Backdate(d time.Duration) {
	p.marker.Written = time.Now().Add(-d)
	p.company.Created = time.Now().Add(-d).UTC().Format(time.RFC3339)
}

// Waiting is how many reads wait for the company list.
func (d *CompanyDirectory) Waiting() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.waiting)
}

// Fetching reports whether the directory is fetching (or waiting to fetch)
// the list.
func (d *CompanyDirectory) Fetching() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fetching
}

// Refresh reads the sync's pulls again, as Wait and Discover do.
func (s *SyncRun) Refresh(ctx context.Context) error { return s.refresh(ctx) }
