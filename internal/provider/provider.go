// Package provider is the Terraform provider for Codat: the provider block,
// its resources and data sources. It calls internal/codat for every request
// and never builds a URL or decodes JSON itself.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/codat-community/codat"

// Environment variables read when the provider block leaves a setting out.
const (
	envAPIKey  = "CODAT_API_KEY"
	envBaseURL = "CODAT_BASE_URL"
)

// emulatorDefaultKey is the local emulator's key unless it is started with
// -api-key (emulator.DefaultAPIKey; a test keeps them equal).
const emulatorDefaultKey = "codat-emulator-local-dev-key"

var (
	_ provider.ProviderWithValidateConfig = (*codatProvider)(nil)
	_ provider.ProviderWithListResources  = (*codatProvider)(nil)
	_ provider.ProviderWithActions        = (*codatProvider)(nil)
)

type codatProvider struct {
	version string
}

type providerModel struct {
	APIKey       types.String `tfsdk:"api_key"`
	BaseURL      types.String `tfsdk:"base_url"`
	MaxRetries   types.Int64  `tfsdk:"max_retries"`
	MaxRetryWait types.String `tfsdk:"max_retry_wait"`

	RequestsPerMinute     types.Int64 `tfsdk:"requests_per_minute"`
	MaxConcurrentRequests types.Int64 `tfsdk:"max_concurrent_requests"`
}

// New returns a constructor of the provider for providerserver.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &codatProvider{version: version} }
}

func (p *codatProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "codat"
	resp.Version = p.version
}

func (p *codatProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage [Codat](https://www.codat.io) companies, their platform connections and their data syncs.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Codat API key, as shown in the Codat Portal (not Base64-encoded). Defaults to the `" + envAPIKey + "` environment variable. It is sent only over https (or plain http to a loopback address such as the local emulator) and never written to logs or state.",
				Optional:            true,
				Sensitive:           true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Codat API. Defaults to the `" + envBaseURL + "` environment variable, then `" + codat.DefaultBaseURL + "`. Must be https, except for a loopback host (the local emulator).",
				Optional:            true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a rate limit (429, honouring `Retry-After`), a timeout (408), a server error (5xx) or a dropped connection. A create is sent again only after a look-up shows Codat did not carry it out (see the *Retries, rate limits and guarantees* guide). `0` disables retries. Defaults to %d.", codat.DefaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 50)},
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest time one request may take with its retries, counted from its first attempt, as a Go duration such as `90s` or `10m`. A retry that would end later is not started. Defaults to `%s`.", codat.DefaultMaxElapsed),
				Optional:            true,
				Validators:          []validator.String{durationValidator(time.Second)},
			},
			"requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most requests the provider starts in any minute, retries included, so that a large plan stays inside Codat's limit instead of running into it (Codat answers 429 beyond it, and may block an address that exceeds it). `0` sends requests as fast as Terraform asks. "+
					"Defaults to %d (Codat's limit per IP address) against `api.codat.io`, and to `0` for any other `base_url`, such as the local emulator. Each provider configuration (and each Terraform run) paces only its own requests, while Codat counts every request from the address.", codat.CodatRateLimit.PerMinute),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most requests in flight at once. `0` is no limit. Defaults to %d (Codat's limit) against `api.codat.io`, and to `0` for any other `base_url`.", codat.CodatRateLimit.Concurrent),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

// ValidateConfig checks the block at plan time, before any request.
func (p *codatProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !config.BaseURL.IsNull() && !config.BaseURL.IsUnknown() {
		if err := codat.ValidateBaseURL(config.BaseURL.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Codat base URL", err.Error())
		}
	}
	if !config.APIKey.IsNull() && !config.APIKey.IsUnknown() && config.APIKey.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Empty Codat API key",
			"api_key is set to an empty string. Set it to the key shown in the Codat Portal, or leave it out to use the "+envAPIKey+" environment variable.")
	}
}

