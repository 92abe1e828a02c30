// Command terraform-provider-codat serves the Codat provider to Terraform.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/codat-community/terraform-provider-codat/internal/provider"
)

// version and commit are set by the release build
// (-ldflags "-X main.version=... -X main.commit=...", see .goreleaser.yml).
var (
	version = "dev"
	commit  = "none"
)

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	// Terraform never passes it; it tells a person which build a binary is.
	flag.BoolVar(&showVersion, "version", false, "print the version and commit, then exit")
	flag.Parse()

	if showVersion {
		fmt.Printf("terraform-provider-codat %s (commit %s)\n", version, commit)
		return
	}

	// terraform-plugin-framework allocates about 1.5 MB per resource in a
	// plan, nearly all of it garbage by the end of the request, while the
	// provider keeps a few MB. At Go's default GOGC of 100 the collector
	// runs every few MB; 400 takes 40% off the provider's CPU in a plan of
	// 1,000 companies, for a heap that stays far under 100 MB. GOGC, if
	// set, wins.
	if os.Getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(400)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		// Under -debug the logs go to this terminal, so they stay on.
		provider.QuietUncollectedLogs()
	}
	if err := tf6server.Serve(provider.Address, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err)
	}
}
