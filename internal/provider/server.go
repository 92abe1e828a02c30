package provider

import (
	"context"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer is the provider's protocol 6 server, for tf6server.Serve: the
// framework's server, with each per-resource request's context released
// when the request returns.
//
// Why: terraform-plugin-framework (v1.19.0) wraps every request's context in
// context.WithCancel and keeps the cancel function until StopProvider, which
// Terraform sends only on interrupt. Each kept function holds its request's
// context chain (the gRPC stream and a dozen loggers with their options,
// some 17 kB), so a provider process grows by that much per request: tens
// of MB in a plan of 1,000 companies, and a peak RSS over 100 MB. Handed a
// context whose parent link is cut when the request returns, the framework
// keeps a few bytes per request instead.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		inner, ok := providerserver.NewProtocol6(New(version)())().(fullServer)
		if !ok {
			// The framework implements every optional server interface;
			// a build where it stops doing so must not pass unnoticed.
			panic("terraform-plugin-framework's server lacks an optional tfprotov6 interface")
		}
		return releasingServer{inner}
	}
}

// fullServer is everything the framework's server implements, so that
// wrapping it hides none of the optional interfaces tf6server looks for.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasingServer releases the context of the requests Terraform sends per
// resource instance or data source, the ones whose number grows with the
// configuration; the others are sent a few times per run and pass through.
// ListResource and InvokeAction pass through too: they come once per list
// block or invocation, and their results (listed companies, a sync and its
// progress) are produced after the call returns, by code still reading the
// call's context, whose values (the loggers) a release would empty. The
// tests of terraform query and of the action run through NewServer.
type releasingServer struct{ fullServer }

// call runs one request with a context that is released when it returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.ImportResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadDataSource)
}

// releasableContext is its parent until release, then a cancelled context
// with no values and no link to the parent.
type releasableContext struct {
	parent atomic.Pointer[contextBox]
}

type contextBox struct{ context.Context }

// releasedParent is what a released context answers from: cancelled, since
// the request it belonged to is over.
var releasedParent = func() *contextBox {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return &contextBox{ctx}
}()

func newReleasableContext(parent context.Context) *releasableContext {
	c := &releasableContext{}
	c.parent.Store(&contextBox{parent})
	return c
}

func (c *releasableContext) release() { c.parent.Store(releasedParent) }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.parent.Load().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.parent.Load().Done() }
func (c *releasableContext) Err() error                  { return c.parent.Load().Err() }
func (c *releasableContext) Value(key any) any           { return c.parent.Load().Value(key) }

// QuietUncollectedLogs switches off the SDK's and the provider's logs when
// Terraform will not collect them. Terraform keeps a provider's log lines
// only when TF_LOG or TF_LOG_PROVIDER is set; otherwise it parses each line
// the provider wrote and drops it. The framework writes several trace lines
// per attribute of every resource it plans: in a plan of 1,000 companies,
// building, writing and parsing lines nobody reads took a quarter of the
// CPU, Terraform's and the provider's. A level set for one of these loggers
// is kept.
func QuietUncollectedLogs() {
	for _, collected := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if level := os.Getenv(collected); level != "" && !strings.EqualFold(level, "off") {
			return
		}
	}
	for _, logger := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CODAT"} {
		if _, set := os.LookupEnv(logger); !set {
			_ = os.Setenv(logger, "off")
		}
	}
}
