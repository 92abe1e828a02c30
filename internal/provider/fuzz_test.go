package provider

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Fuzz targets for the plan-time validators and the parsers of what users
// and Codat write. Seeds live in testdata/fuzz/<target>; make fuzz runs each
// for FUZZTIME. Every target checks properties, not just the absence of a
// panic: a validator's verdict must agree with what the provider then does.

// FuzzCompanyName: a name the validator accepts is one Codat stores
// unchanged, and sanitizing any name gives one the validator accepts (or
// nothing).
func FuzzCompanyName(f *testing.F) {
	for _, s := range []string{"Acme Ltd", "Acme (UK) Ltd", " Acme", "Acme\tLtd", "", "   ", "Ünïcödé", "a\x00b", "Café & Co.", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		problem := companyNameProblem(name)
		if !utf8.ValidString(problem) {
			t.Fatalf("problem text is not UTF-8: %q", problem)
		}
		clean := sanitizeCompanyName(name)
		if problem == "" && clean != name {
			t.Fatalf("%q was accepted, but Codat would store %q", name, clean)
		}
		if clean != "" && companyNameProblem(clean) != "" {
			t.Fatalf("sanitized %q to %q, which is refused: %s", name, clean, companyNameProblem(clean))
		}
		if sanitizeCompanyName(clean) != clean {
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
		problem := dataTypeProblem(name)
		if (problem == "") != slices.Contains(codat.DataTypes, name) {
			t.Fatalf("dataTypeProblem(%q) = %q", name, problem)
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
			if !slices.Contains(codat.DataTypes, s[1]) {
				t.Fatalf("suggested %q, not a data type", s[1])
			}
		}
	})
}

// FuzzSyncEvery: a sync_every value is accepted exactly when it reads as 1
// to 720 hours, and what the provider writes back for those hours reads as
// the same hours (so state never flips spelling).
func FuzzSyncEvery(f *testing.F) {
	for _, s := range []string{"daily", "Daily", "12h", "0h", "721h", "720h", "0001h", "999999h", "1234567h", "h", "-1h", " 1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hours, ok := syncEveryHours(s)
		problem := syncEveryProblem(s)
		valid := ok && hours >= minSyncHours && hours <= maxSyncHours
		if valid != (problem == "") {
			t.Fatalf("syncEveryProblem(%q) = %q, hours %d ok %v", s, problem, hours, ok)
		}
		if !valid {
			return
		}
		if got := syncEveryFor(hours, types.StringValue(s)); got.ValueString() != s {
			t.Fatalf("the configured %q became %q", s, got.ValueString())
		}
		written := syncEveryFor(hours, types.StringNull()).ValueString()
		if back, ok := syncEveryHours(written); !ok || back != hours {
			t.Fatalf("%d hours written as %q, read back as %d", hours, written, back)
		}
	})
}

// FuzzSyncFrom: an accepted sync_from is sent as an instant that reads back
// as the same instant, and the configured spelling is kept in state.
func FuzzSyncFrom(f *testing.F) {
	for _, s := range []string{"2024-01-01", "2024-01-01T00:00:00Z", "2024-02-30", "2024-01-01T10:00:00+02:00", "01/02/2024", "2024-01-01T00:00:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		configured, ok := parseSyncFrom(s)
		if !ok {
			return
		}
		sent := syncFromUTC(s)
		back, ok := parseSyncFromCodat(sent)
		if !ok || !back.Equal(configured) {
			t.Fatalf("%q sent as %q, which reads as %v", s, sent, back)
		}
		if kept := syncFromFor(sent, types.StringValue(s)); kept.ValueString() != s {
			t.Fatalf("%q recorded as %q", s, kept.ValueString())
		}
	})
}

// FuzzImportID: any import id gives valid, distinct data types or an error,
// never a panic.
func FuzzImportID(f *testing.F) {
	for _, s := range []string{"8a210b68-6988-11ed-a1eb-0242ac120002", "id:invoices,bills", "id:", "id:bill", ":", "id:invoices,,invoices", "profile:balanceSheet"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if len(raw) > 1024 {
			return
		}
		var diags diag.Diagnostics
		_, sel := parseImportID(raw, &diags)
		seen := map[string]bool{}
		for _, dt := range sel.DataTypes {
			if !slices.Contains(codat.DataTypes, dt) || seen[dt] {
				t.Fatalf("%q gave data types %v", raw, sel.DataTypes)
			}
			seen[dt] = true
		}
	})
}

// FuzzCreationMarker: the marker is read back as written, any tag value
// Codat returns is parsed without a panic, and a fingerprint fits Codat's
// tag rules and the tags filter whatever the configuration.
func FuzzCreationMarker(f *testing.F) {
	f.Add("Acme", "", "region", "uk", "gbol", "abc.1700000000.0123456789abcdef")
	f.Add("", "d", "", "", "", "..")
	f.Add("\xff", "&&", "}", "||", "x", "a.-1.b")
	f.Fuzz(func(t *testing.T, name, description, tagKey, tagValue, platform, value string) {
		_, _ = parseCreationMarker(value)
		fp := createFingerprint(codat.CompanyRequest{Name: name, Description: description, Tags: map[string]string{tagKey: tagValue}}, platform)
		m := creationMarker{Fingerprint: fp, Written: testNow(), Nonce: newNonce()}
		if len(m.String()) > 100 || !regexp.MustCompile(`^[a-z2-7]{24}\.[0-9]+\.[0-9a-f]{16}$`).MatchString(m.String()) {
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
	catalogue := []codat.Integration{{Key: "gbol", Name: "Xero", Enabled: true}, {Key: "qhyg", Name: "QuickBooks Online", Enabled: true},
		{Key: "pqsw", Name: "Sage Business Cloud Accounting"}, {Key: "mqjo", Name: "Sandbox"}}
	for _, s := range []string{"xero", "qbo", "GBOL", "", "quickbooks", "sage business", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if len(key) > 256 {
			return
		}
		detail := unknownPlatformKeyDetail(catalogue, key)
		if !strings.Contains(detail, "Codat has no platform (integration) with the key") {
			t.Fatalf("detail %q", detail)
		}
		if i := strings.Index(detail, "Did you mean"); i >= 0 {
			for _, m := range regexp.MustCompile(`"([a-z]{4})" \(`).FindAllStringSubmatch(detail[i:], -1) {
				if _, ok := findPlatform(catalogue, m[1]); !ok {
					t.Fatalf("suggested %q, not in the catalogue", m[1])
				}
			}
		}
	})
}

func testNow() time.Time { return time.Unix(1700000000, 0) }
