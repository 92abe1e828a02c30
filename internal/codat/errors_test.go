package codat

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestDecodeAPIErrorFromErrorMessage(t *testing.T) {
	body := `{"statusCode":402,"service":"ClientsApi","error":"CompanyValidationException: Company limit exceeded",
		"correlationId":"7eb40d6b415d7bcfd6b4f6ab2bc2e1d1","canBeRetried":"Unknown","detailedErrorCode":0,
		"validation":{"errors":[{"itemId":"Company","message":"Company limit exceeded","validatorName":"CreateCompany"}],
		"warnings":[{"itemId":"Plan","message":"Free plan","validatorName":"Billing"}]}}`
	e := decodeAPIError(402, "POST", "/companies", []byte(body), false, nil)
	if e.StatusCode != 402 || e.Service != "ClientsApi" || e.CanBeRetried != "Unknown" ||
		e.CorrelationID != "7eb40d6b415d7bcfd6b4f6ab2bc2e1d1" ||
		e.Message != "CompanyValidationException: Company limit exceeded" {
		t.Errorf("fields: %+v", e)
	}
	if e.Validation == nil || len(e.Validation.Errors) != 1 || len(e.Validation.Warnings) != 1 ||
		e.Validation.Errors[0] != (ValidationItem{ItemID: "Company", Message: "Company limit exceeded",
			ValidatorName: "CreateCompany"}) {
		t.Errorf("validation: %+v", e.Validation)
	}
	want := "codat: POST /companies: 402 Payment Required: CompanyValidationException: Company limit exceeded; " +
		"Company: Company limit exceeded (correlation id 7eb40d6b415d7bcfd6b4f6ab2bc2e1d1)"
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
	if !IsPaymentRequired(e) {
		t.Error("IsPaymentRequired = false")
	}
}

func TestErrorTextMatchesDocumentedShape(t *testing.T) {
	id := "8a210b68-6988-11ed-a1eb-0242ac120002"
	body := fmt.Sprintf(`{"statusCode":404,"service":"ClientsApi","error":"No company was found with ID %s","correlationId":"abc"}`, id)
	e := decodeAPIError(404, "GET", "/companies/"+id, []byte(body), false, nil)
	want := fmt.Sprintf("codat: GET /companies/%s: 404 Not Found: No company was found with ID %s (correlation id abc)", id, id)
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
}

func TestHTTPStatusWinsOverBodyStatusCode(t *testing.T) {
	// The spec's own Payment-Required example carries statusCode 429.
	e := decodeAPIError(402, "POST", "/companies", []byte(`{"statusCode":429,"error":"limit"}`), false, nil)
	if e.StatusCode != 402 || IsRateLimited(e) || !IsPaymentRequired(e) {
		t.Errorf("status = %d", e.StatusCode)
	}
	e = decodeAPIError(503, "GET", "/x", []byte(`{"statusCode":500,"error":"down"}`), false, nil)
	if StatusCode(e) != 503 {
		t.Errorf("status = %d", e.StatusCode)
	}
}

func TestDecodeAPIErrorFromUnexpectedBodies(t *testing.T) {
	huge := strings.Repeat("x", 100_000)
	cases := map[string]struct {
		body      string
		truncated bool
		wantBody  string
	}{
		"html":          {body: "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>", wantBody: "<html><head><title>502 Bad Gateway</title></head> <body>nginx</body></html>"},
		"empty":         {body: "", wantBody: ""},
		"truncated":     {body: `{"statusCode":500,"error":"boo`, wantBody: `{"statusCode":500,"error":"boo`},
		"array":         {body: `[1,2,3]`, wantBody: `[1,2,3]`},
		"null":          {body: `null`, wantBody: `null`},
		"no known keys": {body: `{"foo":"bar"}`, wantBody: `{"foo":"bar"}`},
		"oversized":     {body: huge, truncated: true, wantBody: strings.Repeat("x", maxExcerptRunes) + "…"},
		"binary":        {body: "\x00\x01\x02", wantBody: "3 bytes, not text"},
		"invalid utf8":  {body: "\xff\xfe error", wantBody: "\ufffd error"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := decodeAPIError(502, "GET", "/companies", []byte(tc.body), tc.truncated, nil)
			if e.StatusCode != 502 || e.Message != "" {
				t.Errorf("status %d message %q", e.StatusCode, e.Message)
			}
			if e.Body != tc.wantBody {
				t.Errorf("Body = %q, want %q", e.Body, tc.wantBody)
			}
			if len(e.Error()) > 600 {
				t.Errorf("Error() is %d bytes", len(e.Error()))
			}
			if !strings.HasPrefix(e.Error(), "codat: GET /companies: 502 Bad Gateway") {
				t.Errorf("Error() = %q", e.Error())
			}
		})
	}
}

