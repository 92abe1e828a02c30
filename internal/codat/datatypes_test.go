package codat

import (
	"strings"
	"testing"
)

func TestDataTypeProblem(t *testing.T) {
	if got := DataTypeProblem("invoices"); got != "" {
		t.Errorf("invoices is a data type, got %q", got)
	}
	for name, want := range map[string]string{
		"Invoice":         `"invoices"`,
		"bankingAccounts": `"banking-accounts"`,
		"profitandloss":   `"profitAndLoss"`,
	} {
		got := DataTypeProblem(name)
		if !strings.Contains(got, "Did you mean "+want) {
			t.Errorf("DataTypeProblem(%q) = %q, want the first suggestion %s", name, got, want)
		}
	}
}
