package codat_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// fakeTime is the clock of the creation lease and of the emulator: sleeping
// moves it on at once, after running an optional hook (another run acting
// while this one waits).
type fakeTime struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	onWait func(n int)
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	n, hook := len(f.sleeps), f.onWait
	if d > 0 {
		f.now = f.now.Add(d)
	}
	f.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

func (f *fakeTime) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

type creationsHarness struct {
	emu       *emulator.Emulator
	client    *codat.Client
	clock     *fakeTime
	creations *codat.Creations
}

func newCreationsHarness(t *testing.T, behaviours ...emulator.Behaviour) *creationsHarness {
	t.Helper()
	return newCreationsHarnessServing(t, func(emu http.Handler) http.Handler { return emu }, behaviours...)
}

// newCreationsHarnessServing is newCreationsHarness with the emulator
// served through serve, which may answer otherwise than it does.
func newCreationsHarnessServing(t *testing.T, serve func(emu http.Handler) http.Handler, behaviours ...emulator.Behaviour) *creationsHarness {
	t.Helper()
	clock := &fakeTime{now: time.Now().Truncate(time.Second)}
	emu := emulator.New(emulator.Options{Now: clock.Now, SyncStepDuration: emulator.NoSyncDelay, Behaviours: behaviours})
	return newCreationsHarnessOn(t, emu, clock, serve)
}

// newCreationsHarnessOn serves emu, which must run on clock, through serve
// if one is given.
func newCreationsHarnessOn(t *testing.T, emu *emulator.Emulator, clock *fakeTime, serve ...func(emu http.Handler) http.Handler) *creationsHarness {
	t.Helper()
	var handler http.Handler = emu
	for _, s := range serve {
		handler = s(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	// The client's retries and waits for the list run on the same clock.
	client, err := codat.New(codat.Config{BaseURL: srv.URL, APIKey: emu.APIKey(),
		Retry: codat.RetryPolicy{Now: clock.Now, Sleep: clock.Sleep, Jitter: func(d time.Duration) time.Duration { return d }}})
	if err != nil {
		t.Fatal(err)
	}
	timing := codat.NewCreateTiming(codat.DefaultCreateLease)
	timing.Now, timing.Sleep = clock.Now, clock.Sleep
	return &creationsHarness{emu: emu, client: client, clock: clock, creations: codat.NewCreations(client, timing)}
}

var acme = codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"region": "uk"}}

// orphan creates a company as an interrupted create of body would have left
// it: created now, carrying a marker written now.
func (h *creationsHarness) orphan(t *testing.T, body codat.CompanyRequest, platformKey string) *codat.Company {
	t.Helper()
	m := codat.CreationMarker{Fingerprint: codat.CreateFingerprint(body, platformKey), Written: h.clock.Now(), Nonce: codat.NewNonce()}
	body.Tags = maps.Clone(body.Tags)
	body.Tags[codat.CreationTagKey] = m.String()
	c, err := h.client.CreateCompany(t.Context(), body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (h *creationsHarness) routes(route string) int { return h.emu.RequestCounts().Routes[route] }

func TestCreateFingerprint(t *testing.T) {
	base := codat.CreateFingerprint(acme, "gbol")
	same := codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"region": "uk", codat.CreationTagKey: "x_1_y"}}, "gbol")
	if base != same {
		t.Error("the marker changed the fingerprint")
	}
	if codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme"}, "") != codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{}}, "") {
		t.Error("no tags and empty tags differ")
	}
	for _, other := range []string{
		codat.CreateFingerprint(acme, "qhyg"),
		codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme Ltd", Tags: acme.Tags}, "gbol"),
		codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme", Description: "d", Tags: acme.Tags}, "gbol"),
		codat.CreateFingerprint(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"region": "us"}}, "gbol"),
	} {
		if other == base {
			t.Error("different configurations share a fingerprint")
		}
	}
	m := codat.CreationMarker{Fingerprint: base, Written: time.Unix(1700000000, 0), Nonce: codat.NewNonce()}
	if len(m.String()) > 100 || len(codat.CreationTagKey) > 27 {
		t.Errorf("marker %q or key too long for Codat's tag limits", m)
	}
	if got, ok := codat.ParseCreationMarker(m.String()); !ok || got.Fingerprint != m.Fingerprint || !got.Written.Equal(m.Written) || got.Nonce != m.Nonce {
		t.Errorf("round trip: %+v, %v", got, ok)
	}
	for _, bad := range []string{"", "a_b", "a_notanumber_c", "__", "a_1_", "a.1.b"} {
		if _, ok := codat.ParseCreationMarker(bad); ok {
			t.Errorf("parsed %q", bad)
		}
	}
}

// TestCreations_createsAndConfirms: a fresh create carries the marker until
// confirm, which leaves only the configured tags.
func TestCreations_createsAndConfirms(t *testing.T) {
	h := newCreationsHarness(t)
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Adopted() || !strings.HasPrefix(p.Company().Tags[codat.CreationTagKey], codat.CreateFingerprint(acme, "")+"_") {
		t.Fatalf("pending %+v", p)
	}
	done, err := h.creations.Confirm(t.Context(), p, acme.Tags)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(done.Tags, acme.Tags) {
		t.Errorf("tags after confirm %v, want %v", done.Tags, acme.Tags)
	}
	if n := h.routes("GET /companies"); n != 1 {
		t.Errorf("%d look-ups for companies left behind, want 1 per run", n)
	}
}

