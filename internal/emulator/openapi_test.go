package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/testdeps"
)

// The OpenAPI files are reference data kept outside the repository (they carry
// no licence), in ../shared/codat-openapi beside the clone, or where
// CODAT_OPENAPI_DIR says.
func openAPIDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CODAT_OPENAPI_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "codat-openapi")
	}
	if _, err := os.Stat(filepath.Join(dir, "Codat-Platform.json")); err != nil {
		testdeps.Missing(t, "needs Codat's OpenAPI description (Codat-Platform.json): set CODAT_OPENAPI_DIR to its folder, or put it in ../shared/codat-openapi beside the clone (%v)", err)
	}
	return dir
}

// apiSpec is one OpenAPI file, normalised and ready to validate exchanges.
type apiSpec struct {
	validator  validator.Validator
	operations []specOperation
}

// specOperation maps a method and path template to its operationId.
type specOperation struct {
	method, template, id string
	pattern              *regexp.Regexp
	statuses             []string
}

// loadSpec reads an OpenAPI file and normalises it in memory (see
// normaliseNullable) so that a 3.1 validator can compile its schemas.
func loadSpec(t testing.TB, name string) *apiSpec {
	t.Helper()
	document, doc := loadDocument(t, name)
	v, errs := validator.NewValidator(document, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("%s: building the validator: %v", name, errs)
	}
	return &apiSpec{validator: v, operations: specOperations(doc)}
}

// loadDocument reads an OpenAPI file, normalised, as a document and as
// plain JSON.
func loadDocument(t testing.TB, name string) (libopenapi.Document, map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(openAPIDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	normaliseNullable(doc)
	normalised, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	document, err := libopenapi.NewDocument(normalised)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return document, doc
}

// normaliseNullable rewrites the OpenAPI 3.0 keyword `nullable`, which these
// 3.1 files still use in 94 places and which 3.1 validators reject, into the
// 3.1 form: "null" joins the type list (and the enum), or the schema becomes
// anyOf [schema, null] when it has no plain type (a $ref, allOf, ...).
// `nullable: false` is dropped. This is the only change made to the files.
func normaliseNullable(node any) {
	switch n := node.(type) {
	case []any:
		for _, child := range n {
			normaliseNullable(child)
		}
	case map[string]any:
		for _, child := range n {
			normaliseNullable(child)
		}
		nullable, ok := n["nullable"]
		if !ok {
			return
		}
		delete(n, "nullable")
		if nullable != true {
			return
		}
		if typ, ok := n["type"].(string); ok {
			n["type"] = []any{typ, "null"}
			if enum, ok := n["enum"].([]any); ok {
				n["enum"] = append(enum, nil)
			}
			return
		}
		inner := map[string]any{}
		for key, value := range n {
			switch key {
			case "title", "description", "example", "examples":
			default:
				inner[key] = value
				delete(n, key)
			}
		}
		n["anyOf"] = []any{inner, map[string]any{"type": "null"}}
	}
}

func specOperations(doc map[string]any) []specOperation {
	paths, _ := doc["paths"].(map[string]any)
	param := regexp.MustCompile(`\{[^}]+\}`)
	var ops []specOperation
	for template, item := range paths {
		methods, _ := item.(map[string]any)
		for method, raw := range methods {
			op, ok := raw.(map[string]any)
			if !ok || op["operationId"] == nil {
				continue
			}
			responses, _ := op["responses"].(map[string]any)
			var statuses []string
			for status := range responses {
				statuses = append(statuses, status)
			}
			sort.Strings(statuses)
			ops = append(ops, specOperation{
				method:   strings.ToUpper(method),
				template: template,
				id:       op["operationId"].(string),
				pattern:  regexp.MustCompile("^" + param.ReplaceAllString(template, `[^/]+`) + "$"),
				statuses: statuses,
			})
		}
	}
	// Literal segments win over parameters: data/history/{datasetId} must not
	// be taken for data/queue/{dataType}.
	sort.Slice(ops, func(i, j int) bool {
		pi, pj := strings.Count(ops[i].template, "{"), strings.Count(ops[j].template, "{")
		if pi != pj {
			return pi < pj
		}
		return ops[i].template+ops[i].method < ops[j].template+ops[j].method
	})
	return ops
}

func (s *apiSpec) operation(method, path string) (specOperation, bool) {
	for _, op := range s.operations {
		if op.method == method && op.pattern.MatchString(path) {
			return op, true
		}
	}
	return specOperation{}, false
}

// deviation is a place where the emulator or client knowingly differs from the
// OpenAPI description because the description is wrong or silent. Each entry
// says why; the contract test fails on anything not listed here.
type deviation struct {
	operation string // operationId, or "*" for any
	status    int    // HTTP status of the exchange, 0 for any
	contains  string // substring of the violation text
	reason    string
}

// exchange is one validated request and response.
type exchange struct {
	operation string
	status    int
}

// contractRecorder is an http.RoundTripper that validates every request and
// response passing through it against the OpenAPI description and records
// which operation answered with which status.
type contractRecorder struct {
	base       http.RoundTripper
	specs      []*apiSpec
	tolerated  []deviation
	mu         sync.Mutex
	covered    map[exchange]int
	violations []string
	used       map[int]int // deviations used, by index
	// expectInvalidRequest is set by a test that deliberately sends a request
	// the description forbids (to exercise the emulator's 400s).
	expectInvalidRequest bool
}

func (c *contractRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	c.check(req, reqBody, resp, respBody)
	return resp, nil
}

func (c *contractRecorder) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	var spec *apiSpec
	var op specOperation
	for _, s := range c.specs {
		if found, ok := s.operation(req.Method, req.URL.Path); ok {
			spec, op = s, found
			break
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if spec == nil {
		c.violations = append(c.violations, fmt.Sprintf("%s %s: no operation in the OpenAPI description", req.Method, req.URL.Path))
		return
	}
	c.covered[exchange{op.id, resp.StatusCode}]++
	// docs using-the-api/write-data/idempotency.md: the client sends a GUID
	// Idempotency-Key on every POST and PATCH, and on nothing else.
	key := req.Header.Get(codat.IdempotencyKeyHeader)
	_, keyErr := uuid.Parse(key)
	if write := req.Method == http.MethodPost || req.Method == http.MethodPatch; write != (keyErr == nil) {
		c.violations = append(c.violations, fmt.Sprintf("%s %d request: Idempotency-Key %q on a %s", op.id, resp.StatusCode, key, req.Method))
	}

	vreq := req.Clone(req.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vresp := *resp
	vresp.Body = io.NopCloser(bytes.NewReader(respBody))
	vresp.Request = vreq

	if !c.expectInvalidRequest {
		if ok, errs := spec.validator.ValidateHttpRequestSync(vreq); !ok {
			for _, e := range errs {
				c.report(op.id, resp.StatusCode, "request", e.Error())
			}
		}
		vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	if ok, errs := spec.validator.ValidateHttpResponse(vreq, &vresp); !ok {
		for _, e := range errs {
			c.report(op.id, resp.StatusCode, "response", e.Error())
		}
	}
}

func (c *contractRecorder) report(operation string, status int, side, text string) {
	for i, d := range c.tolerated {
		if (d.operation == "*" || d.operation == operation) && (d.status == 0 || d.status == status) && strings.Contains(text, d.contains) {
			c.used[i]++
			return
		}
	}
	c.violations = append(c.violations, fmt.Sprintf("%s %d %s: %s", operation, status, side, text))
}
