package provider

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
	"github.com/codat-community/terraform-provider-codat/internal/testdeps"
)

// secretForms are the ways an API key could appear: as is, Base64-encoded
// (the Authorization header's value, with and without padding, standard and
// URL alphabets) and URL-encoded.
func secretForms(key string) []string {
	raw := []byte(key)
	forms := []string{key, url.QueryEscape(key),
		base64.StdEncoding.EncodeToString(raw), base64.RawStdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw)}
	// A Base64 string embedded in a longer one is shifted by 0-2 bytes; its
	// middle is the same whatever came before, so look for that too.
	for shift := 1; shift <= 2; shift++ {
		shifted := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0}, shift), raw...))
		forms = append(forms, shifted[4:len(shifted)-4])
	}
	return forms
}

// findSecrets reports each form of each key found in data.
func findSecrets(name string, data []byte, keys ...string) []string {
	var found []string
	for _, key := range keys {
		for _, form := range secretForms(key) {
			if bytes.Contains(data, []byte(form)) {
				found = append(found, fmt.Sprintf("%s contains %q (a form of the API key)", name, form))
			}
		}
	}
	return found
}

// TestAccSecrets_neverLeaked runs apply (of a company and the profile,
// whose GET carries the key), plan to a file, show -json of the
// plan and of the state, a refresh that Codat fails, a run with a wrong key
// and destroy, all with TF_LOG=TRACE and TF_LOG_PROVIDER=TRACE, then searches
// every byte Terraform and the provider wrote (output, logs, state and its
// backup, every file inside the saved plan) for either key in any encoding.
func TestAccSecrets_neverLeaked(t *testing.T) {
	t.Parallel()
	const key = "sk-live-7f3a9c2e5b1d4086a9e2c7b3f1d8e6a4"     //nolint:gosec // G101: a made-up key
	const wrongKey = "sk-old-0b6c4e2a8f1d3957c6b2a0e8d4f7c1b9" //nolint:gosec // G101: a made-up key
	env := newTestEnvWith(t, emulator.Options{APIKey: key})
	env.requireEmulator(t)
	w := newCLIWorkdir(t, env, `
data "codat_integrations" "accounting" {
  source_type = "Accounting"
}

resource "codat_company" "c" {
  name         = "Secret keeper"
  tags         = { team = "security" }
  platform_key = "gbol"
}

output "link" {
  value = codat_company.c.link_url
}

# Codat's GET /profile answers with the (deprecated) apiKey: the key in use.
resource "codat_profile" "p" {
  name = "Secret keeper Ltd"
}
`)
	logPath := filepath.Join(w.dir, "terraform.log")
	trace := []string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + logPath}
	var outputs []cliResult
	keep := func(res cliResult) cliResult { outputs = append(outputs, res); return res }

	keep(w.apply(trace))
	keep(w.mustRun(trace, "plan", "-out=plan.bin", "-no-color", "-input=false"))
	keep(w.mustRun(trace, "show", "-json", "plan.bin"))
	keep(w.mustRun(trace, "show", "-json"))
	// Errors: Codat fails the refresh, then Codat refuses a wrong key.
	if err := env.Emulator.ScriptFaults(emulator.ScriptedFault{Route: "GET /companies/{companyId}", Status: 400}); err != nil {
		t.Fatal(err)
	}
	if res := keep(w.run(trace, "plan", "-no-color", "-input=false")); res.ExitCode == 0 {
		t.Errorf("the plan with a failing refresh succeeded:\n%s", res)
	}
	if res := keep(w.run(append(trace, "CODAT_API_KEY="+wrongKey), "plan", "-no-color", "-input=false")); res.ExitCode == 0 ||
		!strings.Contains(res.Output, "Codat rejected the API key") {
		t.Errorf("the plan with a wrong key did not fail with the rejection:\n%s", res)
	}
	keep(w.destroy(trace))

	counts := env.Emulator.RequestCounts()
	if counts.Total < 5 || counts.AuthFailures == 0 {
		t.Fatalf("the runs did not talk to Codat as expected (a test that cannot fail): %+v", counts)
	}

	var leaks []string
	searched := 0
	search := func(name string, data []byte) {
		searched += len(data)
		leaks = append(leaks, findSecrets(name, data, key, wrongKey)...)
	}
	for _, res := range outputs {
		search("output of terraform "+strings.Join(res.Args, " "), []byte(res.Output))
	}
	for _, name := range []string{"terraform.log", "terraform.tfstate", "terraform.tfstate.backup", "plan.bin"} {
		data, err := os.ReadFile(filepath.Join(w.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		search(name, data)
	}
	plan, err := zip.OpenReader(filepath.Join(w.dir, "plan.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = plan.Close() }()
	for _, f := range plan.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		search("plan.bin/"+f.Name, data)
	}
	// The log must hold the provider's own request lines, or it proves little.
	logData, _ := os.ReadFile(logPath)
	if !strings.Contains(string(logData), "codat request") || !strings.Contains(string(logData), "Codat rejected the API key") {
		t.Error("the TRACE log has no provider request lines or no error; the search would prove nothing")
	}
	for _, leak := range leaks {
		t.Error(leak)
	}
	t.Logf("searched %d bytes (output of %d commands, the TRACE log, state, backup and the saved plan): no form of either key found", searched, len(outputs))
}

// TestAccProvider_refusesPlainHTTPToRemoteHosts: a base URL with http:// to
// a host that is not loopback is refused at plan time, before any request,
// whether it comes from base_url or CODAT_BASE_URL; the key never travels
// in clear text. A listener on the machine's own non-loopback address
// counts the connections: there must be none.
func TestAccProvider_refusesPlainHTTPToRemoteHosts(t *testing.T) {
	t.Parallel()
	addr, connections := countingListener(t)
	remote := "http://" + addr
	want := messageRE("must use https (plain http is allowed only for loopback hosts)")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"codat\" {\n  base_url = %q\n  api_key  = \"some-key\"\n}\n"+
				"data \"codat_integrations\" \"all\" {}\n", remote),
			PlanOnly:    true,
			ExpectError: want,
		}},
	})

	env := newTestEnv(t)
	env.requireEmulator(t)
	w := newCLIWorkdir(t, env, "data \"codat_integrations\" \"all\" {}\n", "CODAT_BASE_URL="+remote)
	res := w.run(nil, "plan", "-no-color", "-input=false")
	if res.ExitCode == 0 || !want.MatchString(res.Output) {
		t.Errorf("CODAT_BASE_URL=%s was not refused:\n%s", remote, res)
	}
	if n := connections.Load(); n != 0 {
		t.Errorf("%d connections reached %s; a refused base URL must send nothing", n, remote)
	}
}

