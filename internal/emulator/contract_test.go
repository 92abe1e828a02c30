package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// toleratedDeviations lists every place where the emulator and client
// knowingly differ from Codat's OpenAPI description, each with its reason.
// The contract test fails on any violation not listed here, and on any entry
// here that no exchange needed (so the list cannot go stale).
var toleratedDeviations = []deviation{
	{
		operation: "*", status: 200, contains: "maximum: got 5,000, want 2,000, FieldPath: $.pageSize",
		reason: "PagingInfo.pageSize says maximum 2000, but the pageSize query parameter allows 5000 and the client asks for 5000 to list catalogues in one request; the page echoes it",
	},
	{
		operation: "*", status: 200, contains: "missing property 'datatype'",
		reason: "dataTypeFeature lists 'datatype' (lower-case t) as required, which matches no property; the property is 'dataType'",
	},
	{
		operation: "replace-company", status: 400, contains: "400",
		reason: "Codat validates PUT bodies like POST ones (tag limits, an empty name) but the description lists no 400 for replace-company",
	},
	{
		operation: "create-connection", status: 400, contains: "400",
		reason: "an unknown or disabled platformKey must be refused, but the description lists no 400 for create-connection",
	},
	{
		operation: "create-company", status: 409, contains: "409",
		reason: "docs using-the-api/write-data/idempotency.md: 409 for an Idempotency-Key whose first request is still running, on every POST and PATCH; the description lists no 409",
	},
	{
		operation: "create-company", status: 422, contains: "422",
		reason: "docs using-the-api/write-data/idempotency.md: 422 for an Idempotency-Key reused with another body, on every POST and PATCH; the description lists no 422",
	},
	{
		operation: "refresh-data-type", status: 409, contains: "409",
		reason: "the DatasetInProgress409 reading: docs using-the-api/queueing-data-syncs.md gives no status for DatasetAlreadyInProgressException and using-the-api/errors.md uses 409 for a data set still syncing",
	},
	{
		operation: "unlink-connection", status: 400, contains: "400",
		reason: "core-concepts/connections.md says only Linked connections can be unlinked, but the description lists no 400 for unlink-connection",
	},
	{
		operation: "update-profile", status: 400, contains: "response code '400' does not exist",
		reason: "a profile without the name or redirectUrl the Profile schema requires must be refused, but the description lists no 400 for update-profile",
	},
	{
		operation: "set-cors-settings", status: 400, contains: "response code '400' does not exist",
		reason: "an allowed origin that is not a URI (the schema's format) must be refused, but the description lists no 400 for set-cors-settings",
	},
	{
		operation: "configure-custom-data-type", status: 400, contains: "response code '400' does not exist",
		reason: "docs custom-data.md mark dataSource and keyBy required, but the description lists no 400 for configure-custom-data-type",
	},
	{
		operation: "delete-api-key", status: 409, contains: "response code '409' does not exist",
		reason: "docs authentication.md: the last remaining API key cannot be deleted (by default; emulator.LastAPIKeyDeletable plays the spec); the description lists no answer for that, and 409 is what create-api-key uses for the key limit",
	},
	{
		operation: "delete-api-key", status: 204, contains: "response content type '' does not exist",
		reason: "the description's 204 for delete-api-key points at the Too-Many-Requests response, which has a JSON body; a 204 has none",
	},
}

// contractFixture is a company with a linked connection and a finished pull,
// so every operation has something real to act on.
type contractFixture struct {
	companyID, connectionID, datasetID, clientID string
	clientAreaFixture
}

// contractOperation drives one operation successfully.
type contractOperation struct {
	id      string // operationId in the description
	route   string // method and path template, as the emulator's faults name it
	success func(ctx context.Context, c *codat.Client, f *contractFixture) error
}

