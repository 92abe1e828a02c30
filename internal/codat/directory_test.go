package codat_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const (
	routeList = "GET /companies"
	routeGet  = "GET /companies/{companyId}"
)

// window is the directory's wait for other reads, ended by the test.
type window struct{ ch chan time.Time }

func newWindow() *window { return &window{ch: make(chan time.Time)} }

func (w *window) after(time.Duration) <-chan time.Time { return w.ch }

// end ends this window and every later one.
func (w *window) end() { close(w.ch) }

// windowOver is a window that is over as soon as it starts.
func windowOver(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

type directoryHarness struct {
	*emulatorHarness
	dir *codat.CompanyDirectory
	ids []string
}

// newDirectoryHarness seeds n companies, each with a connection, and a
// directory with pages of pageSize (0: 5,000).
func newDirectoryHarness(t *testing.T, opts emulator.Options, n, pageSize int, after func(time.Duration) <-chan time.Time) *directoryHarness {
	t.Helper()
	h := &directoryHarness{emulatorHarness: newEmulatorHarness(t, opts)}
	ctx := context.Background()
	for i := range n {
		c := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: fmt.Sprintf("Company %d", i)}))(t)
		must(h.client.CreateConnection(ctx, c.ID, "gbol"))(t)
		h.ids = append(h.ids, c.ID)
	}
	// The run that reads them is another: it has written none of them.
	h.client = h.nextRun(t)
	h.dir = codat.NewCompanyDirectory(h.client, codat.DirectoryOptions{PageSize: pageSize, After: after})
	h.emu.ResetRequestCounts()
	return h
}

// nextRun is a client as the next Terraform run has it.
func (h *directoryHarness) nextRun(t *testing.T) *codat.Client {
	t.Helper()
	return must(codat.New(codat.Config{BaseURL: h.url, APIKey: emulatorKey,
		Retry: codat.RetryPolicy{Now: h.clock.Now, Sleep: h.clock.Sleep}}))(t)
}

type readResult struct {
	company *codat.Company
	err     error
}

// read reads a company through the directory and checks it.
func (h *directoryHarness) read(t *testing.T, id string) *codat.Company {
	t.Helper()
	c, err := h.dir.ManagedCompany(context.Background(), id, nil)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	if c.ID != id || len(c.DataConnections) != 1 {
		t.Fatalf("read %s: got %+v", id, c)
	}
	return c
}

// readAsync starts a read and returns once it waits for the list.
func (h *directoryHarness) readAsync(t *testing.T, ctx context.Context, id string) <-chan readResult {
	t.Helper()
	before := h.dir.Waiting()
	out := make(chan readResult, 1)
	go func() {
		c, err := h.dir.ManagedCompany(ctx, id, nil)
		out <- readResult{c, err}
	}()
	h.waitFor(t, before+1)
	return out
}

// waitFor yields until n reads wait for the list.
func (h *directoryHarness) waitFor(t *testing.T, n int) {
	t.Helper()
	h.until(t, fmt.Sprintf("%d reads waiting", n), func() bool { return h.dir.Waiting() >= n })
}

// until yields until cond holds: the directory works in goroutines of its own.
func (h *directoryHarness) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

func (h *directoryHarness) wantRequests(t *testing.T, lists, gets int) {
	t.Helper()
	counts := h.emu.RequestCounts()
	if counts.Routes[routeList] != lists || counts.Routes[routeGet] != gets || counts.Total != lists+gets {
		t.Errorf("requests %v, want %d of %s and %d of %s", counts.Routes, lists, routeList, gets, routeGet)
	}
}

func receive(t *testing.T, id string, ch <-chan readResult) *codat.Company {
	t.Helper()
	r := <-ch
	if r.err != nil {
		t.Fatalf("read %s: %v", id, r.err)
	}
	if r.company.ID != id {
		t.Fatalf("read %s: got %s", id, r.company.ID)
	}
	return r.company
}

func TestCompanyDirectory_oneReadIsOneGet(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 3, 0, windowOver)
	h.read(t, h.ids[0])
	h.wantRequests(t, 0, 1)

	// A second read makes the list worth it: one request serves the rest.
	h.read(t, h.ids[1])
	h.read(t, h.ids[2])
	h.wantRequests(t, 1, 1)
}

