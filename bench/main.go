// Command bench measures what the Codat provider costs at scale: terraform
// apply, plan (refresh) and destroy of N codat_company resources with a
// platform connection, through the real Terraform CLI against the emulator,
// next to floors that make no API call at all:
//
//   - floor: floorprovider, a terraform-plugin-framework provider whose
//     resource takes the same configuration and only keeps it in state;
//   - floor_same_state: the same provider's resource that also keeps a
//     made-up state of codat_company's shape and size, which tells
//     Terraform's cost of that state from the provider's own;
//   - terraform_data: Terraform's built-in resource, no provider process.
//
// Terraform launches the providers itself (dev_overrides, no terraform init),
// as it does for a user, so their start-up, their logs and one process per
// plan and per apply are all counted. The emulator runs in this process; its
// request counts are reset before each phase.
//
// Then, with -limited, the same at one N with the emulator enforcing Codat's
// documented limits (10 concurrent requests, 1,000 a minute), against the
// least time those limits allow for the requests sent. With -client, a plan
// of a few companies in a client holding many more (20,000): the requests
// and memory a refresh costs when Codat's company list is large.
//
// Run it from the repository root (make bench). It prints the tables and
// writes them, with a plot of time against N, under -out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// Scenarios, in the order each phase runs them.
const (
	scCodat     = "codat"
	scFloor     = "floor"
	scSameState = "floor_same_state"
	scTFData    = "terraform_data"
)

var phases = []string{"apply", "plan", "destroy"}

type options struct {
	ns          []int
	limitedN    int
	clientTotal int
	clientN     int
	pace        bool
	parallelism int
	out         string
	keep        bool
	terraform   string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	var ns string
	flag.StringVar(&ns, "n", "10,100,1000", "comma-separated resource counts")
	flag.IntVar(&o.limitedN, "limited", 1000, "resource count of the run under Codat's rate limits; 0 skips it")
	flag.IntVar(&o.clientTotal, "client", 20000, "companies at Codat in the run that plans a few of them; 0 skips it")
	flag.IntVar(&o.clientN, "client-n", 10, "companies Terraform manages in the -client run")
	flag.BoolVar(&o.pace, "pace", true, "in the run under the rate limits, pace requests as the provider does against api.codat.io (requests_per_minute = 1000, max_concurrent_requests = 10); false sends them as fast as Terraform asks and lets 429s slow them")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism (Terraform's default is 10)")
	flag.StringVar(&o.out, "out", "bench", "directory for results.md and time-vs-n.svg")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (configurations, state, logs)")
	flag.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI to run")
	flag.Parse()
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("-n: %q is not a positive count", f)
		}
		o.ns = append(o.ns, n)
	}
	slices.Sort(o.ns)
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run it from the repository root (make bench)")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	started := time.Now()

	work, err := os.MkdirTemp("", "codat-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "work directory:", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}

	env := machineInfo(ctx, o.terraform)
	fmt.Fprintf(os.Stderr, "building the providers into %s\n", work)
	pluginDir := filepath.Join(work, "providers")
	if err := build(ctx, pluginDir); err != nil {
		return err
	}

	emu, baseURL, closeEmu, err := startEmulator()
	if err != nil {
		return err
	}
	defer closeEmu()

	b := &bencher{opts: o, work: work, emu: emu, env: terraformEnv(work, baseURL, emu.APIKey())}
	if err := b.writeCLIConfig(pluginDir); err != nil {
		return err
	}

	res := &results{machine: env, parallelism: o.parallelism}
	if res.catalogueRequests, err = b.catalogueCheck(ctx); err != nil {
		return err
	}
	for _, n := range o.ns {
		rs, err := b.scaleRun(ctx, n)
		if err != nil {
			return err
		}
		res.runs = append(res.runs, rs...)
	}
	if o.clientTotal > 0 {
		if o.clientN < 1 || o.clientN > o.clientTotal {
			return fmt.Errorf("-client-n %d must be from 1 to -client %d", o.clientN, o.clientTotal)
		}
		if res.bigClient, err = b.bigClientRun(ctx, o.clientTotal, o.clientN); err != nil {
			return err
		}
	}
	if o.limitedN > 0 {
		if res.limited, err = b.limitedRun(ctx, o.limitedN); err != nil {
			return err
		}
	}
	res.machine.loadAfter = loadAverage()
	res.elapsed = time.Since(started)

	report := res.markdown()
	fmt.Println(report)
	if err := os.MkdirAll(o.out, 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "results.md"), []byte(report), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, "time-vs-n.svg"), []byte(res.svg()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s (%s in all)\n", filepath.Join(o.out, "results.md"),
		filepath.Join(o.out, "time-vs-n.svg"), res.elapsed.Round(time.Second))
	return nil
}

