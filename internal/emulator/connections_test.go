package emulator

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestCreateConnection(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	conn := h.createConnection(c.ID, "gbol")
	wantConnectionShape(t, conn)
	xero, _ := integrationByKey("gbol")
	if conn.Status != "PendingAuth" || conn.IntegrationKey != "gbol" || conn.PlatformName != "Xero" ||
		conn.SourceType != "Accounting" || conn.IntegrationID != xero.IntegrationID || conn.SourceID != xero.SourceID {
		t.Errorf("connection = %+v", conn)
	}
	if want := testBase + "/link/companies/" + c.ID + "/connections/" + conn.ID + "/start"; conn.LinkURL != want {
		t.Errorf("linkUrl = %q, want %q", conn.LinkURL, want)
	}
	if conn.LastSync != "" || conn.DataConnectionErrors != nil {
		t.Errorf("new connection has lastSync %q errors %v", conn.LastSync, conn.DataConnectionErrors)
	}
	got := decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil))
	if !reflect.DeepEqual(got, conn) {
		t.Errorf("GET = %+v, want %+v", got, conn)
	}
	plaid := h.createConnection(c.ID, "suuo")
	if plaid.SourceType != "Banking" || plaid.PlatformName != "Plaid" {
		t.Errorf("plaid = %+v", plaid)
	}

	page := decode[codat.Page[codat.Connection]](t, h.do("GET", "/companies/"+c.ID+"/connections", nil))
	if page.TotalResults != 2 || page.Results[0].ID != conn.ID || page.Results[1].ID != plaid.ID ||
		page.Links.Self.Href != "/companies/"+c.ID+"/connections" {
		t.Errorf("list = %+v", page)
	}
	page = decode[codat.Page[codat.Connection]](t, h.do("GET", "/companies/"+c.ID+"/connections?query="+escape("sourceType=Banking"), nil))
	if page.TotalResults != 1 || page.Results[0].ID != plaid.ID {
		t.Errorf("sourceType=Banking = %+v", page.Results)
	}
	page = decode[codat.Page[codat.Connection]](t, h.do("GET", "/companies/"+c.ID+"/connections?query="+escape("status=PendingAuth && integrationKey=gbol"), nil))
	if page.TotalResults != 1 || page.Results[0].ID != conn.ID {
		t.Errorf("status && key = %+v", page.Results)
	}
	wantError(t, h.do("GET", "/companies/"+c.ID+"/connections?query=status", nil), http.StatusBadRequest, "Malformed query")
}

func TestCreateConnectionErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	path := "/companies/" + c.ID + "/connections"
	wantError(t, h.do("POST", path, `{"platformKey":"abcd"}`), http.StatusBadRequest, "Integration 'abcd' does not exist")
	wantError(t, h.do("POST", path, `{"platformKey":"wvzu"}`), http.StatusBadRequest, "Integration 'wvzu' is not enabled")
	for _, bad := range []string{`{}`, `{"platformKey":"GBOL"}`, `{"platformKey":"gbo"}`, `{"platformKey":"gbol1"}`} {
		body := wantError(t, h.do("POST", path, bad), http.StatusBadRequest, "not valid")
		if body.Validation == nil || body.Validation.Errors[0].ItemID != "platformKey" {
			t.Errorf("%s: validation = %+v", bad, body.Validation)
		}
	}
	wantError(t, h.do("POST", "/companies/unknown/connections", `{"platformKey":"gbol"}`), http.StatusNotFound, "No company was found with ID unknown")
}

func TestConnectionNotFound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	other := h.createCompany(codat.CompanyRequest{Name: "Other"})
	conn := h.createConnection(other.ID, "gbol")
	for _, method := range []string{"GET", "PATCH", "DELETE"} {
		body := wantError(t, h.do(method, "/companies/"+c.ID+"/connections/"+conn.ID, `{"status":"Unlinked"}`),
			http.StatusNotFound, "Data connection "+conn.ID+" not found")
		if body.Service != "PublicApi" {
			t.Errorf("service = %q", body.Service)
		}
		wantError(t, h.do(method, "/companies/missing/connections/"+conn.ID, `{"status":"Unlinked"}`),
			http.StatusNotFound, "No company was found with ID missing")
	}
}

