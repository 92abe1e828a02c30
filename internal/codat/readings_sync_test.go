package codat_test

import (
	"slices"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// The sync engine and the sync settings under each reading of Codat where
// its docs are silent (the emulator's switches).

const historyRoute = "GET /companies/{companyId}/data/history"

// linkedCompany is a company with a Linked Xero connection whose first-link
// pulls have finished, on an emulator whose pulls take a minute a step by
// its clock.
func linkedCompany(t *testing.T, behaviours ...emulator.Behaviour) (*creationsHarness, *codat.Company) {
	t.Helper()
	clock := &fakeTime{now: time.Now().Truncate(time.Second)}
	emu := emulator.New(emulator.Options{Now: clock.Now, SyncStepDuration: time.Minute, Behaviours: behaviours})
	h := newCreationsHarnessOn(t, emu, clock)
	company := must(h.client.CreateCompany(t.Context(), codat.CompanyRequest{Name: "Acme"}))(t)
	conn := must(h.client.CreateConnection(t.Context(), company.ID, "gbol"))(t)
	if err := emu.Authorize(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	clock.advance(10 * time.Minute)
	return h, company
}

// TestSyncRun_historyReadings: whether Codat honours, ignores or refuses
// the query on the pull history, a sync follows exactly its own pulls, and
// after the first refusal or ignored query it reads the history in one
// request.
func TestSyncRun_historyReadings(t *testing.T) {
	for _, tc := range []struct {
		name       string
		behaviours []emulator.Behaviour
		// requests to the history for the first and the second refresh
		first, second int
	}{
		{"honoured", nil, 1, 1},
		{"ignored", []emulator.Behaviour{emulator.HistoryQueryIgnored}, 1, 1},
		{"refused", []emulator.Behaviour{emulator.HistoryQueryRejected}, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, company := linkedCompany(t, tc.behaviours...)
			run := h.client.NewSyncRun(company.ID)
			for _, dataType := range []string{"journalEntries", "payments"} {
				if err := run.Queue(t.Context(), dataType, ""); err != nil {
					t.Fatal(err)
				}
			}
			queued := run.Operations()
			for i, want := range []int{tc.first, tc.second} {
				before := h.routes(historyRoute)
				if err := run.Refresh(t.Context()); err != nil {
					t.Fatalf("refresh %d: %v", i+1, err)
				}
				if n := h.routes(historyRoute) - before; n != want {
					t.Errorf("refresh %d: %d requests, want %d", i+1, n, want)
				}
				if got := ids(run.Operations()); !slices.Equal(got, ids(queued)) {
					t.Errorf("refresh %d: operations %v, want the queued %v", i+1, got, ids(queued))
				}
			}
		})
	}
}

// TestSyncRun_allUnderHistoryReadings: a sync of every data type finds the
// pulls data/all queued, and only those, under every reading.
func TestSyncRun_allUnderHistoryReadings(t *testing.T) {
	for _, behaviours := range [][]emulator.Behaviour{nil, {emulator.HistoryQueryIgnored}, {emulator.HistoryQueryRejected}} {
		h, company := linkedCompany(t, behaviours...)
		old := must(h.client.ListPullOperations(t.Context(), company.ID, codat.ListOptions{}))(t)
		run := h.client.NewSyncRun(company.ID)
		if err := run.SnapshotHistory(t.Context(), h.clock.Now().Add(-codat.QueueAllLookback)); err != nil {
			t.Fatal(err)
		}
		if err := run.QueueAll(t.Context()); err != nil {
			t.Fatal(err)
		}
		h.clock.advance(time.Minute) // data/all queues its pulls a step later
		if err := run.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		got := run.Operations()
		if len(got) == 0 || len(got) != len(old) {
			t.Errorf("%v: %d operations, want one per first-link data type (%d)", behaviours, len(got), len(old))
		}
		for _, op := range got {
			if slices.Contains(ids(old), op.ID) {
				t.Errorf("%v: operation %s is from before the sync", behaviours, op.ID)
			}
		}
	}
}

func ids(ops []codat.PullOperation) []string {
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		out = append(out, op.ID)
	}
	return out
}

