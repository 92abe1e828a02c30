// Command codat-probe checks how a Codat account answers where Codat's
// documentation is silent or disagrees with its OpenAPI description, and
// prints which of the emulator's behaviour switches (-codat-behaviour of
// cmd/codat-emulator) play that account:
//
//	CODAT_API_KEY=... go run ./cmd/codat-probe [-company <linked company id>]
//
// It creates one company (tagged terraform-codat-probe), sends a few
// requests to it and deletes it again, also when interrupted (Ctrl-C); a
// company an earlier, killed run left behind is deleted on the next run.
// With -company (a company with a Linked connection, e.g. to Codat's
// sandbox platform) it also checks the pull history and queues two syncs on
// that company; it changes nothing else there. Use a sandbox client: every
// request counts against the daily quota, and the table ends with how many
// were sent (about 12, 17 with -company).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func main() {
	os.Exit(exitCode())
}

func exitCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(os.Stderr, "codat-probe:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("codat-probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	company := fs.String("company", getenv("CODAT_PROBE_COMPANY_ID"), "`id` of a company with a Linked connection, for the pull-history and sync checks (env CODAT_PROBE_COMPANY_ID); empty skips them")
	verbose := fs.Bool("v", false, "print each step to stderr")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: codat-probe [flags]

Checks how the Codat account of CODAT_API_KEY (at CODAT_BASE_URL, default
https://api.codat.io) answers where Codat's documentation is silent, and
prints the emulator switches (codat-emulator -codat-behaviour) that play it.
It creates and deletes one company tagged terraform-codat-probe. Use a
sandbox client.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	key := getenv("CODAT_API_KEY")
	if strings.TrimSpace(key) == "" {
		return errors.New("set CODAT_API_KEY to the API key of a Codat sandbox client (and CODAT_BASE_URL for another server, such as the emulator)")
	}
	client, err := codat.New(codat.Config{BaseURL: getenv("CODAT_BASE_URL"), APIKey: key, UserAgent: "terraform-codat-probe"})
	if err != nil {
		return err
	}
	cfg := Config{Client: client, LinkedCompanyID: *company}
	if *verbose {
		cfg.Log = stderr
	}
	report, err := Run(ctx, cfg)
	report.Print(stdout)
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted (what the probe deleted is listed above): %w", ctx.Err())
	}
	return err
}