func (p *codatProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A key or URL that comes from another resource is unknown until that
	// resource is applied; resources then report that they cannot act yet.
	if config.APIKey.IsUnknown() || config.BaseURL.IsUnknown() || config.MaxRetries.IsUnknown() || config.MaxRetryWait.IsUnknown() ||
		config.RequestsPerMinute.IsUnknown() || config.MaxConcurrentRequests.IsUnknown() {
		return
	}

	apiKey := stringOrEnv(config.APIKey, envAPIKey)
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Codat API key",
			"Set api_key in the provider block or the "+envAPIKey+" environment variable to a key from the Codat Portal (Developers > API keys). "+
				"To try the provider without an account, run the local emulator from a checkout of the provider (go run ./cmd/codat-emulator), "+
				"then set "+envBaseURL+" to the address it prints and "+envAPIKey+" to its key, "+emulatorDefaultKey+" unless it was started with -api-key.")
		return
	}
	retry := codat.RetryPolicy{}
	if !config.MaxRetries.IsNull() {
		retry.MaxRetries = int(config.MaxRetries.ValueInt64())
		if retry.MaxRetries == 0 {
			retry.MaxRetries = -1 // the client reads 0 as "default"
		}
	}
	if !config.MaxRetryWait.IsNull() {
		wait, _ := time.ParseDuration(config.MaxRetryWait.ValueString()) // validated at plan time
		retry.MaxElapsed = wait
	}
	timing, err := createTimingFromEnv()
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Codat provider", err.Error())
		return
	}
	baseURL := stringOrEnv(config.BaseURL, envBaseURL)
	client, err := codat.New(codat.Config{
		BaseURL:       baseURL,
		BaseURLSource: baseURLSource(config),
		APIKey:        apiKey,
		UserAgent:     "terraform-provider-codat/" + p.version,
		Retry:         retry,
		RateLimit:     rateLimitFor(config, baseURL),
		Logger:        tflogLogger(),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Codat provider", err.Error())
		return
	}
	data := newProviderData(client, timing)
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *codatProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewCompanyResource,
		NewConnectionResource,
		NewSyncScheduleResource,
		NewProfileSyncSettingsResource,
		NewDataSyncResource,
		NewCORSSettingsResource,
		NewWebhookConsumerResource,
		NewAPIKeyResource,
		NewProfileResource,
		NewSupplementalDataConfigResource,
		NewCustomDataTypeResource,
	}
}

// ListResources are for terraform query (Terraform 1.14+).
func (p *codatProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewCompanyListResource,
		NewConnectionListResource,
	}
}

// Actions are for action blocks (Terraform 1.14+).
func (p *codatProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewQueueSyncAction,
	}
}

func (p *codatProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewIntegrationsDataSource,
		NewIntegrationDataSource,
		NewCompaniesDataSource,
		NewCompanyInfoDataSource,
		NewDataStatusDataSource,
	}
}

// rateLimitFor is Codat's own limit against api.codat.io and none elsewhere
// (the emulator, a proxy with limits of its own), unless the block sets one.
func rateLimitFor(config providerModel, baseURL string) codat.RateLimit {
	var rl codat.RateLimit
	if u, err := url.Parse(baseURL); baseURL == "" || (err == nil && strings.EqualFold(u.Hostname(), "api.codat.io")) {
		rl = codat.CodatRateLimit
	}
	if !config.RequestsPerMinute.IsNull() {
		rl.PerMinute = int(config.RequestsPerMinute.ValueInt64())
	}
	if !config.MaxConcurrentRequests.IsNull() {
		rl.Concurrent = int(config.MaxConcurrentRequests.ValueInt64())
	}
	return rl
}

// envCreateLease overrides the creation lease (codat.DefaultCreateLease),
// for tests of interrupted applies: see DEVELOPERS.md.
const envCreateLease = "CODAT_CREATE_LEASE"

// createTimingFromEnv is the default timing, or the one envCreateLease sets.
func createTimingFromEnv() (codat.CreateTiming, error) {
	lease := codat.DefaultCreateLease
	if raw := os.Getenv(envCreateLease); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d < time.Second {
			return codat.CreateTiming{}, fmt.Errorf("%s must be a duration of at least 1s, such as \"2m\", got %q", envCreateLease, raw)
		}
		lease = d
	}
	return codat.NewCreateTiming(lease), nil
}

// baseURLSource says where the base URL came from, for an error that cannot
// reach it.
func baseURLSource(config providerModel) string {
	switch {
	case !config.BaseURL.IsNull():
		return "base_url in the provider block"
	case os.Getenv(envBaseURL) != "":
		return "from the " + envBaseURL + " environment variable"
	}
	return "the default: neither base_url nor " + envBaseURL + " is set"
}

// stringOrEnv returns the configured value, else the environment variable.
func stringOrEnv(value types.String, env string) string {
	if !value.IsNull() {
		return value.ValueString()
	}
	return os.Getenv(env)
}
