package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// page GETs a link page without an API key, as a browser would.
func (h *harness) page(path string) (int, string) {
	h.t.Helper()
	rec := h.send("GET", path, nil, "")
	if rec.Code < 300 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		h.t.Errorf("%s: Content-Type %q", path, rec.Header().Get("Content-Type"))
	}
	return rec.Code, rec.Body.String()
}

// postForm submits a link page form, returning status, body and Location.
func (h *harness) postForm(path string, form url.Values) (int, string, string) {
	h.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header().Get("Location")
}

// elementText returns the text inside the element with id, or "" if absent.
func elementText(html, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(html)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

func TestConnectionLinkPageAuthorise(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme <Holdings> & Co"})
	conn := h.createConnection(c.ID, "gbol")
	start := strings.TrimPrefix(conn.LinkURL, testBase)

	status, html := h.page(start)
	if status != http.StatusOK {
		t.Fatalf("GET start = %d", status)
	}
	for _, want := range []string{`id="authorise"`, `id="cancel"`, "Acme Holdings &amp; Co", "Xero", `src="https://static.codat.io/public/officialLogos/Full/`} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if got := elementText(html, "status"); got != "PendingAuth" {
		t.Errorf("#status = %q", got)
	}
	if strings.Contains(html, "licence-key") {
		t.Error("a cloud platform shows a licence key")
	}

	code, _, location := h.postForm(start[:len(start)-len("/start")]+"/authorize", url.Values{})
	if code != http.StatusSeeOther || location != conn.LinkURL {
		t.Fatalf("authorise = %d → %q", code, location)
	}
	got := decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil))
	if got.Status != "Linked" {
		t.Errorf("status after authorise = %q", got.Status)
	}
	_, html = h.page(start)
	if elementText(html, "status") != "Linked" || strings.Contains(html, `id="authorise"`) || !strings.Contains(html, `id="fetching"`) {
		t.Errorf("confirmation before sync: %s", html)
	}
	h.clock.Advance(4 * time.Second)
	_, html = h.page(start)
	if name := elementText(html, "platform-company-name"); name == "" || name != platformCompanyName(c.ID) {
		t.Errorf("#platform-company-name = %q, want %q", name, platformCompanyName(c.ID))
	}
	if got := decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil)); got.LastSync != "2026-11-27T11:16:58Z" {
		t.Errorf("lastSync = %q", got.LastSync)
	}
	// Authorising again is harmless and queues nothing more.
	before := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).TotalResults
	h.postForm(start[:len(start)-len("/start")]+"/authorize", url.Values{})
	if after := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).TotalResults; after != before {
		t.Errorf("re-authorise queued %d more pulls", after-before)
	}
	if n := h.emu.RequestCounts().Routes["POST /link/companies/{companyId}/connections/{connectionId}/authorize"]; n != 2 {
		t.Errorf("authorise count = %d", n)
	}
}

func TestConnectionLinkPageCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	conn := h.createConnection(c.ID, "qhyg")
	base := "/link/companies/" + c.ID + "/connections/" + conn.ID
	code, _, location := h.postForm(base+"/cancel", url.Values{})
	if code != http.StatusSeeOther || location != conn.LinkURL+"?outcome=cancelled" {
		t.Fatalf("cancel = %d → %q", code, location)
	}
	_, html := h.page(strings.TrimPrefix(location, testBase))
	if elementText(html, "status") != "PendingAuth" || !strings.Contains(html, `id="cancelled"`) || !strings.Contains(html, `id="authorise"`) {
		t.Errorf("cancelled page: %s", html)
	}
	if got := decode[codat.Connection](t, h.do("GET", "/companies/"+c.ID+"/connections/"+conn.ID, nil)); got.Status != "PendingAuth" {
		t.Errorf("status after cancel = %q", got.Status)
	}
}

func TestOfflineConnectorShowsLicenceKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	conn := h.createConnection(c.ID, "pqsw")
	_, html := h.page(strings.TrimPrefix(conn.LinkURL, testBase))
	if got := elementText(html, "licence-key"); got != c.ID {
		t.Errorf("#licence-key = %q, want the company id %q", got, c.ID)
	}
	if !strings.Contains(html, `id="offline-connector"`) || !strings.Contains(html, "same computer as QuickBooks Desktop") {
		t.Errorf("offline note missing: %s", html)
	}
}

func TestCompanyLinkPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	existing := h.createConnection(c.ID, "suuo")
	status, html := h.page(strings.TrimPrefix(c.Redirect, testBase))
	if status != http.StatusOK {
		t.Fatalf("company page = %d", status)
	}
	if !strings.Contains(html, `id="connection-`+existing.ID+`" href="`+existing.LinkURL+`"`) {
		t.Errorf("company page lacks the existing connection")
	}
	if !strings.Contains(html, `id="platform-gbol"`) || strings.Contains(html, `id="platform-wvzu"`) {
		t.Errorf("company page should offer enabled platforms only")
	}

	code, _, location := h.postForm("/link/company/"+c.ID+"/connections", url.Values{"platformKey": {"gbol"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(location, testBase+"/link/companies/"+c.ID+"/connections/") {
		t.Fatalf("choose platform = %d → %q", code, location)
	}
	page := decode[codat.Page[codat.Connection]](t, h.do("GET", "/companies/"+c.ID+"/connections", nil))
	if page.TotalResults != 2 || page.Results[1].IntegrationKey != "gbol" || page.Results[1].LinkURL != location {
		t.Errorf("connections after choosing = %+v", page.Results)
	}
	code, html, _ = h.postForm("/link/company/"+c.ID+"/connections", url.Values{"platformKey": {"wvzu"}})
	if code != http.StatusBadRequest || !strings.Contains(html, "is not enabled") {
		t.Errorf("disabled platform = %d %s", code, html)
	}
}

func TestLinkPagesForUnknownIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	status, html := h.page("/link/company/missing")
	if status != http.StatusNotFound || !strings.Contains(html, `id="error"`) || !strings.Contains(html, "No company was found with ID missing") {
		t.Errorf("unknown company page = %d %s", status, html)
	}
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	status, _ = h.page("/link/companies/" + c.ID + "/connections/missing/start")
	code, _, _ := h.postForm("/link/companies/"+c.ID+"/connections/missing/authorize", url.Values{})
	cancel, _, _ := h.postForm("/link/companies/"+c.ID+"/connections/missing/cancel", url.Values{})
	if status != http.StatusNotFound || code != http.StatusNotFound || cancel != http.StatusNotFound {
		t.Errorf("unknown connection: page %d, authorise %d, cancel %d", status, code, cancel)
	}
}

func TestLinkPagesEscapeHTML(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Names are sanitized, so inject through a tag-free path: the description
	// is not shown, but an unknown company id is echoed in the error page.
	status, html := h.page("/link/company/" + url.PathEscape(`<img src=x onerror=alert(1)>`))
	if status != http.StatusNotFound || strings.Contains(html, "<img src=x") || !strings.Contains(html, "&lt;img src=x") {
		t.Errorf("error page does not escape: %s", html)
	}
}
