package emulator

import (
	"strings"
	"testing"
)

func TestQueryLanguage(t *testing.T) {
	t.Parallel()
	row := map[string]any{
		"name": "Acme & Sons Ltd", "status": "Linked", "count": float64(12), "enabled": true,
		"created": "2026-11-27T11:16:54Z", "empty": nil,
	}
	for query, want := range map[string]bool{
		"name=acme & sons ltd":                      true,
		"name~SONS":                                 true,
		"name!=Acme":                                true,
		"status=Linked && enabled=true":             true,
		"status=Linked && enabled=false":            false,
		"status=Unlinked || count>10":               true,
		"{status=Unlinked || count>10} && count<12": false,
		"count>=12 && count<=12":                    true,
		"count=12.0":                                true,
		"count~2":                                   true,
		"count=twelve":                              false,
		"count!=twelve":                             true,
		"enabled!=false":                            true,
		"enabled>true":                              false,
		"created>2026-11-27":                        true,
		"created<2026-11-27T11:16:55Z":              true,
		"created=2026-11-27T11:16:54.000Z":          true,
		"empty=x":                                   false,
		"empty!=x":                                  true,
		"missing=x":                                 false,
		"status=Linked&&{count<0||{name~acme&&enabled=true}}": true,
		"  status = Linked  ": true,
	} {
		node, err := parseQuery(query, false)
		if err != nil {
			t.Errorf("%q: %v", query, err)
			continue
		}
		if got := node.match(row); got != want {
			t.Errorf("%q = %v, want %v", query, got, want)
		}
	}
	for _, bad := range []string{"", " ", "name", "name=", "name= ", "=x", "name==x", "name=<x", "name !x", "{name=x", "name=x}",
		"{{name=x}", "name=x &&", "|| name=x", "na-me=x", "1name=x", "name=x && && y=z", "{}", "name=x}{",
		strings.Repeat("{", 60) + "a=b" + strings.Repeat("}", 60)} {
		if _, err := parseQuery(bad, false); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// Tag keys are free-form but only =, != and ~ apply.
	if _, err := parseQuery("team name=invoice finance && cost-centre~42", true); err != nil {
		t.Errorf("tag query: %v", err)
	}
	for _, bad := range []string{"region>uk", "region<=uk", "=uk"} {
		if _, err := parseQuery(bad, true); err == nil {
			t.Errorf("tag query %q parsed", bad)
		}
	}
}

func TestCompareValues(t *testing.T) {
	t.Parallel()
	ordered := []any{nil, false, true}
	for i := 1; i < len(ordered); i++ {
		if compareValues(ordered[i-1], ordered[i]) >= 0 || compareValues(ordered[i], ordered[i-1]) <= 0 {
			t.Errorf("%v should sort before %v", ordered[i-1], ordered[i])
		}
	}
	if compareValues("b", "A") <= 0 || compareValues(float64(2), float64(10)) >= 0 || compareValues("x", nil) <= 0 {
		t.Error("strings compare case-insensitively, numbers numerically, nil first")
	}
	if compareValues("2026-01-02T00:00:00Z", "2026-01-10") >= 0 {
		t.Error("dates compare as dates")
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{"name=x", "{a=1||b~2}&&c!=3", "}{", "a=b}", "&&||"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, tagMode := range []bool{false, true} {
			if node, err := parseQuery(q, tagMode); err == nil {
				node.match(map[string]any{"a": "b", "n": float64(1), "t": true})
			}
		}
	})
}
