package codat

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Platform keys are Codat's 4-letter integration keys (Integration.key,
// pattern [a-z]{4}), e.g. "gbol" for Xero.

// PlatformKeyPattern is the shape of a platform key.
var PlatformKeyPattern = regexp.MustCompile(`^[a-z]{4}$`)

// NearestIntegrations returns up to n integrations of the catalogue that the
// user most likely meant by key, best first. It ranks by
//
//  1. the platform's name: "xero" or "Xero" finds gbol (Xero), "quickbooks"
//     finds the QuickBooks platforms (a name equal to key beats one that
//     starts with it, which beats one that contains it);
//  2. edit distance between the keys (a typo such as "gbl" or "gbpl");
//
// then enabled before disabled, then by key, so the answer is deterministic.
// It never returns key itself if key is in the catalogue.
func NearestIntegrations(catalogue []Integration, key string, n int) []Integration {
	if n <= 0 || len(catalogue) == 0 {
		return nil
	}
	query := strings.ToLower(strings.TrimSpace(key))
	folded := foldName(query)
	type candidate struct {
		in    Integration
		score int
	}
	candidates := make([]candidate, 0, len(catalogue))
	for _, in := range catalogue {
		if in.Key == query {
			continue
		}
		name := foldName(in.Name)
		// Names rank 0-2; a key's edit distance ranks 3 and up, so a name
		// hit always comes first.
		score := 3 + levenshtein(query, in.Key)
		switch {
		case folded == "":
		case name == folded:
			score = 0
		case len(folded) >= 3 && strings.HasPrefix(name, folded):
			score = 1
		case len(folded) >= 3 && strings.Contains(name, folded):
			score = 2
		}
		candidates = append(candidates, candidate{in, score})
	}
	slices.SortStableFunc(candidates, func(a, b candidate) int {
		if a.score != b.score {
			return a.score - b.score
		}
		if a.in.Enabled != b.in.Enabled {
			if a.in.Enabled {
				return -1
			}
			return 1
		}
		return strings.Compare(a.in.Key, b.in.Key)
	})
	out := make([]Integration, 0, min(n, len(candidates)))
	for _, c := range candidates[:min(n, len(candidates))] {
		out = append(out, c.in)
	}
	return out
}

// FormatIntegrations renders integrations for a diagnostic, e.g.
// `"gbol" (Xero), "qhyg" (QuickBooks Online)`.
func FormatIntegrations(list []Integration) string {
	parts := make([]string, 0, len(list))
	for _, in := range list {
		s := fmt.Sprintf("%q (%s", in.Key, in.Name)
		if !in.Enabled {
			s += ", disabled"
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

// LikelyIntegrations is NearestIntegrations without the far-fetched: when
// some platforms match by name or differ from key by at most two letters,
// only those; otherwise the nearest n anyway, so the user sees real keys.
func LikelyIntegrations(catalogue []Integration, key string, n int) []Integration {
	nearest := NearestIntegrations(catalogue, key, n)
	query, folded := strings.ToLower(strings.TrimSpace(key)), foldName(key)
	likely := slices.DeleteFunc(slices.Clone(nearest), func(in Integration) bool {
		nameHit := len(folded) >= 3 && strings.Contains(foldName(in.Name), folded)
		return !nameHit && levenshtein(query, in.Key) > 2
	})
	if len(likely) == 0 {
		return nearest
	}
	return likely
}

// FindIntegration returns the integration with exactly this key.
func FindIntegration(catalogue []Integration, key string) (Integration, bool) {
	for _, in := range catalogue {
		if in.Key == key {
			return in, true
		}
	}
	return Integration{}, false
}

// foldName lower-cases s and drops everything but letters and digits, so
// "QuickBooks Online" and "quickbooks-online" compare equal.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// levenshtein is the edit distance between two short strings.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
