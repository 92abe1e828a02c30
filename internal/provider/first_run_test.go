package provider

import (
	"fmt"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// closedLoopbackURL is a local address where nothing listens, as when the
// emulator is not running.
func closedLoopbackURL(t *testing.T) (url, hostPort string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hostPort = ln.Addr().String()
	_ = ln.Close()
	return "http://" + hostPort, hostPort
}

// TestAccFirstRun_emulatorNotRunning: base_url points at a local address
// where nothing listens. The error names the URL, where it came from, and
// asks whether the emulator is running, with the command that starts it.
func TestAccFirstRun_emulatorNotRunning(t *testing.T) {
	t.Parallel()
	url, hostPort := closedLoopbackURL(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			// No retries: the wait before giving up is internal/codat's
			// TestRefusedLoopbackGivesUpAfterAShortWait, on a fake clock.
			Config: fmt.Sprintf("provider \"codat\" {\n  base_url    = %q\n  api_key     = \"k\"\n  max_retries = 0\n}\n"+
				"data \"codat_integrations\" \"all\" {}\n", url),
			ExpectError: regexp.MustCompile(`(?s)` +
				wordsRE("cannot connect to "+url+" (base_url in the provider block)").String() + `.*` + wordsRE("connection refused").String() + `.*` +
				wordsRE("is the local emulator running?").String() + `.*` +
				wordsRE(`"go run ./cmd/codat-emulator -addr `+hostPort+`"`).String()),
		}},
	})
}

// TestAccFirstRun_missingKey: no key at all. The error says where to get
// one and, for local use, the emulator's default key.
func TestAccFirstRun_missingKey(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	w := newCLIWorkdir(t, env, "data \"codat_integrations\" \"all\" {}\n")
	res := w.run([]string{"CODAT_API_KEY="}, "plan", "-no-color", "-input=false")
	want := regexp.MustCompile(`(?s)Missing Codat API key.*` + wordsRE("Codat Portal (Developers > API keys)").String() + `.*` +
		wordsRE("go run ./cmd/codat-emulator").String() + `.*` + wordsRE("its key, "+emulator.DefaultAPIKey).String())
	if res.ExitCode == 0 || !want.MatchString(res.Output) {
		t.Errorf("want the missing-key error naming the emulator's key:\n%s", res)
	}
	if emulatorDefaultKey != emulator.DefaultAPIKey {
		t.Errorf("the provider names %q as the emulator's key; the emulator's is %q", emulatorDefaultKey, emulator.DefaultAPIKey)
	}
}

// TestAccFirstRun_emulatorNotRunningFromEnvironment: the same, with the URL
// from CODAT_BASE_URL, through the built provider: the error says so. (The
// provider gives up after internal/codat's short wait for a local address.)
func TestAccFirstRun_emulatorNotRunningFromEnvironment(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	url, _ := closedLoopbackURL(t)
	w := newCLIWorkdir(t, env, "data \"codat_integrations\" \"all\" {}\n")
	res := w.run([]string{"CODAT_BASE_URL=" + url}, "plan", "-no-color", "-input=false")
	want := regexp.MustCompile(`(?s)` + wordsRE("cannot connect to "+url+" (from the CODAT_BASE_URL environment variable)").String() +
		`.*` + wordsRE("is the local emulator running?").String())
	if res.ExitCode == 0 || !want.MatchString(res.Output) {
		t.Errorf("want the unreachable-URL error naming CODAT_BASE_URL:\n%s", res)
	}
}
