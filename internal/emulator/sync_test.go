package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestSyncProgressionFollowsTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, conn := h.linkedCompany("gbol")
	history := func() []codat.PullOperation {
		t.Helper()
		return decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?pageSize=5000", nil)).Results
	}
	pulls := history()
	var want []string
	for _, dt := range fetchedOnFirstLink {
		if dataTypeSupported("Accounting", dt) {
			want = append(want, dt)
		}
	}
	if len(pulls) != len(want) {
		t.Fatalf("first link queued %d pulls, want %d (%v)", len(pulls), len(want), want)
	}
	for _, p := range pulls {
		wantUUID(t, "id", p.ID)
		if p.Status != "Queued" || p.Progress != 0 || p.IsCompleted || p.IsErrored || p.Completed != "" ||
			p.CompanyID != c.ID || p.ConnectionID != conn.ID || p.Requested != "2026-11-27T11:16:54Z" {
			t.Errorf("queued pull = %+v", p)
		}
		if !slices.Contains(want, p.DataType) {
			t.Errorf("unexpected data type %s", p.DataType)
		}
	}

	h.clock.Advance(2 * time.Second)
	for _, p := range history() {
		if p.Status != "Fetching" || p.Progress != 50 || p.IsCompleted {
			t.Errorf("fetching pull = %+v", p)
		}
	}
	status := decode[codat.DataStatuses](t, h.do("GET", "/companies/"+c.ID+"/dataStatus", nil))
	if s := status["company"]; s.CurrentStatus != "Fetching" || s.LastSuccessfulSync != "" || s.LatestSuccessfulSyncID != "" {
		t.Errorf("dataStatus while fetching = %+v", s)
	}

	h.clock.Advance(2 * time.Second)
	for _, p := range history() {
		if p.Status != "Complete" || p.Progress != 100 || !p.IsCompleted || p.IsErrored || p.Completed != "2026-11-27T11:16:58Z" {
			t.Errorf("complete pull = %+v", p)
		}
	}
	status = decode[codat.DataStatuses](t, h.do("GET", "/companies/"+c.ID+"/dataStatus", nil))
	if len(status) != len(want) {
		t.Errorf("dataStatus has %d types, want %d", len(status), len(want))
	}
	s := status["invoices"]
	if s.DataType != "invoices" || s.CurrentStatus != "Complete" || s.LastSuccessfulSync != "2026-11-27T11:16:58Z" ||
		s.LatestSyncID != s.LatestSuccessfulSyncID {
		t.Errorf("invoices status = %+v", s)
	}
	wantUUID(t, "latestSyncId", s.LatestSyncID)
	if _, ok := status["banking-accounts"]; ok {
		t.Error("an accounting connection pulled banking data")
	}
}

func TestSyncCompletesImmediatelyWithNoSyncDelay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.SyncStepDuration = NoSyncDelay })
	c, _ := h.linkedCompany("suuo")
	for _, p := range decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).Results {
		if p.Status != "Complete" || p.Completed != p.Requested || p.DataType[:8] != "banking-" {
			t.Errorf("pull = %+v", p)
		}
	}
}

