package codat_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// The creates under each reading of Codat where its docs are silent (the
// emulator's switches): the marker, the look-ups and the confirm work, and
// no company is made twice. All on the injected clock.

// createAndConfirm is one create of a run, as codat_company makes it.
func (h *creationsHarness) createAndConfirm(t *testing.T, body codat.CompanyRequest) *codat.Company {
	t.Helper()
	p, err := h.creations.Start(t.Context(), body, "")
	if err != nil {
		t.Fatal(err)
	}
	done, err := h.creations.Confirm(t.Context(), p, body.Tags)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

func (h *creationsHarness) companies(t *testing.T) []codat.Company {
	t.Helper()
	h.clock.advance(emulator.ListDelay) // past any list delay
	return must(h.client.ListCompanies(t.Context(), codat.ListCompaniesOptions{}))(t)
}

// TestCreations_plainTagsFilter: a filter that accepts only plain keys and
// values still finds the marked companies and a create's token.
func TestCreations_plainTagsFilter(t *testing.T) {
	h := newCreationsHarness(t, emulator.TagsFilterPlain)
	left := h.orphan(t, acme, "")
	h.clock.advance(10 * time.Minute)
	// A 503 to the create makes the run look its token up too.
	must(0, h.emu.ScriptFaults(emulator.ScriptedFault{Route: "POST /companies", Status: 503}))(t)
	done := h.createAndConfirm(t, acme)
	if done.ID != left.ID || !maps.Equal(done.Tags, acme.Tags) {
		t.Errorf("got %+v, want the orphan %s adopted with tags %v", done, left.ID, acme.Tags)
	}
	// The token's look-up before the create is sent again and after, then
	// the marked companies' (a refused filter would add a list of all).
	if n := h.routes("GET /companies"); n != 3 {
		t.Errorf("%d look-ups, want 3", n)
	}
	if n := len(h.companies(t)); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
}

// TestCreations_tagsFilterRefused: a tags filter refused outright (no
// reading of the emulator, but nothing promises "~" in it) falls back to
// listing every company.
func TestCreations_tagsFilterRefused(t *testing.T) {
	h := newCreationsHarness(t)
	left := h.orphan(t, acme, "")
	h.clock.advance(10 * time.Minute)
	must(0, h.emu.ScriptFaults(emulator.ScriptedFault{Route: "GET /companies", Status: 400}))(t)
	if done := h.createAndConfirm(t, acme); done.ID != left.ID {
		t.Errorf("got %s, want the orphan %s adopted", done.ID, left.ID)
	}
}

// TestCreations_patchMergesTags: when PATCH merges tags, the marker is
// removed by PUT, and later removals go to PUT at once.
func TestCreations_patchMergesTags(t *testing.T) {
	h := newCreationsHarness(t, emulator.PatchTagsMerge)
	for i, want := range []struct{ patches, puts int }{{1, 1}, {1, 2}} {
		done := h.createAndConfirm(t, codat.CompanyRequest{Name: "Acme", Description: "kept", Tags: acme.Tags})
		if !maps.Equal(done.Tags, acme.Tags) || done.Description != "kept" {
			t.Errorf("create %d: %+v, want tags %v and the description", i+1, done, acme.Tags)
		}
		got := must(h.client.GetCompany(t.Context(), done.ID))(t)
		if _, marked := got.Tags[codat.CreationTagKey]; marked {
			t.Errorf("create %d: the marker is still there: %v", i+1, got.Tags)
		}
		if p, u := h.routes("PATCH /companies/{companyId}"), h.routes("PUT /companies/{companyId}"); p != want.patches || u != want.puts {
			t.Errorf("after create %d: %d PATCH and %d PUT, want %d and %d", i+1, p, u, want.patches, want.puts)
		}
	}
}

// TestGetManagedCompany_patchMergesTags: a marker left on a managed company
// is removed under either reading of PATCH.
func TestGetManagedCompany_patchMergesTags(t *testing.T) {
	for _, behaviours := range [][]emulator.Behaviour{nil, {emulator.PatchTagsMerge}} {
		h := newCreationsHarness(t, behaviours...)
		left := h.orphan(t, acme, "")
		got := must(h.client.GetManagedCompany(t.Context(), left.ID))(t)
		if !maps.Equal(got.Tags, acme.Tags) || got.Name != "Acme" {
			t.Errorf("%v: %+v, want tags %v", behaviours, got, acme.Tags)
		}
		if stored := must(h.client.GetCompany(t.Context(), left.ID))(t); !maps.Equal(stored.Tags, acme.Tags) {
			t.Errorf("%v: stored tags %v", behaviours, stored.Tags)
		}
	}
}

// TestCreations_listDelayFindsTheOrphan: a killed run left a company a
// moment ago, which GET /companies does not show yet. The next run's first
// create waits until the list shows its own company, then sees the orphan,
// deletes its own and adopts the orphan: one company, not two.
func TestCreations_listDelayFindsTheOrphan(t *testing.T) {
	h := newCreationsHarness(t, emulator.CompanyListDelay)
	left := h.orphan(t, acme, "")
	done := h.createAndConfirm(t, acme)
	if done.ID != left.ID {
		t.Errorf("got %s, want the orphan %s adopted", done.ID, left.ID)
	}
	if n := len(h.companies(t)); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
	if n := h.routes("DELETE /companies/{companyId}"); n != 1 {
		t.Errorf("%d deletes, want the company made before the orphan was seen", n)
	}
}

// TestCreations_listDelayNoOrphan: with nothing to adopt, the first create
// of a run waits for the list once; the others do not.
func TestCreations_listDelayNoOrphan(t *testing.T) {
	h := newCreationsHarness(t, emulator.CompanyListDelay)
	start := h.clock.Now()
	h.createAndConfirm(t, acme)
	waited := h.clock.Now().Sub(start)
	if waited < emulator.ListDelay || waited > emulator.ListDelay+5*time.Second {
		t.Errorf("the first create waited %s, want about the list delay, %s", waited, emulator.ListDelay)
	}
	lists := h.routes("GET /companies")
	h.createAndConfirm(t, codat.CompanyRequest{Name: "Other"})
	if n := h.routes("GET /companies"); n != lists {
		t.Errorf("the second create listed companies %d times", n-lists)
	}
	if n := len(h.companies(t)); n != 2 {
		t.Errorf("%d companies, want 2", n)
	}
}

// TestCreateCompanyOnce_listDelay: Codat creates the company but answers
// 503, and does not list it yet. The look-up finds nothing, the create is
// sent again; the list, once it shows the new company, shows the first too,
// and one of the two is deleted.
func TestCreateCompanyOnce_listDelay(t *testing.T) {
	var posts atomic.Int32
	h := newCreationsHarnessServing(t, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/companies" && posts.Add(1) == 1 {
				emu.ServeHTTP(httptest.NewRecorder(), r) // created
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			emu.ServeHTTP(w, r)
		})
	}, emulator.CompanyListDelay)
	req := taggedRequest("Acme")
	got, err := h.client.CreateCompanyOnce(t.Context(), req, onceKey, onceValue)
	if err != nil {
		t.Fatal(err)
	}
	list := h.companies(t)
	if len(list) != 1 || list[0].ID != got.ID {
		t.Errorf("companies %+v, want only the one returned, %s", list, got.ID)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d creates, want 2", n)
	}
}

