package codat

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A plan refreshes every company in the state, and one GET /companies/{id}
// each is what a large plan waits for under Codat's 1,000 requests a minute
// (and what uses up a sandbox's 1,000 requests a day). GET /companies returns
// up to 5,000 companies a page with their connections: everything a refresh
// reads. CompanyDirectory serves the company reads of one run (one Terraform
// command, one provider configuration) from that list when it costs fewer
// requests than the reads it serves:
//
//   - The first read of a run waits Window (20 ms) for others; alone, it is
//     one GET /companies/{id}, as before. Terraform starts up to
//     -parallelism (default 10) refreshes at once, so in a plan of two or
//     more companies the others arrive within a millisecond or so.
//   - With two or more reads, the list's first page (5,000 companies) is
//     fetched once; reads arriving meanwhile wait for it. When it holds
//     every company (totalResults ≤ 5,000), it serves the whole run.
//   - A larger client's other pages are fetched only once the reads the first
//     page did not serve are at least as many as those pages (each such read
//     costs one GET until then). In whatever order reads arrive, they cost
//     at most twice the cheaper of one GET each and the whole list.
//   - A company the list does not show (created after it, not listed yet, or
//     deleted) is read with GET: only that read's 404 says it is gone.
//   - The caller says whether a listed company matches what it holds; one
//     that does not is read again with GET, so a list that lags behind Codat
//     never changes anything on its own, and drift costs one GET per company
//     that drifted.
//   - A company this client has sent a write for (in this run) is read with
//     GET: a list can be older than the write.
//   - The directory belongs to one run, so no read sees a list older than the
//     run's start. A list that cannot be had (after the client's retries) is
//     not asked for again: the run's reads go back to one GET each.

// DefaultListWindow is how long the first company read of a run waits for
// others before it is sent alone.
const DefaultListWindow = 20 * time.Millisecond

// maxListBody bounds a page of the company list: 5,000 companies of up to
// 10 kB each (the spec's examples, with one connection, are about 1 kB).
const maxListBody = 50 << 20

// DirectoryOptions tune a CompanyDirectory; the zero value is the default.
type DirectoryOptions struct {
	// Window is how long the first read waits for others; 0 means
	// DefaultListWindow.
	Window time.Duration
	// PageSize is the list's page size; 0 means MaxPageSize.
	PageSize int
	// After is time.After, which tests replace.
	After func(time.Duration) <-chan time.Time
}

// CompanyDirectory serves a run's company reads from GET /companies when
// that is cheaper: see the comment above. It is safe for concurrent use.
type CompanyDirectory struct {
	client *Client
	opts   DirectoryOptions

	mu     sync.Mutex
	listed map[string]*Company
	// pagesRead and collected are the pages and companies fetched so far.
	pagesRead, collected int
	// complete: every page is in. closed: no more pages will be fetched.
	complete, closed bool
	// restPages is how many pages follow the first.
	restPages int
	// asked counts reads before the first page; misses the reads the first
	// page did not serve.
	asked, misses int
	fetching      bool
	waiting       []*listWaiter
	cancel        context.CancelFunc
}

// listWaiter is a read waiting for the list; done receives the listed
// company, or nil when it is to be read with GET.
type listWaiter struct {
	id   string
	done chan *Company
}

// NewCompanyDirectory serves company reads through client for one run.
func NewCompanyDirectory(client *Client, opts DirectoryOptions) *CompanyDirectory {
	if opts.Window <= 0 {
		opts.Window = DefaultListWindow
	}
	if opts.PageSize <= 0 || opts.PageSize > MaxPageSize {
		opts.PageSize = MaxPageSize
	}
	if opts.After == nil {
		opts.After = time.After
	}
	return &CompanyDirectory{client: client, opts: opts, listed: map[string]*Company{}}
}

// ManagedCompany is Client.GetManagedCompany, served from the run's list
// when that is cheaper and sound. matches says whether a listed company
// matches what the caller holds; one that does not is read with GET. The
// company's slices and maps may be shared with other callers: do not modify
// them.
func (d *CompanyDirectory) ManagedCompany(ctx context.Context, companyID string, matches func(*Company) bool) (*Company, error) {
	if listed := d.usable(ctx, companyID); listed != nil && (matches == nil || matches(listed)) {
		company := *listed
		return d.client.keepManaged(ctx, &company), nil
	}
	return d.client.GetManagedCompany(ctx, companyID)
}

// Connection is Client.GetConnection served, like ManagedCompany, from its
// company as the run's list shows it; one the list does not show, or that
// matches says differs from what the caller holds, is read with GET.
func (d *CompanyDirectory) Connection(ctx context.Context, companyID, connectionID string, matches func(*Connection) bool) (*Connection, error) {
	if listed := d.usable(ctx, companyID); listed != nil {
		if conn := listed.FindConnection(connectionID); conn != nil && (matches == nil || matches(conn)) {
			c := *conn
			return &c, nil
		}
	}
	return d.client.GetConnection(ctx, companyID, connectionID)
}

// usable is the listed company, unless this client has written to it: a
// list can be older than the write.
func (d *CompanyDirectory) usable(ctx context.Context, companyID string) *Company {
	if d.client.writes.wrote(companyID) {
		return nil
	}
	listed := d.fromList(ctx, companyID)
	// A write may have started while the read waited.
	if listed == nil || d.client.writes.wrote(companyID) {
		return nil
	}
	return listed
}

