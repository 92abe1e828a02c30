package provider

import (
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The tests of what newer Terraform offers (resource identity, list
// resources, actions) serve the provider through NewServer, as the
// provider binary does, so that the server wrapper passes those requests
// on: list results and action progress stream after the request returns.
var featureProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"codat": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// queryTest runs steps of terraform query after one that applies only the
// provider block, which the query files use.
func queryTest(t *testing.T, env *testEnv, steps []resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps:                    append([]resource.TestStep{{Config: env.providerBlock()}}, steps...),
	})
}

// cliFeature is something of the Terraform language that only newer CLIs
// have; the tests of the provider's support for it skip on older ones.
type cliFeature struct {
	name      string
	terraform string // the first Terraform version with it
	openTofu  string // the first OpenTofu version with it; "" for none yet
}

var (
	featureIdentity = cliFeature{"resource identity", "1.12.0", "1.12.0"}
	featureQuery    = cliFeature{"list resources and terraform query", "1.14.0", ""}
	featureActions  = cliFeature{"actions", "1.14.0", ""}
)

// cliUnderTest is the CLI of TF_ACC_TERRAFORM_PATH, asked once.
var cliUnderTest struct {
	once     sync.Once
	product  string // "Terraform" or "OpenTofu"
	version  *version.Version
	firstErr error
}

var cliVersionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`)

// requireCLI skips the test, in one line saying what it needs, unless the
// CLI under test has feature: OpenTofu (1.12) has resource identity, but
// neither list resources nor actions.
func requireCLI(t *testing.T, feature cliFeature) {
	t.Helper()
	cliUnderTest.once.Do(func() {
		out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output() //nolint:gosec // G204: the CLI the tests are told to use
		m := cliVersionLine.FindSubmatch(out)
		if err != nil || m == nil {
			cliUnderTest.firstErr = err
			return
		}
		cliUnderTest.product = string(m[1])
		cliUnderTest.version, cliUnderTest.firstErr = version.NewVersion(string(m[2]))
	})
	if cliUnderTest.version == nil {
		t.Fatalf("cannot tell the version of the CLI under test (%s): %v", os.Getenv("TF_ACC_TERRAFORM_PATH"), cliUnderTest.firstErr)
	}
	least := feature.terraform
	if cliUnderTest.product == "OpenTofu" {
		least = feature.openTofu
	}
	if least == "" || cliUnderTest.version.LessThan(version.Must(version.NewVersion(least))) {
		t.Skipf("needs Terraform %s or later for %s; the CLI under test is %s %s", feature.terraform, feature.name, cliUnderTest.product, cliUnderTest.version)
	}
}
