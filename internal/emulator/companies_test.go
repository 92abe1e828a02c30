package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestCreateCompany(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.do("POST", "/companies", `{"name":"Acme Ltd","description":"Our first","tags":{"region":"uk"},"platformType":"gbol","unknown":1}`)
	wantStatus(t, rec, http.StatusOK)
	c := decode[codat.Company](t, rec)
	wantUUID(t, "id", c.ID)
	wantDateTime(t, "created", c.Created)
	if c.Created != "2026-11-27T11:16:54Z" {
		t.Errorf("created = %q, want the injected clock", c.Created)
	}
	if c.Name != "Acme Ltd" || c.Description != "Our first" || c.Tags["region"] != "uk" || len(c.Tags) != 1 {
		t.Errorf("company = %+v", c)
	}
	if c.Redirect != testBase+"/link/company/"+c.ID {
		t.Errorf("redirect = %q", c.Redirect)
	}
	if c.LastSync != "" || len(c.DataConnections) != 0 {
		t.Errorf("new company has lastSync %q, connections %v", c.LastSync, c.DataConnections)
	}
	got := decode[codat.Company](t, h.do("GET", "/companies/"+c.ID, nil))
	if got.ID != c.ID || got.Name != c.Name || got.Created != c.Created {
		t.Errorf("GET = %+v, want %+v", got, c)
	}
}

func TestRedirectDerivedFromRequestHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.PublicURL = "" })
	c := h.createCompany(codat.CompanyRequest{Name: "Acme"})
	// httptest.NewRequest uses Host example.com.
	if c.Redirect != "http://example.com/link/company/"+c.ID {
		t.Errorf("redirect = %q", c.Redirect)
	}
}

func TestCompanyNameStripping(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for in, want := range map[string]string{
		"Company (Codat[1])":            "Company Codat1",
		"Smith & Sons, Ltd.":            "Smith & Sons, Ltd.",
		"O'Brien-Jones @ Home? Yes!":    "O'Brien-Jones @ Home? Yes!",
		"Café <script>alert()</script>": "Caf scriptalertscript",
		"Tab\tand  spaces":              "Tab\tand  spaces",
	} {
		c := h.createCompany(codat.CompanyRequest{Name: in})
		if c.Name != want {
			t.Errorf("name %q stored as %q, want %q", in, c.Name, want)
		}
	}
	for _, bad := range []string{`{}`, `{"name":""}`, `{"name":"()[]{}"}`, `{"name":"   "}`, `{"name":null}`} {
		body := wantError(t, h.do("POST", "/companies", bad), http.StatusBadRequest, "not valid")
		if body.Validation == nil || len(body.Validation.Errors) == 0 || body.Validation.Errors[0].ItemID != "name" {
			t.Errorf("%s: validation = %+v", bad, body.Validation)
		}
	}
}

func TestCompanyTagLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tags := func(n int) map[string]string {
		out := map[string]string{}
		for i := range n {
			out[fmt.Sprintf("key%d", i)] = "v"
		}
		return out
	}
	h.createCompany(codat.CompanyRequest{Name: "Ten", Tags: tags(10)})
	h.createCompany(codat.CompanyRequest{Name: "Edge", Tags: map[string]string{
		strings.Repeat("k", 27): strings.Repeat("v", 100)}})

	cases := map[string]struct {
		tags   map[string]string
		itemID string
	}{
		"eleven tags":    {tags(11), "tags"},
		"long key":       {map[string]string{strings.Repeat("k", 28): "v"}, "tags." + strings.Repeat("k", 28)},
		"empty key":      {map[string]string{"": "v"}, "tags."},
		"long value":     {map[string]string{"region": strings.Repeat("v", 101)}, "tags.region"},
		"newline in key": {map[string]string{"a\nb": "v"}, "tags.a\nb"},
	}
	for name, tc := range cases {
		body := wantError(t, h.do("POST", "/companies", codat.CompanyRequest{Name: "Tagged", Tags: tc.tags}), http.StatusBadRequest, "not valid")
		if body.Validation == nil || len(body.Validation.Errors) == 0 || body.Validation.Errors[0].ItemID != tc.itemID {
			t.Errorf("%s: validation = %+v, want itemId %q", name, body.Validation, tc.itemID)
		}
	}
	c := h.createCompany(codat.CompanyRequest{Name: "Acme", Tags: map[string]string{"a": "b"}})
	wantError(t, h.do("PATCH", "/companies/"+c.ID, map[string]any{"tags": tags(11)}), http.StatusBadRequest, "not valid")
	wantError(t, h.do("PUT", "/companies/"+c.ID, map[string]any{"name": "Acme", "tags": tags(11)}), http.StatusBadRequest, "not valid")
}

func TestReplaceCompanyClearsOmittedFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme", Description: "d", Tags: map[string]string{"a": "b"}})
	rec := h.do("PUT", "/companies/"+c.ID, `{"name":"Acme [2]"}`)
	wantStatus(t, rec, http.StatusOK)
	got := decode[codat.Company](t, rec)
	if got.Name != "Acme 2" || got.Description != "" || got.Tags != nil || got.Created != c.Created || got.ID != c.ID {
		t.Errorf("after PUT = %+v", got)
	}
	wantError(t, h.do("PUT", "/companies/"+c.ID, `{"description":"no name"}`), http.StatusBadRequest, "not valid")
	wantError(t, h.do("PUT", "/companies/00000000-0000-0000-0000-000000000000", `{"name":"x"}`),
		http.StatusNotFound, "No company was found with ID 00000000-0000-0000-0000-000000000000")
}

func TestUpdateCompanyKeepsOmittedFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.createCompany(codat.CompanyRequest{Name: "Acme", Description: "d", Tags: map[string]string{"a": "b"}})
	path := "/companies/" + c.ID

	got := decode[codat.Company](t, h.do("PATCH", path, `{"description":"new"}`))
	if got.Name != "Acme" || got.Description != "new" || got.Tags["a"] != "b" {
		t.Errorf("after PATCH description = %+v", got)
	}
	got = decode[codat.Company](t, h.do("PATCH", path, `{"name":"Acme (UK)","description":null,"tags":null}`))
	if got.Name != "Acme UK" || got.Description != "new" || got.Tags["a"] != "b" {
		t.Errorf("after PATCH name with nulls = %+v", got)
	}
	got = decode[codat.Company](t, h.do("PATCH", path, `{}`))
	if got.Name != "Acme UK" || got.Tags["a"] != "b" {
		t.Errorf("after empty PATCH = %+v", got)
	}
	got = decode[codat.Company](t, h.do("PATCH", path, `{"tags":{"x":"y"}}`))
	if len(got.Tags) != 1 || got.Tags["x"] != "y" {
		t.Errorf("after PATCH tags = %+v", got.Tags)
	}
	got = decode[codat.Company](t, h.do("PATCH", path, `{"tags":{}}`))
	if got.Tags != nil {
		t.Errorf("empty tags object left %v", got.Tags)
	}
	got = decode[codat.Company](t, h.do("PATCH", path, `{"description":""}`))
	if got.Description != "" {
		t.Errorf("empty description left %q", got.Description)
	}
	wantError(t, h.do("PATCH", path, `{"name":"(())"}`), http.StatusBadRequest, "not valid")
	wantError(t, h.do("PATCH", "/companies/not-a-uuid", `{}`), http.StatusNotFound, "No company was found with ID not-a-uuid")
}

func TestDeleteCompany(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, _ := h.linkedCompany("gbol")
	rec := h.do("DELETE", "/companies/"+c.ID, nil)
	wantStatus(t, rec, http.StatusNoContent)
	if rec.Body.Len() != 0 {
		t.Errorf("204 has body %q", rec.Body.String())
	}
	body := wantError(t, h.do("GET", "/companies/"+c.ID, nil), http.StatusNotFound, "No company was found with ID "+c.ID)
	if body.Service != "ClientsApi" {
		t.Errorf("service = %q, want ClientsApi", body.Service)
	}
	wantError(t, h.do("GET", "/companies/"+c.ID+"/connections", nil), http.StatusNotFound, "No company was found")
	wantError(t, h.do("DELETE", "/companies/"+c.ID, nil), http.StatusNotFound, "No company was found")
}

func TestCompanyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.MaxCompanies = 2 })
	first := h.createCompany(codat.CompanyRequest{Name: "One"})
	h.createCompany(codat.CompanyRequest{Name: "Two"})
	body := wantError(t, h.do("POST", "/companies", codat.CompanyRequest{Name: "Three"}), http.StatusPaymentRequired,
		"CompanyValidationException: Company limit exceeded")
	if body.Validation == nil || len(body.Validation.Errors) != 1 {
		t.Fatalf("validation = %+v", body.Validation)
	}
	if item := body.Validation.Errors[0]; item.ItemID != "Company" || item.ValidatorName != "CreateCompany" || item.Message == "" {
		t.Errorf("validation item = %+v", item)
	}
	wantStatus(t, h.do("DELETE", "/companies/"+first.ID, nil), http.StatusNoContent)
	h.createCompany(codat.CompanyRequest{Name: "Three"})
}

func TestListCompaniesPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i := range 25 {
		h.createCompany(codat.CompanyRequest{Name: fmt.Sprintf("Company %02d", i)})
		h.clock.Advance(time.Second)
	}
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if page.PageNumber != 1 || page.PageSize != 100 || page.TotalResults != 25 || len(page.Results) != 25 {
		t.Errorf("default page: number %d size %d total %d results %d", page.PageNumber, page.PageSize, page.TotalResults, len(page.Results))
	}
	if page.Links.Self.Href != "/companies" || page.Links.Current.Href != "/companies?page=1&pageSize=100" ||
		page.Links.Next != nil || page.Links.Previous != nil {
		t.Errorf("links = %+v", page.Links)
	}

	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?page=2&pageSize=10", nil))
	if page.PageNumber != 2 || page.PageSize != 10 || page.TotalResults != 25 || len(page.Results) != 10 ||
		page.Results[0].Name != "Company 10" {
		t.Errorf("page 2: %+v", page)
	}
	if page.Links.Current.Href != "/companies?page=2&pageSize=10" || page.Links.Next.Href != "/companies?page=3&pageSize=10" ||
		page.Links.Previous.Href != "/companies?page=1&pageSize=10" {
		t.Errorf("page 2 links = %+v %+v %+v", page.Links.Current, page.Links.Next, page.Links.Previous)
	}
	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?page=3&pageSize=10", nil))
	if len(page.Results) != 5 || page.Links.Next != nil || page.Links.Previous == nil {
		t.Errorf("last page: %d results, links %+v", len(page.Results), page.Links)
	}
	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?page=9&pageSize=10", nil))
	if len(page.Results) != 0 || page.TotalResults != 25 || page.Results == nil {
		t.Errorf("beyond the end: %+v", page)
	}
	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?pageSize=5000&orderBy=-created", nil))
	if page.Results[0].Name != "Company 24" || page.Links.Current.Href != "/companies?page=1&pageSize=5000&orderBy=-created" {
		t.Errorf("ordered: first %q, current %q", page.Results[0].Name, page.Links.Current.Href)
	}
	// Parameter names bind case-insensitively.
	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?PageSize=3", nil))
	if page.PageSize != 3 {
		t.Errorf("PageSize=3 gave %d", page.PageSize)
	}

	for _, bad := range []string{"page=0", "page=-1", "page=x", "pageSize=0", "pageSize=5001", "pageSize=ten"} {
		body := wantError(t, h.do("GET", "/companies?"+bad, nil), http.StatusBadRequest, "not valid")
		if body.Validation == nil || len(body.Validation.Errors) != 1 {
			t.Errorf("%s: validation = %+v", bad, body.Validation)
		}
	}
}

