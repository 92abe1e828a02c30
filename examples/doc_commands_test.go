//go:build unix

package examples

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
	"github.com/codat-community/terraform-provider-codat/internal/testdeps"
)

// docFiles are the pages whose shell commands must work: the README, and
// the templates docs/ is generated from.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"../README.md"}
	err := filepath.WalkDir("../templates", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md.tmpl") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// fencedBlock is one fenced code block of a page, its indentation removed.
type fencedBlock struct {
	file, lang, text string
	line             int
}

// first is the block's first line, which names it in docCommands.
func (b fencedBlock) first() string { return strings.TrimSpace(strings.SplitN(b.text, "\n", 2)[0]) }

var fence = regexp.MustCompile("^( *)```([a-z]*) *$")

func fencedBlocks(t *testing.T, file string) []fencedBlock {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []fencedBlock
	var open *fencedBlock
	var indent string
	for i, line := range strings.Split(string(body), "\n") {
		m := fence.FindStringSubmatch(line)
		switch {
		case open == nil && m != nil && m[2] != "":
			open, indent = &fencedBlock{file: strings.TrimPrefix(file, "../"), lang: m[2], line: i + 1}, m[1]
		case open != nil && m != nil && m[2] == "":
			open.text = strings.TrimSuffix(open.text, "\n")
			blocks = append(blocks, *open)
			open = nil
		case open != nil:
			open.text += strings.TrimPrefix(line, indent) + "\n"
		}
	}
	return blocks
}

// docBlock returns the block of file in lang that starts with first.
func docBlock(t *testing.T, file, lang, first string) fencedBlock {
	t.Helper()
	for _, b := range fencedBlocks(t, "../"+file) {
		if b.lang == lang && b.first() == first {
			return b
		}
	}
	t.Fatalf("%s has no %s block starting with %q", file, lang, first)
	return fencedBlock{}
}

func isShell(lang string) bool {
	return lang == "sh" || lang == "shell" || lang == "bash" || lang == "console"
}

// docCommands claims every shell block of the docs, by file and first line,
// for the test that runs it. A block nothing claims fails TestDocCommands.
var docCommands = map[string][]string{
	"README.md": {
		"make demo", // .ci/run
		"make test", // .ci/run
		"make install                                            # in this repository: the provider and the emulator into Go's bin directory", // localBuild
		"go run ./cmd/codat-emulator -addr 127.0.0.1:8089 -sync-step 1s",                                                                      // readmeWalkthrough
		"BASE=http://127.0.0.1:8089", // readmeWalkthrough
	},
	"templates/index.md.tmpl": {
		"export CODAT_API_KEY=...   # Codat Portal, Developers > API keys",                                // gettingStarted
		"go run ./cmd/codat-emulator -addr 127.0.0.1:8089   # in a checkout of the provider's repository", // indexEmulator
		"export CODAT_BASE_URL=http://127.0.0.1:8089 CODAT_API_KEY=codat-emulator-local-dev-key",          // indexEmulator
		"export CODAT_API_KEY=...   # a sandbox client",                                                   // indexProbe
	},
	"templates/guides/adopting-companies-with-terraform-query.md.tmpl": {
		"terraform init", // queryGuide
	},
	"templates/guides/client-as-code.md.tmpl": {
		"export CODAT_API_KEY=...   # the sandbox client's key (Codat Portal, Developers > API keys)", // clientAsCodeGuide
		"export CODAT_API_KEY=...   # the production client's key",                                    // clientAsCodeGuide
	},
	"templates/guides/onboarding-a-lending-applicant.md.tmpl": {
		"terraform apply            # the company and three connections; prints the three links", // lendingGuide
	},
	"templates/guides/onboarding-with-the-link-flow.md.tmpl": {
		"export CODAT_API_KEY=...            # Codat Portal, Developers > API keys", // onboardingGuide
	},
	"templates/guides/testing-with-the-emulator.md.tmpl": {
		"make install   # in the checkout: codat-emulator (and the provider) into Go's bin directory, $(go env GOPATH)/bin",       // emulatorGuide
		"codat-emulator -addr 127.0.0.1:0 -sync-step 0 -quiet",                                                                    // emulatorGuide
		"export CODAT_BASE_URL=http://127.0.0.1:41234     # from the first line",                                                  // emulatorGuide
		"link=$(terraform output -raw link_for_the_business)   # .../link/companies/{companyId}/connections/{connectionId}/start", // lines of emulator-ci.sh
		"codat-emulator -addr 127.0.0.1:0 -codat-behaviour strict",                                                                // emulatorGuide
	},
}

// TestDocCommands runs every shell command that the README and the docs
// show, so that none of them can stop working unnoticed: here, in scratch
// directories, against an emulator and the provider built from this
// checkout, with the page's placeholders filled in (a port, the key, the
// directory of "your configuration"), or, for make demo and make test, by
// checking that .ci/run runs them. Scripts the docs include whole
// (emulator-ci.sh, the import.sh files) are run too.
func TestDocCommands(t *testing.T) {
	for _, file := range docFiles(t) {
		name := strings.TrimPrefix(file, "../")
		for _, b := range fencedBlocks(t, file) {
			if isShell(b.lang) && !contains(docCommands[name], b.first()) {
				t.Errorf("%s:%d: a shell block that no test runs (starting %q): run it in TestDocCommands and claim it in docCommands",
					name, b.line, b.first())
			}
		}
	}
	for file, firsts := range docCommands {
		for _, first := range firsts {
			found := false
			for _, b := range fencedBlocks(t, "../"+file) {
				found = found || (isShell(b.lang) && b.first() == first)
			}
			if !found {
				t.Errorf("docCommands claims a block of %s starting %q that is not there (any more)", file, first)
			}
		}
	}

	t.Run("run by .ci/run", func(t *testing.T) {
		ci, err := os.ReadFile("../.ci/run")
		if err != nil {
			t.Fatal(err)
		}
		for _, first := range []string{"make demo", "make test"} {
			for _, cmd := range commands(docBlock(t, "README.md", "sh", first).text) {
				if !ciRuns(string(ci), cmd) {
					t.Errorf("README.md shows %q, which .ci/run does not run", cmd)
				}
			}
		}
	})
	t.Run("make install", func(t *testing.T) {
		// Both write bin/dev-overrides.tfrc, so one after the other.
		keepFile(t, "../bin/dev-overrides.tfrc")
		t.Run("README local build", localBuild)
		t.Run("emulator guide", emulatorGuide)
	})
	t.Run("README emulator walkthrough", readmeWalkthrough)
	t.Run("docs getting started", gettingStarted)
	t.Run("docs local emulator", indexEmulator)
	t.Run("docs probe", indexProbe)
	t.Run("onboarding guide", onboardingGuide)
	t.Run("lending guide", lendingGuide)
	t.Run("terraform query guide", queryGuide)
	t.Run("client as code guide", clientAsCodeGuide)
	t.Run("import commands", importCommands)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// commands are a block's command lines: no comment lines, no blank ones.
func commands(block string) []string {
	var cmds []string
	for _, line := range strings.Split(block, "\n") {
		if trimmed := strings.TrimSpace(line); trimmed != "" && !strings.HasPrefix(trimmed, "#") {
			cmds = append(cmds, trimmed)
		}
	}
	return cmds
}

// ciRuns reports whether a line of .ci/run that is not a comment runs cmd.
func ciRuns(ci, cmd string) bool {
	for _, line := range strings.Split(ci, "\n") {
		if trimmed := strings.TrimSpace(line); !strings.HasPrefix(trimmed, "#") && strings.Contains(trimmed, cmd) {
			return true
		}
	}
	return false
}

// fill replaces each placeholder of a block, failing if one is not there:
// a placeholder that no longer matches would leave the page untested.
func fill(t *testing.T, b fencedBlock, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(b.text, pairs[i]) {
			t.Fatalf("%s:%d: the block no longer contains %q", b.file, b.line, pairs[i])
		}
	}
	return strings.NewReplacer(pairs...).Replace(b.text)
}

// docEnv is the environment a reader's shell would have, without this
// test's Terraform, Codat and make settings, answering yes to apply.
func docEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "CODAT_") || strings.HasPrefix(name, "MAKE") ||
			name == "MFLAGS" || name == "GOBIN" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, append([]string{"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"TF_CLI_ARGS_apply=-auto-approve"}, extra...)...)
}

// withPath puts dirs first on the environment's PATH.
func withPath(env []string, dirs ...string) []string {
	out := make([]string, 0, len(env)+1)
	path := os.Getenv("PATH")
	for _, kv := range env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
			continue
		}
		out = append(out, kv)
	}
	return append(out, "PATH="+strings.Join(append(dirs, path), string(os.PathListSeparator)))
}

