package codat

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DataTypeProblem explains why name is not one of Codat's data types, with
// the nearest ones, or returns "" when it is one.
func DataTypeProblem(name string) string {
	if slices.Contains(DataTypes, name) {
		return ""
	}
	return fmt.Sprintf("%q is not a Codat data type. Did you mean %s? Data types are case-sensitive; the full list is in the Codat docs (DataType).",
		name, strings.Join(nearestDataTypes(name, 3), ", "))
}

// nearestDataTypes ranks Codat's data types by edit distance to name, ignoring
// case and the "banking-"/"commerce-" prefixes' hyphen, so "Invoice" and
// "bankingAccounts" find invoices and banking-accounts.
func nearestDataTypes(name string, n int) []string { return nearestNames(DataTypes, name, n) }

// nearestNames ranks names by edit distance to name, ignoring case and
// hyphens, and quotes the first n.
func nearestNames(names []string, name string, n int) []string {
	fold := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }
	target := fold(name)
	ranked := slices.Clone(names)
	sort.SliceStable(ranked, func(i, j int) bool {
		return levenshtein(fold(ranked[i]), target) < levenshtein(fold(ranked[j]), target)
	})
	quoted := make([]string, 0, n)
	for _, dt := range ranked[:min(n, len(ranked))] {
		quoted = append(quoted, fmt.Sprintf("%q", dt))
	}
	return quoted
}

// InDataTypeOrder returns the keys of m in Codat's DataType order (unknown
// names last, alphabetically), so requests and messages are the same on
// every run.
func InDataTypeOrder[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(DataTypes, a), slices.Index(DataTypes, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}
