package codat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeError: any status and body yield an APIError with that status
// and a bounded, printable Error() text; nothing panics.
func FuzzDecodeError(f *testing.F) {
	f.Add(404, []byte(`{"statusCode":404,"service":"ClientsApi","error":"No company was found with ID x","correlationId":"abc"}`))
	f.Add(402, []byte(`{"statusCode":429,"error":"limit","validation":{"errors":[{"itemId":"Company","message":"m","validatorName":"v"}],"warnings":null}}`))
	f.Add(502, []byte("<html><body>Bad Gateway</body></html>"))
	f.Add(500, []byte(`{"error":`))
	f.Add(503, []byte(""))
	f.Add(400, []byte(`{"validation":{"errors":[1,"x",null,{"itemId":{}}]}}`))
	f.Add(-1, []byte("\xff\x00\u202e"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		truncated := len(body) > 64
		e := decodeAPIError(status, "GET", "/companies/x", body, truncated, newRedactor("secret-key"))
		if e == nil || e.StatusCode != status {
			t.Fatalf("got %+v", e)
		}
		text := e.Error()
		if !utf8.ValidString(text) {
			t.Fatalf("Error() is not UTF-8: %q", text)
		}
		if strings.ContainsAny(text, "\n\r\x00") {
			t.Fatalf("Error() has control characters: %q", text)
		}
		if strings.Contains(text, "secret-key") {
			t.Fatalf("Error() leaks the secret: %q", text)
		}
	})
}

// FuzzDecodePage: any body yields a page or an error, never both or neither,
// and deciding whether to continue never panics.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"results":[{"id":"a","name":"A","redirect":"r"}],"pageNumber":1,"pageSize":5000,"totalResults":1,"_links":{"self":{"href":"/companies"},"current":{"href":"/companies?page=1"}}}`))
	f.Add([]byte(`{"results":null,"pageNumber":0,"pageSize":0,"totalResults":0,"_links":{}}`))
	f.Add([]byte(`{"results":[{}],"_links":{"next":{"href":"/companies?page=2"}}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Add([]byte(`{"results":[`))
	f.Add([]byte(`{"results":{"id":1}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodePage[Company](body)
		if (page == nil) == (err == nil) {
			t.Fatalf("page %v, err %v: want exactly one", page, err)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		_ = hasMorePages(page, len(page.Results), MaxPageSize)
	})
}
