package emulator

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestStatePersistsAcrossRestarts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *Options) { o.StatePath = path })
	c, conn := h.linkedCompany("gbol")
	h.do("PATCH", "/companies/"+c.ID, `{"tags":{"region":"uk"}}`)
	settings := codat.CompanySyncSettings{CompanyID: c.ID, OverridesDefaults: true,
		Settings: []codat.SyncSetting{{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 24}}}
	wantStatus(t, h.do("POST", "/companies/"+c.ID+"/syncSettings", settings), http.StatusNoContent)
	if err := h.emu.FailNextPull(c.ID, PullFailure{DataType: "bills"}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	before := decode[codat.Company](t, h.do("GET", "/companies/"+c.ID, nil))
	beforeHistory := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil))

	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("state directory holds %d files; temporary files left behind?", len(entries))
	}

	// A second emulator on the same file sees the same state.
	restarted := &harness{t: t, clock: h.clock}
	var err error
	restarted.emu, err = Open(Options{StatePath: path, Now: h.clock.Now, PublicURL: testBase})
	if err != nil {
		t.Fatal(err)
	}
	after := decode[codat.Company](t, restarted.do("GET", "/companies/"+c.ID, nil))
	if !reflect.DeepEqual(before, after) {
		t.Errorf("company after restart:\n%+v\nwant\n%+v", after, before)
	}
	afterHistory := decode[codat.Page[codat.PullOperation]](t, restarted.do("GET", "/companies/"+c.ID+"/data/history", nil))
	if !reflect.DeepEqual(beforeHistory, afterHistory) {
		t.Error("pull history changed across restart")
	}
	if got := decode[codat.CompanySyncSettings](t, restarted.do("GET", "/companies/"+c.ID+"/syncSettings", nil)); !reflect.DeepEqual(got, settings) {
		t.Errorf("sync settings after restart = %+v", got)
	}
	if _, err := restarted.emu.store.getConnection(c.ID, conn.ID, ""); err != nil {
		t.Error(err)
	}
	p := decode[codat.PullOperation](t, restarted.do("POST", "/companies/"+c.ID+"/data/queue/bills", nil))
	restarted.clock.Advance(time.Minute)
	if p = decode[codat.PullOperation](t, restarted.do("GET", "/companies/"+c.ID+"/data/history/"+p.ID, nil)); p.Status != "FetchError" {
		t.Errorf("pending pull failure lost: %+v", p)
	}
	if err := restarted.emu.Save(); err != nil {
		t.Fatal(err)
	}
	restarted.emu.Reset()
	again, err := Open(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(again.store.listCompanies("", 0)); n != 0 {
		t.Errorf("reset was not persisted: %d companies", n)
	}
}

func TestCorruptStateIsNotOverwritten(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{StatePath: path}); err == nil {
		t.Fatal("Open accepted a corrupt state file")
	}
	h := &harness{t: t, emu: New(Options{StatePath: path}), clock: newFakeClock()}
	h.createCompany(codat.CompanyRequest{Name: "Acme"})
	if body, _ := os.ReadFile(path); string(body) != "{not json" {
		t.Errorf("corrupt state overwritten with %q", body)
	}

	other := filepath.Join(dir, "v0.json")
	if err := os.WriteFile(other, []byte(`{"version":0,"companies":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{StatePath: other}); err == nil {
		t.Error("Open accepted an unknown state version")
	}
	missing := filepath.Join(dir, "new", "state.json")
	if _, err := Open(Options{StatePath: missing}); err != nil {
		t.Errorf("a missing state file is an empty state, got %v", err)
	}
}
