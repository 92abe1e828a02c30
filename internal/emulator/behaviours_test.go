package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestParseBehaviours(t *testing.T) {
	t.Parallel()
	strict, err := ParseBehaviours("strict")
	if err != nil || len(strict) != len(behaviourRegistry)-1 || slices.Contains(strict, HistoryQueryIgnored) {
		t.Errorf("strict = %v, %v: want every switch but history-query-ignored", strict, err)
	}
	if got, err := ParseBehaviours(" default , "); err != nil || len(got) != 0 {
		t.Errorf("default = %v, %v", got, err)
	}
	got, err := ParseBehaviours("company-list-delay,patch-tags-merge,company-list-delay")
	if err != nil || !slices.Equal(got, []Behaviour{PatchTagsMerge, CompanyListDelay}) {
		t.Errorf("list = %v, %v: want registry order, no repeats", got, err)
	}
	for list, want := range map[string]string{
		"patch-tags-merged":                            `unknown behaviour "patch-tags-merged"`,
		"history-query-ignored,history-query-rejected": "exclude each other",
		"strict,history-query-ignored":                 "exclude each other",
	} {
		if _, err := ParseBehaviours(list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseBehaviours(%q) = %v, want %q", list, err, want)
		}
	}
	if _, err := Open(Options{Behaviours: []Behaviour{"nope"}}); err == nil {
		t.Error("Open accepted an unknown behaviour")
	}
	for _, info := range Behaviours() {
		if info.Source == "" || info.Summary == "" || !strings.Contains(BehavioursHelp(), string(info.Name)) {
			t.Errorf("%s is not described", info.Name)
		}
	}
}

func TestControlBehaviours(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{PatchTagsMerge} })
	rec := h.control("GET", "/_emulator/behaviours", nil)
	wantStatus(t, rec, http.StatusOK)
	body := decode[behavioursBody](t, rec)
	if !slices.Equal(body.Active, []string{"patch-tags-merge"}) || len(body.Available) != len(behaviourRegistry) {
		t.Errorf("GET = %+v", body)
	}
	rec = h.control("PUT", "/_emulator/behaviours", `{"active":["strict"]}`)
	wantStatus(t, rec, http.StatusOK)
	if got := decode[behavioursBody](t, rec).Active; len(got) != len(StrictBehaviours()) {
		t.Errorf("PUT strict: active = %v", got)
	}
	wantError(t, h.control("PUT", "/_emulator/behaviours", `{"active":["nope"]}`), http.StatusBadRequest, "unknown behaviour")
	wantError(t, h.control("PUT", "/_emulator/behaviours", `{"switches":[]}`), http.StatusBadRequest, "unknown field")
	h.emu.Reset()
	if got := h.emu.ActiveBehaviours(); !slices.Equal(got, []Behaviour{PatchTagsMerge}) {
		t.Errorf("after Reset: %v, want Options.Behaviours", got)
	}
	if err := h.emu.SetBehaviours(); err != nil || len(h.emu.ActiveBehaviours()) != 0 {
		t.Errorf("SetBehaviours(): %v, %v", h.emu.ActiveBehaviours(), err)
	}
}

func TestHistoryQueryReadings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		behaviour Behaviour
		status    int
		results   int // of the 10 first-link pulls, for dataType=invoices
	}{
		{"", http.StatusOK, 1},
		{HistoryQueryIgnored, http.StatusOK, 10},
		{HistoryQueryRejected, http.StatusBadRequest, 0},
	} {
		h := newHarness(t, func(o *Options) {
			if tc.behaviour != "" {
				o.Behaviours = []Behaviour{tc.behaviour}
			}
		})
		c, _ := h.linkedCompany("gbol")
		rec := h.do("GET", "/companies/"+c.ID+"/data/history?Query="+escape("dataType=invoices"), nil)
		if tc.status != http.StatusOK {
			wantError(t, rec, tc.status, "querying is not supported")
			continue
		}
		wantStatus(t, rec, http.StatusOK)
		page := decode[codat.Page[codat.PullOperation]](t, rec)
		if page.TotalResults != tc.results {
			t.Errorf("%q: %d results, want %d", tc.behaviour, page.TotalResults, tc.results)
		}
		if tc.behaviour == HistoryQueryIgnored && strings.Contains(page.Links.Current.Href, "query=") {
			t.Errorf("ignored query echoed in %s", page.Links.Current.Href)
		}
		// Without a query, every reading lists everything.
		if n := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).TotalResults; n != 10 {
			t.Errorf("%q: %d pulls without a query", tc.behaviour, n)
		}
	}
}

func TestTagsFilterPlain(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		h := newHarness(t, func(o *Options) {
			if plain {
				o.Behaviours = []Behaviour{TagsFilterPlain}
			}
		})
		h.createCompany(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"terraform-codat-create": "ab.12.cd", "uid": "cust_1-2"}})
		list := func(filter string) (int, int) {
			rec := h.do("GET", "/companies?tags="+escape(filter), nil)
			if rec.Code != http.StatusOK {
				return rec.Code, 0
			}
			return rec.Code, decode[codat.Page[codat.Company]](t, rec).TotalResults
		}
		for filter, wantPlain := range map[string]bool{
			"uid=cust_1-2":                    true,
			"uid~cust && uid!=x":              true,
			"terraform-codat-create=ab.12.cd": false,
			"terraform-codat-create~.":        false,
			"uid=cust.1":                      false,
		} {
			status, n := list(filter)
			switch {
			case plain && !wantPlain:
				if status != http.StatusBadRequest {
					t.Errorf("plain reading: %q answered %d, want 400", filter, status)
				}
			case status != http.StatusOK || (n != 1 && filter != "uid=cust.1"):
				t.Errorf("plain=%v: %q answered %d with %d companies", plain, filter, status, n)
			}
		}
	}
}

