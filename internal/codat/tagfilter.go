package codat

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A tag filter is list-companies' tags parameter: comparisons of a tag with
// a value, joined by && and ||, grouped with { }, such as
// "region=uk && team=lending". The spec's tags parameter allows =, != and ~
// (contains); using-the-api/managing-companies.md says it uses the query
// language of using-the-api/querying.md, where && binds tighter than || and a
// value runs to the next &&, || or } (values are not quoted), and a query
// must be under 2048 characters.

// MaxTagFilterLength is the longest tags expression Codat accepts.
const MaxTagFilterLength = 2047

// TagFilter is a tags expression that parsed.
type TagFilter struct {
	expr string
	root tagExpr
}

// TagFilterError says what is wrong with a tags expression, and where
// (Offset, in characters from 1; 0 for the whole expression).
type TagFilterError struct {
	Offset int
	Reason string
}

func (e *TagFilterError) Error() string {
	if e.Offset == 0 {
		return e.Reason
	}
	return fmt.Sprintf("at character %d: %s", e.Offset, e.Reason)
}

// tagOperators are the comparisons the tags parameter allows, two-character
// ones first so "!=" is not read as "!" and "=".
var tagOperators = []string{"!=", "=", "~"}

// ParseTagFilter checks a tags expression and returns it parsed, or a
// *TagFilterError.
func ParseTagFilter(expr string) (*TagFilter, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, &TagFilterError{Reason: "the expression is empty; write comparisons such as region=uk && team=lending"}
	}
	if n := utf8.RuneCountInString(expr); n > MaxTagFilterLength {
		return nil, &TagFilterError{Reason: fmt.Sprintf("the expression is %d characters long; Codat accepts at most %d", n, MaxTagFilterLength)}
	}
	p := &tagParser{src: expr}
	root, err := p.alternatives()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(p.src) {
		return nil, p.fail(fmt.Sprintf("unexpected %q; comparisons are joined with && or ||", p.src[p.pos:p.pos+1]))
	}
	return &TagFilter{expr: expr, root: root}, nil
}

// String is the expression as written, to send as the tags parameter.
func (f *TagFilter) String() string { return f.expr }

// Match reports whether tags may satisfy the filter under any reasonable
// reading of Codat's comparisons: = and ~ ignore case and surrounding
// spaces, and != holds unless the tag has exactly that value. So every
// company Codat returns for the filter matches, and Match can re-check a
// listing without dropping any (see FindCompanies).
func (f *TagFilter) Match(tags map[string]string) bool { return f.root.match(tags) }

type tagExpr interface {
	match(tags map[string]string) bool
}

type tagAny []tagExpr

func (a tagAny) match(tags map[string]string) bool {
	for _, e := range a {
		if e.match(tags) {
			return true
		}
	}
	return false
}

type tagAll []tagExpr

func (a tagAll) match(tags map[string]string) bool {
	for _, e := range a {
		if !e.match(tags) {
			return false
		}
	}
	return true
}

type tagComparison struct {
	key, op, value string
}

func (c tagComparison) match(tags map[string]string) bool {
	if c.op == "!=" {
		v, ok := tags[c.key]
		return !ok || v != c.value
	}
	for k, v := range tags {
		if !strings.EqualFold(strings.TrimSpace(k), c.key) {
			continue
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if want := strings.ToLower(c.value); v == want || (c.op == "~" && strings.Contains(v, want)) {
			return true
		}
	}
	return false
}

// tagParser reads an expression left to right; pos is a byte offset.
type tagParser struct {
	src   string
	pos   int
	depth int
}

// maxTagFilterDepth bounds { } nesting, so no input exhausts the stack.
const maxTagFilterDepth = 32

func (p *tagParser) fail(reason string) *TagFilterError {
	return &TagFilterError{Offset: utf8.RuneCountInString(p.src[:p.pos]) + 1, Reason: reason}
}

func (p *tagParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// accept consumes token (after spaces) if it comes next.
func (p *tagParser) accept(token string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], token) {
		p.pos += len(token)
		return true
	}
	return false
}

// alternatives: terms joined by ||.
func (p *tagParser) alternatives() (tagExpr, error) {
	var alts tagAny
	for {
		term, err := p.term()
		if err != nil {
			return nil, err
		}
		alts = append(alts, term)
		if !p.accept("||") {
			break
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return alts, nil
}

// term: factors joined by &&.
func (p *tagParser) term() (tagExpr, error) {
	var all tagAll
	for {
		f, err := p.factor()
		if err != nil {
			return nil, err
		}
		all = append(all, f)
		if !p.accept("&&") {
			break
		}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return all, nil
}

// factor: a { } group or one comparison.
func (p *tagParser) factor() (tagExpr, error) {
	p.skipSpace()
	open := p.pos
	if !p.accept("{") {
		return p.comparison()
	}
	if p.depth++; p.depth > maxTagFilterDepth {
		return nil, p.fail(fmt.Sprintf("groups nest more than %d deep", maxTagFilterDepth))
	}
	inner, err := p.alternatives()
	if err != nil {
		return nil, err
	}
	if !p.accept("}") {
		p.pos = open
		return nil, p.fail(`this "{" has no matching "}"`)
	}
	p.depth--
	return inner, nil
}

// comparison: key, operator, value. The key runs to the operator; the value
// to the next &&, || or } (or the end), both without surrounding spaces.
func (p *tagParser) comparison() (tagExpr, error) {
	p.skipSpace()
	start := p.pos
	end := start + strings.IndexAny(p.src[start:]+"=", "=!~<>{}&|")
	key := strings.TrimSpace(p.src[start:end])
	p.pos = end
	if key == "" {
		return nil, p.fail("expected a comparison of a tag with a value, such as region=uk")
	}
	op := ""
	for _, candidate := range tagOperators {
		if strings.HasPrefix(p.src[p.pos:], candidate) {
			op = candidate
			break
		}
	}
	if op == "" {
		if p.pos < len(p.src) && strings.ContainsRune("<>", rune(p.src[p.pos])) {
			return nil, p.fail(fmt.Sprintf("tag %q is compared with %q, but tags can only be compared with = (equals), != (not equals) and ~ (contains)", key, p.src[p.pos:p.pos+1]))
		}
		return nil, p.fail(fmt.Sprintf("tag %q is not compared with anything: write %s=value, %s!=value or %s~value", key, key, key, key))
	}
	p.pos += len(op)
	valueStart := p.pos
	for p.pos < len(p.src) && !strings.HasPrefix(p.src[p.pos:], "&&") && !strings.HasPrefix(p.src[p.pos:], "||") && p.src[p.pos] != '}' {
		p.pos++
	}
	value := strings.TrimSpace(p.src[valueStart:p.pos])
	switch {
	case value == "":
		p.pos = valueStart
		return nil, p.fail(fmt.Sprintf("tag %q has no value after %q", key, op))
	case strings.ContainsAny(value[:1], "=!~<>"):
		p.pos = valueStart
		return nil, p.fail(fmt.Sprintf("the value of tag %q starts with %q: use a single =, != or ~", key, value[:1]))
	}
	return tagComparison{key: key, op: op, value: value}, nil
}
