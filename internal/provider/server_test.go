package provider

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type testContextKey struct{}

func TestReleasableContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), testContextKey{}, "v"))
	defer cancel()
	rc := newReleasableContext(parent)

	if got := rc.Value(testContextKey{}); got != "v" {
		t.Fatalf("before release, Value = %v, want the parent's value", got)
	}
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the parent did not reach a context derived from the releasable one")
	}

	fresh := newReleasableContext(context.Background())
	fresh.release()
	if fresh.Value(testContextKey{}) != nil {
		t.Error("a released context still answers values")
	}
	select {
	case <-fresh.Done():
	default:
		t.Error("a released context is not done")
	}
	if !errors.Is(fresh.Err(), context.Canceled) {
		t.Errorf("a released context's Err = %v, want context.Canceled", fresh.Err())
	}
}

// The framework keeps a cancel function per request until StopProvider;
// through NewServer, what it keeps no longer reaches the request's context.
func TestServerReleasesRequestContexts(t *testing.T) {
	wrapped := NewServer("test")()
	if !requestContextFreed(t, wrapped) {
		t.Fatal("a request's context is still reachable after the request returned")
	}
	// The reason NewServer exists; if the framework stops keeping contexts,
	// the wrapper can go.
	if requestContextFreed(t, providerserver.NewProtocol6(New("test")())()) {
		t.Log("terraform-plugin-framework no longer keeps request contexts: releasingServer is no longer needed")
	}
}

// requestContextFreed sends srv one ValidateResourceConfig with a large
// value in its context, as gRPC would (a cancelled stream context), and
// reports whether that value is garbage collected once the request is over.
func requestContextFreed(t *testing.T, srv tfprotov6.ProviderServer) bool {
	t.Helper()
	ctx := context.Background()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas["codat_company"].ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["name"] = tftypes.NewValue(tftypes.String, "Bramble Bakery")
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}

	var freed atomic.Bool
	func() {
		big := new([1 << 20]byte)
		runtime.AddCleanup(big, func(f *atomic.Bool) { f.Store(true) }, &freed)
		reqCtx, cancel := context.WithCancel(context.WithValue(ctx, testContextKey{}, big))
		defer cancel()
		resp, err := srv.ValidateResourceConfig(reqCtx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "codat_company", Config: &config})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("ValidateResourceConfig: %s: %s", d.Summary, d.Detail)
			}
		}
	}()
	// The server lives on between requests, as in a provider process.
	defer runtime.KeepAlive(srv)
	for range 20 {
		runtime.GC()
		if freed.Load() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
