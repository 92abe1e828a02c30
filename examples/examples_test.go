// Package examples holds the Terraform configurations that the docs show and
// the quickstart runs. Its test proves each one works with the provider built
// from this repository: formatted, valid by Terraform's own checks (the
// provider's schemas and validators included), and, where it needs no input,
// planned against the local emulator.
package examples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// The test adds this file to every copy, so snippets that leave out
// required_providers (as resource examples do) still resolve "codat" to our
// provider rather than to hashicorp/codat. As an override file it merges with
// a required_providers block the example already has.
const overrideFile = "zz_examples_test_override.tf"

const overrideHCL = `terraform {
  required_providers {
    codat = {
      source = "codat-community/codat"
    }
  }
}
`

func TestExamplesFormatted(t *testing.T) {
	tf := terraformCLI(t)
	out, err := exec.Command(tf, "fmt", "-check", "-diff", "-recursive", "-no-color", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("examples are not formatted (run make fmt):\n%s", out)
	}
}

// TestExamples runs every directory under examples/ that holds .tf files as
// one configuration, the way a user who copies it would: terraform validate,
// then terraform plan against an in-process emulator when every variable has
// a default. Directories are found, not listed, so a new example is covered
// as soon as it exists. No terraform init: the provider comes from a
// dev_overrides CLI configuration, so nothing is downloaded.
func TestExamples(t *testing.T) {
	tf := terraformCLI(t)
	dirs := exampleDirs(t)
	if len(dirs) == 0 {
		t.Fatal("no example directories found")
	}
	cli := cliVersion(t, tf)
	cliConfig := devOverridesConfig(t, buildProvider(t))

	for _, dir := range dirs {
		t.Run(filepath.ToSlash(dir), func(t *testing.T) {
			t.Parallel()
			work := copyConfig(t, dir)
			if leftOut := leaveOutNewer(t, work, cli); len(leftOut) > 0 {
				if !hasExampleFiles(t, work) {
					t.Skipf("needs a newer CLI than %s: %s", cli, strings.Join(leftOut, "; "))
				}
				t.Logf("left out under %s: %s", cli, strings.Join(leftOut, "; "))
			}
			env := terraformEnv(cliConfig)

			run(t, work, env, tf, "validate", "-no-color")

			if missing := variablesWithoutDefault(t, work); len(missing) > 0 {
				t.Logf("validated only: variables %s have no default, so a plan needs input", strings.Join(missing, ", "))
				return
			}
			srv := startEmulator(t, importedIDs(t, work), importedSettings(t, work)...)
			env = append(env, "CODAT_BASE_URL="+srv.URL, "CODAT_API_KEY="+emulator.DefaultAPIKey)
			plan := run(t, work, env, tf, "plan", "-no-color", "-input=false", "-lock=false")
			t.Log(planSummary.FindString(plan))
			if queries, _ := filepath.Glob(filepath.Join(work, "*"+queryFileSuffix)); len(queries) > 0 {
				run(t, work, env, tf, "query", "-no-color")
			}
		})
	}
}

// queryFileSuffix names the files terraform query reads (Terraform 1.14+).
const queryFileSuffix = ".tfquery.hcl"

// cli is the product and version of the CLI under test.
type cli struct {
	product string // "Terraform" or "OpenTofu"
	version *version.Version
}

func (c cli) String() string { return c.product + " " + c.version.String() }

var cliVersionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`)

func cliVersion(t *testing.T, tf string) cli {
	t.Helper()
	out, err := exec.Command(tf, "version").Output()
	m := cliVersionLine.FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("%s version: %v\n%s", tf, err, out)
	}
	return cli{product: string(m[1]), version: version.Must(version.NewVersion(string(m[2])))}
}

var requiredVersion = regexp.MustCompile(`(?m)^\s*required_version\s*=\s*"([^"]+)"`)

// queryVersion is the first Terraform with terraform query.
var queryVersion = version.Must(version.NewVersion("1.14.0"))

// leaveOutNewer removes from work the files the CLI cannot read, and says
// why: a file whose required_version the CLI does not meet (an example of
// what only newer Terraform has, such as import by identity or actions; the
// CLI checks it against its own version, OpenTofu's included), and query
// files, which need Terraform 1.14 (OpenTofu has no terraform query).
func leaveOutNewer(t *testing.T, work string, c cli) []string {
	t.Helper()
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, e := range entries {
		path := filepath.Join(work, e.Name())
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		need := ""
		switch m := requiredVersion.FindSubmatch(body); {
		case strings.HasSuffix(e.Name(), queryFileSuffix) && (c.product != "Terraform" || c.version.LessThan(queryVersion)):
			need = "Terraform >= 1.14 (terraform query)"
		case m != nil:
			constraint, err := version.NewConstraint(string(m[1]))
			if err != nil {
				t.Fatalf("%s: required_version %q: %v", e.Name(), m[1], err)
			}
			if !constraint.Check(c.version) {
				need = "Terraform " + string(m[1])
			}
		}
		if need != "" {
			reasons = append(reasons, e.Name()+" needs "+need)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	return reasons
}

// hasExampleFiles reports whether work holds an example file besides the
// test's override.
func hasExampleFiles(t *testing.T, work string) bool {
	t.Helper()
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(entries, func(e os.DirEntry) bool {
		return e.Name() != overrideFile && (strings.HasSuffix(e.Name(), ".tf") || strings.HasSuffix(e.Name(), queryFileSuffix))
	})
}

// terraformCLI is the CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH
// (which may be OpenTofu), else terraform on PATH.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform on PATH: install the Terraform CLI (1.5 or later) or set TF_ACC_TERRAFORM_PATH; the tests do not download it")
	}
	return p
}