// countingListener listens on a non-loopback address of this machine and
// counts the connections it accepts.
func countingListener(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ifaceAddrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ifaceAddrs {
		ipNet, ok := a.(*net.IPNet)
		if !ok || ipNet.IP.IsLoopback() || ipNet.IP.To4() == nil {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(ipNet.IP.String(), "0"))
		if err != nil {
			continue
		}
		t.Cleanup(func() { _ = ln.Close() })
		var n atomic.Int64
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				n.Add(1)
				_ = conn.Close()
			}
		}()
		return ln.Addr().String(), &n
	}
	testdeps.Missing(t, "needs a non-loopback IPv4 address on this machine to listen on (a network interface other than lo)")
	return "", nil
}

// TestFindSecrets: the search finds a key however it is embedded, so the
// test above can fail.
func TestFindSecrets(t *testing.T) {
	const key = "sk-live-abc123"
	encoded := base64.StdEncoding.EncodeToString([]byte(key))
	for _, text := range []string{
		"Authorization: Basic " + encoded,
		`{"api_key":"` + key + `"}`,
		"x" + base64.StdEncoding.EncodeToString([]byte("user:"+key)),
		base64.StdEncoding.EncodeToString([]byte("a" + key + "b")),
		"key=" + url.QueryEscape(key),
	} {
		if len(findSecrets("text", []byte(text), key)) == 0 {
			t.Errorf("the key was not found in %q", text)
		}
	}
	if found := findSecrets("text", []byte("Authorization: Basic [REDACTED]"), key); len(found) != 0 {
		t.Errorf("found %v in a redacted text", found)
	}
}

