package codat

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var testCatalogue = []Integration{
	{Key: "gbol", Name: "Xero", Enabled: true},
	{Key: "qhyg", Name: "QuickBooks Online", Enabled: true},
	{Key: "ndsk", Name: "QuickBooks Online Sandbox", Enabled: true},
	{Key: "pqsw", Name: "QuickBooks Desktop", Enabled: true},
	{Key: "qalf", Name: "Xero Bank Feeds", Enabled: true},
	{Key: "gbok", Name: "Disabled Lookalike", Enabled: false},
	{Key: "gbom", Name: "Enabled Lookalike", Enabled: true},
	{Key: "mqjo", Name: "Accounting Sandbox", Enabled: true},
}

func integrationKeys(list []Integration) []string {
	out := make([]string, 0, len(list))
	for _, in := range list {
		out = append(out, in.Key)
	}
	return out
}

func TestNearestPlatformKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		n    int
		want []string
	}{
		// A platform's name beats any key: exact name, then prefix, then contains.
		{"xero", 2, []string{"gbol", "qalf"}},
		{"XERO", 1, []string{"gbol"}},
		{"quickbooks", 3, []string{"ndsk", "pqsw", "qhyg"}},
		{"sandbox", 2, []string{"mqjo", "ndsk"}},
		// A typo: edit distance, enabled before disabled, then by key.
		{"gbox", 3, []string{"gbol", "gbom", "gbok"}},
		// The key itself is never suggested.
		{"gbol", 2, []string{"gbom", "gbok"}},
		{"zzzz", 0, nil},
	}
	for _, tt := range tests {
		got := integrationKeys(NearestIntegrations(testCatalogue, tt.key, tt.n))
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("NearestIntegrations(%q, %d) = %v, want %v", tt.key, tt.n, got, tt.want)
		}
	}
	if got := NearestIntegrations(nil, "gbol", 3); got != nil {
		t.Errorf("empty catalogue: got %v", got)
	}
	if got := NearestIntegrations(testCatalogue, "abcd", 100); len(got) != len(testCatalogue) {
		t.Errorf("n larger than the catalogue: got %d, want %d", len(got), len(testCatalogue))
	}
}

func TestCheckPlatform(t *testing.T) {
	t.Parallel()
	got := CheckPlatform(testCatalogue, "xero").Error()
	for _, want := range []string{`Codat has no platform (integration) with the key "xero"`, `Did you mean "gbol" (Xero)`} {
		if !strings.Contains(got, want) {
			t.Errorf("detail %q does not contain %q", got, want)
		}
	}
	// Far-fetched suggestions are left out when better ones exist...
	if got := integrationKeys(LikelyIntegrations(testCatalogue, "xero", 3)); !slices.Equal(got, []string{"gbol", "qalf"}) {
		t.Errorf("LikelyIntegrations(xero) = %v, want [gbol qalf]", got)
	}
	// ...but some keys are always named.
	if got := LikelyIntegrations(testCatalogue, "zzzz", 3); len(got) != 3 {
		t.Errorf("LikelyIntegrations(zzzz) = %v, want 3 keys", integrationKeys(got))
	}
	if got := FormatIntegrations([]Integration{{Key: "gbok", Name: "Old", Enabled: false}}); got != `"gbok" (Old, disabled)` {
		t.Errorf("FormatIntegrations = %q", got)
	}
	if err := CheckPlatform(testCatalogue, "gbol"); err != nil {
		t.Errorf("an enabled platform: %v", err)
	}
	var disabled *PlatformError
	if err := CheckPlatform(testCatalogue, "gbok"); !errors.As(err, &disabled) || !disabled.Disabled() ||
		!strings.Contains(err.Error(), `"gbok" (Disabled Lookalike) is disabled`) || slices.ContainsFunc(disabled.Suggestions, func(in Integration) bool { return !in.Enabled }) {
		t.Errorf("a disabled platform: %v", err)
	}
}

func TestLevenshtein(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"gbol", "gbol", 0}, {"gbol", "gbok", 1}, {"gbl", "gbol", 1}, {"abcd", "wxyz", 4}, {"", "abc", 3}} {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
