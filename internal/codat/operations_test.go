package codat

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

const (
	companyID    = "8a210b68-6988-11ed-a1eb-0242ac120002"
	connectionID = "51baa045-4836-4317-a42e-3542e991e581"
	datasetID    = "3b9a1a3c-b0e8-4ff6-9a8f-a0e9d8a4e1f4"
)

// TestEveryOperationSendsTheSpecRequest checks method, path, query and body
// of each operation in NOTES.md section 4, and that the answer decodes.
func TestEveryOperationSendsTheSpecRequest(t *testing.T) {
	syncFrom := 12
	settings := []SyncSetting{{DataType: "invoices", FetchOnFirstLink: true, SyncSchedule: 24, SyncOrder: 1,
		SyncFromWindow: &syncFrom}}
	pull := PullOperation{ID: datasetID, CompanyID: companyID, ConnectionID: connectionID, DataType: "invoices",
		Status: PullStatusQueued}
	conn := Connection{ID: connectionID, IntegrationKey: "gbol", Status: StatusLinked}
	name := "Renamed"

	cases := []struct {
		name       string
		response   http.HandlerFunc
		call       func(*Client) (any, error)
		method     string
		path       string
		query      string
		body       string
		wantResult any
	}{
		{
			name:     "list-integrations",
			response: respondJSON(200, Page[Integration]{Results: []Integration{{Key: "gbol"}}, PageNumber: 1, TotalResults: 1}),
			call: func(c *Client) (any, error) {
				return c.ListIntegrations(context.Background(), ListOptions{})
			},
			method: "GET", path: "/integrations", query: "page=1&pageSize=5000",
			wantResult: []Integration{{Key: "gbol"}},
		},
		{
			name:     "get-integration",
			response: respondJSON(200, Integration{Key: "gbol", Name: "Xero"}),
			call:     func(c *Client) (any, error) { return c.GetIntegration(context.Background(), "gbol") },
			method:   "GET", path: "/integrations/gbol",
			wantResult: &Integration{Key: "gbol", Name: "Xero"},
		},
		{
			name:     "list-companies",
			response: respondJSON(200, Page[Company]{Results: []Company{sampleCompany}, PageNumber: 1, TotalResults: 1}),
			call: func(c *Client) (any, error) {
				return c.ListCompanies(context.Background(), ListCompaniesOptions{OrderBy: "-created"})
			},
			method: "GET", path: "/companies", query: "orderBy=-created&page=1&pageSize=5000",
			wantResult: []Company{sampleCompany},
		},
		{
			name:     "create-company",
			response: respondJSON(200, sampleCompany),
			call: func(c *Client) (any, error) {
				return c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme", Description: "d"})
			},
			method: "POST", path: "/companies", body: `{"name":"Acme","description":"d"}`,
			wantResult: &sampleCompany,
		},
		{
			name:     "get-company",
			response: respondJSON(200, sampleCompany),
			call:     func(c *Client) (any, error) { return c.GetCompany(context.Background(), companyID) },
			method:   "GET", path: "/companies/" + companyID,
			wantResult: &sampleCompany,
		},
		{
			name:     "replace-company",
			response: respondJSON(200, sampleCompany),
			call: func(c *Client) (any, error) {
				return c.ReplaceCompany(context.Background(), companyID, CompanyRequest{Name: "Acme"})
			},
			method: "PUT", path: "/companies/" + companyID, body: `{"name":"Acme"}`,
			wantResult: &sampleCompany,
		},
		{
			name:     "update-company",
			response: respondJSON(200, sampleCompany),
			call: func(c *Client) (any, error) {
				return c.UpdateCompany(context.Background(), companyID, CompanyUpdate{Name: &name,
					Tags: &map[string]string{}})
			},
			method: "PATCH", path: "/companies/" + companyID, body: `{"name":"Renamed","tags":{}}`,
			wantResult: &sampleCompany,
		},
		{
			name:     "delete-company",
			response: respondRaw(204, ""),
			call: func(c *Client) (any, error) {
				return nil, c.DeleteCompany(context.Background(), companyID)
			},
			method: "DELETE", path: "/companies/" + companyID,
		},
		{
			name:     "list-connections",
			response: respondJSON(200, Page[Connection]{Results: []Connection{conn}, PageNumber: 1, TotalResults: 1}),
			call: func(c *Client) (any, error) {
				return c.ListConnections(context.Background(), companyID, ListOptions{Query: "status=Linked"})
			},
			method: "GET", path: "/companies/" + companyID + "/connections",
			query:      "page=1&pageSize=5000&query=status%3DLinked",
			wantResult: []Connection{conn},
		},
		{
			name:     "create-connection",
			response: respondJSON(200, conn),
			call: func(c *Client) (any, error) {
				return c.CreateConnection(context.Background(), companyID, "gbol")
			},
			method: "POST", path: "/companies/" + companyID + "/connections", body: `{"platformKey":"gbol"}`,
			wantResult: &conn,
		},
		{
			name:     "get-connection",
			response: respondJSON(200, conn),
			call: func(c *Client) (any, error) {
				return c.GetConnection(context.Background(), companyID, connectionID)
			},
			method: "GET", path: "/companies/" + companyID + "/connections/" + connectionID,
			wantResult: &conn,
		},
		{
			name:     "unlink-connection",
			response: respondJSON(200, conn),
			call: func(c *Client) (any, error) {
				return c.UnlinkConnection(context.Background(), companyID, connectionID)
			},
			method: "PATCH", path: "/companies/" + companyID + "/connections/" + connectionID,
			body: `{"status":"Unlinked"}`, wantResult: &conn,
		},
		{
			name:     "delete-connection",
			response: respondRaw(200, ""),
			call: func(c *Client) (any, error) {
				return nil, c.DeleteConnection(context.Background(), companyID, connectionID)
			},
			method: "DELETE", path: "/companies/" + companyID + "/connections/" + connectionID,
		},
		{
			name:     "get-company-data-status",
			response: respondRaw(200, `{"invoices":{"dataType":"invoices","currentStatus":"Complete"},"bills":null}`),
			call: func(c *Client) (any, error) {
				return c.GetDataStatus(context.Background(), companyID)
			},
			method: "GET", path: "/companies/" + companyID + "/dataStatus",
			wantResult: DataStatuses{"invoices": {DataType: "invoices", CurrentStatus: "Complete"}},
		},
		{
			name:     "refresh-company-data",
			response: respondRaw(204, ""),
			call: func(c *Client) (any, error) {
				return nil, c.RefreshAllData(context.Background(), companyID)
			},
			method: "POST", path: "/companies/" + companyID + "/data/all",
		},
		{
			name:     "refresh-data-type",
			response: respondJSON(200, pull),
			call: func(c *Client) (any, error) {
				return c.RefreshDataType(context.Background(), companyID, "banking-accounts", connectionID)
			},
			method: "POST", path: "/companies/" + companyID + "/data/queue/banking-accounts",
			query: "connectionId=" + connectionID, wantResult: &pull,
		},
		{
			name:     "refresh-data-type without connection",
			response: respondJSON(200, pull),
			call: func(c *Client) (any, error) {
				return c.RefreshDataType(context.Background(), companyID, "invoices", "")
			},
			method: "POST", path: "/companies/" + companyID + "/data/queue/invoices", wantResult: &pull,
		},
		{
			name:     "list-pull-operations",
			response: respondJSON(200, Page[PullOperation]{Results: []PullOperation{pull}, PageNumber: 1, TotalResults: 1}),
			call: func(c *Client) (any, error) {
				return c.ListPullOperations(context.Background(), companyID, ListOptions{})
			},
			method: "GET", path: "/companies/" + companyID + "/data/history", query: "page=1&pageSize=5000",
			wantResult: []PullOperation{pull},
		},
		{
			name:     "get-pull-operation",
			response: respondJSON(200, pull),
			call: func(c *Client) (any, error) {
				return c.GetPullOperation(context.Background(), companyID, datasetID)
			},
			method: "GET", path: "/companies/" + companyID + "/data/history/" + datasetID, wantResult: &pull,
		},
		{
			name:     "get-company-syncSettings",
			response: respondJSON(200, CompanySyncSettings{CompanyID: companyID, Settings: settings, OverridesDefaults: true}),
			call: func(c *Client) (any, error) {
				return c.GetCompanySyncSettings(context.Background(), companyID)
			},
			method: "GET", path: "/companies/" + companyID + "/syncSettings",
			wantResult: &CompanySyncSettings{CompanyID: companyID, Settings: settings, OverridesDefaults: true},
		},
		{
			name:     "set-company-syncSettings",
			response: respondRaw(204, ""),
			call: func(c *Client) (any, error) {
				return nil, c.SetCompanySyncSettings(context.Background(), companyID,
					CompanySyncSettings{Settings: settings, OverridesDefaults: true})
			},
			method: "POST", path: "/companies/" + companyID + "/syncSettings",
			body: `{"companyId":"` + companyID + `","settings":[{"dataType":"invoices","fetchOnFirstLink":true,` +
				`"syncSchedule":24,"syncOrder":1,"syncFromWindow":12}],"overridesDefaults":true}`,
		},
		{
			name:     "get-profile-syncSettings",
			response: respondJSON(200, ProfileSyncSettings{ClientID: "client", Settings: settings}),
			call: func(c *Client) (any, error) {
				return c.GetProfileSyncSettings(context.Background())
			},
			method: "GET", path: "/profile/syncSettings",
			wantResult: &ProfileSyncSettings{ClientID: "client", Settings: settings},
		},
		{
			name:     "update-profile-syncSettings",
			response: respondRaw(204, ""),
			call: func(c *Client) (any, error) {
				return nil, c.SetProfileSyncSettings(context.Background(),
					ProfileSyncSettings{ClientID: "client", Settings: []SyncSetting{}, OverridesDefaults: true})
			},
			method: "POST", path: "/profile/syncSettings",
			body: `{"clientId":"client","settings":[],"overridesDefaults":true}`,
		},
		{
			name:     "get-company-info",
			response: respondJSON(200, CompanyInfo{CompanyName: "Acme Ltd", BaseCurrency: "GBP"}),
			call: func(c *Client) (any, error) {
				return c.GetCompanyInfo(context.Background(), companyID)
			},
			method: "GET", path: "/companies/" + companyID + "/data/info",
			wantResult: &CompanyInfo{CompanyName: "Acme Ltd", BaseCurrency: "GBP"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, tc.response)
			c := newTestClient(t, srv.URL, newFakeClock().policy())
			got, err := tc.call(c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != tc.path || r.RawQuery != tc.query || r.Body != tc.body {
				t.Errorf("sent %s %s?%s %q\nwant %s %s?%s %q", r.Method, r.Path, r.RawQuery, r.Body,
					tc.method, tc.path, tc.query, tc.body)
			}
			if tc.wantResult != nil && !reflect.DeepEqual(got, tc.wantResult) {
				t.Errorf("result = %#v\nwant %#v", got, tc.wantResult)
			}
		})
	}
}

func TestCompanyInfoConflict(t *testing.T) {
	srv := newScriptedServer(t, respondStatus(409))
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	_, err := c.GetCompanyInfo(context.Background(), companyID)
	if !IsConflict(err) {
		t.Fatalf("err = %v, want 409", err)
	}
	assertRequestCount(t, srv, 1)
}

func TestSetCompanySyncSettingsRefusesMismatchedCompany(t *testing.T) {
	srv := newScriptedServer(t, respondRaw(204, ""))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	err := c.SetCompanySyncSettings(context.Background(), companyID, CompanySyncSettings{CompanyID: "other"})
	if err == nil {
		t.Fatal("mismatched company id accepted")
	}
	assertRequestCount(t, srv, 0)
}

func TestNotFoundMapsToHelper(t *testing.T) {
	srv := newScriptedServer(t, respondRaw(404,
		`{"statusCode":404,"service":"PublicApi","error":"Data connection x not found","correlationId":"cid"}`))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	_, err := c.GetConnection(context.Background(), companyID, "x")
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	want := "codat: GET /companies/" + companyID + "/connections/x: 404 Not Found: Data connection x not found (correlation id cid)"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant %q", err.Error(), want)
	}
}
