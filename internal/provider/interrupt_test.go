package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
	"github.com/codat-community/terraform-provider-codat/internal/testdeps"
)

// interruptLease is the creation lease for these tests, so the second apply
// adopts what the first left within seconds rather than minutes.
const interruptLease = "CODAT_CREATE_LEASE=4s"

// TestAccInterrupt_sigint: Ctrl-C during an apply of 50 companies. Terraform
// stops the provider; creates in flight finish their bookkeeping and are
// recorded. A new apply then creates the rest: state and Codat agree.
func TestAccInterrupt_sigint(t *testing.T) {
	t.Parallel()
	testInterruptedApply(t, func(t *testing.T, tf *os.Process) {
		if err := tf.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAccInterrupt_providerKilled: the provider process dies (SIGKILL)
// during an apply. Its creates in flight never reach Terraform; the companies
// they made keep their creation marker, and the new apply adopts them instead
// of creating others.
func TestAccInterrupt_providerKilled(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		testdeps.Missing(t, "needs Linux: it finds the provider process through /proc")
	}
	testInterruptedApply(t, func(t *testing.T, tf *os.Process) {
		pid := providerChild(t, tf.Pid)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	})
}

// testInterruptedApply runs the interrupted apply under the environment's
// readings of Codat, and again with a company list that lags and a PATCH
// that merges tags (unless the environment plays those already): the next
// apply must find what the first left, though GET /companies does not show
// it yet, and remove markers either way.
func testInterruptedApply(t *testing.T, interrupt func(*testing.T, *os.Process)) {
	for _, tc := range []struct {
		name  string
		extra []emulator.Behaviour
	}{{"environment", nil}, {"list_delay_patch_merge", listDelayPatchMerge}} {
		extra := tc.extra
		behaviours, run := withReadings(t, extra)
		t.Run(tc.name, func(t *testing.T) {
			if !run {
				t.Skipf("the environment plays %v already", extra)
			}
			t.Logf("readings: %s", readingsName(behaviours))
			testInterruptedApplyUnder(t, interrupt, behaviours)
		})
	}
}

func testInterruptedApplyUnder(t *testing.T, interrupt func(*testing.T, *os.Process), behaviours []emulator.Behaviour) {
	const companies, interruptAt = 50, 15
	env := newTestEnvWith(t, emulator.Options{Behaviours: behaviours})
	env.requireEmulator(t)
	w := newCLIWorkdir(t, env, fmt.Sprintf(`
resource "codat_company" "c" {
  count        = %d
  name         = "Interrupted ${count.index}"
  platform_key = "gbol"
}
`, companies), interruptLease)
	// Latency stretches each create (four requests) to over a second, so
	// the interruption finds creates in flight.
	setFaults(t, env.Emulator, emulator.Faults{LatencyMs: 300})

	cmd, out := w.command(t.Context(), nil, "apply", "-auto-approve", "-no-color", "-input=false")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for len(emulatorCompanies(t, env)) < interruptAt {
		if time.Since(start) > time.Minute {
			_ = cmd.Process.Kill()
			t.Fatalf("fewer than %d companies after a minute:\n%s", interruptAt, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	interrupt(t, cmd.Process)
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the interrupted apply succeeded; it was interrupted too late:\n%s", out)
	}
	interrupted := time.Since(start)
	first := compareWithCodat(t, env, false, w)
	// Everything the interrupted apply left outside the state must carry
	// the marker that lets the next apply adopt it.
	for _, id := range first.Orphans {
		if !slices.Contains(first.Marked, id) {
			t.Errorf("company %s is outside the state without a creation marker: nothing can adopt it", id)
		}
	}

	setFaults(t, env.Emulator, emulator.Faults{})
	second := w.apply(nil)
	final := compareWithCodat(t, env, true, w)
	adopted := 0
	for _, c := range w.stateCompanies() {
		if slices.Contains(first.Orphans, c.ID) {
			adopted++
		}
	}
	if adopted != len(first.Orphans) {
		t.Errorf("the second apply adopted %d of the %d companies the first left outside the state", adopted, len(first.Orphans))
	}
	if final.InState != companies || !final.ok() {
		t.Errorf("after the second apply: %s", final)
	}
	w.planIsEmpty(nil)
	w.destroy(nil)
	if left := emulatorCompanies(t, env); len(left) != 0 {
		t.Errorf("after destroy Codat still has %d companies", len(left))
	}
	t.Logf("interrupted apply: stopped after %s with %d companies at Codat, %d in state, %d outside it (all marked: %v)\n"+
		"second apply: %s, adopted %d, created %d; then %d in state, %d at Codat, orphans %d, duplicates %d",
		seconds(interrupted), first.AtCodat, first.InState, len(first.Orphans), len(first.Orphans) <= len(first.Marked),
		seconds(second.Duration), adopted, companies-first.InState-adopted, final.InState, final.AtCodat,
		len(final.Orphans), len(final.Duplicates))
}

// providerChild finds the running provider process Terraform started.
func providerChild(t *testing.T, terraformPID int) int {
	t.Helper()
	binary := filepath.Join(providerBinaryDir(t), "terraform-provider-codat")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
			fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
			if len(fields) < 2 || fields[1] != strconv.Itoa(terraformPID) {
				continue
			}
			if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && exe == binary {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no provider process under terraform (pid %d)", terraformPID)
	return 0
}
