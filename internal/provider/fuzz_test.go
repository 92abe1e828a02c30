package provider

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Fuzz targets for the plan-time validators and the parsers of what users
// and Codat write. Seeds live in testdata/fuzz/<target>; make fuzz runs each
// for FUZZTIME. Every target checks properties, not just the absence of a
// panic: a validator's verdict must agree with what the provider then does.

// FuzzSyncEvery: a sync_every value is accepted exactly when it reads as 1
// to 720 hours, and what the provider writes back for those hours reads as
// the same hours (so state never flips spelling).
func FuzzSyncEvery(f *testing.F) {
	for _, s := range []string{"daily", "Daily", "12h", "0h", "721h", "720h", "0001h", "999999h", "1234567h", "h", "-1h", " 1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hours, ok := syncEveryHours(s)
		problem := syncEveryProblem(s)
		valid := ok && hours >= codat.MinSyncHours && hours <= codat.MaxSyncHours
		if valid != (problem == "") {
			t.Fatalf("syncEveryProblem(%q) = %q, hours %d ok %v", s, problem, hours, ok)
		}
		if !valid {
			return
		}
		if got := syncEveryFor(hours, types.StringValue(s)); got.ValueString() != s {
			t.Fatalf("the configured %q became %q", s, got.ValueString())
		}
		written := syncEveryFor(hours, types.StringNull()).ValueString()
		if back, ok := syncEveryHours(written); !ok || back != hours {
			t.Fatalf("%d hours written as %q, read back as %d", hours, written, back)
		}
	})
}

// FuzzSyncFrom: an accepted sync_from is sent as an instant that reads back
// as the same instant, and the configured spelling is kept in state.
func FuzzSyncFrom(f *testing.F) {
	for _, s := range []string{"2024-01-01", "2024-01-01T00:00:00Z", "2024-02-30", "2024-01-01T10:00:00+02:00", "01/02/2024", "2024-01-01T00:00:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		configured, ok := parseSyncFrom(s)
		if !ok {
			return
		}
		sent := syncFromUTC(s)
		back, ok := codat.ParseSyncFrom(sent)
		if !ok || !back.Equal(configured) {
			t.Fatalf("%q sent as %q, which reads as %v", s, sent, back)
		}
		if kept := syncFromFor(sent, types.StringValue(s)); kept.ValueString() != s {
			t.Fatalf("%q recorded as %q", s, kept.ValueString())
		}
	})
}

// FuzzImportID: any import id gives valid, distinct data types or an error,
// never a panic.
func FuzzImportID(f *testing.F) {
	for _, s := range []string{"8a210b68-6988-11ed-a1eb-0242ac120002", "id:invoices,bills", "id:", "id:bill", ":", "id:invoices,,invoices", "profile:balanceSheet"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if len(raw) > 1024 {
			return
		}
		var diags diag.Diagnostics
		_, sel := parseImportID(raw, &diags)
		seen := map[string]bool{}
		for _, dt := range sel.DataTypes {
			if !slices.Contains(codat.DataTypes, dt) || seen[dt] {
				t.Fatalf("%q gave data types %v", raw, sel.DataTypes)
			}
			seen[dt] = true
		}
	})
}