func TestCompanyDirectory_concurrentReadsShareOneList(t *testing.T) {
	t.Parallel()
	w := newWindow()
	h := newDirectoryHarness(t, emulator.Options{}, 5, 0, w.after)
	ctx := context.Background()
	first := h.readAsync(t, ctx, h.ids[0])
	second := h.readAsync(t, ctx, h.ids[1])
	w.end()
	receive(t, h.ids[0], first)
	receive(t, h.ids[1], second)
	for _, id := range h.ids[2:] {
		h.read(t, id)
	}
	h.wantRequests(t, 1, 0)
}

func TestCompanyDirectory_notListedIsReadWithGet(t *testing.T) {
	t.Parallel()
	// Codat's list lags the creates: none of the companies is listed yet.
	h := newDirectoryHarness(t, emulator.Options{Behaviours: []emulator.Behaviour{emulator.CompanyListDelay}, ListDelay: time.Hour}, 3, 0, windowOver)
	for _, id := range h.ids {
		h.read(t, id)
	}
	h.wantRequests(t, 1, 3)

	// A deleted company is gone only when its own read says so.
	gone := newDirectoryHarness(t, emulator.Options{}, 3, 0, windowOver)
	ctx := context.Background()
	if err := gone.client.DeleteCompany(ctx, gone.ids[2]); err != nil {
		t.Fatal(err)
	}
	gone.emu.ResetRequestCounts()
	gone.read(t, gone.ids[0])
	gone.read(t, gone.ids[1])
	if _, err := gone.dir.ManagedCompany(ctx, gone.ids[2], nil); !codat.IsNotFound(err) {
		t.Errorf("deleted company: %v, want not found", err)
	}
	gone.wantRequests(t, 1, 2)
}

func TestCompanyDirectory_writtenOrChangedIsReadWithGet(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 3, 0, windowOver)
	ctx := context.Background()
	h.read(t, h.ids[0])
	h.read(t, h.ids[1]) // lists
	h.wantRequests(t, 1, 1)

	// Written by this client after the list: the list is older.
	name := "Renamed"
	must(h.client.UpdateCompany(ctx, h.ids[2], codat.CompanyUpdate{Name: &name}))(t)
	h.emu.ResetRequestCounts()
	if c := h.read(t, h.ids[2]); c.Name != name {
		t.Errorf("read after a write: name %q, want %q", c.Name, name)
	}
	h.wantRequests(t, 0, 1)

	// Listed, but not what the caller holds: read again.
	h.emu.ResetRequestCounts()
	c, err := h.dir.ManagedCompany(ctx, h.ids[1], func(*codat.Company) bool { return false })
	if err != nil || c.ID != h.ids[1] {
		t.Fatalf("read = %v, %v", c, err)
	}
	h.wantRequests(t, 0, 1)
}

func TestCompanyDirectory_removesCreationMarker(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 2, 0, windowOver)
	ctx := context.Background()
	marked := map[string]string{"team": "a", codat.CreationTagKey: "abc.1700000000.def"}
	must(h.client.UpdateCompany(ctx, h.ids[1], codat.CompanyUpdate{Tags: &marked}))(t)
	h.client = h.nextRun(t)
	h.dir = codat.NewCompanyDirectory(h.client, codat.DirectoryOptions{After: windowOver})
	h.emu.ResetRequestCounts()

	h.read(t, h.ids[0])
	c := h.read(t, h.ids[1])
	if _, ok := c.Tags[codat.CreationTagKey]; ok || c.Tags["team"] != "a" {
		t.Errorf("tags = %v, want the marker removed and team kept", c.Tags)
	}
	counts := h.emu.RequestCounts().Routes
	if counts[routeList] != 1 || counts[routeGet] != 1 || counts["PATCH /companies/{companyId}"] != 1 {
		t.Errorf("requests %v, want one GET, one list and the PATCH removing the marker", counts)
	}
	stored := must(h.client.GetCompany(ctx, h.ids[1]))(t)
	if _, ok := stored.Tags[codat.CreationTagKey]; ok {
		t.Errorf("Codat still holds the marker: %v", stored.Tags)
	}
}

