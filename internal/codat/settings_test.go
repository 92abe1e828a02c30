package codat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestProfileDropsAPIKeyAndKeepsUnknownFields: the deprecated apiKey never
// survives decoding, and a field this client does not model goes back on
// the PUT as it came.
func TestProfileDropsAPIKeyAndKeepsUnknownFields(t *testing.T) {
	//nolint:gosec // G101: the apiKey is the spec's example, made up
	body := `{"name":"Bob's Burgers","logoUrl":"https://l.example/logo.png","redirectUrl":"https://b.example/{companyId}",
		"whiteListUrls":["https://b.example"],"apiKey":"sartANTjHAkLdbyDfaynoTQb7pkmj6hXHmnQKMrB","confirmCompanyName":true,
		"brandColour":{"primary":"#ff0000"}}`
	var srv *scriptedServer
	srv = newScriptedServer(t, respondRaw(200, body), func(w http.ResponseWriter, r *http.Request) {
		respondRaw(200, srv.Requests()[1].Body)(w, r) // echo the PUT
	})
	c := newTestClient(t, srv.URL, RetryPolicy{})
	p, err := c.ModifyProfile(context.Background(), func(p *Profile) { p.Name = "Bob's Burgers Ltd" })
	if err != nil {
		t.Fatal(err)
	}
	put := srv.Requests()[1]
	if put.Method != http.MethodPut || put.Path != "/profile" {
		t.Fatalf("second request = %s %s", put.Method, put.Path)
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal([]byte(put.Body), &sent); err != nil {
		t.Fatal(err)
	}
	if _, ok := sent["apiKey"]; ok || strings.Contains(put.Body, "sartANT") {
		t.Errorf("the PUT sent the apiKey back: %s", put.Body)
	}
	if string(sent["brandColour"]) != `{"primary":"#ff0000"}` || string(sent["name"]) != `"Bob's Burgers Ltd"` ||
		string(sent["confirmCompanyName"]) != "true" || string(sent["logoUrl"]) != `"https://l.example/logo.png"` {
		t.Errorf("PUT body = %s", put.Body)
	}
	if p.Name != "Bob's Burgers Ltd" || strings.Contains(fmt.Sprintf("%+v %#v", p, p), "sartANT") {
		t.Errorf("profile = %+v", p)
	}
}

func TestModifyProfileSendsNothingWithoutAChange(t *testing.T) {
	srv := newScriptedServer(t, respondRaw(200, `{"name":"Same","redirectUrl":"https://s.example","apiKey":"k"}`))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	p, err := c.ModifyProfile(context.Background(), func(p *Profile) { p.Name = "Same" })
	if err != nil || p.Name != "Same" {
		t.Fatalf("ModifyProfile = %+v, %v", p, err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want the GET alone", n)
	}
}

func TestProfileRoundTrip(t *testing.T) {
	in := Profile{Name: "n", RedirectURL: "https://r.example", WhiteListURLs: []string{"https://w.example"}}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"name":"n","redirectUrl":"https://r.example","whiteListUrls":["https://w.example"]}` {
		t.Errorf("encoded %s", data)
	}
	var out Profile
	if err := json.Unmarshal(data, &out); err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("decoded %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{}`), &out); err != nil || out.check() == nil {
		t.Errorf("an empty profile passes check: %+v, %v", out, err)
	}
}

