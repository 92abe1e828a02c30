package codat_test

import (
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// TestReleaseConnection: releasing keeps what the business linked, with
// its data, unless deletion is asked for; each case makes only the
// requests it needs.
func TestReleaseConnection(t *testing.T) {
	t.Parallel()
	h := newEmulatorHarness(t, emulator.Options{})
	ctx := t.Context()
	const (
		get    = "GET /companies/{companyId}/connections/{connectionId}"
		unlink = "PATCH /companies/{companyId}/connections/{connectionId}"
		del    = "DELETE /companies/{companyId}/connections/{connectionId}"
	)
	for _, tc := range []struct {
		name         string
		status       codat.ConnectionStatus
		deleteLinked bool
		want         codat.Release
		// wantAfter is the status left at Codat; "" means deleted.
		wantAfter                codat.ConnectionStatus
		gets, unlinks, deletions int
	}{
		{"never linked", codat.StatusPendingAuth, false, codat.ReleaseDeleted, "", 1, 0, 1},
		{"linked", codat.StatusLinked, false, codat.ReleaseUnlinked, codat.StatusUnlinked, 1, 1, 0},
		{"deauthorized", codat.StatusDeauthorized, false, codat.ReleaseKept, codat.StatusDeauthorized, 1, 0, 0},
		{"unlinked", codat.StatusUnlinked, false, codat.ReleaseKept, codat.StatusUnlinked, 1, 0, 0},
		{"linked, deletion asked for", codat.StatusLinked, true, codat.ReleaseDeleted, "", 0, 0, 1},
		{"deauthorized, deletion asked for", codat.StatusDeauthorized, true, codat.ReleaseDeleted, "", 0, 0, 1},
	} {
		ids, err := h.emu.Seed(emulator.SeedCompany{Name: "Release " + tc.name, Connections: []emulator.SeedConnection{{PlatformKey: "gbol", Status: tc.status}}})
		if err != nil {
			t.Fatal(err)
		}
		company := must(h.client.GetCompany(ctx, ids[0]))(t)
		conn := company.DataConnections[0]
		h.emu.ResetRequestCounts()
		got, was, err := h.client.ReleaseConnection(ctx, company.ID, conn.ID, tc.deleteLinked)
		if err != nil || got != tc.want {
			t.Errorf("%s: ReleaseConnection = %q, %v; want %q", tc.name, got, err, tc.want)
		}
		if !tc.deleteLinked && was != tc.status {
			t.Errorf("%s: reported status %q, want %q", tc.name, was, tc.status)
		}
		if n := [3]int{h.routeCount(get), h.routeCount(unlink), h.routeCount(del)}; n != [3]int{tc.gets, tc.unlinks, tc.deletions} {
			t.Errorf("%s: %d GET, %d PATCH, %d DELETE; want %d, %d, %d", tc.name, n[0], n[1], n[2], tc.gets, tc.unlinks, tc.deletions)
		}
		after, err := h.client.GetConnection(ctx, company.ID, conn.ID)
		switch {
		case tc.wantAfter == "" && !codat.IsNotFound(err):
			t.Errorf("%s: the connection was not deleted (%v, %v)", tc.name, after, err)
		case tc.wantAfter != "" && (err != nil || after.Status != tc.wantAfter):
			t.Errorf("%s: the connection is %v (%v), want it kept %s", tc.name, after, err, tc.wantAfter)
		}
		// Gone already: nothing to do, and no error.
		if again, _, err := h.client.ReleaseConnection(ctx, company.ID, "00000000-0000-4000-8000-000000000000", tc.deleteLinked); err != nil || again != codat.ReleaseGone {
			t.Errorf("%s: releasing a missing connection = %q, %v; want gone", tc.name, again, err)
		}
	}
}