// runScript runs a block with bash, stopping at the first failing command,
// and returns its output.
func runScript(t *testing.T, dir string, env []string, script string) string {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("in %s:\n%s\n--- failed (%v):\n%s", dir, script, err, out)
	}
	return string(out)
}

// startScript runs a block that starts a server in the background, in its
// own process group (go run's child included), stopped when the test ends.
// It returns the server's first line of output.
func startScript(t *testing.T, dir string, env []string, script string) string {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-lines:
		if line == "" {
			t.Fatalf("%s\n--- printed nothing:\n%s", script, stderr.String())
		}
		return line
	case <-time.After(3 * time.Minute): // go run may compile first
		t.Fatalf("%s\n--- printed no line in 3 minutes:\n%s", script, stderr.String())
		return ""
	}
}

// listening is the emulator's first line: its base URL and key.
var listening = regexp.MustCompile(`^codat-emulator listening on (http://\S+) api-key=(\S+)$`)

func emulatorAddress(t *testing.T, line string) (baseURL, key string) {
	t.Helper()
	m := listening.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("unexpected first line from the emulator: %q", line)
	}
	return m[1], m[2]
}

// freePort is a port nothing listens on, for a page's fixed 8089.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:")
}

func needCurl(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		testdeps.Missing(t, "needs curl, which the page's commands use: install curl")
	}
}