// build compiles the provider and the floor provider into dir, named as
// Terraform looks for them.
func build(ctx context.Context, dir string) error {
	for _, b := range []struct{ name, pkg string }{
		{"terraform-provider-codat", "."},
		{"terraform-provider-floor", "./bench/floorprovider"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, b.name), b.pkg) //nolint:gosec // G204: our own packages, into our work directory
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
		}
	}
	return nil
}

// startEmulator serves the emulator on a free loopback port, with syncs that
// complete at once (nothing here waits for one).
func startEmulator() (*emulator.Emulator, string, func(), error) {
	emu, err := emulator.Open(emulator.Options{SyncStepDuration: emulator.NoSyncDelay})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return emu, "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// terraformEnv is this process's environment without anything that would
// change what Terraform does (logging, extra arguments, other CLI configs,
// another Codat), plus the emulator's address and key.
func terraformEnv(work, baseURL, apiKey string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "CODAT_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(work, "terraformrc"),
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"CODAT_BASE_URL="+baseURL,
		"CODAT_API_KEY="+apiKey,
	)
}

type bencher struct {
	opts options
	work string
	emu  *emulator.Emulator
	env  []string
}

func (b *bencher) writeCLIConfig(pluginDir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "codat-community/codat" = %q
    "bench/floor"           = %q
  }
  direct {}
}
`, pluginDir, pluginDir)
	return os.WriteFile(filepath.Join(b.work, "terraformrc"), []byte(cfg), 0o600)
}

// configuration is the root module of a scenario with n resources.
func configuration(scenario string, n int) string {
	switch scenario {
	case scCodat:
		return fmt.Sprintf(`terraform {
  required_providers {
    codat = { source = "codat-community/codat" }
  }
}

resource "codat_company" "c" {
  count        = %d
  name         = "Bench company ${count.index}"
  platform_key = "gbol"
}
`, n)
	case scFloor, scSameState:
		resourceType := map[string]string{scFloor: "floor_company", scSameState: "floor_company_same_state"}[scenario]
		return fmt.Sprintf(`terraform {
  required_providers {
    floor = { source = "bench/floor" }
  }
}