func contractOperations() []contractOperation {
	return []contractOperation{
		{"list-integrations", "GET /integrations", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListIntegrations(ctx, codat.ListOptions{})
			return err
		}},
		{"get-integration", "GET /integrations/{platformKey}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetIntegration(ctx, "gbol")
			return err
		}},
		{"list-companies", "GET /companies", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListCompanies(ctx, codat.ListCompaniesOptions{Query: "name~Contract", Tags: "region=uk", OrderBy: "-created"})
			return err
		}},
		{"create-company", "POST /companies", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.CreateCompany(ctx, codat.CompanyRequest{Name: "Contract Spare Ltd", Description: "created by the contract test", Tags: map[string]string{"region": "uk"}})
			return err
		}},
		{"get-company", "GET /companies/{companyId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetCompany(ctx, f.companyID)
			return err
		}},
		{"replace-company", "PUT /companies/{companyId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ReplaceCompany(ctx, f.companyID, codat.CompanyRequest{Name: "Contract Bakery Ltd", Tags: map[string]string{"region": "uk", "team": "lending"}})
			return err
		}},
		{"update-company", "PATCH /companies/{companyId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			description := "patched"
			_, err := c.UpdateCompany(ctx, f.companyID, codat.CompanyUpdate{Description: &description})
			return err
		}},
		{"list-connections", "GET /companies/{companyId}/connections", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListConnections(ctx, f.companyID, codat.ListOptions{Query: "status=Linked"})
			return err
		}},
		{"get-connection", "GET /companies/{companyId}/connections/{connectionId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetConnection(ctx, f.companyID, f.connectionID)
			return err
		}},
		{"get-company-data-status", "GET /companies/{companyId}/dataStatus", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetDataStatus(ctx, f.companyID)
			return err
		}},
		{"refresh-company-data", "POST /companies/{companyId}/data/all", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.RefreshAllData(ctx, f.companyID)
		}},
		{"refresh-data-type", "POST /companies/{companyId}/data/queue/{dataType}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.RefreshDataType(ctx, f.companyID, "invoices", f.connectionID)
			return err
		}},
		{"list-pull-operations", "GET /companies/{companyId}/data/history", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.ListPullOperations(ctx, f.companyID, codat.ListOptions{Query: "dataType=company"})
			return err
		}},
		{"get-pull-operation", "GET /companies/{companyId}/data/history/{datasetId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetPullOperation(ctx, f.companyID, f.datasetID)
			return err
		}},
		{"get-company-syncSettings", "GET /companies/{companyId}/syncSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetCompanySyncSettings(ctx, f.companyID)
			return err
		}},
		{"set-company-syncSettings", "POST /companies/{companyId}/syncSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			window := 12
			return c.SetCompanySyncSettings(ctx, f.companyID, codat.CompanySyncSettings{OverridesDefaults: true, Settings: []codat.SyncSetting{
				{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 24, SyncOrder: 1, SyncFromWindow: &window},
				{DataType: "company", FetchOnFirstLink: true, SyncSchedule: 168, SyncOrder: 0, SyncFromUTC: "2024-01-01T00:00:00Z"},
			}})
		}},
		{"get-profile-syncSettings", "GET /profile/syncSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetProfileSyncSettings(ctx)
			return err
		}},
		{"update-profile-syncSettings", "POST /profile/syncSettings", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.SetProfileSyncSettings(ctx, codat.ProfileSyncSettings{ClientID: f.clientID, OverridesDefaults: true, Settings: []codat.SyncSetting{
				{DataType: "company", FetchOnFirstLink: true, SyncSchedule: 24, SyncOrder: 0},
				{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 24, SyncOrder: 1},
			}})
		}},
		{"get-company-info", "GET /companies/{companyId}/data/info", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.GetCompanyInfo(ctx, f.companyID)
			return err
		}},
		// The destructive operations come last: they act on the fixture.
		{"unlink-connection", "PATCH /companies/{companyId}/connections/{connectionId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			_, err := c.UnlinkConnection(ctx, f.companyID, f.connectionID)
			return err
		}},
		{"delete-connection", "DELETE /companies/{companyId}/connections/{connectionId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.DeleteConnection(ctx, f.companyID, f.connectionID)
		}},
		{"create-connection", "POST /companies/{companyId}/connections", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			conn, err := c.CreateConnection(ctx, f.companyID, "gbol")
			if err == nil {
				f.connectionID = conn.ID
			}
			return err
		}},
		{"delete-company", "DELETE /companies/{companyId}", func(ctx context.Context, c *codat.Client, f *contractFixture) error {
			return c.DeleteCompany(ctx, f.companyID)
		}},
	}
}