func TestCompanyDirectory_largeClient(t *testing.T) {
	t.Parallel()
	// 7 companies in pages of 2: the first page and 3 more.
	ctx := context.Background()
	t.Run("few reads beyond the first page are GETs", func(t *testing.T) {
		t.Parallel()
		w := newWindow()
		h := newDirectoryHarness(t, emulator.Options{}, 7, 2, w.after)
		a := h.readAsync(t, ctx, h.ids[6])
		b := h.readAsync(t, ctx, h.ids[5])
		w.end()
		receive(t, h.ids[6], a)
		receive(t, h.ids[5], b)
		h.wantRequests(t, 1, 2)
		// On the first page: no request.
		h.read(t, h.ids[0])
		h.wantRequests(t, 1, 2)
		// A third read the first page lacks: the rest costs no more than
		// the GETs it replaces.
		h.read(t, h.ids[4])
		h.read(t, h.ids[3])
		h.until(t, "the last page", func() bool { return !h.dir.Fetching() })
		h.wantRequests(t, 4, 2)
	})
	t.Run("many reads beyond the first page fetch the rest", func(t *testing.T) {
		t.Parallel()
		w := newWindow()
		h := newDirectoryHarness(t, emulator.Options{}, 7, 2, w.after)
		results := map[string]<-chan readResult{}
		for _, id := range h.ids[3:] {
			results[id] = h.readAsync(t, ctx, id)
		}
		w.end()
		for id, ch := range results {
			receive(t, id, ch)
		}
		h.wantRequests(t, 4, 0)
	})
}

func TestCompanyDirectory_failedListFallsBackToGets(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 4, 0, windowOver)
	h.script(t, emulator.ScriptedFault{Route: routeList, Status: 400})
	for _, id := range h.ids {
		h.read(t, id)
	}
	// The list is asked for once; every company is still read.
	h.wantRequests(t, 1, 4)
}

func TestCompanyDirectory_readsThatStopWaitingStopTheList(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 3, 0, newWindow().after)
	ctx, cancel := context.WithCancel(context.Background())
	first := h.readAsync(t, ctx, h.ids[0])
	cancel()
	if r := <-first; r.err == nil {
		t.Errorf("a cancelled read succeeded: %+v", r.company)
	}
	h.until(t, "the fetch to stop", func() bool { return !h.dir.Fetching() })
	h.wantRequests(t, 0, 0)
	// The run goes on: the next reads still share a list.
	h.read(t, h.ids[1])
	h.read(t, h.ids[2])
	h.wantRequests(t, 1, 0)
}

func TestCompanyDirectory_connections(t *testing.T) {
	t.Parallel()
	h := newDirectoryHarness(t, emulator.Options{}, 3, 0, windowOver)
	ctx := context.Background()
	conns := map[string]string{}
	for _, id := range h.ids {
		list := must(h.client.ListConnections(ctx, id, codat.ListOptions{}))(t)
		conns[id] = list[0].ID
	}
	h.emu.ResetRequestCounts()
	read := func(id string, matches func(*codat.Connection) bool) {
		t.Helper()
		conn, err := h.dir.Connection(ctx, id, conns[id], matches)
		if err != nil || conn.ID != conns[id] || conn.IntegrationKey != "gbol" {
			t.Fatalf("connection of %s: %+v, %v", id, conn, err)
		}
	}
	read(h.ids[0], nil) // alone: one GET
	read(h.ids[1], nil) // the list
	read(h.ids[2], nil)
	counts := h.emu.RequestCounts().Routes
	if counts[routeList] != 1 || counts["GET /companies/{companyId}/connections/{connectionId}"] != 1 || len(counts) != 2 {
		t.Errorf("requests %v, want one list and one GET of a connection", counts)
	}
	// Not what the caller holds, or not listed: GET.
	read(h.ids[2], func(*codat.Connection) bool { return false })
	if _, err := h.dir.Connection(ctx, h.ids[1], "6c5e3f43-0000-4000-8000-000000000000", nil); !codat.IsNotFound(err) {
		t.Errorf("a connection the company does not have: %v, want not found", err)
	}
	if n := h.routeCount("GET /companies/{companyId}/connections/{connectionId}"); n != 3 {
		t.Errorf("%d GETs of a connection, want 3", n)
	}
}
