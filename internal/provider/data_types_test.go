package provider

import (
	"strings"
	"testing"
)

func TestDataTypeProblem(t *testing.T) {
	if got := dataTypeProblem("invoices"); got != "" {
		t.Errorf("invoices is a data type, got %q", got)
	}
	for name, want := range map[string]string{
		"Invoice":         `"invoices"`,
		"bankingAccounts": `"banking-accounts"`,
		"profitandloss":   `"profitAndLoss"`,
	} {
		got := dataTypeProblem(name)
		if !strings.Contains(got, "Did you mean "+want) {
			t.Errorf("dataTypeProblem(%q) = %q, want the first suggestion %s", name, got, want)
		}
	}
}