// fromList returns the listed company, or nil when it is to be read with
// GET: the list does not show it, is not worth fetching (yet), or failed.
func (d *CompanyDirectory) fromList(ctx context.Context, id string) *Company {
	d.mu.Lock()
	if c := d.listed[id]; c != nil {
		d.mu.Unlock()
		return c
	}
	if d.complete || d.closed {
		d.mu.Unlock()
		return nil
	}
	switch {
	case d.fetching:
		if d.pagesRead == 0 {
			d.asked++
		}
	case d.pagesRead == 0:
		d.asked++
		d.start(ctx, d.asked == 1)
	default:
		// Only a later page can show it: worth fetching once the reads
		// that needed one are as many as the pages left.
		d.misses++
		if d.misses < d.restPages {
			d.mu.Unlock()
			return nil
		}
		d.start(ctx, false)
	}
	w := &listWaiter{id: id, done: make(chan *Company, 1)}
	d.waiting = append(d.waiting, w)
	d.mu.Unlock()

	select {
	case c := <-w.done:
		return c
	case <-ctx.Done():
		d.leave(w)
		return nil
	}
}

// start fetches the next pages in the background; with window, only if
// another read arrives within it. Call with d.mu held.
func (d *CompanyDirectory) start(ctx context.Context, window bool) {
	d.fetching = true
	// The fetch serves every waiting read, so it must outlive the one that
	// started it: it stops only when no read waits for it any more (leave).
	fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel = cancel
	go d.fetch(fetchCtx, cancel, window)
}

// leave removes a read that stopped waiting, and stops the fetch when no
// read waits for it.
func (d *CompanyDirectory) leave(w *listWaiter) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, other := range d.waiting {
		if other == w {
			d.waiting = append(d.waiting[:i], d.waiting[i+1:]...)
			break
		}
	}
	if len(d.waiting) == 0 && d.fetching {
		d.cancel()
	}
}

// fetch fetches pages until received says stop; with window, only if
// another read arrives within it.
func (d *CompanyDirectory) fetch(ctx context.Context, cancel context.CancelFunc, window bool) {
	defer cancel()
	if window && !d.others(ctx) {
		return
	}
	d.mu.Lock()
	next := d.pagesRead + 1
	d.mu.Unlock()
	for next > 0 {
		page, err := d.client.listCompaniesPage(ctx, next, d.opts.PageSize)
		next = d.received(ctx, next, page, err)
	}
}

// others waits out the window and reports whether other reads came in it;
// if not, the first is read with GET. Every read that comes in it waits, so
// the first page is fetched knowing all of them.
func (d *CompanyDirectory) others(ctx context.Context) bool {
	select {
	case <-d.opts.After(d.opts.Window):
	case <-ctx.Done():
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.asked >= 2 && ctx.Err() == nil {
		return true
	}
	d.answerAll()
	d.fetching = false
	return false
}

// received records one page and answers the reads it serves; it returns the
// next page to fetch, or 0 to stop.
func (d *CompanyDirectory) received(ctx context.Context, number int, page *Page[Company], err error) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		// Stopped because no read waits: a later read may fetch it again.
		// Otherwise the client has retried already: back to GETs.
		if ctx.Err() == nil {
			d.closed = true
			d.client.logInfo(ctx, "codat company list failed; reading each company on its own", "page", number, "error", err.Error())
		}
		d.answerAll()
		d.fetching = false
		return 0
	}
	for i := range page.Results {
		c := &page.Results[i]
		d.listed[c.ID] = c
	}
	d.pagesRead, d.collected = number, d.collected+len(page.Results)
	if !hasMorePages(page, d.collected, d.opts.PageSize) {
		d.complete = true
		d.answerAll()
		d.fetching = false
		return 0
	}
	missing := d.waiting[:0]
	for _, w := range d.waiting {
		if c := d.listed[w.id]; c != nil {
			w.done <- c
		} else {
			missing = append(missing, w)
		}
	}
	clear(d.waiting[len(missing):])
	d.waiting = missing
	if number == 1 {
		d.restPages = max(1, (page.TotalResults+d.opts.PageSize-1)/d.opts.PageSize-1)
		d.misses += len(missing)
		if d.misses < d.restPages {
			d.answerAll()
			d.fetching = false
			return 0
		}
	}
	if number >= maxPages {
		d.closed = true
		d.answerAll()
		d.fetching = false
		return 0
	}
	return number + 1
}

// answerAll answers every waiting read from what is listed so far (nil:
// read with GET). Call with d.mu held.
func (d *CompanyDirectory) answerAll() {
	for _, w := range d.waiting {
		w.done <- d.listed[w.id]
	}
	d.waiting = nil
}

// listCompaniesPage is one page of GET /companies, unfiltered.
func (c *Client) listCompaniesPage(ctx context.Context, number, size int) (*Page[Company], error) {
	return listPage[Company](ctx, c, call{operation: "list-companies", path: "/companies", maxBody: maxListBody}, number, size)
}

// companyWrites are the companies a client has sent a write for: any
// request but a GET under /companies/{companyId}, noted before it is sent.
type companyWrites struct{ ids sync.Map }

func (w *companyWrites) note(path string) {
	rest, ok := strings.CutPrefix(path, "/companies/")
	if !ok {
		return
	}
	escaped, _, _ := strings.Cut(rest, "/")
	if id, err := url.PathUnescape(escaped); err == nil && id != "" {
		w.ids.Store(id, struct{}{})
	}
}

func (w *companyWrites) wrote(companyID string) bool {
	_, ok := w.ids.Load(companyID)
	return ok
}
