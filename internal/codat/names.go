package codat

import (
	"fmt"
	"strconv"
	"strings"
)

// CompanyNameRule is Codat's rule for company names, in words. Codat removes
// any other character instead of rejecting the name (managing-companies.md),
// so callers that must store exactly what they sent reject such names first.
const CompanyNameRule = "letters A-Z and a-z, digits, spaces and - ' & @ . , ? !"

// companyNameAllowed reports whether Codat keeps r in a company name. Codat's
// pattern also allows other whitespace (\s); tabs and line breaks are refused
// here because nobody means them and Codat's handling of them is not
// documented.
func companyNameAllowed(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune(" -'&@.,?!", r)
}

// CompanyNameProblem explains what is wrong with a company name, or
// returns "" for a name Codat stores unchanged.
func CompanyNameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return "must contain at least one letter or digit"
	}
	var bad []string
	seen := map[rune]bool{}
	for _, r := range name {
		if companyNameAllowed(r) || seen[r] {
			continue
		}
		seen[r] = true
		bad = append(bad, describeRune(r))
	}
	if len(bad) > 0 {
		it := "it"
		if len(bad) > 1 {
			it = "them"
		}
		return fmt.Sprintf("contains %s, which Codat does not allow (it would silently remove %s). A company name may contain only %s",
			strings.Join(bad, ", "), it, CompanyNameRule)
	}
	if strings.TrimSpace(name) != name {
		return "starts or ends with a space; remove it, as Codat may trim it"
	}
	return ""
}

// describeRune names a character so that it can be found in the text it
// came from.
func describeRune(r rune) string {
	switch r {
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	if r < ' ' || r == 0x7f {
		return fmt.Sprintf("the control character %U", r)
	}
	return strconv.Quote(string(r))
}

// SanitizeCompanyName turns a name from an accounting platform into one Codat
// stores unchanged: other whitespace becomes a space, characters Codat would
// remove are removed, and surrounding spaces are trimmed.
func SanitizeCompanyName(name string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xa0:
			return ' '
		case companyNameAllowed(r):
			return r
		}
		return -1
	}, name)
	return strings.TrimSpace(clean)
}
