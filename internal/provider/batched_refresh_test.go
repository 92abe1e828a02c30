package provider

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// batchedConfig is n companies with connections, refreshed together.
func batchedConfig(n int) string {
	return fmt.Sprintf(`
resource "codat_company" "c" {
  count        = %d
  name         = "Batch ${count.index}"
  tags         = { batch = "refresh" }
  platform_key = "gbol"
}
`, n)
}

func wantRoutes(t *testing.T, env *testEnv, what string, want map[string]int) {
	t.Helper()
	if got := env.Emulator.RequestCounts().Routes; !maps.Equal(got, want) {
		t.Errorf("%s sent %v, want %v", what, got, want)
	}
}

// TestAccCompany_batchedRefresh: a plan of several companies is one list
// request; drift found in it (renamed, deleted, status changed out of band)
// is read again, one company at a time, before the state changes.
func TestAccCompany_batchedRefresh(t *testing.T) {
	t.Parallel()
	// A lagging list is TestAccCompany_batchedRefreshListLags'.
	env := newListedTestEnv(t)
	w := newCLIWorkdir(t, env, batchedConfig(6))
	w.apply(nil)
	env.Emulator.ResetRequestCounts()
	w.planIsEmpty(nil)
	wantRoutes(t, env, "a plan of 6 companies", map[string]int{routeListCompanies: 1})

	companies := w.stateCompanies()
	ctx := env.ctx(t)
	renamed := "Renamed outside"
	if _, err := env.Client.UpdateCompany(ctx, companies[1].ID, codat.CompanyUpdate{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.DeleteCompany(ctx, companies[2].ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Emulator.SetConnectionStatus(companies[3].ID, companies[3].ConnectionID, codat.StatusDeauthorized); err != nil {
		t.Fatal(err)
	}
	env.Emulator.ResetRequestCounts()
	w.mustRun(nil, "apply", "-refresh-only", "-auto-approve", "-no-color", "-input=false")
	wantRoutes(t, env, "a refresh with 3 companies drifted", map[string]int{routeListCompanies: 1, routeGetCompany: 3})

	after := map[string]stateCompany{}
	for _, c := range w.stateCompanies() {
		after[c.ID] = c
	}
	if len(after) != 5 {
		t.Errorf("%d companies in state after the refresh, want 5 (one deleted)", len(after))
	}
	if _, ok := after[companies[2].ID]; ok {
		t.Errorf("the deleted company %s is still in state", companies[2].ID)
	}
	if got := after[companies[1].ID].Name; got != renamed {
		t.Errorf("renamed company: name %q in state, want %q", got, renamed)
	}
	if got := after[companies[3].ID].Status; got != string(codat.StatusDeauthorized) {
		t.Errorf("deauthorised company: status %q in state, want %q", got, codat.StatusDeauthorized)
	}
}

// TestAccCompany_batchedRefreshListLags: when Codat's list lags the creates
// (emulator switch CompanyListDelay), no company it leaves out is removed
// from state: each is read on its own.
func TestAccCompany_batchedRefreshListLags(t *testing.T) {
	t.Parallel()
	env := newTestEnvWith(t, emulator.Options{Behaviours: []emulator.Behaviour{emulator.CompanyListDelay}, ListDelay: time.Hour})
	w := newCLIWorkdir(t, env, batchedConfig(4))
	w.apply(nil)
	env.Emulator.ResetRequestCounts()
	w.planIsEmpty(nil)
	wantRoutes(t, env, "a plan of 4 companies not listed yet", map[string]int{routeListCompanies: 1, routeGetCompany: 4})
	if n := len(w.stateCompanies()); n != 4 {
		t.Errorf("%d companies in state, want 4", n)
	}
}
