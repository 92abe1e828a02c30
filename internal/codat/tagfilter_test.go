package codat

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTagFilterRefusesMalformed(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"", "the expression is empty"},
		{"   ", "the expression is empty"},
		{"region", `at character 7: tag "region" is not compared with anything`},
		{"region=", `at character 8: tag "region" has no value after "="`},
		{"region=uk &&", "at character 13: expected a comparison of a tag with a value"},
		{"region=uk && || team=x", "at character 14: expected a comparison"},
		{"=uk", "at character 1: expected a comparison"},
		{"region==uk", `at character 8: the value of tag "region" starts with "="`},
		{"amount>5", `at character 7: tag "amount" is compared with ">", but tags can only be compared with = (equals), != (not equals) and ~ (contains)`},
		{"amount<=5", `compared with "<"`},
		{"{region=uk", `at character 1: this "{" has no matching "}"`},
		{"region=uk}", `at character 10: unexpected "}"`},
		{"région=uk && x", `at character 15: tag "x" is not compared`},
		{strings.Repeat("a", MaxTagFilterLength) + "=b", "at most 2047"},
		{strings.Repeat("{", maxTagFilterDepth+1) + "a=b" + strings.Repeat("}", maxTagFilterDepth+1), "nest more than"},
	} {
		_, err := ParseTagFilter(tc.expr)
		var tfe *TagFilterError
		if !errors.As(err, &tfe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseTagFilter(%q) = %v, want a *TagFilterError containing %q", tc.expr, err, tc.want)
		}
	}
}

func TestTagFilterMatch(t *testing.T) {
	tags := map[string]string{"region": "UK", "team": "invoice-finance", "tier": "gold"}
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{"region=uk", true}, // case ignored: a superset of any reading
		{"region = uk ", true},
		{"region=us", false},
		{"Region=uk", true},
		{"team~finance", true},
		{"team~lending", false},
		{"region!=us", true},
		{"region!=UK", false},
		{"region!=uk", true}, // != holds unless exactly equal
		{"missing!=x", true},
		{"missing=x", false},
		{"region=uk && team=lending", false},
		{"region=us || team~invoice", true},
		{"region=us || team=x && tier=gold", false}, // && binds tighter
		{"{region=us || team=x} && tier=gold", false},
		{"{region=uk || team=x} && tier=gold", true},
		{"region=uk && {tier=silver || tier=gold}", true},
	} {
		f, err := ParseTagFilter(tc.expr)
		if err != nil {
			t.Fatalf("ParseTagFilter(%q): %v", tc.expr, err)
		}
		if got := f.Match(tags); got != tc.want {
			t.Errorf("%q matches %v = %v, want %v", tc.expr, tags, got, tc.want)
		}
		if f.String() != tc.expr {
			t.Errorf("String() = %q, want the expression as written", f.String())
		}
	}
}

func TestCompanyFilterMatch(t *testing.T) {
	company := &Company{Name: "Acme Bakery Ltd", Tags: map[string]string{"region": "uk"}, DataConnections: []Connection{
		{IntegrationKey: "gbol", Status: StatusLinked},
		{IntegrationID: "int-suuo", Status: StatusPendingAuth},
	}}
	keys := PlatformKeys{"int-suuo": "suuo"}
	tags, err := ParseTagFilter("region=uk")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    CompanyFilter
		want bool
	}{
		{"no filter", CompanyFilter{}, true},
		{"tags", CompanyFilter{Tags: tags}, true},
		{"exact name", CompanyFilter{Name: "Acme Bakery Ltd"}, true},
		{"exact name is exact", CompanyFilter{Name: "acme bakery ltd"}, false},
		{"name contains, any case", CompanyFilter{NameContains: "BAKERY"}, true},
		{"name does not contain", CompanyFilter{NameContains: "Brewery"}, false},
		{"status", CompanyFilter{ConnectionStatus: StatusPendingAuth}, true},
		{"no such status", CompanyFilter{ConnectionStatus: StatusDeauthorized}, false},
		{"platform from the catalogue", CompanyFilter{PlatformKey: "suuo"}, true},
		{"status and platform on one connection", CompanyFilter{PlatformKey: "gbol", ConnectionStatus: StatusLinked}, true},
		{"status and platform on different connections", CompanyFilter{PlatformKey: "gbol", ConnectionStatus: StatusPendingAuth}, false},
	} {
		if got := tc.f.Match(company, keys); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func FuzzParseTagFilter(f *testing.F) {
	for _, seed := range []string{"region=uk && team=lending", "{a=b || c~d} && e!=f", "a==b", "{{{", "a=b}}"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		parsed, err := ParseTagFilter(expr)
		if err != nil {
			var tfe *TagFilterError
			if !errors.As(err, &tfe) {
				t.Fatalf("error %v is not a *TagFilterError", err)
			}
			return
		}
		parsed.Match(map[string]string{"a": "b"})
	})
}