func TestSyncSettingsSparse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{SyncSettingsSparse} })
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	fields := func(path string) map[string]json.RawMessage {
		rec := h.do("GET", path, nil)
		wantStatus(t, rec, http.StatusOK)
		return decode[map[string]json.RawMessage](t, rec)
	}
	company := fields("/companies/" + c.ID + "/syncSettings")
	if _, ok := company["companyId"]; ok || string(company["overridesDefaults"]) != "false" || company["settings"] == nil {
		t.Errorf("company settings (overridesDefaults false) = %v keys", keys(company))
	}
	profile := fields("/profile/syncSettings")
	if _, ok := profile["clientId"]; ok || profile["settings"] == nil {
		t.Errorf("profile settings = %v keys", keys(profile))
	}
	settings := decode[codat.CompanySyncSettings](t, h.do("GET", "/companies/"+c.ID+"/syncSettings", nil))
	settings.OverridesDefaults, settings.CompanyID = true, c.ID
	wantStatus(t, h.do("POST", "/companies/"+c.ID+"/syncSettings", settings), http.StatusNoContent)
	company = fields("/companies/" + c.ID + "/syncSettings")
	if _, ok := company["overridesDefaults"]; ok {
		t.Errorf("overridesDefaults true is not left out: %v", keys(company))
	}
	got := decode[codat.CompanySyncSettings](t, h.do("GET", "/companies/"+c.ID+"/syncSettings", nil))
	if !slices.Equal(got.Omitted, []string{"companyId", "overridesDefaults"}) {
		t.Errorf("the client sees %v omitted", got.Omitted)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestCompanySyncSettings404(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{CompanySyncSettings404} })
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	wantError(t, h.do("GET", "/companies/"+c.ID+"/syncSettings", nil), http.StatusNotFound, "No sync settings were found for company "+c.ID)
	settings := codat.CompanySyncSettings{CompanyID: c.ID, OverridesDefaults: true,
		Settings: []codat.SyncSetting{{DataType: "invoices", SyncSchedule: 24}}}
	wantStatus(t, h.do("POST", "/companies/"+c.ID+"/syncSettings", settings), http.StatusNoContent)
	wantStatus(t, h.do("GET", "/companies/"+c.ID+"/syncSettings", nil), http.StatusOK)
}

func TestPatchTagsReadings(t *testing.T) {
	t.Parallel()
	for _, merge := range []bool{false, true} {
		h := newHarness(t, func(o *Options) {
			if merge {
				o.Behaviours = []Behaviour{PatchTagsMerge}
			}
		})
		c := h.createCompany(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"marker": "x", "region": "uk"}})
		tags := map[string]string{"region": "us"}
		rec := h.do("PATCH", "/companies/"+c.ID, codat.CompanyUpdate{Tags: &tags})
		wantStatus(t, rec, http.StatusOK)
		want := map[string]string{"region": "us"}
		if merge {
			want["marker"] = "x"
		}
		if got := decode[codat.Company](t, rec).Tags; len(got) != len(want) || got["region"] != "us" || got["marker"] != want["marker"] {
			t.Errorf("merge=%v: tags %v, want %v", merge, got, want)
		}
		// PUT replaces under every reading.
		rec = h.do("PUT", "/companies/"+c.ID, codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"region": "fr"}})
		if got := decode[codat.Company](t, rec).Tags; len(got) != 1 {
			t.Errorf("merge=%v: PUT left tags %v", merge, got)
		}
	}
	// Merged tags still count against the limit of 10.
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{PatchTagsMerge} })
	nine := map[string]string{}
	for _, k := range strings.Split("a b c d e f g h i", " ") {
		nine[k] = "v"
	}
	c := h.createCompany(codat.CompanyRequest{Name: "Acme", Tags: nine})
	two := map[string]string{"j": "v", "k": "v"}
	wantError(t, h.do("PATCH", "/companies/"+c.ID, codat.CompanyUpdate{Tags: &two}), http.StatusBadRequest, "not valid")
}

func TestCompanyListDelay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{CompanyListDelay} })
	c := h.createCompany(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"uid": "1"}})
	listed := func() int {
		return decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?tags=uid%3D1", nil)).TotalResults
	}
	if n := listed(); n != 0 {
		t.Errorf("listed at once (%d)", n)
	}
	wantStatus(t, h.do("GET", "/companies/"+c.ID, nil), http.StatusOK)
	h.clock.Advance(ListDelay - time.Second)
	if n := listed(); n != 0 {
		t.Errorf("listed before ListDelay (%d)", n)
	}
	h.clock.Advance(time.Second)
	if n := listed(); n != 1 {
		t.Errorf("not listed after ListDelay (%d)", n)
	}
}