func TestListCompaniesQueryAndTags(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	acme := h.createCompany(codat.CompanyRequest{Name: "Acme Trading", Tags: map[string]string{"region": "uk", "team": "invoice-finance"}})
	h.clock.Advance(time.Hour)
	beta := h.createCompany(codat.CompanyRequest{Name: "Beta Bakery", Tags: map[string]string{"region": "us", "team": "lending"}})
	h.clock.Advance(time.Hour)
	gamma := h.createCompany(codat.CompanyRequest{Name: "Gamma Acme", Description: "third"})

	names := func(path string) []string {
		t.Helper()
		page := decode[codat.Page[codat.Company]](t, h.do("GET", path, nil))
		var out []string
		for _, c := range page.Results {
			out = append(out, c.Name)
		}
		if page.TotalResults != len(out) {
			t.Errorf("%s: totalResults %d, results %d", path, page.TotalResults, len(out))
		}
		return out
	}
	for path, want := range map[string]string{
		"/companies?query=" + escape("id="+beta.ID):                                            "Beta Bakery",
		"/companies?query=" + escape("name~acme"):                                              "Acme Trading,Gamma Acme",
		"/companies?query=" + escape("name=ACME TRADING"):                                      "Acme Trading",
		"/companies?query=" + escape("name!=Acme Trading"):                                     "Beta Bakery,Gamma Acme",
		"/companies?query=" + escape("created>2026-11-27T11:30:00Z"):                           "Beta Bakery,Gamma Acme",
		"/companies?query=" + escape("created<=2026-11-27T12:16:54Z"):                          "Acme Trading,Beta Bakery",
		"/companies?query=" + escape("name~Acme && created>2026-11-27T12:00:00Z"):              "Gamma Acme",
		"/companies?query=" + escape("{name=Beta Bakery || name=Gamma Acme} && id!="+gamma.ID): "Beta Bakery",
		"/companies?query=" + escape("description=third"):                                      "Gamma Acme",
		"/companies?tags=" + escape("region=uk"):                                               "Acme Trading",
		"/companies?tags=" + escape("region=uk && team~invoice"):                               "Acme Trading",
		"/companies?tags=" + escape("region=uk && team~lending"):                               "",
		"/companies?tags=" + escape("region!=uk"):                                              "Beta Bakery,Gamma Acme",
		"/companies?tags=" + escape("{region=us || team~invoice}"):                             "Acme Trading,Beta Bakery",
		"/companies?tags=" + escape("region=uk") + "&query=" + escape("name~Trading"):          "Acme Trading",
		"/companies?orderBy=-name":                                                             "Gamma Acme,Beta Bakery,Acme Trading",
		"/companies?orderBy=name":                                                              "Acme Trading,Beta Bakery,Gamma Acme",
	} {
		if got := strings.Join(names(path), ","); got != want {
			t.Errorf("%s: got %q, want %q", path, got, want)
		}
	}
	_ = acme

	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?pageSize=1&tags="+escape("region!=uk")+"&query="+escape("name~a"), nil))
	if page.Links.Next == nil || page.Links.Next.Href != "/companies?page=2&pageSize=1&query=name~a&tags=region%21%3Duk" {
		t.Errorf("next keeps the filters: %+v", page.Links.Next)
	}

	for _, q := range []string{"name", "name=", "=x", "name==x", "{name=x", "name=x}", "name=x &&", "&& name=x", "name=x || ", "na me=x", "name!x", "{}"} {
		body := wantError(t, h.do("GET", "/companies?query="+escape(q), nil), http.StatusBadRequest, "Error parsing query - Malformed query.")
		if body.Service != "ClientsApi" {
			t.Errorf("service = %q", body.Service)
		}
	}
	wantError(t, h.do("GET", "/companies?query="+escape("colour=red"), nil), http.StatusBadRequest,
		"Error parsing query - Could not resolve property colour on Company")
	wantError(t, h.do("GET", "/companies?query="+escape("tags=x"), nil), http.StatusBadRequest, "Could not resolve property tags")
	wantError(t, h.do("GET", "/companies?orderBy=colour", nil), http.StatusBadRequest, "Could not resolve property colour")
	wantError(t, h.do("GET", "/companies?tags="+escape("region>uk"), nil), http.StatusBadRequest, "Malformed query")
	wantError(t, h.do("GET", "/companies?tags="+escape("region="), nil), http.StatusBadRequest, "Malformed query")

	long := "name=" + strings.Repeat("a", 2049)
	wantError(t, h.do("GET", "/companies?query="+escape(long), nil), http.StatusBadRequest, "2048")
	wantStatus(t, h.do("GET", "/companies?query="+escape("name="+strings.Repeat("a", 2042)), nil), http.StatusOK)
}

func TestCompanyIncludesConnectionsAndLastSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, conn := h.linkedCompany("gbol")
	h.clock.Advance(4 * time.Second)
	got := decode[codat.Company](t, h.do("GET", "/companies/"+c.ID, nil))
	if len(got.DataConnections) != 1 || got.DataConnections[0].ID != conn.ID || got.DataConnections[0].Status != "Linked" {
		t.Fatalf("dataConnections = %+v", got.DataConnections)
	}
	wantConnectionShape(t, got.DataConnections[0])
	if got.LastSync != "2026-11-27T11:16:58Z" || got.DataConnections[0].LastSync != got.LastSync {
		t.Errorf("lastSync = %q / %q", got.LastSync, got.DataConnections[0].LastSync)
	}
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if len(page.Results[0].DataConnections) != 1 {
		t.Errorf("list lacks dataConnections: %+v", page.Results[0])
	}
}

func escape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "%20", "=", "%3D", "{", "%7B", "}", "%7D",
		"|", "%7C", "!", "%21", "<", "%3C", ">", "%3E", "~", "~", "#", "%23", "\n", "%0A")
	return r.Replace(s)
}
