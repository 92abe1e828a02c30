package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Paging limits from the spec's page and pageSize parameters.
const (
	defaultPageSize = 100
	maxPageSize     = 5000
	// maxQueryLength: docs querying.md says a query must be under 2048
	// characters, so 2048 itself is refused.
	maxQueryLength = 2047
)

// listSpec describes one list endpoint.
type listSpec struct {
	resource    string   // names the object in "Could not resolve property"
	service     string   // Codat service named in error bodies
	unqueryable []string // fields Codat refuses to query (e.g. isCompleted)
}

// listParams are a list request's paging, filtering and ordering.
type listParams struct {
	page, pageSize int
	filter         queryNode // nil keeps everything
	orderBy        string
	descending     bool
	extra          [][2]string // query, orderBy and tags, echoed in _links
}

// respondList answers a list request: it filters items with keep (if any) and
// the query parameter, orders, pages and wraps them in Codat's envelope.
func respondList[T any](w http.ResponseWriter, r *http.Request, spec listSpec, items []T, keep func(T) bool) {
	fields := scalarJSONFields(reflect.TypeFor[T](), spec.unqueryable)
	params, perr := parseListParams(r, spec, fields)
	if perr != nil {
		writeError(w, perr)
		return
	}
	page, err := paginate(items, params, r.URL.Path, keep)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// queryParams returns the URL's query parameters keyed by lower-case name:
// Codat (ASP.NET) binds parameter names case-insensitively.
func queryParams(r *http.Request) map[string]string {
	out := map[string]string{}
	for name, values := range r.URL.Query() {
		if len(values) > 0 {
			out[strings.ToLower(name)] = values[0]
		}
	}
	return out
}

func parseListParams(r *http.Request, spec listSpec, fields map[string]bool) (listParams, *apiError) {
	q := queryParams(r)
	p := listParams{page: 1, pageSize: defaultPageSize}
	if raw, ok := q["page"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || n < 1 {
			return p, badRequest(spec.service, "Error processing request - not valid.", codat.ValidationItem{
				ItemID: "page", ValidatorName: "Paging", Message: fmt.Sprintf("page must be an integer of at least 1, got %q.", raw)})
		}
		p.page = n
	}
	if raw, ok := q["pagesize"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || n < 1 || n > maxPageSize {
			return p, badRequest(spec.service, "Error processing request - not valid.", codat.ValidationItem{
				ItemID: "pageSize", ValidatorName: "Paging", Message: fmt.Sprintf("pageSize must be an integer from 1 to %d, got %q.", maxPageSize, raw)})
		}
		p.pageSize = n
	}
	if raw := q["query"]; strings.TrimSpace(raw) != "" {
		node, err := compileQuery(raw, spec, fields)
		if err != nil {
			return p, err
		}
		p.filter = node
		p.extra = append(p.extra, [2]string{"query", raw})
	}
	if raw := strings.TrimSpace(q["orderby"]); raw != "" {
		field, desc := strings.CutPrefix(raw, "-")
		field = strings.TrimSpace(field)
		if !fields[field] {
			return p, unresolvedProperty(spec, field)
		}
		p.orderBy, p.descending = field, desc
		p.extra = append(p.extra, [2]string{"orderBy", raw})
	}
	if raw, ok := q["tags"]; ok && strings.TrimSpace(raw) != "" {
		p.extra = append(p.extra, [2]string{"tags", raw})
	}
	return p, nil
}

func malformedQuery(service string) *apiError {
	return badRequest(service, "Error parsing query - Malformed query.")
}

func unresolvedProperty(spec listSpec, field string) *apiError {
	return badRequest(spec.service, fmt.Sprintf("Error parsing query - Could not resolve property %s on %s", field, spec.resource))
}

// compileQuery parses a query and checks each field exists on the object.
func compileQuery(src string, spec listSpec, fields map[string]bool) (queryNode, *apiError) {
	if len(src) > maxQueryLength {
		return nil, badRequest(spec.service, fmt.Sprintf("Error parsing query - Malformed query. A query must be under %d characters.", maxQueryLength+1))
	}
	node, err := parseQuery(src, false)
	if err != nil {
		return nil, malformedQuery(spec.service)
	}
	var unresolved string
	walkComparisons(node, func(c *comparison) {
		if unresolved == "" && !fields[c.field] {
			unresolved = c.field
		}
	})
	if unresolved != "" {
		return nil, unresolvedProperty(spec, unresolved)
	}
	return node, nil
}

// paginate filters, orders and pages items, building Codat's envelope.
func paginate[T any](items []T, p listParams, path string, keep func(T) bool) (codat.Page[T], error) {
	type row struct {
		item   T
		fields map[string]any
	}
	rows := make([]row, 0, len(items))
	for _, item := range items {
		if keep != nil && !keep(item) {
			continue
		}
		var fields map[string]any
		if p.filter != nil || p.orderBy != "" {
			var err error
			if fields, err = jsonObject(item); err != nil {
				return codat.Page[T]{}, err
			}
		}
		if p.filter != nil && !p.filter.match(fields) {
			continue
		}
		rows = append(rows, row{item: item, fields: fields})
	}
	if p.orderBy != "" {
		slices.SortStableFunc(rows, func(a, b row) int {
			c := compareValues(a.fields[p.orderBy], b.fields[p.orderBy])
			if p.descending {
				return -c
			}
			return c
		})
	}
	start := min((p.page-1)*p.pageSize, len(rows))
	end := min(start+p.pageSize, len(rows))
	results := make([]T, 0, end-start)
	for _, r := range rows[start:end] {
		results = append(results, r.item)
	}
	links := codat.Links{
		Self:    codat.Href{Href: path},
		Current: codat.Href{Href: pageHref(path, p.page, p.pageSize, p.extra)},
	}
	if p.page*p.pageSize < len(rows) {
		links.Next = &codat.Href{Href: pageHref(path, p.page+1, p.pageSize, p.extra)}
	}
	if p.page > 1 {
		links.Previous = &codat.Href{Href: pageHref(path, p.page-1, p.pageSize, p.extra)}
	}
	return codat.Page[T]{
		Results:      results,
		PageNumber:   p.page,
		PageSize:     p.pageSize,
		TotalResults: len(rows),
		Links:        links,
	}, nil
}

// pageHref is a relative link like /companies?page=2&pageSize=10, keeping the
// query, orderBy and tags parameters so following it repeats the listing.
func pageHref(path string, page, pageSize int, extra [][2]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s?page=%d&pageSize=%d", path, page, pageSize)
	for _, kv := range extra {
		b.WriteString("&" + kv[0] + "=" + url.QueryEscape(kv[1]))
	}
	return b.String()
}

// jsonObject is v's JSON form as a map, which is what queries see: the
// top-level fields of the listed object, named as on the wire.
func jsonObject(v any) (map[string]any, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(body, &out)
	return out, err
}

// scalarJSONFields names t's top-level JSON fields holding strings, numbers
// or booleans: the fields a query or orderBy may use.
func scalarJSONFields(t reflect.Type, exclude []string) map[string]bool {
	out := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || slices.Contains(exclude, name) {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
			out[name] = true
		}
	}
	return out
}

