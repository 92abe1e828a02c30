package provider

import (
	"context"
	"errors"
	"fmt"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// providerData is what Configure hands to every resource and data source:
// the one client, the integrations catalogue it reads at most once per run,
// the run's company creates, which resource manages which platform of a
// company (connection_claims.go) and each client-wide setting
// (client_settings.go), and the run's view of the company list that serves
// company reads. Configure makes it anew for each run, so nothing in it is
// older than the run.
type providerData struct {
	client    *codat.Client
	catalogue *codat.Catalogue
	creations *codat.Creations
	claims    *connectionClaims
	companies *codat.CompanyDirectory
	settings  *settingClaims
}

func newProviderData(client *codat.Client, timing codat.CreateTiming) *providerData {
	return &providerData{client: client, catalogue: client.NewCatalogue(), creations: codat.NewCreations(client, timing),
		claims:    &connectionClaims{},
		settings:  &settingClaims{},
		companies: codat.NewCompanyDirectory(client, codat.DirectoryOptions{})}
}

// providerDataFrom does the nil check and type assertion that every
// resource's and data source's Configure needs. It returns nil while the
// provider is not configured yet (Terraform configures resources before the
// provider during validation) or cannot be (its key is unknown until another
// resource is applied).
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// requireClient reports the one reason a configured resource can lack a
// client: its provider settings were unknown when Terraform configured it.
func requireClient(data *providerData, diags *diag.Diagnostics) *codat.Client {
	if data == nil {
		diags.AddError("Codat provider not configured",
			"The provider's api_key or base_url is not known yet (it comes from a resource that has not been applied). "+
				"Apply that resource first, for example with -target, then apply again.")
		return nil
	}
	return data.client
}

// resourceBase is what every resource embeds: its type name (after
// "codat_") and the provider's data, set by the Metadata and Configure every
// resource needs.
type resourceBase struct {
	typeName string
	data     *providerData
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// requirePlatform checks platformKey against the integrations catalogue
// (read once per run) before anything is created or changed.
func (b *resourceBase) requirePlatform(ctx context.Context, platformKey string, diags *diag.Diagnostics) bool {
	err := b.data.catalogue.CheckPlatform(ctx, platformKey)
	var problem *codat.PlatformError
	switch {
	case errors.As(err, &problem):
		addPlatformError(diags, "platform_key", problem, " Nothing was changed at Codat.")
	case err != nil:
		addAPIError(diags, "Could not check platform_key against Codat's integrations", err)
	}
	return err == nil
}

// checkPlannedPlatform reports, at plan, a new platform key that Codat's
// catalogue does not have or has disabled; a catalogue that cannot be read
// now is checked again at apply (requirePlatform).
func (b *resourceBase) checkPlannedPlatform(ctx context.Context, planned, prior types.String, diags *diag.Diagnostics) {
	if planned.IsUnknown() || planned.Equal(prior) {
		return
	}
	var problem *codat.PlatformError
	if errors.As(b.data.catalogue.CheckPlatform(ctx, planned.ValueString()), &problem) {
		addPlatformError(diags, "platform_key", problem, "")
	}
}

// dataSourceBase is resourceBase for data sources.
type dataSourceBase struct {
	typeName string
	data     *providerData
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// actionBase is resourceBase for actions.
type actionBase struct {
	typeName string
	data     *providerData
}

func (b *actionBase) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *actionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// catalogue is Codat's integrations catalogue for a data source's Read
// (read once per run); nil, with the error in diags, when it cannot be had.
func (b *dataSourceBase) catalogue(ctx context.Context, diags *diag.Diagnostics) []codat.Integration {
	if requireClient(b.data, diags) == nil {
		return nil
	}
	list, err := b.data.catalogue.Integrations(ctx)
	if err != nil {
		addAPIError(diags, "Cannot list Codat integrations", err)
	}
	return list
}

// companyIDArgument is the company_id every per-company data source takes.
func companyIDArgument() dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: "ID of the Codat company, such as `codat_company.example.id`.",
		Required:            true,
		Validators:          []validator.String{companyIDValidator()},
	}
}

// computedString is a data source's read-only string attribute.
func computedString(description string) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Computed: true}
}
