package codat

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeError: any status and body yield an APIError with that status
// and a bounded, printable Error() text; nothing panics.
func FuzzDecodeError(f *testing.F) {
	f.Add(404, []byte(`{"statusCode":404,"service":"ClientsApi","error":"No company was found with ID x","correlationId":"abc"}`))
	f.Add(402, []byte(`{"statusCode":429,"error":"limit","validation":{"errors":[{"itemId":"Company","message":"m","validatorName":"v"}],"warnings":null}}`))
	f.Add(502, []byte("<html><body>Bad Gateway</body></html>"))
	f.Add(500, []byte(`{"error":`))
	f.Add(503, []byte(""))
	f.Add(400, []byte(`{"validation":{"errors":[1,"x",null,{"itemId":{}}]}}`))
	f.Add(-1, []byte("\xff\x00\u202e"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		truncated := len(body) > 64
		e := decodeAPIError(status, "GET", "/companies/x", body, truncated, newRedactor("secret-key"))
		if e == nil || e.StatusCode != status {
			t.Fatalf("got %+v", e)
		}
		text := e.Error()
		if !utf8.ValidString(text) {
			t.Fatalf("Error() is not UTF-8: %q", text)
		}
		if strings.ContainsAny(text, "\n\r\x00") {
			t.Fatalf("Error() has control characters: %q", text)
		}
		if strings.Contains(text, "secret-key") {
			t.Fatalf("Error() leaks the secret: %q", text)
		}
	})
}

// FuzzDecodePage: any body yields a page or an error, never both or neither,
// and deciding whether to continue never panics.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"results":[{"id":"a","name":"A","redirect":"r"}],"pageNumber":1,"pageSize":5000,"totalResults":1,"_links":{"self":{"href":"/companies"},"current":{"href":"/companies?page=1"}}}`))
	f.Add([]byte(`{"results":null,"pageNumber":0,"pageSize":0,"totalResults":0,"_links":{}}`))
	f.Add([]byte(`{"results":[{}],"_links":{"next":{"href":"/companies?page=2"}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Add([]byte(`{"results":[`))
	f.Add([]byte(`{"results":{"id":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodePage[Company](body)
		if (page == nil) == (err == nil) {
			t.Fatalf("page %v, err %v: want exactly one", page, err)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		_ = hasMorePages(page, len(page.Results), MaxPageSize)
	})
}

// FuzzCompanyName: a name the validator accepts is one Codat stores
// unchanged, and sanitizing any name gives one the validator accepts (or
// nothing).
func FuzzCompanyName(f *testing.F) {
	for _, s := range []string{"Acme Ltd", "Acme (UK) Ltd", " Acme", "Acme\tLtd", "", "   ", "Ünïcödé", "a\x00b", "Café & Co.", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		problem := CompanyNameProblem(name)
		if !utf8.ValidString(problem) {
			t.Fatalf("problem text is not UTF-8: %q", problem)
		}
		clean := SanitizeCompanyName(name)
		if problem == "" && clean != name {
			t.Fatalf("%q was accepted, but Codat would store %q", name, clean)
		}
		if clean != "" && CompanyNameProblem(clean) != "" {
			t.Fatalf("sanitized %q to %q, which is refused: %s", name, clean, CompanyNameProblem(clean))
		}
		if SanitizeCompanyName(clean) != clean {
			t.Fatalf("sanitizing %q is not idempotent", name)
		}
	})
}

// FuzzDataType: a data type is accepted exactly when it is one of Codat's,
// and a refusal suggests three real ones.
func FuzzDataType(f *testing.F) {
	for _, s := range []string{"invoices", "Invoice", "bankingAccounts", "banking-accounts", "", "commerce-", "\u0130nvoices"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 256 {
			return // edit distance is quadratic; Terraform values this long are not data types
		}
		problem := DataTypeProblem(name)
		if (problem == "") != slices.Contains(DataTypes, name) {
			t.Fatalf("DataTypeProblem(%q) = %q", name, problem)
		}
		if problem == "" {
			return
		}
		_, after, found := strings.Cut(problem, "Did you mean")
		if !found {
			t.Fatalf("no suggestion in %q", problem)
		}
		suggested := regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(after, -1)
		if len(suggested) != 3 {
			t.Fatalf("%d suggestions in %q", len(suggested), problem)
		}
		for _, s := range suggested {
			if !slices.Contains(DataTypes, s[1]) {
				t.Fatalf("suggested %q, not a data type", s[1])
			}
		}
	})
}

// FuzzCreationMarker: the marker is read back as written, any tag value
// Codat returns is parsed without a panic, and a fingerprint fits Codat's
// tag rules and the tags filter whatever the configuration.
func FuzzCreationMarker(f *testing.F) {
	f.Add("Acme", "", "region", "uk", "gbol", "abc_1700000000_0123456789abcdef")
	f.Add("", "d", "", "", "", "..")
	f.Add("\xff", "&&", "}", "||", "x", "a_-1_b")
	f.Fuzz(func(t *testing.T, name, description, tagKey, tagValue, platform, value string) {
		_, _ = parseCreationMarker(value)
		fp := createFingerprint(CompanyRequest{Name: name, Description: description, Tags: map[string]string{tagKey: tagValue}}, platform)
		m := creationMarker{Fingerprint: fp, Written: time.Unix(1700000000, 0), Nonce: newNonce()}
		if len(m.String()) > 100 || !regexp.MustCompile(`^[a-z2-7]{24}_[0-9]+_[0-9a-f]{16}$`).MatchString(m.String()) {
			t.Fatalf("marker %q", m)
		}
		got, ok := parseCreationMarker(m.String())
		if !ok || got.Fingerprint != fp || got.Nonce != m.Nonce || got.Written.Unix() != m.Written.Unix() {
			t.Fatalf("round trip of %q: %+v %v", m, got, ok)
		}
	})
}

// FuzzUnknownPlatformKey: the detail for any key names it and suggests
// only keys of the catalogue.
func FuzzUnknownPlatformKey(f *testing.F) {
	catalogue := []Integration{{Key: "gbol", Name: "Xero", Enabled: true}, {Key: "qhyg", Name: "QuickBooks Online", Enabled: true},
		{Key: "pqsw", Name: "Sage Business Cloud Accounting"}, {Key: "mqjo", Name: "Sandbox"}}
	for _, s := range []string{"xero", "qbo", "GBOL", "", "quickbooks", "sage business", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if len(key) > 256 {
			return
		}
		err := CheckPlatform(catalogue, key)
		if err == nil {
			return
		}
		detail := err.Error()
		if !strings.Contains(detail, "Codat has no platform (integration) with the key") && !strings.Contains(detail, "is disabled") {
			t.Fatalf("detail %q", detail)
		}
		if i := strings.Index(detail, "Did you mean"); i >= 0 {
			for _, m := range regexp.MustCompile(`"([a-z]{4})" \(`).FindAllStringSubmatch(detail[i:], -1) {
				if _, ok := FindIntegration(catalogue, m[1]); !ok {
					t.Fatalf("suggested %q, not in the catalogue", m[1])
				}
			}
		}
	})
}
