package codat

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// decodingOperations is every operation whose answer the client decodes,
// with whether its body carries an id the client requires.
var decodingOperations = []struct {
	name   string
	hasID  bool
	invoke func(*Client) error
}{
	{"list-integrations", true, func(c *Client) error { _, err := c.ListIntegrations(context.Background(), ListOptions{}); return err }},
	{"get-integration", true, func(c *Client) error { _, err := c.GetIntegration(context.Background(), "gbol"); return err }},
	{"list-companies", true, func(c *Client) error {
		_, err := c.ListCompanies(context.Background(), ListCompaniesOptions{})
		return err
	}},
	{"create-company", true, func(c *Client) error {
		_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
		return err
	}},
	{"get-company", true, func(c *Client) error { _, err := c.GetCompany(context.Background(), companyID); return err }},
	{"replace-company", true, func(c *Client) error {
		_, err := c.ReplaceCompany(context.Background(), companyID, CompanyRequest{Name: "Acme"})
		return err
	}},
	{"update-company", true, func(c *Client) error {
		_, err := c.UpdateCompany(context.Background(), companyID, CompanyUpdate{})
		return err
	}},
	{"list-connections", true, func(c *Client) error {
		_, err := c.ListConnections(context.Background(), companyID, ListOptions{})
		return err
	}},
	{"create-connection", true, func(c *Client) error {
		_, err := c.CreateConnection(context.Background(), companyID, "gbol")
		return err
	}},
	{"get-connection", true, func(c *Client) error {
		_, err := c.GetConnection(context.Background(), companyID, connectionID)
		return err
	}},
	{"unlink-connection", true, func(c *Client) error {
		_, err := c.UnlinkConnection(context.Background(), companyID, connectionID)
		return err
	}},
	{"get-company-data-status", false, func(c *Client) error {
		_, err := c.GetDataStatus(context.Background(), companyID)
		return err
	}},
	{"refresh-data-type", true, func(c *Client) error {
		_, err := c.RefreshDataType(context.Background(), companyID, "invoices", "")
		return err
	}},
	{"list-pull-operations", true, func(c *Client) error {
		_, err := c.ListPullOperations(context.Background(), companyID, ListOptions{})
		return err
	}},
	{"get-pull-operation", true, func(c *Client) error {
		_, err := c.GetPullOperation(context.Background(), companyID, datasetID)
		return err
	}},
	{"get-company-syncSettings", false, func(c *Client) error {
		_, err := c.GetCompanySyncSettings(context.Background(), companyID)
		return err
	}},
	{"get-profile-syncSettings", false, func(c *Client) error {
		_, err := c.GetProfileSyncSettings(context.Background())
		return err
	}},
	{"get-company-info", false, func(c *Client) error { _, err := c.GetCompanyInfo(context.Background(), companyID); return err }},
}

// hugeBody is a success body past the client's 10 MiB limit.
func hugeBody(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(200)
	_, _ = w.Write([]byte(`{"id":"`))
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 11 {
		_, _ = w.Write(chunk)
	}
	_, _ = w.Write([]byte(`"}`))
}

// TestEveryOperationRejectsMalformedAnswers: each operation, given a success
// answer it cannot use, returns a *DecodeError naming the operation and what
// was wrong; nothing panics and nothing half-decoded is returned.
func TestEveryOperationRejectsMalformedAnswers(t *testing.T) {
	// Every field below has the wrong JSON type for whichever operation reads it.
	const wrongTypes = `{"id":42,"key":false,"results":7,"settings":"daily","addresses":"London","invoices":1,"companyId":[]}`
	bodies := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		idsOnly bool
	}{
		{"truncated JSON", respondRaw(200, `{"id":"x","name":"Ac`), "unexpected end of JSON input", false},
		{"HTML page", respondRaw(200, "<!DOCTYPE html><html><body>Sign in</body></html>"), "invalid character '<'", false},
		{"wrong types", respondRaw(200, wrongTypes), "cannot unmarshal", false},
		{"an array for an object", respondRaw(200, `[1,2,3]`), "cannot unmarshal array", false},
		{"empty", respondRaw(200, ""), "empty body", false},
		{"null", respondRaw(200, "null"), "JSON null", false},
		{"huge", hugeBody, "exceeds 10 MiB", false},
		{"missing id", respondRaw(200, `{"name":"Acme","results":[{"name":"no id"}],"pageNumber":1,"totalResults":1}`), "the response has no", true},
	}
	for _, op := range decodingOperations {
		for _, body := range bodies {
			if body.idsOnly && !op.hasID {
				continue
			}
			t.Run(op.name+"/"+body.name, func(t *testing.T) {
				srv := newScriptedServer(t, body.handler)
				c := newTestClient(t, srv.URL, newFakeClock().policy())
				err := op.invoke(c)
				var decodeErr *DecodeError
				if !asDecodeError(err, &decodeErr) {
					t.Fatalf("err = %v, want *DecodeError", err)
				}
				if !containsAll(err.Error(), op.name, body.want) {
					t.Errorf("err = %v, want it to name %s and say %q", err, op.name, body.want)
				}
			})
		}
	}
}

// TestEveryOperationExplainsErrorPages: an error status with a body that is
// not Codat's ErrorMessage (a proxy's HTML page, truncated JSON, a huge
// body) gives an *APIError with the status and a short, printable excerpt.
func TestEveryOperationExplainsErrorPages(t *testing.T) {
	html := "<html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1>\n<p>nginx</p></body></html>"
	bodies := []struct {
		name string
		body string
		want string
	}{
		{"HTML", html, "Bad Request"},
		{"truncated ErrorMessage", `{"statusCode":400,"error":"Company na`, `statusCode`},
		{"huge", strings.Repeat("x", 1<<20), "xxx…"},
	}
	for _, op := range decodingOperations {
		for _, body := range bodies {
			t.Run(op.name+"/"+body.name, func(t *testing.T) {
				srv := newScriptedServer(t, respondRaw(400, body.body))
				c := newTestClient(t, srv.URL, newFakeClock().policy())
				err := op.invoke(c)
				apiErr, ok := AsAPIError(err)
				if !ok || apiErr.StatusCode != 400 {
					t.Fatalf("err = %v, want an APIError with status 400", err)
				}
				text := err.Error()
				if !strings.Contains(text, body.want) || len(text) > 1024 || strings.ContainsAny(text, "\n\r") {
					t.Errorf("err = %q: want a one-line excerpt with %q", text, body.want)
				}
			})
		}
	}
}