func TestUnlinkConnection(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, conn := h.linkedCompany("gbol")
	path := "/companies/" + c.ID + "/connections/" + conn.ID
	for _, bad := range []string{`{"status":"Linked"}`, `{"status":"Deauthorized"}`, `{"status":null}`, `{}`, `{"status":"unlinked"}`} {
		wantError(t, h.do("PATCH", path, bad), http.StatusBadRequest, "not valid")
	}
	rec := h.do("PATCH", path, `{"status":"Unlinked"}`)
	wantStatus(t, rec, http.StatusOK)
	got := decode[codat.Connection](t, rec)
	if got.Status != "Unlinked" || got.ID != conn.ID {
		t.Errorf("after unlink = %+v", got)
	}
	wantStatus(t, h.do("PATCH", path, `{"status":"Unlinked"}`), http.StatusOK)
}

// TestUnlinkOnlyLinked: Codat's docs say only Linked connections can be
// unlinked, so a PendingAuth or Deauthorized one is refused and unchanged.
func TestUnlinkOnlyLinked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(map[string]any{"name": "Unlink Rules Ltd"})
	pending := h.createConnection(c.ID, "gbol")
	deauthorized := h.createConnection(c.ID, "suuo")
	if err := h.emu.SetConnectionStatus(c.ID, deauthorized.ID, codat.StatusDeauthorized); err != nil {
		t.Fatal(err)
	}
	for _, conn := range []codat.Connection{pending, deauthorized} {
		path := "/companies/" + c.ID + "/connections/" + conn.ID
		before := decode[codat.Connection](t, h.do("GET", path, nil)).Status
		wantError(t, h.do("PATCH", path, `{"status":"Unlinked"}`), http.StatusBadRequest, "not valid")
		if after := decode[codat.Connection](t, h.do("GET", path, nil)).Status; after != before {
			t.Errorf("a refused unlink changed the status from %s to %s", before, after)
		}
	}
}

func TestDeleteConnection(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, conn := h.linkedCompany("gbol")
	path := "/companies/" + c.ID + "/connections/" + conn.ID
	rec := h.do("DELETE", path, nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("DELETE answered body %q, Content-Type %q; want none", rec.Body.String(), rec.Header().Get("Content-Type"))
	}
	wantError(t, h.do("GET", path, nil), http.StatusNotFound, "Data connection "+conn.ID+" not found")
	wantError(t, h.do("DELETE", path, nil), http.StatusNotFound, "not found")
	got := decode[codat.Company](t, h.do("GET", "/companies/"+c.ID, nil))
	if len(got.DataConnections) != 0 {
		t.Errorf("company still lists %v", got.DataConnections)
	}
}

func TestSetConnectionStatusOutOfBand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, conn := h.linkedCompany("gbol")
	if err := h.emu.SetConnectionStatus(c.ID, conn.ID, "Deauthorized"); err != nil {
		t.Fatal(err)
	}
	got := decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil))
	if got.Status != "Deauthorized" || len(got.DataConnectionErrors) != 1 {
		t.Fatalf("after Deauthorized = %+v", got)
	}
	e := got.DataConnectionErrors[0]
	if e.Status != "Active" || e.StatusCode != "401" || e.ErrorMessage == "" || e.ResolvedOnUtc != "" {
		t.Errorf("connection error = %+v", e)
	}
	wantDateTime(t, "erroredOnUtc", e.ErroredOnUtc)

	h.clock.Advance(60_000_000_000)
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	got = decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil))
	if got.Status != "Linked" || got.DataConnectionErrors[0].Status != "Resolved" || got.DataConnectionErrors[0].ResolvedOnUtc != "2026-11-27T11:17:54Z" {
		t.Errorf("after re-authorise = %+v", got)
	}
	for _, status := range []codat.ConnectionStatus{"PendingAuth", "Unlinked", "Linked"} {
		if err := h.emu.SetConnectionStatus(c.ID, conn.ID, status); err != nil {
			t.Errorf("SetConnectionStatus(%s): %v", status, err)
		}
		got = decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil))
		if got.Status != status {
			t.Errorf("status = %q, want %q", got.Status, status)
		}
	}
	if err := h.emu.SetConnectionStatus(c.ID, conn.ID, "linked"); err == nil || !strings.Contains(err.Error(), "status must be one of") {
		t.Errorf("lower-case status: %v", err)
	}
}