// TestCompanySettings_readings: sparse bodies read as the spec's stated
// defaults, and a 404 for a company without settings of its own is told
// from a company that does not exist.
func TestCompanySettings_readings(t *testing.T) {
	for _, behaviours := range [][]emulator.Behaviour{nil, {emulator.SyncSettingsSparse, emulator.CompanySyncSettings404}} {
		h := newCreationsHarness(t, behaviours...)
		ctx := t.Context()
		company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
		fresh := must(h.client.CompanySettings(ctx, company.ID))(t)
		if fresh.OverridesDefaults || fresh.CompanyID != company.ID {
			t.Errorf("%v: settings of a company without its own: %+v", behaviours, fresh)
		}
		profile := must(h.client.GetProfileSyncSettings(ctx))(t)
		if len(profile.Settings) == 0 {
			t.Fatalf("%v: the profile has no settings", behaviours)
		}
		set := codat.CompanySyncSettings{CompanyID: company.ID, Settings: profile.Settings[:1], OverridesDefaults: true}
		if err := h.client.SetCompanySyncSettings(ctx, company.ID, set); err != nil {
			t.Fatal(err)
		}
		own := must(h.client.CompanySettings(ctx, company.ID))(t)
		if !own.OverridesDefaults || own.CompanyID != company.ID || len(own.Settings) != 1 {
			t.Errorf("%v: own settings %+v", behaviours, own)
		}
		applied := must(h.client.AppliedCompanySettings(ctx, company.ID))(t)
		if len(applied) != len(profile.Settings) {
			t.Errorf("%v: %d applied settings, want one per data type (%d)", behaviours, len(applied), len(profile.Settings))
		}
		if err := h.client.DeleteCompany(ctx, company.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.client.CompanySettings(ctx, company.ID); !codat.IsNotFound(err) {
			t.Errorf("%v: a deleted company's settings: %v, want 404", behaviours, err)
		}
	}
}

// TestUnsupportedDataTypes: the catalogue tells, where it says so, which
// data types a company's platforms cannot read; Codat's 404 for one is read
// back as the data type and the platforms.
func TestUnsupportedDataTypes(t *testing.T) {
	h := newCreationsHarness(t)
	ctx := t.Context()
	company := must(h.client.CreateCompany(ctx, codat.CompanyRequest{Name: "Acme"}))(t)
	expense := must(h.client.CreateConnection(ctx, company.ID, "xpns"))(t)
	if err := h.emu.Authorize(company.ID, expense.ID); err != nil {
		t.Fatal(err)
	}
	catalogue := h.client.NewCatalogue()
	got := must(catalogue.UnreadDataTypes(ctx, []codat.Connection{*expense}, []string{"invoices", "journalEntries"}))(t)
	if len(got) != 1 || got[0].DataType != "invoices" || got[0].Platforms != "Expense Sandbox" {
		t.Errorf("unread %+v, want invoices on Expense Sandbox only (journalEntries is not listed)", got)
	}
	accounting := must(h.client.CreateConnection(ctx, company.ID, "gbol"))(t)
	if got := must(catalogue.UnreadDataTypes(ctx, []codat.Connection{*expense, *accounting}, []string{"invoices"}))(t); len(got) != 0 {
		t.Errorf("unread %+v, want none: Xero reads invoices", got)
	}

	_, err := h.client.RefreshDataType(ctx, company.ID, "journalEntries", "")
	refused, ok := codat.AsUnsupportedDataType(err)
	if !ok || refused.DataType != "journalEntries" || refused.Platforms != "Expense Sandbox" {
		t.Errorf("refusal %+v (%v) from %v", refused, ok, err)
	}
	if _, ok := codat.AsUnsupportedDataType(&codat.APIError{StatusCode: 404, Message: "Company not found"}); ok {
		t.Error("a company's 404 read as an unsupported data type")
	}
}