resource %q "c" {
  count        = %d
  name         = "Bench company ${count.index}"
  platform_key = "gbol"
}
`, resourceType, n)
	default:
		return fmt.Sprintf(`resource "terraform_data" "c" {
  count = %d
  input = { name = "Bench company ${count.index}", platform_key = "gbol" }
}
`, n)
	}
}

// phaseResult is one terraform command.
type phaseResult struct {
	scenario, phase string
	n               int
	wall            time.Duration
	cpu             time.Duration // user and system time of Terraform and its providers
	providerCPU     time.Duration // the providers' part of cpu
	providerPeakKB  int64         // highest VmHWM of any provider process Terraform started
	providerProcs   int
	terraformPeakKB int64
	counts          emulator.RequestCounts
}

// scaleRun applies, plans and destroys n resources of each scenario, one
// phase at a time across the scenarios, so that a change in the machine's
// load affects them alike.
func (b *bencher) scaleRun(ctx context.Context, n int) ([]phaseResult, error) {
	scenarios := []string{scCodat, scFloor, scSameState, scTFData}
	dirs := map[string]string{}
	for _, sc := range scenarios {
		dir := filepath.Join(b.work, fmt.Sprintf("%s-%d", sc, n))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configuration(sc, n)), 0o600); err != nil {
			return nil, err
		}
		dirs[sc] = dir
	}
	var out []phaseResult
	for _, phase := range phases {
		for _, sc := range scenarios {
			r, err := b.phase(ctx, dirs[sc], sc, phase, n)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// phase runs one terraform command and checks that it did all it should.
func (b *bencher) phase(ctx context.Context, dir, scenario, phase string, n int) (phaseResult, error) {
	args := []string{phase, "-input=false", "-no-color", "-parallelism=" + strconv.Itoa(b.opts.parallelism)}
	switch phase {
	case "apply":
		args = append(args, "-auto-approve")
	case "destroy":
		// The plan phase just refreshed every resource; measured again
		// here, the refresh would hide what destroying costs.
		args = append(args, "-auto-approve", "-refresh=false")
	case "plan":
		// Exit status 2 would mean the refresh found a difference: a bug.
		args = append(args, "-detailed-exitcode")
	}
	b.emu.ResetRequestCounts()
	fmt.Fprintf(os.Stderr, "  %-14s %-7s N=%-5d ", scenario, phase, n)
	run, err := b.terraformRun(ctx, dir, phase, args...)
	if err != nil {
		fmt.Fprintln(os.Stderr)
		return phaseResult{}, err
	}
	want := map[string]string{
		"apply":   fmt.Sprintf("Apply complete! Resources: %d added, 0 changed, 0 destroyed.", n),
		"plan":    "No changes.",
		"destroy": fmt.Sprintf("Destroy complete! Resources: %d destroyed.", n),
	}[phase]
	if !strings.Contains(run.output, want) {
		fmt.Fprintln(os.Stderr)
		return phaseResult{}, fmt.Errorf("terraform %s in %s did not report %q; its output ends:\n%s", phase, dir, want, tail(run.output, 40))
	}
	r := phaseResult{scenario: scenario, phase: phase, n: n, wall: run.wall, cpu: run.cpu, providerCPU: run.providerCPU, providerPeakKB: run.providerPeakKB,
		providerProcs: run.providerProcs, terraformPeakKB: run.terraformPeakKB, counts: b.emu.RequestCounts()}
	fmt.Fprintf(os.Stderr, "%7.2fs  CPU %6.2fs (provider %6.2fs)  %4d requests  provider peak %s\n",
		r.wall.Seconds(), r.cpu.Seconds(), r.providerCPU.Seconds(), r.counts.Total, formatMB(r.providerPeakKB))
	return r, nil
}

// catalogueCheck plans a configuration that reads the whole catalogue through
// codat_integrations and returns the requests it took.
func (b *bencher) catalogueCheck(ctx context.Context) (emulator.RequestCounts, error) {
	dir := filepath.Join(b.work, "catalogue")
	cfg := `terraform {
  required_providers {
    codat = { source = "codat-community/codat" }
  }
}

data "codat_integrations" "all" {}