// genericErrors are the statuses the description lists for every operation.
var genericErrors = []int{http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden,
	http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

// TestContract drives every client operation against the emulator, through
// a transport that validates each request and response against Codat's
// OpenAPI description: the success path, every error the emulator produces
// for real (bad input, unknown ids, unsynced data, plan limits, a wrong or
// rotated key), and the statuses every operation can return (scripted).
func TestContract(t *testing.T) {
	recorder := &contractRecorder{
		base:      &http.Transport{DisableKeepAlives: true},
		specs:     []*apiSpec{loadSpec(t, "Codat-Platform.json"), loadSpec(t, "Codat-Spend-Insights.json")},
		tolerated: toleratedDeviations,
		covered:   map[exchange]int{},
		used:      map[int]int{},
	}
	emu := emulator.New(emulator.Options{SyncStepDuration: emulator.NoSyncDelay, Plan: emulator.PlanFree})
	server := httptest.NewServer(emu)
	defer server.Close()
	defer func() { _ = emu.Close() }()
	newClientAt := func(baseURL, key string) *codat.Client {
		c, err := codat.New(codat.Config{BaseURL: baseURL, APIKey: key, Transport: recorder,
			Retry: codat.RetryPolicy{MaxRetries: -1}}) // each scripted error must reach the test once
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	newClient := func(key string) *codat.Client { return newClientAt(server.URL, key) }
	client := newClient(emu.APIKey())
	ctx := t.Context()
	ops := append(contractOperations(), clientAreaOperations()...)

	fixture := newContractFixture(t, ctx, client, emu)
	for _, op := range ops {
		if err := op.success(ctx, client, fixture); err != nil {
			t.Errorf("%s: %v", op.id, err)
		}
	}

	// Listing by tags, a page at a time: each page's links keep the filter.
	for _, region := range []string{"uk", "us", "fr"} {
		if _, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Contract Tagged Ltd", Tags: map[string]string{"region": region}}); err != nil {
			t.Fatal(err)
		}
	}
	if tagged, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: "region=uk || region=us", PageSize: 1}); err != nil || len(tagged) != 3 {
		t.Errorf("list-companies by tags, one per page: %d companies, %v", len(tagged), err)
	}

	t.Run("real errors", func(t *testing.T) {
		f := newContractFixture(t, ctx, client, emu)
		unknown := "00000000-0000-4000-8000-000000000000"
		expectStatus(t, 404, "get-integration", func() error { _, err := client.GetIntegration(ctx, "zzzz"); return err })
		expectStatus(t, 400, "list-integrations", func() error {
			_, err := client.ListIntegrations(ctx, codat.ListOptions{Query: "name=="})
			return err
		})
		expectStatus(t, 400, "list-companies", func() error {
			_, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Query: "{name=x"})
			return err
		})
		expectStatus(t, 400, "list-companies", func() error {
			_, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: "region==uk"})
			return err
		})
		expectStatus(t, 404, "get-company", func() error { _, err := client.GetCompany(ctx, unknown); return err })
		expectStatus(t, 404, "replace-company", func() error {
			_, err := client.ReplaceCompany(ctx, unknown, codat.CompanyRequest{Name: "Nobody"})
			return err
		})
		expectStatus(t, 404, "update-company", func() error {
			name := "Nobody"
			_, err := client.UpdateCompany(ctx, unknown, codat.CompanyUpdate{Name: &name})
			return err
		})
		expectStatus(t, 404, "delete-company", func() error { return client.DeleteCompany(ctx, unknown) })
		expectStatus(t, 404, "list-connections", func() error {
			_, err := client.ListConnections(ctx, unknown, codat.ListOptions{})
			return err
		})
		expectStatus(t, 400, "list-connections", func() error {
			_, err := client.ListConnections(ctx, f.companyID, codat.ListOptions{Query: "status=Linked &&"})
			return err
		})
		expectStatus(t, 404, "create-connection", func() error {
			_, err := client.CreateConnection(ctx, unknown, "gbol")
			return err
		})
		expectStatus(t, 400, "create-connection", func() error {
			_, err := client.CreateConnection(ctx, f.companyID, "zzzz")
			return err
		})
		expectStatus(t, 404, "get-connection", func() error { _, err := client.GetConnection(ctx, f.companyID, unknown); return err })
		expectStatus(t, 404, "unlink-connection", func() error {
			_, err := client.UnlinkConnection(ctx, f.companyID, unknown)
			return err
		})
		expectStatus(t, 404, "delete-connection", func() error { return client.DeleteConnection(ctx, f.companyID, unknown) })
		expectStatus(t, 404, "get-company-data-status", func() error { _, err := client.GetDataStatus(ctx, unknown); return err })
		expectStatus(t, 404, "refresh-company-data", func() error { return client.RefreshAllData(ctx, unknown) })
		expectStatus(t, 404, "refresh-data-type", func() error {
			_, err := client.RefreshDataType(ctx, unknown, "invoices", "")
			return err
		})
		expectStatus(t, 404, "list-pull-operations", func() error {
			_, err := client.ListPullOperations(ctx, unknown, codat.ListOptions{})
			return err
		})
		expectStatus(t, 400, "list-pull-operations", func() error {
			// isCompleted cannot be queried, as the description says.
			_, err := client.ListPullOperations(ctx, f.companyID, codat.ListOptions{Query: "isCompleted=true"})
			return err
		})
		expectStatus(t, 404, "get-pull-operation", func() error { _, err := client.GetPullOperation(ctx, f.companyID, unknown); return err })
		expectStatus(t, 404, "get-company-syncSettings", func() error { _, err := client.GetCompanySyncSettings(ctx, unknown); return err })
		expectStatus(t, 404, "set-company-syncSettings", func() error {
			return client.SetCompanySyncSettings(ctx, unknown, codat.CompanySyncSettings{Settings: []codat.SyncSetting{{DataType: "invoices", SyncSchedule: 24}}})
		})
		expectStatus(t, 404, "get-company-info", func() error { _, err := client.GetCompanyInfo(ctx, unknown); return err })

		// A company whose business has not authorised yet: nothing to refresh,
		// and no company info (409 until the company data type has synced).
		pending, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Contract Pending Ltd"})
		if err != nil {
			t.Fatal(err)
		}
		pendingConn, err := client.CreateConnection(ctx, pending.ID, "gbol")
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 400, "unlink-connection", func() error {
			_, err := client.UnlinkConnection(ctx, pending.ID, pendingConn.ID)
			return err
		})
		expectStatus(t, 409, "get-company-info", func() error { _, err := client.GetCompanyInfo(ctx, pending.ID); return err })
		expectStatus(t, 400, "refresh-company-data", func() error { return client.RefreshAllData(ctx, pending.ID) })

		// An hourly schedule on the Free plan.
		hourly := []codat.SyncSetting{{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 1, SyncOrder: 0}}
		expectStatus(t, 402, "set-company-syncSettings", func() error {
			return client.SetCompanySyncSettings(ctx, f.companyID, codat.CompanySyncSettings{OverridesDefaults: true, Settings: hourly})
		})
		expectStatus(t, 402, "update-profile-syncSettings", func() error {
			return client.SetProfileSyncSettings(ctx, codat.ProfileSyncSettings{ClientID: f.clientID, OverridesDefaults: true, Settings: hourly})
		})
		// The Free plan's company limit, on an emulator that allows one.
		limitedEmu := emulator.New(emulator.Options{MaxCompanies: 1})
		limitedServer := httptest.NewServer(limitedEmu)
		defer limitedServer.Close()
		limited := newClientAt(limitedServer.URL, limitedEmu.APIKey())
		if _, err := limited.CreateCompany(ctx, codat.CompanyRequest{Name: "The Only One Ltd"}); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 402, "create-company", func() error {
			_, err := limited.CreateCompany(ctx, codat.CompanyRequest{Name: "One Too Many Ltd"})
			return err
		})

		// Requests the description forbids, sent on purpose to see the
		// emulator refuse them as Codat does.
		recorder.setExpectInvalidRequest(true)
		expectStatus(t, 400, "create-company", func() error {
			_, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: ""})
			return err
		})
		expectStatus(t, 400, "refresh-data-type", func() error {
			_, err := client.RefreshDataType(ctx, f.companyID, "notADataType", "")
			return err
		})
		expectStatus(t, 400, "set-company-syncSettings", func() error {
			return client.SetCompanySyncSettings(ctx, f.companyID, codat.CompanySyncSettings{Settings: []codat.SyncSetting{{DataType: "notADataType", SyncSchedule: 24}}})
		})
		tooMany := map[string]string{}
		for i := range 11 {
			tooMany[fmt.Sprintf("tag%02d", i)] = "x"
		}
		expectStatus(t, 400, "replace-company", func() error {
			_, err := client.ReplaceCompany(ctx, f.companyID, codat.CompanyRequest{Name: "Tagged Ltd", Tags: tooMany})
			return err
		})
		recorder.setExpectInvalidRequest(false)
	})

	t.Run("idempotency keys and the readings", func(t *testing.T) {
		f := newContractFixture(t, ctx, client, emu)
		defer func() { _ = emu.SetBehaviours() }()
		// The same key with another body.
		keyed := codat.WithIdempotencyKey(ctx, uuid.NewString())
		if _, err := client.CreateCompany(keyed, codat.CompanyRequest{Name: "Contract Keyed Ltd"}); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 422, "create-company", func() error {
			_, err := client.CreateCompany(keyed, codat.CompanyRequest{Name: "Contract Other Ltd"})
			return err
		})
		// The same key while its first request runs (held by latency).
		keyed = codat.WithIdempotencyKey(ctx, uuid.NewString())
		if err := emu.SetFaults(emulator.Faults{LatencyMs: 60_000}); err != nil {
			t.Fatal(err)
		}
		held, release := context.WithCancel(keyed)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = client.CreateCompany(held, codat.CompanyRequest{Name: "Contract Held Ltd"})
		}()
		for emu.InFlightWrites() == 0 {
			runtime.Gosched()
		}
		if err := emu.SetFaults(emulator.Faults{}); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 409, "create-company", func() error {
			_, err := client.CreateCompany(keyed, codat.CompanyRequest{Name: "Contract Held Ltd"})
			return err
		})
		release()
		<-done

		// A data type the platform does not provide (docs using-the-api/errors.md).
		expectStatus(t, 404, "refresh-data-type", func() error {
			_, err := client.RefreshDataType(ctx, f.companyID, "banking-accounts", "")
			return err
		})
		// A data type still syncing, on an emulator whose pulls take an hour.
		slowEmu := emulator.New(emulator.Options{SyncStepDuration: time.Hour})
		slowServer := httptest.NewServer(slowEmu)
		defer slowServer.Close()
		slow := newClientAt(slowServer.URL, slowEmu.APIKey())
		slowFixture := newContractFixture(t, ctx, slow, slowEmu)
		expectStatus(t, 400, "refresh-data-type", func() error {
			_, err := slow.RefreshDataType(ctx, slowFixture.companyID, "invoices", "")
			return err
		})
		if err := slowEmu.SetBehaviours(emulator.DatasetInProgress409); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 409, "refresh-data-type", func() error {
			_, err := slow.RefreshDataType(ctx, slowFixture.companyID, "invoices", "")
			return err
		})

		// Each reading's answers, through the client.
		own := []codat.SyncSetting{{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 24}}
		if err := client.SetCompanySyncSettings(ctx, f.companyID, codat.CompanySyncSettings{OverridesDefaults: true, Settings: own}); err != nil {
			t.Fatal(err)
		}
		if err := emu.SetBehaviours(emulator.StrictBehaviours()...); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 400, "list-pull-operations", func() error {
			_, err := client.ListPullOperations(ctx, f.companyID, codat.ListOptions{Query: "dataType=company"})
			return err
		})
		expectStatus(t, 400, "list-companies", func() error {
			_, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: "terraform-codat-create~."})
			return err
		})
		fresh, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Contract Fresh Ltd", Tags: map[string]string{"a": "1", "b": "2"}})
		if err != nil {
			t.Fatal(err)
		}
		expectStatus(t, 404, "get-company-syncSettings", func() error { _, err := client.GetCompanySyncSettings(ctx, fresh.ID); return err })
		for _, call := range []func() error{
			func() error { _, err := client.GetCompanySyncSettings(ctx, f.companyID); return err }, // sparse
			func() error { _, err := client.GetProfileSyncSettings(ctx); return err },              // sparse
			func() error {
				tags := map[string]string{"a": "3"}
				_, err := client.UpdateCompany(ctx, fresh.ID, codat.CompanyUpdate{Tags: &tags}) // merged
				return err
			},
			func() error { _, err := client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: "a=3"}); return err }, // delayed
		} {
			if err := call(); err != nil {
				t.Errorf("under the strict readings: %v", err)
			}
		}
		if err := emu.SetBehaviours(emulator.HistoryQueryIgnored); err != nil {
			t.Fatal(err)
		}
		if _, err := client.ListPullOperations(ctx, f.companyID, codat.ListOptions{Query: "dataType=company"}); err != nil {
			t.Errorf("history query ignored: %v", err)
		}
	})
	t.Run("client-wide areas' errors", func(t *testing.T) {
		clientAreaRealErrors(t, ctx, client, clientAreaEnv{recorder: recorder, newClientAt: newClientAt, baseURL: server.URL, key: emu.APIKey()})
	})

	t.Run("wrong and rotated keys", func(t *testing.T) {
		f := newContractFixture(t, ctx, client, emu)
		wrong := newClient("not-the-emulator-key")
		for _, op := range ops {
			expectStatus(t, 401, op.id, func() error { return op.success(ctx, wrong, f) })
		}
		// A key that was valid and has been replaced answers 403.
		old := emu.APIKey()
		emu.SetAPIKey("rotated-" + old)
		defer emu.SetAPIKey(old)
		expectStatus(t, 403, "get-company", func() error { _, err := client.GetCompany(ctx, f.companyID); return err })
	})

	t.Run("statuses every operation can return", func(t *testing.T) {
		for _, status := range genericErrors[1:] { // 401 comes from a wrong key above
			f := newContractFixture(t, ctx, client, emu)
			for _, op := range ops {
				if err := emu.ScriptFaults(emulator.ScriptedFault{Route: op.route, Status: status, RetryAfter: "1", Count: 1}); err != nil {
					t.Fatalf("%s: scripting %d: %v", op.id, status, err)
				}
				expectStatus(t, status, op.id, func() error { return op.success(ctx, client, f) })
			}
		}
	})

	report := recorder.coverage(ops)
	t.Logf("contract coverage (operation: statuses exercised):\n%s", report)
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	for _, v := range recorder.violations {
		t.Errorf("OpenAPI violation: %s", v)
	}
	for i, d := range toleratedDeviations {
		if recorder.used[i] == 0 {
			t.Errorf("tolerated deviation never needed, remove it: %s", d.reason)
		}
	}
	for _, op := range ops {
		for _, status := range genericErrors {
			if recorder.covered[exchange{op.id, status}] == 0 {
				t.Errorf("%s never answered %d", op.id, status)
			}
		}
	}
}