func TestRefreshDataType(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	xero := h.createConnection(c.ID, "gbol")
	queue := func(path string) *httptest.ResponseRecorder {
		return h.do("POST", "/companies/"+c.ID+"/data/queue/"+path, nil)
	}
	wantError(t, queue("invoices"), http.StatusBadRequest, "has no linked data connection")
	wantError(t, h.do("POST", "/companies/"+c.ID+"/data/all", nil), http.StatusBadRequest, "has no linked data connection")
	wantError(t, queue("invoices?connectionId="+xero.ID), http.StatusBadRequest, "is PendingAuth, not Linked")

	if err := h.emu.Authorize(c.ID, xero.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	rec := queue("invoices")
	wantStatus(t, rec, http.StatusOK)
	p := decode[codat.PullOperation](t, rec)
	if p.DataType != "invoices" || p.Status != "Queued" || p.ConnectionID != xero.ID || p.CompanyID != c.ID ||
		p.Requested != "2026-11-27T11:17:54Z" {
		t.Errorf("queued = %+v", p)
	}
	got := decode[codat.PullOperation](t, h.do("GET", "/companies/"+c.ID+"/data/history/"+p.ID, nil))
	if got != p {
		t.Errorf("GET history/%s = %+v, want %+v", p.ID, got, p)
	}
	rec = queue("items?connectionId=" + xero.ID)
	wantStatus(t, rec, http.StatusOK)

	// A data type the linked platform lacks is 404 (docs using-the-api/errors.md).
	wantError(t, queue("banking-accounts"), http.StatusNotFound, "Datatype banking-accounts not supported by platform(s) Xero")
	wantError(t, queue("banking-accounts?connectionId="+xero.ID), http.StatusNotFound, "not supported by platform(s) Xero")

	body := wantError(t, queue("widgets"), http.StatusBadRequest, "'widgets' is not a valid data type")
	if body.Validation == nil || body.Validation.Errors[0].ItemID != "dataType" {
		t.Errorf("validation = %+v", body.Validation)
	}
	wantError(t, queue("invoices?connectionId=00000000-0000-0000-0000-000000000000"), http.StatusNotFound,
		"Data connection 00000000-0000-0000-0000-000000000000 not found")
	wantError(t, h.do("POST", "/companies/missing/data/queue/invoices", nil), http.StatusNotFound, "No company was found")
	wantError(t, h.do("GET", "/companies/"+c.ID+"/data/history/missing", nil), http.StatusNotFound, "No pull operation was found with ID missing")

	before := len(decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).Results)
	rec = h.do("POST", "/companies/"+c.ID+"/data/all", nil)
	wantStatus(t, rec, http.StatusNoContent)
	if rec.Body.Len() != 0 {
		t.Errorf("data/all body %q", rec.Body.String())
	}
	// data/all queues later, not at once; then every first-link type but
	// invoices and items, which are still syncing.
	history := func() int {
		return decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).TotalResults
	}
	if n := history() - before; n != 0 {
		t.Errorf("data/all queued %d pulls at once, want them a sync step later", n)
	}
	h.clock.Advance(time.Second)
	if n := history() - before; n != 0 {
		t.Errorf("data/all queued %d pulls within a sync step", n)
	}
	h.clock.Advance(time.Second)
	if n := history() - before; n != 9 {
		t.Errorf("data/all queued %d pulls, want 9 (the 10 first-link types less invoices, still syncing)", n)
	}
}

// TestDatasetAlreadyInProgress: a data type that is still syncing cannot
// be queued again (docs using-the-api/queueing-data-syncs.md); the status
// is 400, or 409 under DatasetInProgress409.
func TestDatasetAlreadyInProgress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		behaviours []Behaviour
		status     int
	}{{nil, http.StatusBadRequest}, {[]Behaviour{DatasetInProgress409}, http.StatusConflict}} {
		h := newHarness(t, func(o *Options) { o.Behaviours = tc.behaviours })
		c, _ := h.linkedCompany("gbol") // queues invoices, among others
		var first codat.PullOperation
		for _, p := range decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("dataType=invoices"), nil)).Results {
			first = p
		}
		queue := func() *httptest.ResponseRecorder { return h.do("POST", "/companies/"+c.ID+"/data/queue/invoices", nil) }
		wantError(t, queue(), tc.status, fmt.Sprintf(
			"DatasetAlreadyInProgressException: Cannot queue invoices sync for %s as previous sync %s is still in progress", c.ID, first.ID))
		h.clock.Advance(3 * time.Second) // still Fetching
		wantError(t, queue(), tc.status, "DatasetAlreadyInProgressException")
		h.clock.Advance(time.Second) // complete
		wantStatus(t, queue(), http.StatusOK)
		wantError(t, queue(), tc.status, "DatasetAlreadyInProgressException")
		wantStatus(t, h.do("POST", "/companies/"+c.ID+"/data/queue/bills", nil), http.StatusOK) // other types are not held up
	}
}

func TestRefreshSpansLinkedConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	plaid := h.createConnection(c.ID, "suuo")
	sandbox := h.createConnection(c.ID, "qhnd")
	xero := h.createConnection(c.ID, "gbol")
	for _, conn := range []codat.Connection{plaid, sandbox, xero} {
		if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Advance(time.Minute) // the first-link pulls are done
	p := decode[codat.PullOperation](t, h.do("POST", "/companies/"+c.ID+"/data/queue/banking-transactions", nil))
	if p.ConnectionID != plaid.ID {
		t.Errorf("first pull on %s, want Plaid %s", p.ConnectionID, plaid.ID)
	}
	page := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("dataType=banking-transactions"), nil))
	// Two from first links, two from the refresh.
	if page.TotalResults != 4 {
		t.Errorf("banking-transactions pulls = %d, want 4", page.TotalResults)
	}
}

func TestPullHistoryListing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := h.linkedCompany("gbol")
	h.clock.Advance(time.Hour)
	latest := decode[codat.PullOperation](t, h.do("POST", "/companies/"+c.ID+"/data/queue/journals", nil))
	page := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?pageSize=3", nil))
	if page.Results[0].ID != latest.ID || page.PageSize != 3 || len(page.Results) != 3 || page.Links.Next == nil ||
		page.Links.Next.Href != "/companies/"+c.ID+"/data/history?page=2&pageSize=3" {
		t.Errorf("history page = %+v", page)
	}
	page = decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("status!=Complete&&status!=NotSupported"), nil))
	if page.TotalResults != 1 || page.Results[0].ID != latest.ID {
		t.Errorf("not complete = %+v", page.Results)
	}
	page = decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("progress>=100")+"&orderBy=dataType", nil))
	if page.TotalResults != 10 || page.Results[0].DataType != "balanceSheet" {
		t.Errorf("progress>=100 = %d, first %s", page.TotalResults, page.Results[0].DataType)
	}
	body := wantError(t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("isCompleted=true"), nil), http.StatusBadRequest,
		"Error parsing query - Could not resolve property isCompleted on Dataset")
	if body.Service != "PullApi" {
		t.Errorf("service = %q", body.Service)
	}
}