func TestTruncatedErrorMessageIsNotTrusted(t *testing.T) {
	// A valid JSON prefix of a cut-off body must not pass as complete.
	e := decodeAPIError(500, "GET", "/x", []byte(`{"error":"partial"}`), true, nil)
	if e.Message != "" || e.Body == "" {
		t.Errorf("message %q body %q", e.Message, e.Body)
	}
}

func TestLenientErrorFields(t *testing.T) {
	body := `{"error":"bad","canBeRetried":false,"detailedErrorCode":"x","service":{"a":1},
		"validation":{"errors":[{"itemId":7,"message":null},"junk",{}],"warnings":"nope"}}`
	e := decodeAPIError(400, "GET", "/x", []byte(body), false, nil)
	if e.Message != "bad" || e.CanBeRetried != "false" || e.DetailedErrorCode != 0 || e.Service != "" {
		t.Errorf("fields: %+v", e)
	}
	// Non-object and empty items are skipped; a number becomes text.
	if e.Validation == nil || len(e.Validation.Errors) != 1 || e.Validation.Errors[0].ItemID != "7" ||
		e.Validation.Warnings != nil {
		t.Errorf("validation = %+v", e.Validation)
	}
}

func TestGatewayMessageShapes(t *testing.T) {
	e := decodeAPIError(429, "GET", "/x", []byte(`{"message":"Too many requests"}`), false, nil)
	if e.Message != "Too many requests" {
		t.Errorf("message = %q", e.Message)
	}
}

func TestMessagesAreSanitisedAndCapped(t *testing.T) {
	long := strings.Repeat("é", 5000)
	e := decodeAPIError(400, "GET", "/x", []byte(`{"error":"line1\nline2\u0000\t`+long+`"}`), false, nil)
	if strings.ContainsAny(e.Message, "\n\x00\t") {
		t.Errorf("message keeps control characters: %q", e.Message[:40])
	}
	if n := len([]rune(e.Message)); n > maxMessageRunes+1 {
		t.Errorf("message has %d runes", n)
	}
}

func TestHelpersWorkThroughWrapping(t *testing.T) {
	cases := []struct {
		status int
		check  func(error) bool
	}{
		{404, IsNotFound}, {401, IsUnauthorized}, {403, IsUnauthorized}, {409, IsConflict},
		{402, IsPaymentRequired}, {429, IsRateLimited}, {400, IsBadRequest},
	}
	for _, tc := range cases {
		wrapped := fmt.Errorf("reading company: %w", &APIError{StatusCode: tc.status})
		if !tc.check(wrapped) {
			t.Errorf("helper for %d false on wrapped error", tc.status)
		}
		if StatusCode(wrapped) != tc.status {
			t.Errorf("StatusCode = %d", StatusCode(wrapped))
		}
		if tc.check(&APIError{StatusCode: 500}) {
			t.Errorf("helper for %d true on a 500", tc.status)
		}
	}
	if StatusCode(errors.New("plain")) != 0 || StatusCode(nil) != 0 || IsNotFound(nil) {
		t.Error("non-API errors must report 0 / false")
	}
}

func TestErrorIncludesAttemptsAndUnknownStatus(t *testing.T) {
	e := &APIError{Method: "GET", Path: "/x", StatusCode: 599, Attempts: 9}
	if got := e.Error(); got != "codat: GET /x: 599 (after 9 attempts)" {
		t.Errorf("Error() = %q", got)
	}
	_ = http.StatusOK
}

func TestRedactorRemovesSecrets(t *testing.T) {
	r := newRedactor("s3cret", "czNjcmV0")
	if got := r.apply("key s3cret b64 czNjcmV0"); got != "key [REDACTED] b64 [REDACTED]" {
		t.Errorf("got %q", got)
	}
	var none redactor
	if none.apply("x") != "x" {
		t.Error("nil redactor changed text")
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