// newContractFixture makes a company with a linked Xero connection whose
// first sync has finished.
func newContractFixture(t *testing.T, ctx context.Context, c *codat.Client, emu *emulator.Emulator) *contractFixture {
	t.Helper()
	company, err := c.CreateCompany(ctx, codat.CompanyRequest{Name: "Contract Bakery"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Authorize(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	pulls, err := c.ListPullOperations(ctx, company.ID, codat.ListOptions{})
	if err != nil || len(pulls) == 0 {
		t.Fatalf("no pull operation after authorising: %v", err)
	}
	profile, err := c.GetProfileSyncSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &contractFixture{companyID: company.ID, connectionID: conn.ID, datasetID: pulls[0].ID, clientID: profile.ClientID,
		clientAreaFixture: newClientAreaFixture(t, ctx, c)}
}

func expectStatus(t *testing.T, want int, operation string, call func() error) {
	t.Helper()
	err := call()
	if got := codat.StatusCode(err); got != want {
		t.Errorf("%s: got status %d (%v), want %d", operation, got, err, want)
	}
}

func (c *contractRecorder) setExpectInvalidRequest(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expectInvalidRequest = v
}

// coverage renders which statuses each operation answered with.
func (c *contractRecorder) coverage(ops []contractOperation) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	total := 0
	for _, op := range ops {
		var statuses []int
		for ex := range c.covered {
			if ex.operation == op.id {
				statuses = append(statuses, ex.status)
			}
		}
		sort.Ints(statuses)
		total += len(statuses)
		fmt.Fprintf(&b, "  %-28s %v\n", op.id, statuses)
	}
	fmt.Fprintf(&b, "  %d operations, %d operation×status pairs", len(ops), total)
	return b.String()
}