output "platforms" {
  value = length(data.codat_integrations.all.integrations)
}
`
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return emulator.RequestCounts{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return emulator.RequestCounts{}, err
	}
	b.emu.ResetRequestCounts()
	fmt.Fprintln(os.Stderr, "codat_integrations: terraform plan")
	run, err := b.terraformRun(ctx, dir, "plan", "plan", "-input=false", "-no-color")
	if err != nil {
		return emulator.RequestCounts{}, err
	}
	if !strings.Contains(run.output, "platforms") {
		return emulator.RequestCounts{}, fmt.Errorf("terraform plan of codat_integrations did not plan the output:\n%s", tail(run.output, 40))
	}
	return b.emu.RequestCounts(), nil
}

// limitedResult is the run under Codat's rate limits.
type limitedResult struct {
	n      int
	paced  bool
	phases []phaseResult
}

// limitedRun applies, plans and destroys n companies while the emulator
// enforces Codat's documented limits.
func (b *bencher) limitedRun(ctx context.Context, n int) (*limitedResult, error) {
	b.emu.Reset()
	if err := b.emu.SetFaults(emulator.Faults{RateLimit: emulator.RateLimit{Concurrent: 10, PerMinute: 1000}}); err != nil {
		return nil, err
	}
	defer b.emu.Reset()
	dir := filepath.Join(b.work, fmt.Sprintf("limited-%d", n))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	cfg := configuration(scCodat, n)
	if b.opts.pace {
		// The emulator is not api.codat.io, where these are the defaults.
		cfg += `
provider "codat" {
  requests_per_minute     = 1000
  max_concurrent_requests = 10
}
`
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "under Codat's rate limits (10 concurrent, 1,000 a minute), client pacing %v:\n", b.opts.pace)
	res := &limitedResult{n: n, paced: b.opts.pace}
	for _, phase := range phases {
		r, err := b.phase(ctx, dir, scCodat, phase, n)
		if err != nil {
			return nil, err
		}
		res.phases = append(res.phases, r)
	}
	return res, nil
}

type terraformRunResult struct {
	output          string
	wall            time.Duration
	cpu             time.Duration
	providerCPU     time.Duration
	providerPeakKB  int64
	providerProcs   int
	terraformPeakKB int64
}

// terraformRun runs terraform in dir, sampling the memory of the provider
// processes it starts, and keeps the output in dir/<log>.log.
func (b *bencher) terraformRun(ctx context.Context, dir, log string, args ...string) (terraformRunResult, error) {
	cmd := exec.CommandContext(ctx, b.opts.terraform, args...) //nolint:gosec // G204: the Terraform CLI the user named, with our arguments
	cmd.Dir = dir
	cmd.Env = b.env
	// On interrupt, let Terraform stop its providers and save its state.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	var output strings.Builder
	cmd.Stdout = &output
	cmd.Stderr = &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return terraformRunResult{}, err
	}
	s := startSampler(cmd.Process.Pid, 25*time.Millisecond)
	err := cmd.Wait()
	wall := time.Since(start)
	peaks := s.finish()
	_ = os.WriteFile(filepath.Join(dir, log+".log"), []byte(output.String()), 0o600)
	r := terraformRunResult{output: output.String(), wall: wall, providerPeakKB: peaks.providerKB,
		// Terraform waits for its providers, so its times include theirs.
		cpu:         cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		providerCPU: peaks.providerCPU, providerProcs: peaks.providers, terraformPeakKB: peaks.terraformKB}
	if err != nil {
		return r, fmt.Errorf("terraform %s in %s: %w; its output ends:\n%s", strings.Join(args, " "), dir, err, tail(r.output, 40))
	}
	return r, nil
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// machine describes where the benchmark ran.
type machine struct {
	cpus                  int
	memTotal              string
	loadBefore, loadAfter string
	terraform, goVersion  string
	when                  time.Time
}

func machineInfo(ctx context.Context, terraform string) machine {
	m := machine{cpus: runtime.NumCPU(), loadBefore: loadAverage(), goVersion: runtime.Version(), when: time.Now()}
	if out, err := exec.CommandContext(ctx, terraform, "version").Output(); err == nil {
		m.terraform, _, _ = strings.Cut(string(out), "\n")
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
				m.memTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return m
}

// loadAverage is the 1, 5 and 15 minute load averages.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// perRunRoutes are requests a Terraform run sends once, not per company.
var perRunRoutes = []string{"GET /integrations", "GET /companies"}

func isPerRun(route string) bool { return slices.Contains(perRunRoutes, route) }
