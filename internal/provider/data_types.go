package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// dataTypeProblem explains why name is not one of Codat's 43 data types, with
// the nearest ones, or returns "" when it is one.
func dataTypeProblem(name string) string {
	if slices.Contains(codat.DataTypes, name) {
		return ""
	}
	return fmt.Sprintf("%q is not a Codat data type. Did you mean %s? Data types are case-sensitive; the full list is in the Codat docs (DataType).",
		name, strings.Join(nearestDataTypes(name, 3), ", "))
}

// nearestDataTypes ranks Codat's data types by edit distance to name, ignoring
// case and the "banking-"/"commerce-" prefixes' hyphen, so "Invoice" and
// "bankingAccounts" find invoices and banking-accounts.
func nearestDataTypes(name string, n int) []string {
	fold := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }
	target := fold(name)
	ranked := slices.Clone(codat.DataTypes)
	sort.SliceStable(ranked, func(i, j int) bool {
		return levenshtein(fold(ranked[i]), target) < levenshtein(fold(ranked[j]), target)
	})
	quoted := make([]string, 0, n)
	for _, dt := range ranked[:min(n, len(ranked))] {
		quoted = append(quoted, fmt.Sprintf("%q", dt))
	}
	return quoted
}

// dataTypeValidator checks a string is one of Codat's data types.
type dataTypeValidator struct{}

func (dataTypeValidator) Description(context.Context) string {
	return "must be one of Codat's data types, such as invoices, balanceSheet or banking-transactions"
}

func (v dataTypeValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (dataTypeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := dataTypeProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown Codat data type", fmt.Sprintf("%s: %s", req.Path, problem))
	}
}