func TestCheckOrigin(t *testing.T) {
	for _, ok := range []string{"https://www.bank-of-dave.com", "http://localhost:3000", "https://[::1]:8443", "https://a.b.c"} {
		if err := CheckOrigin(ok); err != nil {
			t.Errorf("CheckOrigin(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "www.example.com", "https://example.com/", "https://example.com/app", "https://example.com?x=1",
		"https://example.com#f", "ftp://example.com", "HTTPS://example.com", "https://Example.com", "https://user@example.com", "https://example.com:0",
		"https://example.com:99999", "https://example.com:", "https://", "mailto:a@b.c", "https://example.com?"} {
		if err := CheckOrigin(bad); err == nil {
			t.Errorf("CheckOrigin(%q) accepted it", bad)
		}
	}
}

func TestWebhookVocabulary(t *testing.T) {
	for _, ok := range []string{"company.created", "read.completed.initial", "invoices.write.successful",
		"banking-accounts.write.unsuccessful", "AccountCategoriesUpdated", "company.product.added"} {
		if !IsWebhookEventType(ok) {
			t.Errorf("IsWebhookEventType(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "DataSyncCompleted", "Company.Created", "widgets.write.successful", "invoices.write", "read.completed "} {
		if IsWebhookEventType(bad) {
			t.Errorf("IsWebhookEventType(%q) = true", bad)
		}
	}
	for _, ok := range []string{"region:uk", "region:", "uid:a:b", "k:" + strings.Repeat("v", 126)} {
		if err := CheckCompanyTagFilter(ok); err != nil {
			t.Errorf("CheckCompanyTagFilter(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "region", ":uk", "k:" + strings.Repeat("v", 127)} {
		if err := CheckCompanyTagFilter(bad); err == nil {
			t.Errorf("CheckCompanyTagFilter(%q) accepted it", bad)
		}
	}
	tags := map[string]string{"region": "us", "service": "minerva", "uid": "a:b"}
	for filters, want := range map[string]bool{
		"":                             true,
		"region:us":                    true,
		"region:us,service:t2k":        true, // the docs' example: one match is enough
		"region:uk":                    false,
		"region:US":                    false, // case-sensitive
		"Region:us":                    false,
		"uid:a:b":                      true,
		"missing:x,also-missing:y":     false,
		"service:minerva,region:other": true,
	} {
		var list []string
		if filters != "" {
			list = strings.Split(filters, ",")
		}
		if got := CompanyTagsMatch(list, tags); got != want {
			t.Errorf("CompanyTagsMatch(%v) = %v, want %v", list, got, want)
		}
	}
}

func TestAPIKeyNeverPrintsItsSecret(t *testing.T) {
	k := APIKey{ID: "id", Name: "ci", Key: "ztHQGvnC4XN2CgUhaDWEG4ySLUJqWjp7zkbZkGHd"}
	for _, text := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), fmt.Sprint(&k), fmt.Sprint([]APIKey{k})} {
		if strings.Contains(text, k.Key) {
			t.Errorf("printed the key: %s", text)
		}
	}
}

func TestCreateAPIKeyRefusesLongNamesWithoutARequest(t *testing.T) {
	rt := &recordingTransport{}
	c, err := New(Config{BaseURL: "https://api.codat.io", APIKey: testAPIKey, Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAPIKey(context.Background(), strings.Repeat("n", 51)); err == nil || rt.count() != 0 {
		t.Errorf("err = %v after %d requests", err, rt.count())
	}
}

func TestUsesAPIKey(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", RetryPolicy{})
	if !c.UsesAPIKey(APIKey{ID: "a", Key: testAPIKey}) || c.UsesAPIKey(APIKey{ID: "b", Key: "other"}) || c.UsesAPIKey(APIKey{ID: "c"}) {
		t.Error("UsesAPIKey does not tell the client's key from others")
	}
}

func TestProfileChangeRecordsWhatItReplaces(t *testing.T) {
	str := func(s string) *string { return &s }
	p := Profile{Name: "Before", RedirectURL: "https://r.example/{companyId}", LogoURL: "https://l.example/a.png"}
	original := p
	var before ProfileChange
	first := ProfileChange{Name: str("First"), WhiteListURLs: &[]string{}}
	before.Record(&p, first)
	first.Apply(&p)
	// A second change records only the fields not recorded yet.
	second := ProfileChange{Name: str("Second"), IconURL: str("https://i.example/i.ico")}
	before.Record(&p, second)
	second.Apply(&p)
	if p.Name != "Second" || len(p.WhiteListURLs) != 0 || p.IconURL != "https://i.example/i.ico" || p.LogoURL != original.LogoURL {
		t.Fatalf("changed profile = %+v", p)
	}
	if *before.Name != "Before" || *before.IconURL != "" || before.LogoURL != nil || before.RedirectURL != nil {
		t.Fatalf("recorded %+v", before)
	}
	// What is recorded goes into private state as JSON and comes back.
	data, err := json.Marshal(before)
	if err != nil {
		t.Fatal(err)
	}
	var decoded ProfileChange
	if err := json.Unmarshal(data, &decoded); err != nil || decoded.WhiteListURLs == nil {
		t.Fatalf("%s decoded as %+v (%v)", data, decoded, err)
	}
	decoded.Apply(&p)
	p.WhiteListURLs = append([]string(nil), p.WhiteListURLs...)
	if !reflect.DeepEqual(p, original) {
		t.Errorf("restored %+v, want %+v", p, original)
	}
	if !(ProfileChange{}).IsEmpty() || before.IsEmpty() {
		t.Error("IsEmpty")
	}
}

func TestProfileURLRules(t *testing.T) {
	for _, ok := range []string{"https://bobs-burgers.{countrySuffix}/{companyId}", "https://b.example/{sourceType}/?s={statusCode}&e={errorMessage}",
		"http://localhost:3000/done", "https://b.example"} {
		if err := CheckRedirectURL(ok); err != nil {
			t.Errorf("CheckRedirectURL(%q) = %v", ok, err)
		}
	}
	for bad, want := range map[string]string{"b.example/{companyId}": "must start with https://", "https://b.example/{companyId": `"{" without its "}"`,
		"https://b.example/companyId}": `"}" without its "{"`, "https://b.example/{}": "empty parameter", "https:///x": "no host",
		"https://b.example/{a{b}}": `"{" without its "}"`, "ftp://b.example": "must start with https://"} {
		if err := CheckRedirectURL(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRedirectURL(%q) = %v, want %q", bad, err, want)
		}
	}
	if err := CheckWebURL("https://b.example/{x}"); err != nil {
		t.Errorf("braces in a plain URL: %v", err)
	}
	if err := CheckWebURL("https://b.example/a b"); err == nil {
		t.Error("CheckWebURL accepted a space")
	}
}

func TestWebhookConsumerRules(t *testing.T) {
	for _, ok := range []string{"https://hooks.example/codat", "http://127.0.0.1:8080/hook", "http://localhost/x", "http://[::1]:9/"} {
		if err := CheckWebhookURL(ok); err != nil {
			t.Errorf("CheckWebhookURL(%q) = %v", ok, err)
		}
	}
	for bad, want := range map[string]string{"http://hooks.example": "must use https", "ftp://hooks.example": "must start with https://",
		"hooks.example/x": "no host", "https://u:p@hooks.example": "user info", "https://": "no host"} {
		if err := CheckWebhookURL(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckWebhookURL(%q) = %v, want %q", bad, err, want)
		}
	}
	req := WebhookConsumerRequest{URL: "https://h.example", EventTypes: []string{"company.created", "read.completed"}, CompanyTags: []string{"region:uk"}}
	if !req.Matches(WebhookConsumer{ID: "x", URL: "https://h.example", EventTypes: []string{"read.completed", "company.created"}, CompanyTags: []string{"region:uk"}}) {
		t.Error("the same consumer in another order does not match")
	}
	for _, other := range []WebhookConsumer{
		{URL: "https://h.example/", EventTypes: req.EventTypes, CompanyTags: req.CompanyTags},
		{URL: req.URL, EventTypes: req.EventTypes, CompanyTags: req.CompanyTags, Disabled: true},
		{URL: req.URL, EventTypes: req.EventTypes[:1], CompanyTags: req.CompanyTags},
		{URL: req.URL, EventTypes: req.EventTypes},
	} {
		if req.Matches(other) {
			t.Errorf("%+v matches %+v", other, req)
		}
	}
}

func TestWebhookEventTypeProblem(t *testing.T) {
	if p := WebhookEventTypeProblem("read.completed"); p != "" {
		t.Errorf("a known type: %s", p)
	}
	if p := WebhookEventTypeProblem("Company.Created"); !strings.Contains(p, `Did you mean "company.created"`) {
		t.Errorf("Company.Created: %s", p)
	}
	if p := WebhookEventTypeProblem("DataSyncCompleted"); !strings.Contains(p, "is not an event type Codat sends") {
		t.Errorf("a legacy rule name: %s", p)
	}
}
