package provider

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// BenchmarkCompanyRefresh is the provider's share of refreshing one
// codat_company in a plan, through the protocol server as Terraform calls
// it: ReadResource (one GET from the emulator), then PlanResourceChange
// with nothing to change. bench/ measures the same at scale through
// Terraform; this isolates the provider for profiling
// (go test -run '^$' -bench CompanyRefresh -cpuprofile cpu.out ./internal/provider/).
func BenchmarkCompanyRefresh(b *testing.B) {
	emu := emulator.New(emulator.Options{SyncStepDuration: emulator.NoSyncDelay})
	api := httptest.NewServer(emu)
	defer api.Close()
	ctx := context.Background()
	srv := NewServer("bench")()

	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	providerConfig := objectValue(b, providerType, map[string]tftypes.Value{
		"api_key":  tftypes.NewValue(tftypes.String, emu.APIKey()),
		"base_url": tftypes.NewValue(tftypes.String, api.URL),
	})
	configured, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
	if err != nil || diagnosticsFail(b, configured.Diagnostics) {
		b.Fatal(err)
	}

	typ := schemas.ResourceSchemas["codat_company"].ValueType().(tftypes.Object)
	config := objectValue(b, typ, map[string]tftypes.Value{
		"name":         tftypes.NewValue(tftypes.String, "Bench company"),
		"platform_key": tftypes.NewValue(tftypes.String, "gbol"),
	})
	null, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		b.Fatal(err)
	}
	planned, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: "codat_company", PriorState: &null, ProposedNewState: config, Config: config,
	})
	if err != nil || diagnosticsFail(b, planned.Diagnostics) {
		b.Fatal(err)
	}
	created, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "codat_company", PriorState: &null, PlannedState: planned.PlannedState, Config: config,
	})
	if err != nil || diagnosticsFail(b, created.Diagnostics) {
		b.Fatal(err)
	}
	state := created.NewState

	b.ReportAllocs()
	for b.Loop() {
		read, err := srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "codat_company", CurrentState: state})
		if err != nil || diagnosticsFail(b, read.Diagnostics) {
			b.Fatal(err)
		}
		// With the configuration unchanged, Terraform proposes the state.
		plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: "codat_company", PriorState: read.NewState, ProposedNewState: read.NewState, Config: config,
		})
		if err != nil || diagnosticsFail(b, plan.Diagnostics) {
			b.Fatal(err)
		}
		state = read.NewState
	}
}

// objectValue is an object of typ with the given attributes and every other
// one null, as Terraform sends a configuration.
func objectValue(tb testing.TB, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		attrs[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

func diagnosticsFail(tb testing.TB, diags []*tfprotov6.Diagnostic) bool {
	tb.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Errorf("%s: %s", d.Summary, d.Detail)
			return true
		}
	}
	return false
}
