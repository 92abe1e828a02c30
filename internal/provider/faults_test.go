package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// envSoak makes TestAccFaults run the long variant: more companies and every
// fault at once.
const envSoak = "CODAT_FAULTS_SOAK"

// faultScenario is one row of the fault matrix.
type faultScenario struct {
	id     string // the subtest's name
	name   string
	faults emulator.Faults
	// scripts are queued before each command, ahead of the random faults,
	// so the row always exercises the requests it is about (the creates).
	scripts []emulator.ScriptedFault
	// parallelism is terraform's -parallelism (default 10).
	parallelism int
	// alignMinute starts each command 8 s before the emulator's clock turns
	// a minute, so a per-minute limit makes Terraform wait once, briefly.
	alignMinute bool
	// wantFaults says the emulator must have injected faults (or limited).
	wantFaults bool
	// readings says the row's outcome depends on how Codat reads what the
	// docs leave open (lost creates are looked up in GET /companies, and
	// their markers removed): the strict pass runs only these rows.
	readings bool
	// behaviours are emulator readings the row adds to the environment's.
	behaviours []emulator.Behaviour
}

var faultScenarios = []faultScenario{
	{id: "429_bursts", name: "429 bursts, Retry-After 1", wantFaults: true,
		faults:  emulator.Faults{TooManyRequestsRate: 0.1, RetryAfterSeconds: 1, Seed: 1},
		scripts: []emulator.ScriptedFault{{Status: 429, RetryAfter: "1", Count: 10}}},
	{id: "5xx", name: "500 and 503", wantFaults: true, readings: true,
		faults: emulator.Faults{ErrorRate: 0.15, Seed: 2}, scripts: fiveHundreds},
	{id: "latency", name: "latency 100 ms", faults: emulator.Faults{LatencyMs: 100}},
	{id: "drop_before_read", name: "dropped before read", wantFaults: true, readings: true,
		faults: emulator.Faults{DropRate: 0.08, Seed: 3},
		scripts: []emulator.ScriptedFault{{Route: "POST /companies", Drop: true, Count: 3},
			{Route: "POST /companies/{companyId}/connections", Drop: true, Count: 3}}},
	{id: "drop_after_write", name: "dropped after write", wantFaults: true, readings: true,
		faults: emulator.Faults{DropAfterWriteRate: 0.08, Seed: 4}, scripts: dropsAfterWrite},
	// Latency keeps requests in flight long enough to overlap.
	{id: "concurrency_limit", name: "10 concurrent (parallelism 25, 50 ms)", wantFaults: true, parallelism: 25,
		faults: emulator.Faults{LatencyMs: 50, RateLimit: emulator.RateLimit{Concurrent: 10}}},
	{id: "per_minute_limit", name: "80 per minute", wantFaults: true, alignMinute: true,
		faults: emulator.Faults{RateLimit: emulator.RateLimit{PerMinute: 80}}},
	// The rows whose look-ups and confirms the readings change, again with
	// a company list that lags and a PATCH that merges tags (the strict
	// pass plays them in every row already).
	{id: "5xx_list_delay_patch_merge", name: "500 and 503, list delay, PATCH merges", wantFaults: true, readings: true,
		behaviours: listDelayPatchMerge,
		faults:     emulator.Faults{ErrorRate: 0.15, Seed: 6}, scripts: fiveHundreds},
	{id: "drop_after_write_list_delay_patch_merge", name: "dropped after write, list delay, PATCH merges", wantFaults: true, readings: true,
		behaviours: listDelayPatchMerge,
		faults:     emulator.Faults{DropAfterWriteRate: 0.08, Seed: 7}, scripts: dropsAfterWrite},
}

// listDelayPatchMerge are the readings that change how the provider finds
// and confirms its creates: a new company listed late, tags merged by PATCH.
var listDelayPatchMerge = []emulator.Behaviour{emulator.CompanyListDelay, emulator.PatchTagsMerge}

var (
	fiveHundreds = []emulator.ScriptedFault{{Route: "POST /companies", Status: 503, Count: 3},
		{Route: "POST /companies/{companyId}/connections", Status: 500, Count: 3}}
	dropsAfterWrite = []emulator.ScriptedFault{{Route: "POST /companies", DropAfterWrite: true, Count: 3},
		{Route: "POST /companies/{companyId}/connections", DropAfterWrite: true, Count: 3}}
)

var soakScenarios = []faultScenario{
	{id: "everything", name: "everything at once", wantFaults: true, parallelism: 20,
		faults: emulator.Faults{ErrorRate: 0.05, TooManyRequestsRate: 0.05, RetryAfterSeconds: 1, LatencyMs: 30,
			DropRate: 0.03, DropAfterWriteRate: 0.03, Seed: 5, RateLimit: emulator.RateLimit{Concurrent: 10}}},
}

// faultRow is the outcome of one scenario, for the table.
type faultRow struct {
	name                 string
	readings             string // the emulator's switches, "default" for none
	companies            int
	requests             int
	injected             int // faults and rate-limit 429s the emulator answered
	log                  providerLogCounts
	orphans, duplicates  int
	apply, plan, destroy time.Duration
}

