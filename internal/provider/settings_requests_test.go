package provider

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// opRequests is what one Terraform operation on one resource sends to Codat.
type opRequests struct {
	total  int
	routes map[string]int
}

func (o opRequests) String() string {
	parts := make([]string, 0, len(o.routes))
	for _, route := range slices.Sorted(maps.Keys(o.routes)) {
		parts = append(parts, fmt.Sprintf("%s ×%d", route, o.routes[route]))
	}
	return fmt.Sprintf("%d (%s)", o.total, strings.Join(parts, ", "))
}

// settingsResourceCase is one client-wide setting's resource: a
// configuration to create, one to update, and the requests each operation
// may send.
type settingsResourceCase struct {
	name                           string
	create, update                 string
	creates, reads, updates, kills int
}

// settingsRequestCases hold the request counts the resource pages and the
// issue's closing note quote. The catalogue (GET /integrations) is read by
// the plan and again by the apply of each command that checks a new
// platform key; it is counted in the totals.
var settingsRequestCases = []settingsResourceCase{
	{name: "codat_profile",
		create:  block("codat_profile", `name = "Harbour Lending"`),
		update:  block("codat_profile", `name = "Harbour Lending Ltd"`),
		creates: 2, reads: 1, updates: 2, kills: 2},
	{name: "codat_cors_settings",
		create:  block("codat_cors_settings", `allowed_origins = ["https://app.example.com"]`),
		update:  block("codat_cors_settings", `allowed_origins = ["https://app.example.com", "https://admin.example.com"]`),
		creates: 2, reads: 1, updates: 1, kills: 1},
	{name: "codat_webhook_consumer",
		create:  block("codat_webhook_consumer", `url = "https://hooks.example.com/a"`, `event_types = ["company.created"]`),
		update:  block("codat_webhook_consumer", `url = "https://hooks.example.com/b"`, `event_types = ["company.created"]`),
		creates: 1, reads: 1, updates: 2, kills: 1},
	{name: "codat_api_key",
		create:  block("codat_api_key", `name = "service-a"`),
		update:  block("codat_api_key", `name = "service-b"`),
		creates: 1, reads: 1, updates: 2, kills: 1},
	{name: "codat_supplemental_data_config",
		create:  block("codat_supplemental_data_config", `platform_key = "gbol"`, `data_type = "invoices"`, `sources = { url = { pull_data = { url = "Url" } } }`),
		update:  block("codat_supplemental_data_config", `platform_key = "gbol"`, `data_type = "invoices"`, `sources = { url = { pull_data = { url = "Url", terms = "Terms" } } }`),
		creates: 4, reads: 1, updates: 2, kills: 2},
	{name: "codat_custom_data_type",
		create:  block("codat_custom_data_type", `platform_key = "qhyg"`, `custom_data_identifier = "cashflow"`, `data_source = "/reports/CashFlow"`, `key_by = ["$.Header.ReportName"]`),
		update:  block("codat_custom_data_type", `platform_key = "qhyg"`, `custom_data_identifier = "cashflow"`, `data_source = "/reports/CashFlow?minorversion=65"`, `key_by = ["$.Header.ReportName"]`),
		creates: 4, reads: 1, updates: 1, kills: 0},
}

// block is a resource block named x of kind with one argument a line.
func block(kind string, arguments ...string) string {
	return fmt.Sprintf("resource %q \"x\" {\n  %s\n}\n", kind, strings.Join(arguments, "\n  "))
}

// TestAccSettings_requestsPerOperation drives each resource through create
// (apply), read (refresh), update (apply -refresh=false) and destroy
// (destroy -refresh=false) with the Terraform CLI, counting what the
// emulator receives for each, and checks the counts. -v prints the table.
func TestAccSettings_requestsPerOperation(t *testing.T) {
	t.Parallel()
	var table []string
	for _, c := range settingsRequestCases {
		env := newTestEnv(t)
		env.requireEmulator(t)
		w := newCLIWorkdir(t, env, c.create+"\n")
		var output string
		measure := func(args ...string) opRequests {
			env.Emulator.ResetRequestCounts()
			output = w.mustRun(nil, args...).Output
			counts := env.Emulator.RequestCounts()
			return opRequests{total: counts.Total, routes: counts.Routes}
		}
		ops := []string{"apply", "-auto-approve", "-no-color", "-input=false"}
		create := measure(ops...)
		read := measure("refresh", "-no-color", "-input=false")
		if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(cliRequiredProviders+c.update+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		update := measure(append(ops, "-refresh=false")...)
		destroy := measure("destroy", "-auto-approve", "-no-color", "-input=false", "-refresh=false")
		if c.kills == 0 && !strings.Contains(output, "Codat cannot delete") {
			t.Errorf("%s: a destroy that sends nothing must say why:\n%s", c.name, output)
		}
		for _, check := range []struct {
			op   string
			got  opRequests
			want int
		}{{"create", create, c.creates}, {"read", read, c.reads}, {"update", update, c.updates}, {"destroy", destroy, c.kills}} {
			if check.got.total != check.want {
				t.Errorf("%s %s: %s requests, want %d", c.name, check.op, check.got, check.want)
			}
		}
		table = append(table, fmt.Sprintf("| %s | %s | %s | %s | %s |", c.name, create, read, update, destroy))
	}
	t.Logf("requests per operation:\n| resource | create | read | update | destroy |\n| --- | --- | --- | --- | --- |\n%s", strings.Join(table, "\n"))
}
