package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// The tests in this file's companions (faults, interruption, concurrent
// runs, secrets) drive the terraform binary themselves rather than through
// terraform-plugin-testing: they time each command, read the provider's log,
// run several at once, and signal Terraform or kill the provider process. The
// provider is a binary built from this module and found through dev_overrides,
// so no terraform init (and no download) is needed.

// builtProvider is the provider binary, built once per test process.
var builtProvider struct {
	once sync.Once
	dir  string
	err  error
}

func providerBinaryDir(t *testing.T) string {
	t.Helper()
	builtProvider.once.Do(func() {
		dir, err := os.MkdirTemp("", "codat-provider-bin")
		if err != nil {
			builtProvider.err = err
			return
		}
		builtProvider.dir = dir
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-codat"), "../..").CombinedOutput()
		if err != nil {
			builtProvider.err = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	if builtProvider.err != nil {
		t.Fatal(builtProvider.err)
	}
	return builtProvider.dir
}

// removeBuiltProvider is called by TestMain once every test has run.
func removeBuiltProvider() {
	if builtProvider.dir != "" {
		_ = os.RemoveAll(builtProvider.dir)
	}
}

// cliWorkdir is one Terraform working directory (one configuration, one
// state) using the built provider against env.
type cliWorkdir struct {
	t   *testing.T
	dir string
	tf  string
	env []string
}

const cliRequiredProviders = `terraform {
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}

provider "codat" {}
`

// newCLIWorkdir writes config (after the required_providers block) into a
// new directory. The API key and base URL reach the provider through the
// environment only, never through the configuration.
func newCLIWorkdir(t *testing.T, env *testEnv, config string, extraEnv ...string) *cliWorkdir {
	t.Helper()
	env.requireEmulator(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cliRequiredProviders+config), 0o600); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "terraformrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"codat-community/codat\" = %q\n  }\n  direct {}\n}\n", providerBinaryDir(t))
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"CODAT_BASE_URL=" + env.BaseURL, "CODAT_API_KEY=" + env.APIKey}
	// The test process's own Terraform and Codat settings must not leak in.
	base := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "CODAT_")
	})
	return &cliWorkdir{t: t, dir: dir, tf: os.Getenv("TF_ACC_TERRAFORM_PATH"), env: append(append(base, vars...), extraEnv...)}
}

// cliResult is one finished terraform command.
type cliResult struct {
	Args     []string
	Output   string
	ExitCode int
	Duration time.Duration
}