// TestAccFaults is the fault matrix: for each fault, Terraform applies,
// plans again and destroys companies with platform connections while the
// emulator injects it. After the apply every company in state exists once
// at Codat and nothing else does; the second plan is empty; the destroy
// leaves Codat empty. go test -v -run TestAccFaults prints the table.
func TestAccFaults(t *testing.T) {
	// Parallel with the other tests: most of a row's time is waiting
	// (Retry-After, latency, rate-limit windows). Run it alone for times
	// that are the row's own.
	t.Parallel()
	companies, scenarios := 50, faultScenarios
	if os.Getenv(envSoak) != "" {
		companies, scenarios = 200, append(scenarios, soakScenarios...)
	}
	var rows []faultRow
	for _, sc := range scenarios {
		t.Run(sc.id, func(t *testing.T) {
			behaviours, run := withReadings(t, sc.behaviours)
			switch {
			case !run:
				t.Skipf("the environment plays %v already", sc.behaviours)
			case strictReadings(t) && !sc.readings:
				t.Skip("Codat's readings do not change this row: run in the default pass only")
			}
			rows = append(rows, runFaultScenario(t, sc, behaviours, companies))
		})
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fault\treadings\tcompanies\trequests\tfaults injected\tclient retries\tcreates re-sent\tlost answers found\torphans\tduplicates\tapply\tplan\tdestroy\ttotal")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", r.name, r.readings, r.companies, r.requests, r.injected,
			r.log.Retries, r.log.Recreates, r.log.Recovered, r.orphans, r.duplicates, seconds(r.apply), seconds(r.plan),
			seconds(r.destroy), seconds(r.apply+r.plan+r.destroy))
	}
	_ = tw.Flush()
	t.Logf("fault matrix (requests and faults as the emulator counted them; retries from the provider's log):\n%s", b.String())
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

func runFaultScenario(t *testing.T, sc faultScenario, behaviours []emulator.Behaviour, companies int) faultRow {
	clock := &shiftedClock{}
	env := newTestEnvWith(t, emulator.Options{Now: clock.Now, Behaviours: behaviours})
	env.requireEmulator(t)
	w := newCLIWorkdir(t, env, fmt.Sprintf(`
resource "codat_company" "c" {
  count        = %d
  name         = "Fault test ${count.index}"
  tags         = { batch = "faults" }
  platform_key = "gbol"
}
`, companies))
	parallelism := sc.parallelism
	if parallelism == 0 {
		parallelism = 10
	}
	flag := fmt.Sprintf("-parallelism=%d", parallelism)
	row := faultRow{name: sc.name, readings: readingsName(behaviours), companies: companies}
	var logs []string
	phase := func(name string) []string {
		if sc.alignMinute {
			clock.alignTo(52 * time.Second)
		}
		setFaults(t, env.Emulator, sc.faults, sc.scripts...)
		log := filepath.Join(w.dir, name+".log")
		logs = append(logs, log)
		return []string{"TF_LOG_PROVIDER=INFO", "TF_LOG_PATH=" + log}
	}

	row.apply = w.apply(phase("apply"), flag).Duration
	after := compareWithCodat(t, env, true, w)
	row.orphans, row.duplicates = len(after.Orphans), len(after.Duplicates)
	if after.InState != companies || !after.ok() {
		t.Errorf("after apply: %s", after)
	}

	row.plan = w.planIsEmpty(phase("plan")).Duration

	row.destroy = w.destroy(phase("destroy"), flag).Duration
	if left := emulatorCompanies(t, env); len(left) != 0 {
		t.Errorf("after destroy Codat still has %d companies", len(left))
		row.orphans += len(left)
	}
	if inState := w.stateCompanies(); len(inState) != 0 {
		t.Errorf("after destroy the state still has %d companies", len(inState))
	}

	counts := env.Emulator.RequestCounts()
	row.requests, row.injected = counts.Total, counts.FaultsInjected+counts.RateLimited
	for _, log := range logs {
		c := countProviderLog(t, log)
		row.log.Retries += c.Retries
		row.log.Recreates += c.Recreates
		row.log.Recovered += c.Recovered
	}
	if sc.wantFaults && row.injected == 0 {
		t.Errorf("the emulator injected no faults, so this row tests nothing (counts %+v)", counts)
	}
	t.Logf("%s: %d requests, %d faults injected, provider log %+v, apply %s, plan %s, destroy %s",
		sc.name, row.requests, row.injected, row.log, row.apply, row.plan, row.destroy)
	return row
}

// shiftedClock is the emulator's clock: real time plus an offset that
// tests move to line rate-limit windows up.
type shiftedClock struct{ offset atomic.Int64 }

func (c *shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// alignTo sets the clock, never ahead of real time, so that it now reads
// second past a minute.
func (c *shiftedClock) alignTo(second time.Duration) {
	now := time.Now()
	target := now.Truncate(time.Minute).Add(second)
	if target.After(now) {
		target = target.Add(-time.Minute)
	}
	c.offset.Store(int64(target.Sub(now)))
}