func TestPullFailures(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.FailNextPull(c.ID, PullFailure{DataType: "invoices", ErrorMessage: "Xero rejected the request"}); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.FailNextPull(c.ID, PullFailure{DataType: "company", Status: "AuthError", Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(4 * time.Second)
	status := decode[codat.DataStatuses](t, h.do("GET", "/companies/"+c.ID+"/dataStatus", nil))
	if status["invoices"].CurrentStatus != "FetchError" || status["invoices"].LastSuccessfulSync != "" ||
		status["company"].CurrentStatus != "AuthError" || status["bills"].CurrentStatus != "Complete" {
		t.Errorf("dataStatus = %+v / %+v / %+v", status["invoices"], status["company"], status["bills"])
	}
	page := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?query="+escape("dataType=invoices"), nil))
	if p := page.Results[0]; p.Status != "FetchError" || !p.IsErrored || p.IsCompleted || p.ErrorMessage != "Xero rejected the request" || p.Completed == "" {
		t.Errorf("failed pull = %+v", p)
	}
	// The invoice failure is used up; the company one has one use left.
	inv := decode[codat.PullOperation](t, h.do("POST", "/companies/"+c.ID+"/data/queue/invoices", nil))
	comp := decode[codat.PullOperation](t, h.do("POST", "/companies/"+c.ID+"/data/queue/company", nil))
	h.clock.Advance(4 * time.Second)
	inv = decode[codat.PullOperation](t, h.do("GET", "/companies/"+c.ID+"/data/history/"+inv.ID, nil))
	comp = decode[codat.PullOperation](t, h.do("GET", "/companies/"+c.ID+"/data/history/"+comp.ID, nil))
	if inv.Status != "Complete" || comp.Status != "AuthError" || comp.ErrorMessage == "" {
		t.Errorf("second pulls: invoices %s, company %s %q", inv.Status, comp.Status, comp.ErrorMessage)
	}
	for _, bad := range []PullFailure{{DataType: "widgets"}, {DataType: "invoices", Status: "Complete"}, {DataType: "invoices", Count: -1}} {
		if err := h.emu.FailNextPull(c.ID, bad); err == nil {
			t.Errorf("FailNextPull(%+v) accepted", bad)
		}
	}
	if err := h.emu.FailNextPull("missing", PullFailure{DataType: "invoices"}); err == nil {
		t.Error("FailNextPull(missing company) accepted")
	}
}

func TestCompanyInfo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Dummy name"})
	path := "/companies/" + c.ID + "/data/info"
	wantError(t, h.do("GET", path, nil), http.StatusConflict, "The dataset has not been requested or is still syncing")
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, h.do("GET", path, nil), http.StatusConflict, "still syncing")
	h.clock.Advance(3 * time.Second)
	wantError(t, h.do("GET", path, nil), http.StatusConflict, "still syncing")
	h.clock.Advance(time.Second)
	rec := h.do("GET", path, nil)
	wantStatus(t, rec, http.StatusOK)
	info := decode[codat.CompanyInfo](t, rec)
	if info.CompanyName == "" || info.CompanyLegalName == "" || info.AccountingPlatformRef == "" || info.BaseCurrency == "" ||
		info.RegistrationNumber == "" || info.TaxNumber == "" || len(info.Addresses) == 0 || len(info.PhoneNumbers) == 0 ||
		len(info.WebLinks) == 0 || len(info.SourceURLs) == 0 {
		t.Errorf("info = %+v", info)
	}
	for name, v := range map[string]string{"ledgerLockDate": info.LedgerLockDate, "financialYearStartDate": info.FinancialYearStartDate, "createdDate": info.CreatedDate} {
		wantDateTime(t, name, v)
	}
	for _, a := range info.Addresses {
		if !slices.Contains([]string{"Billing", "Delivery", "Order", "Inventory", "Unknown"}, a.Type) {
			t.Errorf("address type %q", a.Type)
		}
	}
	for _, p := range info.PhoneNumbers {
		if !slices.Contains([]string{"Primary", "Landline", "Mobile", "Fax", "Unknown"}, p.Type) || p.Number == "" {
			t.Errorf("phone %+v", p)
		}
	}
	for _, l := range info.WebLinks {
		if !slices.Contains([]string{"Website", "Social", "Unknown"}, l.Type) {
			t.Errorf("web link %+v", l)
		}
	}
	wantUUID(t, "accountingPlatformRef", info.AccountingPlatformRef) // Xero organisations are uuids

	// Deterministic: the same company id gives the same info, on every read
	// and in another emulator.
	again := decode[codat.CompanyInfo](t, h.do("GET", path, nil))
	if !reflect.DeepEqual(info, again) || !reflect.DeepEqual(info, generateCompanyInfo(c.ID, "gbol", "Xero")) {
		t.Error("company info is not deterministic")
	}
	if other := generateCompanyInfo("another-id", "gbol", "Xero"); reflect.DeepEqual(other, info) {
		t.Error("different companies got the same info")
	}
	if qbo := generateCompanyInfo(c.ID, "qhyg", "QuickBooks Online"); qbo.SourceURLs["Company"] == "" || qbo.CompanyName != info.CompanyName {
		t.Errorf("QuickBooks info = %+v", qbo)
	}
	wantError(t, h.do("GET", "/companies/missing/data/info", nil), http.StatusNotFound, "No company was found")
}

func TestCompanySyncSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	path := "/companies/" + c.ID + "/syncSettings"
	got := decode[codat.CompanySyncSettings](t, h.do("GET", path, nil))
	if got.CompanyID != c.ID || got.OverridesDefaults || len(got.Settings) != len(codat.DataTypes) {
		t.Fatalf("defaults = %+v", got)
	}
	for i, s := range got.Settings {
		if s.DataType != codat.DataTypes[i] || s.SyncSchedule != 24 || s.SyncOrder != i || s.SyncFromWindow == nil || *s.SyncFromWindow != 24 {
			t.Errorf("default setting %d = %+v", i, s)
		}
		if s.DataType == "company" && !s.FetchOnFirstLink {
			t.Error("company is not fetched on first link")
		}
		if (s.DataType == "balanceSheet" || s.DataType == "profitAndLoss") != (s.MonthsToSync != nil) {
			t.Errorf("%s monthsToSync = %v", s.DataType, s.MonthsToSync)
		}
	}

	custom := codat.CompanySyncSettings{CompanyID: c.ID, OverridesDefaults: true, Settings: []codat.SyncSetting{
		{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 1, SyncOrder: 1, SyncFromUTC: "2024-01-01T00:00:00Z"},
		{DataType: "bills", FetchOnFirstLink: true, SyncSchedule: 48, SyncOrder: 0},
		{DataType: "company", FetchOnFirstLink: false, SyncSchedule: 24, SyncOrder: 2},
	}}
	rec := h.do("POST", path, custom)
	wantStatus(t, rec, http.StatusNoContent)
	if rec.Body.Len() != 0 {
		t.Errorf("204 body %q", rec.Body.String())
	}
	got = decode[codat.CompanySyncSettings](t, h.do("GET", path, nil))
	if !reflect.DeepEqual(got, custom) {
		t.Errorf("stored = %+v, want %+v", got, custom)
	}

	// The company's settings now decide what a first link fetches, in sync order.
	conn := h.createConnection(c.ID, "gbol")
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	page := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history?orderBy=id", nil))
	var types []string
	for _, p := range decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c.ID+"/data/history", nil)).Results {
		types = append(types, p.DataType)
	}
	if page.TotalResults != 2 || !reflect.DeepEqual(types, []string{"invoices", "bills"}) { // newest first
		t.Errorf("first link queued %v", types)
	}

	bad := map[string]string{
		"unknown type":     `{"companyId":"` + c.ID + `","overridesDefaults":true,"settings":[{"dataType":"widgets","fetchOnFirstLink":true,"syncSchedule":24,"syncOrder":0}]}`,
		"duplicate":        `{"companyId":"` + c.ID + `","overridesDefaults":true,"settings":[{"dataType":"bills","syncSchedule":24},{"dataType":"bills","syncSchedule":24}]}`,
		"negative":         `{"companyId":"` + c.ID + `","overridesDefaults":true,"settings":[{"dataType":"bills","syncSchedule":-1}]}`,
		"bad date":         `{"companyId":"` + c.ID + `","overridesDefaults":true,"settings":[{"dataType":"bills","syncSchedule":24,"syncFromUtc":"yesterday"}]}`,
		"missing settings": `{"companyId":"` + c.ID + `","overridesDefaults":true}`,
		"null settings":    `{"companyId":"` + c.ID + `","overridesDefaults":true,"settings":null}`,
		"missing override": `{"companyId":"` + c.ID + `","settings":[]}`,
		"missing company":  `{"overridesDefaults":true,"settings":[]}`,
		"other company":    `{"companyId":"00000000-0000-0000-0000-000000000000","overridesDefaults":true,"settings":[]}`,
		"not json":         `{`,
	}
	for name, body := range bad {
		msg := wantError(t, h.do("POST", path, body), http.StatusBadRequest, "not valid")
		if msg.Validation == nil || len(msg.Validation.Errors) == 0 {
			t.Errorf("%s: no validation errors", name)
		}
	}
	wantError(t, h.do("GET", "/companies/missing/syncSettings", nil), http.StatusNotFound, "No company was found")
	wantError(t, h.do("POST", "/companies/missing/syncSettings", custom), http.StatusNotFound, "No company was found")

	// overridesDefaults false keeps the stored settings but syncs with the profile's.
	custom.OverridesDefaults = false
	wantStatus(t, h.do("POST", path, custom), http.StatusNoContent)
	if got := decode[codat.CompanySyncSettings](t, h.do("GET", path, nil)); got.OverridesDefaults || len(got.Settings) != 3 {
		t.Errorf("stored = %+v", got)
	}
}

func TestProfileSyncSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := decode[codat.ProfileSyncSettings](t, h.do("GET", "/profile/syncSettings", nil))
	wantUUID(t, "clientId", got.ClientID)
	if len(got.Settings) != 43 {
		t.Fatalf("profile has %d settings", len(got.Settings))
	}
	again := New(Options{}).store.profileSyncSettings()
	if again.ClientID != got.ClientID {
		t.Errorf("clientId not stable: %s vs %s", got.ClientID, again.ClientID)
	}

	update := codat.ProfileSyncSettings{ClientID: got.ClientID, OverridesDefaults: true, Settings: []codat.SyncSetting{
		{DataType: "company", FetchOnFirstLink: true, SyncSchedule: 24, SyncOrder: 0},
		{DataType: "banking-accounts", FetchOnFirstLink: true, SyncSchedule: 12, SyncOrder: 1},
	}}
	wantStatus(t, h.do("POST", "/profile/syncSettings", update), http.StatusNoContent)
	if got := decode[codat.ProfileSyncSettings](t, h.do("GET", "/profile/syncSettings", nil)); !reflect.DeepEqual(got, update) {
		t.Errorf("profile = %+v, want %+v", got, update)
	}
	// Companies without their own settings follow the profile.
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	if cs := decode[codat.CompanySyncSettings](t, h.do("GET", "/companies/"+c.ID+"/syncSettings", nil)); len(cs.Settings) != 2 || cs.OverridesDefaults {
		t.Errorf("company follows profile: %+v", cs)
	}
	c2, _ := h.linkedCompany("gbol")
	if n := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+c2.ID+"/data/history", nil)).TotalResults; n != 1 {
		t.Errorf("first link with profile {company} queued %d pulls", n)
	}

	wrongClient := update
	wrongClient.ClientID = "00000000-0000-0000-0000-000000000000"
	wantError(t, h.do("POST", "/profile/syncSettings", wrongClient), http.StatusBadRequest, "not valid")
	wantError(t, h.do("POST", "/profile/syncSettings", `{"settings":[]}`), http.StatusBadRequest, "not valid")

	h.emu.Reset()
	if got := decode[codat.ProfileSyncSettings](t, h.do("GET", "/profile/syncSettings", nil)); len(got.Settings) != 43 || got.ClientID != update.ClientID {
		t.Errorf("after reset: %d settings", len(got.Settings))
	}
}

func TestHourlySchedulesNeedAPaidPlan(t *testing.T) {
	t.Parallel()
	hourly := codat.ProfileSyncSettings{OverridesDefaults: true, Settings: []codat.SyncSetting{{DataType: "invoices", SyncSchedule: 1}}}
	free := newHarness(t, func(o *Options) { o.Plan = PlanFree })
	hourly.ClientID = free.emu.store.profileSyncSettings().ClientID
	body := wantError(t, free.do("POST", "/profile/syncSettings", hourly), http.StatusPaymentRequired, "hourly sync schedule")
	if body.Validation == nil || body.Validation.Errors[0].ItemID != "invoices" {
		t.Errorf("validation = %+v", body.Validation)
	}
	c := free.createCompany(codat.CompanyRequest{Name: "Acme"})
	wantError(t, free.do("POST", "/companies/"+c.ID+"/syncSettings", codat.CompanySyncSettings{CompanyID: c.ID, OverridesDefaults: true, Settings: hourly.Settings}),
		http.StatusPaymentRequired, "Free plan")
	hourly.Settings[0].SyncSchedule = 24
	wantStatus(t, free.do("POST", "/profile/syncSettings", hourly), http.StatusNoContent)

	paid := newHarness(t)
	hourly.ClientID = paid.emu.store.profileSyncSettings().ClientID
	hourly.Settings[0].SyncSchedule = 1
	wantStatus(t, paid.do("POST", "/profile/syncSettings", hourly), http.StatusNoContent)
}
