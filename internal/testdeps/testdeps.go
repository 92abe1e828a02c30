// Package testdeps is for tests that need something the repository cannot
// hold: Codat's OpenAPI files (they carry no licence), a browser, Linux's
// /proc. Where it is missing such a test skips, with one line saying what
// it needs and how to provide it, so `make test` passes on a fresh clone
// with only Go and Terraform. CI sets CODAT_REQUIRE_ALL_TESTS=1, which
// turns those skips into failures, so there every test runs.
package testdeps

import (
	"fmt"
	"os"
	"testing"
)

// RequireAllEnv is the variable that, set to 1, makes a missing dependency
// fail the test.
const RequireAllEnv = "CODAT_REQUIRE_ALL_TESTS"

// Missing ends the test because something it needs is missing: a skip, or a
// failure under RequireAllEnv=1. The message says what is needed and how to
// provide it.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequireAllEnv) == "1" {
		t.Fatalf("%s (a failure, not a skip, because %s=1)", msg, RequireAllEnv)
	}
	t.Skip(msg)
}