// TestCreations_adoptsExpiredOrphan: a company left by an interrupted create
// of the same configuration is adopted after the lease. The run's first
// create looks right after it creates (see createFirst), so it gives its new
// company up: one create and one delete more than the orphan's.
func TestCreations_adoptsExpiredOrphan(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "gbol")
	h.clock.advance(10 * time.Minute)
	p, err := h.creations.Start(t.Context(), acme, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Adopted() || p.Company().ID != left.ID {
		t.Fatalf("pending %+v, want the orphan %s adopted", p, left.ID)
	}
	if n, deleted := h.routes("POST /companies"), h.routes("DELETE /companies/{companyId}"); n != 2 || deleted != 1 {
		t.Errorf("%d creates and %d deletes, want the orphan's and one given up", n, deleted)
	}
	if n := len(must(h.client.ListCompanies(t.Context(), codat.ListCompaniesOptions{}))(t)); n != 1 {
		t.Errorf("%d companies, want the orphan only", n)
	}
	timing := h.creations.Timing()
	// Expired already: no wait for the lease, only the claim's settling.
	if want := []time.Duration{timing.ClaimWrite + timing.Margin}; !durationsAbout(h.clock.sleeps, want) {
		t.Errorf("waits %v, want %v", h.clock.sleeps, want)
	}
	if _, err := h.creations.Confirm(t.Context(), p, acme.Tags); err != nil {
		t.Fatal(err)
	}
}

// TestCreations_waitsOutTheLease: a marker written moments ago may belong
// to a create still running elsewhere: adopting waits for lease and margin.
func TestCreations_waitsOutTheLease(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "")
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil || !p.Adopted() || p.Company().ID != left.ID {
		t.Fatalf("pending %+v, err %v", p, err)
	}
	timing := h.creations.Timing()
	if want := []time.Duration{timing.Lease + timing.Margin, timing.ClaimWrite + timing.Margin}; !durationsAbout(h.clock.sleeps, want) {
		t.Errorf("waits %v, want %v", h.clock.sleeps, want)
	}
}

// TestCreations_leavesFinishedCreates: the create that wrote the marker
// finishes while this run waits; its company is not adopted.
func TestCreations_leavesFinishedCreates(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "")
	h.clock.onWait = func(n int) {
		if n == 1 {
			tags := codat.UserTags(left.Tags)
			if _, err := h.client.UpdateCompany(context.Background(), left.ID, codat.CompanyUpdate{Tags: &tags}); err != nil {
				t.Error(err)
			}
		}
	}
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil || p.Adopted() || p.Company().ID == left.ID {
		t.Fatalf("pending %+v, err %v: want a new company", p, err)
	}
}

// TestCreations_losesAClaimRace: another run claims the same company while
// this one settles; this run backs off and creates its own.
func TestCreations_losesAClaimRace(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "")
	h.clock.advance(10 * time.Minute)
	h.clock.onWait = func(n int) {
		if n == 1 { // the claim's settling wait (the lease is over already)
			rival := codat.CreationMarker{Fingerprint: codat.CreateFingerprint(acme, ""), Written: h.clock.Now(), Nonce: "rival"}
			tags := map[string]string{"region": "uk", codat.CreationTagKey: rival.String()}
			if _, err := h.client.UpdateCompany(context.Background(), left.ID, codat.CompanyUpdate{Tags: &tags}); err != nil {
				t.Error(err)
			}
		}
	}
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil || p.Adopted() || p.Company().ID == left.ID {
		t.Fatalf("pending %+v, err %v: want a new company", p, err)
	}
}

// TestCreations_oneOrphanTwoCreates: two resources of one configuration in
// one run and one orphan: one adopts it, the other creates.
func TestCreations_oneOrphanTwoCreates(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "")
	h.clock.advance(10 * time.Minute)
	first, err := h.creations.Start(t.Context(), acme, "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.creations.Start(t.Context(), acme, "")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Adopted() || first.Company().ID != left.ID || second.Adopted() || second.Company().ID == left.ID {
		t.Errorf("first %s (adopted %v), second %s (adopted %v): want the orphan once", first.Company().ID, first.Adopted(), second.Company().ID, second.Adopted())
	}
}

// TestCreations_otherConfigurationsAreLeft: an orphan of another
// configuration is never adopted.
func TestCreations_otherConfigurationsAreLeft(t *testing.T) {
	h := newCreationsHarness(t)
	h.orphan(t, codat.CompanyRequest{Name: "Other", Tags: map[string]string{"region": "uk"}}, "")
	h.clock.advance(10 * time.Minute)
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil || p.Adopted() {
		t.Fatalf("pending %+v, err %v", p, err)
	}
	if len(h.clock.sleeps) != 0 {
		t.Errorf("waited %v for a company it cannot adopt", h.clock.sleeps)
	}
}

// TestCreations_confirmAfterTheLeaseFails: a create that could not finish
// within its lease gives the company up (another run may adopt it by now)
// and leaves the marker.
func TestCreations_confirmAfterTheLeaseFails(t *testing.T) {
	h := newCreationsHarness(t)
	p, err := h.creations.Start(t.Context(), acme, "")
	if err != nil {
		t.Fatal(err)
	}
	// The lease is measured against real deadlines: make it already over.
	p.Backdate(time.Hour)
	if _, err := h.creations.Confirm(t.Context(), p, acme.Tags); err == nil || !strings.Contains(err.Error(), codat.CreationTagKey) {
		t.Fatalf("err = %v, want the lease's end", err)
	}
	got, err := h.client.GetCompany(t.Context(), p.Company().ID)
	if err != nil || got.Tags[codat.CreationTagKey] == "" {
		t.Errorf("the marker was removed after the lease (company %+v, err %v)", got, err)
	}
}

// durationsAbout compares waits to the second: the lease's start comes from
// Codat's created, which has whole seconds.
func durationsAbout(got, want []time.Duration) bool {
	return slices.EqualFunc(got, want, func(g, w time.Duration) bool { return (g - w).Abs() <= time.Second })
}
