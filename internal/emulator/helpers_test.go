package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// fakeClock is an injectable Options.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 27, 11, 16, 54, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness drives an emulator in-process.
type harness struct {
	t     *testing.T
	emu   *Emulator
	clock *fakeClock
}

const testBase = "http://codat.test"

func newHarness(t *testing.T, configure ...func(*Options)) *harness {
	t.Helper()
	clock := newFakeClock()
	opts := Options{Now: clock.Now, PublicURL: testBase, SyncStepDuration: 2 * time.Second}
	for _, f := range configure {
		f(&opts)
	}
	emu, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return &harness{t: t, emu: emu, clock: clock}
}

// do sends a request with the API key; body may be nil, a string or a value
// to encode as JSON.
func (h *harness) do(method, path string, body any) *httptest.ResponseRecorder {
	h.t.Helper()
	return h.send(method, path, body, h.emu.AuthorizationHeader())
}

// send is do with an explicit Authorization header ("" sends none).
func (h *harness) send(method, path string, body any, authorization string) *httptest.ResponseRecorder {
	h.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatalf("encoding body: %v", err)
		}
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, reader)
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decoding %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body: %s", rec.Code, want, rec.Body.String())
	}
}

var correlationIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// wantError checks a Codat ErrorMessage body with the given status, whose
// error contains message.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, message string) codat.ErrorMessage {
	t.Helper()
	wantStatus(t, rec, status)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var raw map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatalf("error body is not JSON: %q", rec.Body.String())
	}
	for _, field := range []string{"statusCode", "service", "error", "correlationId", "canBeRetried", "detailedErrorCode"} {
		if _, ok := raw[field]; !ok {
			t.Errorf("error body lacks %s: %s", field, rec.Body.String())
		}
	}
	body := decode[codat.ErrorMessage](t, rec)
	if body.StatusCode != status || body.CanBeRetried != "Unknown" || body.DetailedErrorCode != 0 ||
		!correlationIDPattern.MatchString(body.CorrelationID) || body.Service == "" {
		t.Errorf("error body = %+v", body)
	}
	if !strings.Contains(body.Error, message) {
		t.Errorf("error = %q, want it to contain %q", body.Error, message)
	}
	return body
}

var dateTimePattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

func wantDateTime(t *testing.T, name, value string) {
	t.Helper()
	if !dateTimePattern.MatchString(value) {
		t.Errorf("%s = %q, want a DateTime like 2026-11-27T11:16:54Z", name, value)
	}
}

func wantUUID(t *testing.T, name, value string) {
	t.Helper()
	if _, err := uuid.Parse(value); err != nil || len(value) != 36 {
		t.Errorf("%s = %q, want a uuid", name, value)
	}
}

func (h *harness) createCompany(body any) codat.Company {
	h.t.Helper()
	rec := h.do("POST", "/companies", body)
	wantStatus(h.t, rec, http.StatusOK)
	return decode[codat.Company](h.t, rec)
}

func (h *harness) createConnection(companyID, platformKey string) codat.Connection {
	h.t.Helper()
	rec := h.do("POST", "/companies/"+companyID+"/connections", codat.CreateConnectionRequest{PlatformKey: platformKey})
	wantStatus(h.t, rec, http.StatusOK)
	return decode[codat.Connection](h.t, rec)
}

// linkedCompany creates a company with a linked connection to platformKey.
func (h *harness) linkedCompany(platformKey string) (codat.Company, codat.Connection) {
	h.t.Helper()
	c := h.createCompany(codat.CompanyRequest{Name: "Linked Co"})
	conn := h.createConnection(c.ID, platformKey)
	if err := h.emu.Authorize(c.ID, conn.ID); err != nil {
		h.t.Fatalf("Authorize: %v", err)
	}
	return c, conn
}

// wantConnectionShape checks the Connection schema's required fields.
func wantConnectionShape(t *testing.T, conn codat.Connection) {
	t.Helper()
	wantUUID(t, "id", conn.ID)
	wantUUID(t, "integrationId", conn.IntegrationID)
	wantUUID(t, "sourceId", conn.SourceID)
	wantDateTime(t, "created", conn.Created)
	if conn.PlatformName == "" || conn.LinkURL == "" || conn.SourceType == "" {
		t.Errorf("connection lacks required fields: %+v", conn)
	}
	if !slices.Contains(codat.ConnectionStatuses, conn.Status) {
		t.Errorf("status = %q", conn.Status)
	}
	if conn.LastSync != "" {
		wantDateTime(t, "lastSync", conn.LastSync)
	}
}