// The query language (docs querying.md): comparisons field<op>value joined by
// && and ||, grouped with { }. && binds tighter than ||. Values run to the
// next &&, ||, } or the end, trimmed, unquoted.

type queryNode interface {
	match(fields map[string]any) bool
}

type orNode []queryNode

func (n orNode) match(f map[string]any) bool {
	return slices.ContainsFunc(n, func(c queryNode) bool { return c.match(f) })
}

type andNode []queryNode

func (n andNode) match(f map[string]any) bool {
	for _, c := range n {
		if !c.match(f) {
			return false
		}
	}
	return true
}

type comparison struct {
	field, op, value string
}

func (c *comparison) match(f map[string]any) bool {
	v, ok := f[c.field]
	if !ok || v == nil {
		// Absent (null) never equals anything; querying on null itself is
		// not supported.
		return c.op == "!="
	}
	switch x := v.(type) {
	case bool:
		b, err := strconv.ParseBool(c.value)
		if err != nil {
			return c.op == "!="
		}
		switch c.op {
		case "=":
			return x == b
		case "!=":
			return x != b
		}
		return false
	case float64:
		if c.op == "~" {
			return strings.Contains(strconv.FormatFloat(x, 'f', -1, 64), c.value)
		}
		n, err := strconv.ParseFloat(c.value, 64)
		if err != nil {
			return c.op == "!="
		}
		return holds(c.op, cmp.Compare(x, n))
	case string:
		if c.op == "~" {
			return strings.Contains(strings.ToLower(x), strings.ToLower(c.value))
		}
		return holds(c.op, compareStrings(x, c.value))
	}
	return c.op == "!="
}

// holds says whether a three-way comparison result satisfies op.
func holds(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0
	}
	return false
}