// TestCreateCompanyOnce_listDelayStopped: the same, but the caller stops
// before the create can be sent again: the error says Codat may have
// created the company, which it did.
func TestCreateCompanyOnce_listDelayStopped(t *testing.T) {
	h := newCreationsHarnessServing(t, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				emu.ServeHTTP(httptest.NewRecorder(), r)
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			emu.ServeHTTP(w, r)
		})
	}, emulator.CompanyListDelay)
	ctx, cancel := context.WithCancel(t.Context())
	h.clock.onWait = func(int) { cancel() }
	_, err := h.client.CreateCompanyOnce(ctx, taggedRequest("Acme"), onceKey, onceValue)
	if err == nil || !codat.OutcomeUnknown(err) {
		t.Fatalf("err = %v, want an unknown outcome", err)
	}
	if n := len(h.companies(t)); n != 1 {
		t.Errorf("%d companies, want the one Codat made", n)
	}
}

// TestCreations_confirmOutlivesAStop: the caller stops (Ctrl-C) while the
// marker is being removed. The removal is not abandoned in flight, which
// could leave a company that Codat unmarked but nothing records: it
// finishes and the company is handed over.
func TestCreations_confirmOutlivesAStop(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	h := newCreationsHarnessServing(t, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch || r.Method == http.MethodPut {
				cancel()
				select { // a request abandoned by its client ends at once
				case <-r.Context().Done():
					t.Errorf("%s was abandoned when the caller stopped", r.Method)
				case <-time.After(100 * time.Millisecond):
				}
			}
			emu.ServeHTTP(w, r)
		})
	}, emulator.PatchTagsMerge)
	p, err := h.creations.Start(ctx, acme, "")
	if err != nil {
		t.Fatal(err)
	}
	done, err := h.creations.Confirm(ctx, p, acme.Tags)
	if err != nil || !maps.Equal(done.Tags, acme.Tags) {
		t.Fatalf("confirm after a stop: %+v, %v", done, err)
	}
}