// keepFile restores path, or removes it, when the test ends: make install
// rewrites it with this test's scratch directory.
func keepFile(t *testing.T, path string) {
	t.Helper()
	saved, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if existed {
			_ = os.WriteFile(path, saved, 0o600)
		} else {
			_ = os.Remove(path)
		}
	})
}

// registryMirror is a CLI configuration under which terraform init installs
// the provider built from this checkout as codat-community/codat, from a
// filesystem mirror laid out as the registry would serve it: what a reader
// gets from init once the provider is released.
func registryMirror(t *testing.T) string {
	t.Helper()
	mirror := t.TempDir()
	dir := filepath.Join(mirror, "registry.terraform.io", "codat-community", "codat", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadFile(filepath.Join(buildProvider(t), "terraform-provider-codat"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-codat_v0.0.1"), built, 0o755); err != nil { //nolint:gosec // G306: an executable
		t.Fatal(err)
	}
	config := filepath.Join(t.TempDir(), "terraformrc")
	body := "provider_installation {\n  filesystem_mirror {\n    path    = \"" + mirror + "\"\n    include = [\"registry.terraform.io/codat-community/codat\"]\n  }\n}\n"
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return config
}

// localBuild: the README's "Before a registry release", on the README's own
// configuration against the emulator.
func localBuild(t *testing.T) {
	yours := t.TempDir()
	config := docBlock(t, "README.md", "hcl", "terraform {").text
	if err := os.WriteFile(filepath.Join(yours, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	gobin := t.TempDir()
	srv := startEmulator(t, nil)
	block := docBlock(t, "README.md", "sh", docCommands["README.md"][2])
	script := fill(t, block, "/path/to/your/configuration", yours, "CODAT_API_KEY=...", "CODAT_API_KEY="+emulator.DefaultAPIKey)
	out := runScript(t, "..", docEnv("GOBIN="+gobin, "CODAT_BASE_URL="+srv.URL), script)
	if !strings.Contains(out, "Apply complete!") {
		t.Errorf("no apply:\n%s", out)
	}
	// The file make install writes is the block the README shows.
	written, err := os.ReadFile("../bin/dev-overrides.tfrc")
	if err != nil {
		t.Fatal(err)
	}
	shown := docBlock(t, "README.md", "hcl", "provider_installation {")
	if want := fill(t, shown, "/home/you/go/bin", gobin) + "\n"; string(written) != want {
		t.Errorf("make install wrote\n%s\nthe README shows (with this GOBIN)\n%s", written, want)
	}
}

// emulatorGuide: the emulator guide from "Get the emulator" to its CI
// script, with the emulator and provider make install puts in GOBIN.
func emulatorGuide(t *testing.T) {
	const guide = "templates/guides/testing-with-the-emulator.md.tmpl"
	gobin := t.TempDir()
	env := withPath(docEnv("GOBIN="+gobin), gobin)
	runScript(t, "..", env, docBlock(t, guide, "sh", docCommands[guide][0]).text)
	overrides, err := filepath.Abs("../bin/dev-overrides.tfrc")
	if err != nil {
		t.Fatal(err)
	}
	shown := docBlock(t, guide, "hcl", "provider_installation {")
	if written, _ := os.ReadFile(overrides); string(written) != fill(t, shown, "/home/you/go/bin", gobin)+"\n" {
		t.Errorf("the guide shows\n%s\nmake install wrote\n%s", shown.text, written)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+overrides)

	line := startScript(t, t.TempDir(), env, docBlock(t, guide, "sh", docCommands[guide][1]).text)
	baseURL, _ := emulatorAddress(t, line)
	work := copyConfig(t, "provider/getting-started")
	point := fill(t, docBlock(t, guide, "sh", docCommands[guide][2]), "http://127.0.0.1:41234", baseURL)
	if out := runScript(t, work, env, point+"\nterraform plan -no-color"); !strings.Contains(out, "Plan: 1 to add") {
		t.Errorf("the provider did not reach the emulator:\n%s", out)
	}

	// The fake authorisation the guide shows is the CI script's, which runs
	// next on the guide's onboarding configuration.
	script, err := os.ReadFile("guides/testing-with-the-emulator/emulator-ci.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range commands(docBlock(t, guide, "sh", docCommands[guide][3]).text) {
		cmd, _, _ = strings.Cut(cmd, "   #")
		if !strings.Contains(string(script), strings.TrimSpace(cmd)+"\n") {
			t.Errorf("the guide shows %q, which emulator-ci.sh does not run", cmd)
		}
	}
	needCurl(t)
	onboarding := copyConfig(t, "guides/onboarding-with-the-link-flow")
	runScript(t, onboarding, env, string(script))

	// The behaviour switches: the emulator started strict, then switched
	// while it runs.
	start, change, _ := strings.Cut(docBlock(t, guide, "sh", docCommands[guide][4]).text, "\n")
	baseURL, _ = emulatorAddress(t, startScript(t, t.TempDir(), env, start))
	env = append(env, "CODAT_BASE_URL="+baseURL)
	runScript(t, t.TempDir(), env, change)
	if out := runScript(t, t.TempDir(), env, `curl -fsS "$CODAT_BASE_URL/_emulator/behaviours"`); !regexp.MustCompile(`"active":\["[a-z-]+","[a-z-]+"\]`).MatchString(out) ||
		!strings.Contains(out, `"patch-tags-merge"`) || !strings.Contains(out, `"company-list-delay"`) {
		t.Errorf("after the guide's PUT, the emulator's switches are %s", out)
	}
}

// indexProbe: the provider page's probe command, against an emulator in
// place of a sandbox client.
func indexProbe(t *testing.T) {
	t.Parallel()
	const page = "templates/index.md.tmpl"
	srv := startEmulator(t, nil)
	block := docBlock(t, page, "sh", docCommands[page][3])
	out := runScript(t, "..", docEnv("CODAT_BASE_URL="+srv.URL), fill(t, block, "CODAT_API_KEY=...", "CODAT_API_KEY="+emulator.DefaultAPIKey))
	if !strings.Contains(out, "-codat-behaviour=") {
		t.Errorf("make probe printed no matching switches:\n%s", out)
	}
}

// readmeWalkthrough: the README's emulator command and its curl walkthrough.
func readmeWalkthrough(t *testing.T) {
	t.Parallel()
	needCurl(t)
	port := freePort(t)
	start := docBlock(t, "README.md", "sh", docCommands["README.md"][3])
	startScript(t, "..", docEnv(), fill(t, start, "8089", port))
	walk := docBlock(t, "README.md", "sh", docCommands["README.md"][4])
	out := runScript(t, "..", docEnv(), fill(t, walk, "8089", port))
	if !strings.Contains(out, `"status":"Linked"`) {
		t.Errorf("the walkthrough did not link the company:\n%s", out)
	}
}

// gettingStarted: the provider page's first commands, with init installing
// the provider as it would from the registry.
func gettingStarted(t *testing.T) {
	t.Parallel()
	const page = "templates/index.md.tmpl"
	srv := startEmulator(t, nil)
	work := copyConfig(t, "provider/getting-started")
	block := docBlock(t, page, "sh", docCommands[page][0])
	out := runScript(t, work, docEnv("TF_CLI_CONFIG_FILE="+registryMirror(t), "CODAT_BASE_URL="+srv.URL),
		fill(t, block, "CODAT_API_KEY=...", "CODAT_API_KEY="+emulator.DefaultAPIKey))
	if !strings.Contains(out, "Apply complete!") {
		t.Errorf("no apply:\n%s", out)
	}
}

// indexEmulator: the provider page's "The local emulator".
func indexEmulator(t *testing.T) {
	t.Parallel()
	const page = "templates/index.md.tmpl"
	port := freePort(t)
	start := docBlock(t, page, "sh", docCommands[page][1])
	startScript(t, "..", docEnv(), fill(t, start, "8089", port))
	work := copyConfig(t, "provider/getting-started")
	point := fill(t, docBlock(t, page, "sh", docCommands[page][2]), "8089", port)
	env := docEnv("TF_CLI_CONFIG_FILE=" + devOverridesConfig(t, buildProvider(t)))
	if out := runScript(t, work, env, point+"\nterraform plan -no-color"); !strings.Contains(out, "Plan: 1 to add") {
		t.Errorf("the provider did not reach the emulator:\n%s", out)
	}
}

// onboardingGuide: "Running it", with the business authorising where the
// guide leaves it to the business.
func onboardingGuide(t *testing.T) {
	t.Parallel()
	needCurl(t)
	const page = "templates/guides/onboarding-with-the-link-flow.md.tmpl"
	srv := startEmulator(t, nil)
	work := copyConfig(t, "guides/onboarding-with-the-link-flow")
	block := docBlock(t, page, "sh", docCommands[page][0])
	script := fill(t, block, "CODAT_API_KEY=...", "CODAT_API_KEY="+emulator.DefaultAPIKey,
		"# ... the business authorises ...",
		`curl -fsS -o /dev/null -X POST "$(terraform output -raw link_for_the_business | sed 's,/start$,,')/authorize"`)
	out := runScript(t, work, docEnv("TF_CLI_CONFIG_FILE="+registryMirror(t), "CODAT_BASE_URL="+srv.URL), script)
	if !strings.Contains(out, `linked_company = "`) {
		t.Errorf("the second apply did not read the linked company:\n%s", out)
	}
}

// lendingGuide: the lending applicant's three links, two of them
// authorised as the applicant would, and the plan that then names the third.
func lendingGuide(t *testing.T) {
	t.Parallel()
	needCurl(t)
	const page = "templates/guides/onboarding-a-lending-applicant.md.tmpl"
	srv := startEmulator(t, nil)
	work := copyConfig(t, "guides/onboarding-a-lending-applicant")
	authorise := func(output string) string {
		return `curl -fsS -o /dev/null -X POST "$(terraform output -raw ` + output + ` | sed 's,/start$,,')/authorize"`
	}
	script := fill(t, docBlock(t, page, "sh", docCommands[page][0]),
		"# ... the applicant authorises Xero and Plaid ...", authorise("accounting_link")+"\n"+authorise("banking_link"))
	out := runScript(t, work, docEnv("TF_CLI_CONFIG_FILE="+registryMirror(t), "CODAT_BASE_URL="+srv.URL, "CODAT_API_KEY="+emulator.DefaultAPIKey,
		"TF_CLI_ARGS=-no-color"), "terraform init -input=false >/dev/null\n"+script)
	if !strings.Contains(out, "No changes.") || !regexp.MustCompile(`still has to authorise: Shopify \(PendingAuth\)\.`).MatchString(out) {
		t.Errorf("after two of the three links, the plan does not name only Shopify:\n%s", out)
	}
}

// queryGuide: the terraform query guide's commands, through Terraform 1.14
// or later, against an emulator holding 30 companies of which 10 are tagged
// team=lending: the query lists those 10, the generated configuration
// applies as 10 imports, and the next plan is empty.
func queryGuide(t *testing.T) {
	t.Parallel()
	const page = "templates/guides/adopting-companies-with-terraform-query.md.tmpl"
	tf := newerTerraform(t, "1.14.0", "terraform query")
	emu := emulator.New(emulator.Options{SyncStepDuration: emulator.NoSyncDelay})
	seeds := make([]emulator.SeedCompany, 30)
	for i := range seeds {
		seeds[i] = emulator.SeedCompany{Name: fmt.Sprintf("Portal Company %02d", i), Tags: map[string]string{"team": "sales"}}
		if i%3 == 0 {
			seeds[i].Tags["team"] = "lending"
			seeds[i].Connections = []emulator.SeedConnection{{PlatformKey: "gbol"}}
		}
	}
	if _, err := emu.Seed(seeds...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	work := copyConfig(t, "guides/adopting-companies-with-terraform-query")
	env := withPath(docEnv("TF_CLI_CONFIG_FILE="+registryMirror(t), "CODAT_BASE_URL="+srv.URL, "CODAT_API_KEY="+emulator.DefaultAPIKey, "TF_CLI_ARGS=-no-color"),
		filepath.Dir(tf))
	out := runScript(t, work, env, docBlock(t, page, "sh", docCommands[page][0]).text)
	// Each of the two queries prints the 10 companies.
	if listed := strings.Count(out, "list.codat_company.lending "); listed != 20 {
		t.Errorf("the queries listed %d companies, want 10 each:\n%s", listed, out)
	}
	if !strings.Contains(out, "Resources: 10 imported, 0 added, 0 changed, 0 destroyed.") || !strings.HasSuffix(strings.TrimSpace(out), "no changes are needed.") {
		t.Errorf("the generated configuration did not apply as 10 imports with an empty plan after:\n%s", out)
	}
}

// newerTerraform is a Terraform of at least least for a page's commands:
// the one on PATH, else bin/terraform-<newest>/terraform, which .ci/run and
// make docs install.
func newerTerraform(t *testing.T, least, what string) string {
	t.Helper()
	want := version.Must(version.NewVersion(least))
	candidates := []string{"terraform", "../bin/terraform-1.15.9/terraform"}
	for _, tf := range candidates {
		if path, err := exec.LookPath(tf); err == nil {
			if c := cliVersion(t, path); c.product == "Terraform" && !c.version.LessThan(want) {
				abs, err := filepath.Abs(path)
				if err != nil {
					t.Fatal(err)
				}
				return abs
			}
		}
	}
	testdeps.Missing(t, "needs Terraform %s or later for %s, on PATH or at bin/terraform-1.15.9/terraform: scripts/install-terraform.sh 1.15.9 bin/terraform-1.15.9/terraform", least, what)
	return ""
}

// importCommands: each terraform import line of the resources' import.sh
// files (rendered into the resource pages), in a copy of the resource's
// example with the companies it names at the emulator.
func importCommands(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("resources/*/import.sh")
	if err != nil || len(files) == 0 {
		t.Fatalf("no import.sh files: %v", err)
	}
	cliConfig := devOverridesConfig(t, buildProvider(t))
	onPath := cliVersion(t, "terraform")
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range commands(string(body)) {
			t.Run(cmd, func(t *testing.T) {
				t.Parallel()
				var imported map[string][]string
				var settings []importTarget
				if fields := strings.Fields(cmd); len(fields) == 4 && seededSetting(fields[2]) {
					settings = append(settings, importTarget{to: fields[2], id: fields[3]})
				} else if ids := uuidPattern.FindAllString(cmd, -1); len(ids) > 0 {
					// The company, and the connection that follows it in a
					// "<company id>/<connection id>".
					imported = map[string][]string{strings.ToLower(ids[0]): ids[1:]}
				}
				srv := startEmulator(t, imported, settings...)
				work := copyConfig(t, filepath.Dir(file))
				leaveOutNewer(t, work, onPath)
				env := docEnv("TF_CLI_CONFIG_FILE="+cliConfig, "CODAT_BASE_URL="+srv.URL, "CODAT_API_KEY="+emulator.DefaultAPIKey,
					"TF_CLI_ARGS_import=-no-color")
				if out := runScript(t, work, env, cmd); !strings.Contains(out, "Import successful!") {
					t.Errorf("%s:\n%s", cmd, out)
				}
			})
		}
	}
}