func (r cliResult) String() string {
	return fmt.Sprintf("terraform %s: exit %d after %s\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Duration.Round(time.Millisecond), r.Output)
}

func (w *cliWorkdir) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, w.tf, args...)
	cmd.Dir = w.dir
	cmd.Env = append(slices.Clone(w.env), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs terraform with args (and extra environment) to the end. It is
// safe to call from several goroutines at once; a command that cannot start
// has exit code -1.
func (w *cliWorkdir) run(extraEnv []string, args ...string) cliResult {
	cmd, out := w.command(w.t.Context(), extraEnv, args...)
	start := time.Now()
	err := cmd.Run()
	res := cliResult{Args: args, Output: out.String(), Duration: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		res.ExitCode, res.Output = -1, err.Error()
	}
	return res
}

// mustRun is run, failing the test unless terraform succeeds.
func (w *cliWorkdir) mustRun(extraEnv []string, args ...string) cliResult {
	w.t.Helper()
	res := w.run(extraEnv, args...)
	if res.ExitCode != 0 {
		w.t.Fatalf("%s", res)
	}
	return res
}

// apply, plan and destroy with the flags every test wants.
func (w *cliWorkdir) apply(extraEnv []string, flags ...string) cliResult {
	w.t.Helper()
	return w.mustRun(extraEnv, append([]string{"apply", "-auto-approve", "-no-color", "-input=false"}, flags...)...)
}

// planIsEmpty fails the test unless a plan shows no changes.
func (w *cliWorkdir) planIsEmpty(extraEnv []string) cliResult {
	w.t.Helper()
	res := w.run(extraEnv, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if res.ExitCode != 0 {
		w.t.Fatalf("the plan after apply is not empty (exit %d; 2 means changes):\n%s", res.ExitCode, res)
	}
	return res
}

func (w *cliWorkdir) destroy(extraEnv []string, flags ...string) cliResult {
	w.t.Helper()
	return w.mustRun(extraEnv, append([]string{"destroy", "-auto-approve", "-no-color", "-input=false"}, flags...)...)
}

// stateCompany is one codat_company instance in a local state file.
type stateCompany struct {
	Address      string
	ID           string
	Name         string
	ConnectionID string
	Status       string
}

// stateCompanies reads the working directory's terraform.tfstate.
func (w *cliWorkdir) stateCompanies() []stateCompany {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ID           string `json:"id"`
					Name         string `json:"name"`
					ConnectionID string `json:"connection_id"`
					Status       string `json:"status"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		w.t.Fatalf("terraform.tfstate: %v", err)
	}
	var out []stateCompany
	for _, r := range state.Resources {
		if r.Type != "codat_company" {
			continue
		}
		for _, in := range r.Instances {
			addr := "codat_company." + r.Name
			if in.IndexKey != nil {
				addr += fmt.Sprintf("[%v]", in.IndexKey)
			}
			a := in.Attributes
			out = append(out, stateCompany{Address: addr, ID: a.ID, Name: a.Name, ConnectionID: a.ConnectionID, Status: a.Status})
		}
	}
	return out
}

// emulatorCompany is a company as the emulator stores it.
type emulatorCompany struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Tags        map[string]string    `json:"tags"`
	Connections []emulatorConnection `json:"connections"`
}

type emulatorConnection struct {
	ID             string `json:"id"`
	IntegrationKey string `json:"integrationKey"`
}

// emulatorCompanies reads the emulator's companies through its control
// endpoint, which is neither faulted nor counted.
func emulatorCompanies(t *testing.T, env *testEnv) []emulatorCompany {
	t.Helper()
	resp, err := http.Get(env.BaseURL + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var state struct {
		Companies []emulatorCompany `json:"companies"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	return state.Companies
}

// agreement compares what the states hold with what Codat holds.
type agreement struct {
	InState, AtCodat int
	// Orphans are companies at Codat that no state holds.
	Orphans []string
	// Duplicates are second copies: orphans named like a managed company,
	// companies held by two resources, and extra connections.
	Duplicates []string
	// Missing are companies in state that Codat does not have.
	Missing []string
	// Marked are companies still carrying the creation marker.
	Marked []string
	// BadConnections are managed connections Codat does not have.
	BadConnections []string
}

func (a agreement) ok() bool {
	return len(a.Orphans)+len(a.Duplicates)+len(a.Missing)+len(a.Marked)+len(a.BadConnections) == 0
}

func (a agreement) String() string {
	return fmt.Sprintf("%d in state, %d at Codat; orphans %v, duplicates %v, missing %v, still marked %v, bad connections %v",
		a.InState, a.AtCodat, a.Orphans, a.Duplicates, a.Missing, a.Marked, a.BadConnections)
}

// compareWithCodat checks the states of dirs against the emulator.
// withConnection says every company should have exactly one connection,
// the managed one.
func compareWithCodat(t *testing.T, env *testEnv, withConnection bool, dirs ...*cliWorkdir) agreement {
	t.Helper()
	var a agreement
	held := map[string]string{} // id -> address
	names := map[string]bool{}
	var state []stateCompany
	for _, w := range dirs {
		for _, c := range w.stateCompanies() {
			if prev, ok := held[c.ID]; ok {
				a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s held by %s and %s", c.ID, prev, c.Address))
			}
			held[c.ID] = c.Address
			names[c.Name] = true
			state = append(state, c)
		}
	}
	a.InState = len(state)
	atCodat := map[string]emulatorCompany{}
	for _, c := range emulatorCompanies(t, env) {
		atCodat[c.ID] = c
		if _, ok := c.Tags[codat.CreationTagKey]; ok {
			a.Marked = append(a.Marked, c.ID)
		}
		if _, ok := held[c.ID]; ok {
			if withConnection && len(c.Connections) != 1 {
				a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s has %d connections", c.ID, len(c.Connections)))
			}
			continue
		}
		a.Orphans = append(a.Orphans, c.ID)
		if names[c.Name] {
			a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s (a second %q)", c.ID, c.Name))
		}
	}
	a.AtCodat = len(atCodat)
	for _, c := range state {
		company, ok := atCodat[c.ID]
		if !ok {
			a.Missing = append(a.Missing, c.ID)
			continue
		}
		if withConnection && !slices.ContainsFunc(company.Connections, func(conn emulatorConnection) bool { return conn.ID == c.ConnectionID }) {
			a.BadConnections = append(a.BadConnections, fmt.Sprintf("%s: connection_id %q", c.Address, c.ConnectionID))
		}
	}
	return a
}

// providerLogCounts counts the client's retry lines in a Terraform log
// written with TF_LOG_PROVIDER=INFO (or finer).
type providerLogCounts struct {
	Retries   int // transport retries: 429, 5xx, drops on replayable requests
	Recreates int // creates sent again after a look-up proved Codat had not acted
	Recovered int // creates whose lost answer was found by the look-up
}

func countProviderLog(t *testing.T, path string) providerLogCounts {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	return providerLogCounts{
		Retries:   strings.Count(text, "codat retry scheduled"),
		Recreates: strings.Count(text, "codat create retried"),
		Recovered: strings.Count(text, "codat create recovered"),
	}
}

// setFaults replaces the emulator's faults, failing the test on a bad one.
func setFaults(t *testing.T, emu *emulator.Emulator, f emulator.Faults, scripts ...emulator.ScriptedFault) {
	t.Helper()
	emu.ClearScriptedFaults()
	if err := emu.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	if err := emu.ScriptFaults(scripts...); err != nil {
		t.Fatal(err)
	}
}