// TestAccSecrets_neverLeakedCreatedKey: the secret of a key codat_api_key creates
// is in state only as the sensitive attribute key, and nowhere in what
// Terraform prints (apply, plan, a saved plan shown, a refresh Codat fails,
// a replacement, destroy) or logs at TRACE, under both readings of GET
// /apiKeys. (Terraform's JSON output and the saved plan file hold state
// values in clear by design, so they are not searched for it.)
func TestAccSecrets_neverLeakedCreatedKey(t *testing.T) {
	t.Parallel()
	underEachAPIKeyReading(t, func(t *testing.T, env *testEnv, listed bool) {
		w := newCLIWorkdir(t, env, apiKeySecretConfig("svc"))
		logPath := filepath.Join(w.dir, "terraform.log")
		trace := []string{"TF_LOG=TRACE", "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + logPath}
		var outputs []cliResult
		keep := func(res cliResult) { outputs = append(outputs, res) }

		keep(w.apply(trace))
		created := stateAPIKeySecret(t, w)
		keep(w.mustRun(trace, "plan", "-out=plan.bin", "-no-color", "-input=false"))
		keep(w.mustRun(trace, "show", "-no-color", "plan.bin"))
		keep(w.mustRun(trace, "show", "-no-color"))
		if err := env.Emulator.ScriptFaults(emulator.ScriptedFault{Route: routeListAPIKeys, Status: 400}); err != nil {
			t.Fatal(err)
		}
		if res := w.run(trace, "plan", "-no-color", "-input=false"); res.ExitCode == 0 {
			t.Errorf("the plan with a failing refresh succeeded:\n%s", res)
		} else {
			keep(res)
		}
		if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cliRequiredProviders+apiKeySecretConfig("svc-2")), 0o600); err != nil {
			t.Fatal(err)
		}
		keep(w.apply(trace))
		replacement := stateAPIKeySecret(t, w)
		keep(w.destroy(trace))

		var leaks []string
		for _, res := range outputs {
			leaks = append(leaks, findSecrets("output of terraform "+strings.Join(res.Args, " "), []byte(res.Output), created, replacement)...)
		}
		logData, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(logData), "codat request") {
			t.Error("the TRACE log has no provider request lines; the search would prove nothing")
		}
		leaks = append(leaks, findSecrets("terraform.log", logData, created, replacement)...)
		for _, leak := range leaks {
			t.Error(leak)
		}
		if !strings.Contains(outputs[0].Output, "(sensitive value)") && !strings.Contains(outputs[0].Output, "(sensitive)") {
			t.Errorf("the apply does not show the key as sensitive:\n%s", outputs[0].Output)
		}
	})
}

func apiKeySecretConfig(name string) string {
	return fmt.Sprintf("resource \"codat_api_key\" \"svc\" {\n  name = %q\n}\n\noutput \"svc_key\" {\n  value     = codat_api_key.svc.key\n  sensitive = true\n}\n", name)
}

// stateAPIKeySecret reads the key from terraform.tfstate and checks that
// the state marks it sensitive and holds it nowhere else.
func stateAPIKeySecret(t *testing.T, w *cliWorkdir) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Outputs   map[string]struct{ Sensitive bool }
		Resources []struct {
			Type      string
			Instances []struct {
				Attributes          struct{ Key string }
				SensitiveAttributes []any `json:"sensitive_attributes"`
			}
		}
	}
	if err := json.Unmarshal(data, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type != "codat_api_key" {
			continue
		}
		in := r.Instances[0]
		key := in.Attributes.Key
		if len(key) < 20 {
			t.Fatalf("the state holds no key: %q", key)
		}
		marked, _ := json.Marshal(in.SensitiveAttributes)
		if !strings.Contains(string(marked), `"key"`) {
			t.Errorf("the state does not mark key sensitive: %s", marked)
		}
		// In the attribute, and (sensitive) in the output: twice.
		if n := strings.Count(string(data), key); n != 2 || !state.Outputs["svc_key"].Sensitive {
			t.Errorf("the state holds the key %d times (want 2: the attribute and the sensitive output)", n)
		}
		return key
	}
	t.Fatal("no codat_api_key in state")
	return ""
}