// compareStrings compares dates as dates and everything else
// case-insensitively, as Codat's query engine does.
func compareStrings(a, b string) int {
	if ta, ok := parseDateTime(a); ok {
		if tb, ok := parseDateTime(b); ok {
			return ta.Compare(tb)
		}
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// compareValues orders JSON values for orderBy; absent values sort first.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case nil:
		if b == nil {
			return 0
		}
		return -1
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	case string:
		if y, ok := b.(string); ok {
			return compareStrings(x, y)
		}
	}
	if b == nil {
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// dateTimeLayouts are the DateTime forms Codat uses (UTC, offset, local, date).
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"}

func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func walkComparisons(n queryNode, fn func(*comparison)) {
	switch x := n.(type) {
	case orNode:
		for _, c := range x {
			walkComparisons(c, fn)
		}
	case andNode:
		for _, c := range x {
			walkComparisons(c, fn)
		}
	case *comparison:
		fn(x)
	}
}

var errMalformed = errors.New("malformed query")

// identifier is what a query field (not a tag key) must look like.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// queryParser is a recursive-descent parser over the query string. In tag
// mode (list-companies' tags parameter) fields are free-form tag keys and only
// =, != and ~ are allowed.
type queryParser struct {
	src     string
	pos     int
	tagMode bool
	depth   int
}

// maxQueryDepth bounds { } nesting so hostile input cannot exhaust the stack.
const maxQueryDepth = 50

func parseQuery(src string, tagMode bool) (queryNode, error) {
	p := &queryParser{src: src, tagMode: tagMode}
	node, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, errMalformed
	}
	return node, nil
}

func (p *queryParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

func (p *queryParser) consume(token string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], token) {
		p.pos += len(token)
		return true
	}
	return false
}

func (p *queryParser) parseOr() (queryNode, error) {
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	nodes := orNode{first}
	for p.consume("||") {
		next, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, next)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return nodes, nil
}

func (p *queryParser) parseAnd() (queryNode, error) {
	first, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	nodes := andNode{first}
	for p.consume("&&") {
		next, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, next)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return nodes, nil
}

func (p *queryParser) parsePrimary() (queryNode, error) {
	if p.consume("{") {
		p.depth++
		if p.depth > maxQueryDepth {
			return nil, errMalformed
		}
		node, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if !p.consume("}") {
			return nil, errMalformed
		}
		p.depth--
		return node, nil
	}
	return p.parseComparison()
}

// queryOperators in the order they must be tried (two-character ones first).
var queryOperators = []string{"!=", ">=", "<=", "=", "~", ">", "<"}

func (p *queryParser) parseComparison() (queryNode, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune("=!~<>{}&|", rune(p.src[p.pos])) {
		p.pos++
	}
	field := strings.TrimSpace(p.src[start:p.pos])
	if field == "" || (!p.tagMode && !identifier.MatchString(field)) {
		return nil, errMalformed
	}
	op := ""
	for _, candidate := range queryOperators {
		if strings.HasPrefix(p.src[p.pos:], candidate) {
			op = candidate
			break
		}
	}
	if op == "" || (p.tagMode && op != "=" && op != "!=" && op != "~") {
		return nil, errMalformed
	}
	p.pos += len(op)
	start = p.pos
	for p.pos < len(p.src) {
		rest := p.src[p.pos:]
		if strings.HasPrefix(rest, "&&") || strings.HasPrefix(rest, "||") || rest[0] == '}' {
			break
		}
		p.pos++
	}
	value := strings.TrimSpace(p.src[start:p.pos])
	// A value starting with an operator ("name==x", "total=<5") is a
	// mistyped operator, not a value.
	if value == "" || strings.ContainsRune("=<>~", rune(value[0])) {
		return nil, errMalformed
	}
	return &comparison{field: field, op: op, value: value}, nil
}

// Plain tag keys and values, as every example of the tags filter shows
// them (TagsFilterPlain).
var (
	plainTagKey   = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	plainTagValue = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// tagFilter compiles list-companies' tags parameter, e.g.
// "region=uk && team~invoice", into a predicate over a company's tags.
// With plainOnly, a key or value that is not plain is malformed.
func tagFilter(src string, service string, plainOnly bool) (func(codat.Company) bool, *apiError) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > maxQueryLength {
		return nil, malformedQuery(service)
	}
	node, err := parseQuery(src, true)
	if err != nil {
		return nil, malformedQuery(service)
	}
	plain := true
	walkComparisons(node, func(c *comparison) {
		plain = plain && plainTagKey.MatchString(c.field) && plainTagValue.MatchString(c.value)
	})
	if plainOnly && !plain {
		return nil, malformedQuery(service)
	}
	return func(c codat.Company) bool {
		fields := make(map[string]any, len(c.Tags))
		for k, v := range c.Tags {
			fields[k] = v
		}
		return node.match(fields)
	}, nil
}