// exampleDirs lists every directory below this one that holds a .tf or a
// query file.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, queryFileSuffix)) {
			if dir := filepath.Dir(path); !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// buildProvider builds the provider from the module root into a temp dir.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-codat"), "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

func devOverridesConfig(t *testing.T, providerDir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "terraformrc")
	// %q quotes the path as HCL wants it, backslashes included on Windows.
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"codat-community/codat\" = %q\n  }\n  direct {}\n}\n", providerDir)
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyConfig copies the directory's files (not subdirectories, which are
// examples of their own) and adds the required_providers override.
func copyConfig(t *testing.T, dir string) string {
	t.Helper()
	work := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, e.Name()), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(work, overrideFile), []byte(overrideHCL), 0o600); err != nil {
		t.Fatal(err)
	}
	return work
}

// terraformEnv is the environment minus anything that changes how the CLI
// behaves (TF_CLI_ARGS, TF_WORKSPACE, a CLI config, ...), plus ours.
func terraformEnv(cliConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "CODAT_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}

// run runs the CLI in dir and returns its output; a failure ends the test.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

var (
	planSummary   = regexp.MustCompile(`(?m)^(Plan: .*|No changes\..*)$`)
	variableBlock = regexp.MustCompile(`(?m)^variable\s+"([^"]+)"\s*\{`)
	defaultAttr   = regexp.MustCompile(`(?m)^\s*default\s*=`)
	importID      = regexp.MustCompile(`(?s)\bimport\s*\{[^}]*?\bid\s*=\s*"([^"]*)"`)
	importTo      = regexp.MustCompile(`(?s)\bimport\s*\{[^}]*?\bto\s*=\s*([\w.]+)[^}]*?\bid\s*=\s*"([^"]*)"`)
	// importIdentity is an import block's identity; identityID one of its
	// ids (or a list block's company_id).
	importIdentity = regexp.MustCompile(`(?s)\bimport\s*\{[^}]*?\bidentity\s*=\s*\{([^}]*)\}`)
	identityID     = regexp.MustCompile(`\b(company_id|id)\s*=\s*"([^"]*)"`)
	uuidPattern    = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
)

// variablesWithoutDefault names the variables a plan would ask for. The
// examples are formatted by terraform fmt, so a top-level block starts at
// the beginning of a line and its body ends at the matching brace.
func variablesWithoutDefault(t *testing.T, dir string) []string {
	t.Helper()
	var missing []string
	for _, src := range tfSources(t, dir, "*.tf") {
		for _, m := range variableBlock.FindAllStringSubmatchIndex(src, -1) {
			name := src[m[2]:m[3]]
			if !defaultAttr.MatchString(blockBody(src, m[1]-1)) {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

// blockBody returns the text between the brace at open and its match.
func blockBody(src string, open int) string {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return src[open+1 : i]
			}
		}
	}
	return src[open+1:]
}

// importedIDs are the ids that import blocks name: each Codat company id
// (alone, or first in a composite id such as "<company id>:invoices"), with
// the connection ids that follow it in a "<company id>/<connection id>";
// the same from an identity (company_id and id, or a company's id); and the
// company_id of a list block of a query file.
func importedIDs(t *testing.T, dir string) map[string][]string {
	t.Helper()
	ids := map[string][]string{}
	add := func(company string, conns ...string) { ids[company] = append(ids[company], conns...) }
	for _, src := range tfSources(t, dir, "*.tf") {
		for _, m := range importIdentity.FindAllStringSubmatch(src, -1) {
			attrs := map[string]string{}
			for _, a := range identityID.FindAllStringSubmatch(m[1], -1) {
				attrs[a[1]] = strings.ToLower(a[2])
			}
			switch company, ok := attrs["company_id"]; {
			case ok && attrs["id"] != "":
				add(company, attrs["id"])
			case ok:
				add(company)
			case attrs["id"] != "":
				add(attrs["id"])
			}
		}
		src = importIdentity.ReplaceAllString(src, "")
		for _, m := range importID.FindAllStringSubmatch(src, -1) {
			if to := importTo.FindStringSubmatch(m[0]); len(to) == 3 && seededSetting(to[1]) {
				continue
			}
			found := uuidPattern.FindAllString(m[1], -1)
			if len(found) == 0 {
				continue
			}
			add(strings.ToLower(found[0]), found[1:]...)
		}
	}
	for _, src := range tfSources(t, dir, "*"+queryFileSuffix) {
		for _, m := range identityID.FindAllStringSubmatch(src, -1) {
			if m[1] == "company_id" {
				add(strings.ToLower(m[2]))
			}
		}
	}
	return ids
}

// tfSources reads the directory's files matching pattern with comment lines
// removed, so commented-out blocks do not count.
func tfSources(t *testing.T, dir, pattern string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, line := range strings.Split(string(body), "\n") {
			if trimmed := strings.TrimSpace(line); !strings.HasPrefix(trimmed, "#") && !strings.HasPrefix(trimmed, "//") {
				kept = append(kept, line)
			}
		}
		sources = append(sources, strings.Join(kept, "\n"))
	}
	return sources
}

// importTarget is what one import names: the resource address and its id.
type importTarget struct{ to, id string }

// seededSetting reports whether a resource address is of a client-wide
// setting that must exist at the emulator before it can be imported (the
// profile, CORS settings and supplemental data always exist).
func seededSetting(address string) bool {
	kind, _, _ := strings.Cut(address, ".")
	return kind == "codat_webhook_consumer" || kind == "codat_api_key" || kind == "codat_custom_data_type"
}

// importedSettings are the import blocks of such settings.
func importedSettings(t *testing.T, dir string) []importTarget {
	t.Helper()
	var out []importTarget
	for _, src := range tfSources(t, dir, "*.tf") {
		for _, m := range importTo.FindAllStringSubmatch(src, -1) {
			if seededSetting(m[1]) {
				out = append(out, importTarget{to: m[1], id: m[2]})
			}
		}
	}
	return out
}

// startEmulator serves an emulator whose state already holds a company for
// each company id an import block names, with a Xero connection for each
// connection id, and each setting (webhook consumer, API key, custom data
// type) an import of one names, so planning the import finds them. They go
// in through the emulator's own -state file format, read back from a fresh
// emulator so the test follows that format's changes.
func startEmulator(t *testing.T, imported map[string][]string, settings ...importTarget) *httptest.Server {
	t.Helper()
	opts := emulator.Options{SyncStepDuration: emulator.NoSyncDelay}
	if len(imported) > 0 || len(settings) > 0 {
		opts.StatePath = seededState(t, imported, settings)
	}
	emu, err := emulator.Open(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return srv
}

func seededState(t *testing.T, imported map[string][]string, settings []importTarget) string {
	t.Helper()
	fresh := emulator.New(emulator.Options{})
	var state map[string]any
	getJSON(t, fresh, "/_emulator/state", &state)
	var xero map[string]any
	getJSON(t, fresh, "/integrations/gbol", &xero)
	created := time.Now().UTC().Format(time.RFC3339)
	var companies []any
	for _, id := range slices.Sorted(maps.Keys(imported)) {
		var conns []any
		for _, connID := range slices.Compact(slices.Sorted(slices.Values(imported[id]))) {
			conns = append(conns, map[string]any{
				"id": strings.ToLower(connID), "integrationKey": "gbol", "integrationId": xero["integrationId"],
				"sourceId": xero["sourceId"], "sourceType": xero["sourceType"], "platformName": xero["name"],
				"status": "Linked", "created": created,
			})
		}
		companies = append(companies, map[string]any{
			"id":          id,
			"name":        "Imported by the examples test",
			"created":     created,
			"connections": conns,
		})
	}
	state["companies"] = companies
	if len(settings) > 0 {
		state["client"] = seededClient(settings, created)
	}
	body, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "emulator-state.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// seededSigningSecret is a made-up Svix secret: base64 of "seeded by the
// examples test".
const seededSigningSecret = "whsec_c2VlZGVkIGJ5IHRoZSBleGFtcGxlcyB0ZXN0" //nolint:gosec // G101: made up, see above

// seededClient is the emulator's client-wide state holding each setting.
func seededClient(settings []importTarget, created string) map[string]any {
	var consumers, keys []any
	custom := map[string]any{}
	for _, s := range settings {
		switch kind, _, _ := strings.Cut(s.to, "."); kind {
		case "codat_webhook_consumer":
			consumers = append(consumers, map[string]any{"id": s.id, "url": "https://hooks.example.com/imported",
				"eventTypes": []string{"company.created"}, "signingSecret": seededSigningSecret})
		case "codat_api_key":
			keys = append(keys, map[string]any{"id": s.id, "name": "imported", "apiKey": strings.Repeat("k", 40), "created": created})
		case "codat_custom_data_type":
			custom[s.id] = map[string]any{"dataSource": "/imported", "keyBy": []string{"$.id"}}
		}
	}
	return map[string]any{"webhookConsumers": consumers, "apiKeys": keys, "customDataTypes": custom}
}

// getJSON decodes what the emulator answers to GET path (with its API key).
func getJSON(t *testing.T, emu *emulator.Emulator, path string, into any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", emu.AuthorizationHeader())
	emu.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
		t.Fatalf("GET %s from the emulator: %v (%s)", path, err, rec.Body.String())
	}
}
