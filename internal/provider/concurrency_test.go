package provider

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// codatLimits are Codat's documented limits: 10 concurrent requests, and
// 1000 a minute from one address. Latency keeps requests in flight long
// enough for the concurrency limit to bite.
var codatLimits = emulator.Faults{LatencyMs: 20, RateLimit: emulator.RateLimit{Concurrent: 10, PerMinute: 1000}}

// TestAccConcurrentRuns: four Terraform runs, each with its own working
// directory and state, apply, plan and destroy 25 companies each at the same
// time against one Codat account with Codat's rate limits. All succeed, and
// Codat holds exactly what the four states hold.
func TestAccConcurrentRuns(t *testing.T) {
	t.Parallel()
	const runs, companies = 4, 25
	env, dirs, applyTime, after := applyRuns(t, runs, companies, func(i int) string { return fmt.Sprintf("Run %d company ${count.index}", i) })
	planTime := runAll(t, dirs, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	destroyTime := runAll(t, dirs, "destroy", "-auto-approve", "-no-color", "-input=false")
	if left := emulatorCompanies(t, env); len(left) != 0 {
		t.Errorf("after the destroys Codat still has %d companies", len(left))
	}
	counts := env.Emulator.RequestCounts()
	if counts.RateLimited == 0 {
		t.Errorf("Codat's limits never applied, so this tests nothing: %+v", counts)
	}
	t.Logf("%d concurrent runs × %d companies: all succeeded; applies %s, plans %s, destroys %s (wall time of the slowest); "+
		"%d requests, %d answered 429 by the rate limits; orphans %d, duplicates %d",
		runs, companies, seconds(applyTime), seconds(planTime), seconds(destroyTime), counts.Total, counts.RateLimited,
		len(after.Orphans), len(after.Duplicates))
}

// TestAccConcurrentRuns_sameConfiguration: three runs of one configuration
// (say, three workspaces) at once. Their creates carry the same fingerprint,
// so each run sees the others' companies while they are being created; none
// may adopt a company another run is creating. Every run ends with its own
// ten companies.
func TestAccConcurrentRuns_sameConfiguration(t *testing.T) {
	t.Parallel()
	const runs, companies = 3, 10
	env, dirs, applyTime, after := applyRuns(t, runs, companies, func(int) string { return "Same company" }, interruptLease)
	runAll(t, dirs, "destroy", "-auto-approve", "-no-color", "-input=false")
	if left := emulatorCompanies(t, env); len(left) != 0 {
		t.Errorf("after the destroys Codat still has %d companies", len(left))
	}
	t.Logf("%d concurrent runs of one configuration × %d companies: applies %s; %d in states, %d at Codat, held twice %d",
		runs, companies, seconds(applyTime), after.InState, after.AtCodat, len(after.Duplicates))
}

// applyRuns applies, in runs working directories at once against one
// emulator with Codat's limits, companies companies each, named by name(run),
// and compares the states with Codat.
func applyRuns(t *testing.T, runs, companies int, name func(run int) string, extraEnv ...string) (*testEnv, []*cliWorkdir, time.Duration, agreement) {
	t.Helper()
	env := newTestEnvWith(t, emulator.Options{Faults: codatLimits})
	env.requireEmulator(t)
	dirs := make([]*cliWorkdir, runs)
	for i := range dirs {
		dirs[i] = newCLIWorkdir(t, env, fmt.Sprintf(`
resource "codat_company" "c" {
  count        = %d
  name         = %q
  platform_key = "gbol"
}
`, companies, name(i)), extraEnv...)
	}
	applyTime := runAll(t, dirs, "apply", "-auto-approve", "-no-color", "-input=false")
	after := compareWithCodat(t, env, true, dirs...)
	if after.InState != runs*companies || !after.ok() {
		t.Errorf("after the applies: %s", after)
	}
	return env, dirs, applyTime, after
}

// runAll runs the same terraform command in every directory at once and
// fails the test if any fails. It returns the wall time.
func runAll(t *testing.T, dirs []*cliWorkdir, args ...string) time.Duration {
	t.Helper()
	start := time.Now()
	results := make([]cliResult, len(dirs))
	var wg sync.WaitGroup
	for i, w := range dirs {
		wg.Go(func() { results[i] = w.run(nil, args...) })
	}
	wg.Wait()
	for i, res := range results {
		if res.ExitCode != 0 {
			t.Errorf("run %d: %s", i, res)
		}
	}
	return time.Since(start)
}
