package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var testCatalogue = []codat.Integration{
	{Key: "gbol", Name: "Xero", Enabled: true},
	{Key: "qhyg", Name: "QuickBooks Online", Enabled: true},
	{Key: "ndsk", Name: "QuickBooks Online Sandbox", Enabled: true},
	{Key: "pqsw", Name: "QuickBooks Desktop", Enabled: true},
	{Key: "qalf", Name: "Xero Bank Feeds", Enabled: true},
	{Key: "gbok", Name: "Disabled Lookalike", Enabled: false},
	{Key: "gbom", Name: "Enabled Lookalike", Enabled: true},
	{Key: "mqjo", Name: "Accounting Sandbox", Enabled: true},
}

func keysOf(list []codat.Integration) []string {
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
		got := keysOf(nearestPlatformKeys(testCatalogue, tt.key, tt.n))
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("nearestPlatformKeys(%q, %d) = %v, want %v", tt.key, tt.n, got, tt.want)
		}
	}
	if got := nearestPlatformKeys(nil, "gbol", 3); got != nil {
		t.Errorf("empty catalogue: got %v", got)
	}
	if got := nearestPlatformKeys(testCatalogue, "abcd", 100); len(got) != len(testCatalogue) {
		t.Errorf("n larger than the catalogue: got %d, want %d", len(got), len(testCatalogue))
	}
}

func TestUnknownPlatformKeyDetail(t *testing.T) {
	t.Parallel()
	got := unknownPlatformKeyDetail(testCatalogue, "xero")
	for _, want := range []string{`"xero"`, `Did you mean "gbol" (Xero)`, "codat_integrations"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail %q does not contain %q", got, want)
		}
	}
	// Far-fetched suggestions are left out when better ones exist...
	if got := keysOf(likelyPlatformKeys(testCatalogue, "xero", 3)); !slices.Equal(got, []string{"gbol", "qalf"}) {
		t.Errorf("likelyPlatformKeys(xero) = %v, want [gbol qalf]", got)
	}
	// ...but some keys are always named.
	if got := likelyPlatformKeys(testCatalogue, "zzzz", 3); len(got) != 3 {
		t.Errorf("likelyPlatformKeys(zzzz) = %v, want 3 keys", keysOf(got))
	}
	if got := formatPlatformKeys([]codat.Integration{{Key: "gbok", Name: "Old", Enabled: false}}); got != `"gbok" (Old, disabled)` {
		t.Errorf("formatPlatformKeys = %q", got)
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
