package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// testAccProviderFactories serves the provider in-process to the real
// Terraform CLI that terraform-plugin-testing drives.
var testAccProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"codat": providerserver.NewProtocol6WithError(New("test")()),
}

// TestMain makes the acceptance tests hermetic: they always run (the emulator
// makes them cheap), use the Terraform on PATH, and never try a download,
// which fails offline with an unhelpful error.
func TestMain(m *testing.M) {
	if err := prepareTerraform(); err != nil {
		fmt.Fprintln(os.Stderr, "acceptance tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	removeBuiltProvider()
	os.Exit(code)
}

func prepareTerraform() error {
	if os.Getenv("TF_ACC") == "" {
		os.Setenv("TF_ACC", "1")
	}
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		tf, err := exec.LookPath("terraform")
		if err != nil {
			return fmt.Errorf("no terraform on PATH: install the Terraform CLI (1.x) or set TF_ACC_TERRAFORM_PATH; the tests do not download it")
		}
		os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
	if cfg := os.Getenv("TF_CLI_CONFIG_FILE"); cfg == "" || !fileExists(cfg) {
		dir, err := os.MkdirTemp("", "codat-tf-cli")
		if err != nil {
			return err
		}
		empty := filepath.Join(dir, "terraformrc")
		if err := os.WriteFile(empty, nil, 0o600); err != nil {
			return err
		}
		os.Setenv("TF_CLI_CONFIG_FILE", empty)
	}
	return nil
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// envBehaviour names the emulator's readings of Codat (a list of switches
// or a preset, as codat-emulator's -codat-behaviour takes) for every test
// that sets none itself: make testacc-strict runs the suite with "strict".
const envBehaviour = "CODAT_EMULATOR_BEHAVIOUR"

// testListDelay is how long a new company stays out of GET /companies when
// the emulator plays company-list-delay: short, as the tests' creation lease
// is (interruptLease), keeping the ratio of Codat's defaults (30 s to 2 min).
const testListDelay = time.Second

// testEnv is where one acceptance test sends its requests: an in-process
// emulator by default, or real Codat when CODAT_API_KEY is set and
// CODAT_TEST_EMULATOR is not "1".
type testEnv struct {
	BaseURL  string
	APIKey   string
	Emulator *emulator.Emulator // nil against real Codat
	Client   *codat.Client      // for checks made outside Terraform
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, emulator.Options{})
}

// newTestEnvWith is newTestEnv with emulator options, such as
// Plan: emulator.PlanFree. A zero SyncStepDuration means NoSyncDelay here;
// nil Behaviours means those CODAT_EMULATOR_BEHAVIOUR names; a zero
// ListDelay means testListDelay. Against real Codat the options are ignored.
func newTestEnvWith(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	if key := os.Getenv("CODAT_API_KEY"); key != "" && os.Getenv("CODAT_TEST_EMULATOR") != "1" {
		return newEnvClient(t, &testEnv{BaseURL: os.Getenv("CODAT_BASE_URL"), APIKey: key})
	}
	if opts.SyncStepDuration == 0 {
		opts.SyncStepDuration = emulator.NoSyncDelay
	}
	if opts.Behaviours == nil {
		opts.Behaviours = behavioursFromEnv(t)
	}
	if opts.ListDelay == 0 {
		opts.ListDelay = testListDelay
	}
	emu := emulator.New(opts)
	server := httptest.NewServer(emu)
	t.Cleanup(server.Close)
	return newEnvClient(t, &testEnv{BaseURL: server.URL, APIKey: emu.APIKey(), Emulator: emu})
}

// behavioursFromEnv is the readings CODAT_EMULATOR_BEHAVIOUR names.
func behavioursFromEnv(t *testing.T) []emulator.Behaviour {
	t.Helper()
	list, err := emulator.ParseBehaviours(os.Getenv(envBehaviour))
	if err != nil {
		t.Fatalf("%s: %v", envBehaviour, err)
	}
	return list
}

// withReadings is the environment's readings plus extra, and whether they
// add anything: a test that runs again under extra readings skips when the
// environment plays them already.
func withReadings(t *testing.T, extra []emulator.Behaviour) ([]emulator.Behaviour, bool) {
	t.Helper()
	base := behavioursFromEnv(t)
	list, err := emulator.ParseBehaviours(readingsList(append(slices.Clone(base), extra...)))
	if err != nil {
		t.Fatal(err)
	}
	return list, len(extra) == 0 || len(list) > len(base)
}

// newListedTestEnv is newTestEnv with every company listed as soon as it
// exists: the environment's readings without CompanyListDelay, for a test
// that counts list requests or reads companies it has just made (the lag is
// tested on its own).
func newListedTestEnv(t *testing.T) *testEnv {
	t.Helper()
	readings := slices.DeleteFunc(append([]emulator.Behaviour{}, behavioursFromEnv(t)...),
		func(b emulator.Behaviour) bool { return b == emulator.CompanyListDelay })
	return newTestEnvWith(t, emulator.Options{Behaviours: readings})
}

// strictReadings is whether the environment plays the strict preset.
func strictReadings(t *testing.T) bool {
	t.Helper()
	return slices.Equal(behavioursFromEnv(t), emulator.StrictBehaviours())
}

func readingsList(list []emulator.Behaviour) string {
	names := make([]string, len(list))
	for i, b := range list {
		names[i] = string(b)
	}
	return strings.Join(names, ",")
}

// readingsName names a set of readings for a table: "strict", "default", or
// the switches.
func readingsName(list []emulator.Behaviour) string {
	switch {
	case len(list) == 0:
		return emulator.PresetDefault
	case slices.Equal(list, emulator.StrictBehaviours()):
		return emulator.PresetStrict
	}
	return readingsList(list)
}

func newEnvClient(t *testing.T, env *testEnv) *testEnv {
	t.Helper()
	client, err := codat.New(codat.Config{BaseURL: env.BaseURL, APIKey: env.APIKey, UserAgent: "terraform-provider-codat/acceptance-test"})
	if err != nil {
		t.Fatal(err)
	}
	env.Client = client
	return env
}

// requireEmulator skips a test that drives Codat out of band (a business
// authorising, a connection deauthorised, injected faults): only the
// emulator's control endpoints can do that.
func (env *testEnv) requireEmulator(t *testing.T) {
	t.Helper()
	if env.Emulator == nil {
		t.Skip("needs the local emulator's control endpoints; unset CODAT_API_KEY or set CODAT_TEST_EMULATOR=1")
	}
}

// playing is 1 when the emulator plays the reading b, else 0: for request
// counts that depend on it.
func (env *testEnv) playing(b emulator.Behaviour) int {
	if env.Emulator != nil && slices.Contains(env.Emulator.ActiveBehaviours(), b) {
		return 1
	}
	return 0
}

// providerBlock configures the provider for this environment. The key is
// passed in HCL only for the emulator; against real Codat it comes from
// CODAT_API_KEY so it never appears in a test's config.
func (env *testEnv) providerBlock() string {
	if env.Emulator == nil {
		return "provider \"codat\" {}\n"
	}
	return fmt.Sprintf("provider \"codat\" {\n  base_url = %q\n  api_key  = %q\n}\n", env.BaseURL, env.APIKey)
}

// ctx is a context for checks a test makes outside Terraform.
func (env *testEnv) ctx(t *testing.T) context.Context { return t.Context() }
