package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// clock is the emulator's and the probe's time: sleeping moves it on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

// probeEnv is an in-process emulator playing behaviours, with a company
// linked to Xero whose first syncs are still running, and a client.
type probeEnv struct {
	emu    *emulator.Emulator
	clock  *clock
	client *codat.Client
	linked string
}

func newProbeEnv(t *testing.T, behaviours ...emulator.Behaviour) *probeEnv {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	emu, err := emulator.Open(emulator.Options{Now: clk.Now, SyncStepDuration: time.Hour, Behaviours: behaviours})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := codat.New(codat.Config{BaseURL: srv.URL, APIKey: emu.APIKey(),
		Retry: codat.RetryPolicy{Now: clk.Now, Sleep: clk.Sleep}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	company, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Linked Sandbox Co"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Authorize(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	// Whatever the list delay, the linked company is an old one.
	clk.now = clk.now.Add(time.Minute)
	emu.ResetRequestCounts()
	return &probeEnv{emu: emu, clock: clk, client: client, linked: company.ID}
}

func (e *probeEnv) run(t *testing.T, ctx context.Context) (*Report, error) {
	t.Helper()
	return Run(ctx, Config{Client: e.client, LinkedCompanyID: e.linked, Now: e.clock.Now, Sleep: e.clock.Sleep})
}

// companies counts every company, an hour later: past any list delay.
func (e *probeEnv) companies(t *testing.T) int {
	t.Helper()
	e.clock.now = e.clock.now.Add(time.Hour) // past any list delay
	list, err := e.client.ListCompanies(context.Background(), codat.ListCompaniesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestProbeReportsTheSwitchesThatAreOn runs the probe against the emulator
// in its default mode, in strict mode and with each switch alone: it must
// report exactly the switches that are on, match every answer to a
// reading, and leave nothing behind.
func TestProbeReportsTheSwitchesThatAreOn(t *testing.T) {
	modes := map[string][]emulator.Behaviour{"default": nil, "strict": emulator.StrictBehaviours()}
	for _, info := range emulator.Behaviours() {
		modes[string(info.Name)] = []emulator.Behaviour{info.Name}
	}
	for name, behaviours := range modes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newProbeEnv(t, behaviours...)
			report, err := env.run(t, context.Background())
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			var out bytes.Buffer
			report.Print(&out)
			t.Logf("\n%s", out.String())
			// A switch the probe cannot test is never reported.
			want := []emulator.Behaviour{}
			for _, b := range behaviours {
				if !notProbed(b) {
					want = append(want, b)
				}
			}
			got := report.Switches
			if got == nil {
				got = []emulator.Behaviour{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("probe reports %v, want %v", got, want)
			}
			for _, f := range report.Findings {
				if !f.Matched || f.Skipped {
					t.Errorf("%s: matched %v, skipped %v: %s", f.Question, f.Matched, f.Skipped, f.Observed)
				}
			}
			if len(report.Findings) != 10 {
				t.Errorf("%d findings, want 10", len(report.Findings))
			}
			if int(report.Requests) != env.emu.RequestCounts().Total {
				t.Errorf("report says %d requests, the emulator saw %d", report.Requests, env.emu.RequestCounts().Total)
			}
			if n := env.companies(t); n != 1 {
				t.Errorf("%d companies after the probe, want 1 (the linked one)", n)
			}
			if !strings.Contains(out.String(), "Requests sent: ") || !strings.Contains(out.String(), "-codat-behaviour=") {
				t.Errorf("table lacks the count or the switches:\n%s", out.String())
			}
		})
	}
}

func notProbed(b emulator.Behaviour) bool {
	for _, info := range emulator.Behaviours() {
		if info.Name == b {
			return info.NotProbed != ""
		}
	}
	return false
}

// TestProbeWithoutLinkedCompany skips the pull checks and says why.
func TestProbeWithoutLinkedCompany(t *testing.T) {
	t.Parallel()
	env := newProbeEnv(t)
	report, err := Run(context.Background(), Config{Client: env.client, Now: env.clock.Now, Sleep: env.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, f := range report.Findings {
		if f.Skipped {
			skipped++
			if !strings.Contains(f.Observed, "-company") {
				t.Errorf("%s skipped without saying why: %s", f.Question, f.Observed)
			}
		}
	}
	if skipped != 3 || report.Requests != 12 {
		t.Errorf("%d skipped, %d requests; want 3 and 12", skipped, report.Requests)
	}
}

// TestProbeCleansUpWhenInterrupted: stopped while it waits for the list, the
// probe still deletes its company; a company a killed run left an hour ago
// is deleted by the next run, and a younger one (maybe another run's) kept.
func TestProbeCleansUpWhenInterrupted(t *testing.T) {
	t.Parallel()
	env := newProbeEnv(t, emulator.CompanyListDelay)
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error {
		cancel() // Ctrl-C while waiting
		return ctx.Err()
	}
	report, err := Run(ctx, Config{Client: env.client, LinkedCompanyID: env.linked, Now: env.clock.Now, Sleep: sleep})
	if err == nil || len(report.Removed) != 1 || len(report.Leftovers) != 0 {
		t.Fatalf("err %v, removed %v, leftovers %v: want the interruption and the company removed", err, report.Removed, report.Leftovers)
	}
	if n := env.companies(t); n != 1 {
		t.Errorf("%d companies after the interrupted probe, want 1 (the linked one)", n)
	}

	left := func(age time.Duration) string {
		t.Helper()
		env.clock.now = env.clock.now.Add(-age)
		c, err := env.client.CreateCompany(context.Background(), codat.CompanyRequest{Name: "terraform-codat-probe left",
			Tags: map[string]string{runTag: runPrefix + "0ld"}})
		env.clock.now = env.clock.now.Add(age)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	old, young := left(2*time.Hour), left(10*time.Minute)
	report, err = Run(context.Background(), Config{Client: env.client, Now: env.clock.Now, Sleep: env.clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(report.Removed, old) || slices.Contains(report.Removed, young) {
		t.Errorf("removed %v: want %s (old) and not %s (young)", report.Removed, old, young)
	}
}
