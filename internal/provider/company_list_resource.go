package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ list.ListResource              = (*companyListResource)(nil)
	_ list.ListResourceWithConfigure = (*companyListResource)(nil)
)

// NewCompanyListResource is the codat_company list resource: the companies
// Codat has, for terraform query (Terraform 1.14+) to list and to write
// the import blocks and configuration that adopt them.
func NewCompanyListResource() list.ListResource {
	return &companyListResource{resourceBase{typeName: "company"}}
}

type companyListResource struct {
	resourceBase
}

type companyListModel struct {
	Tags             types.String `tfsdk:"tags"`
	NameContains     types.String `tfsdk:"name_contains"`
	ConnectionStatus types.String `tfsdk:"connection_status"`
	PlatformKey      types.String `tfsdk:"platform_key"`
}

func (r *companyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	statuses := make([]string, len(codat.ConnectionStatuses))
	for i, s := range codat.ConnectionStatuses {
		statuses[i] = string(s)
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Codat companies of the API key's client, each with its identity (the company id) and, with `include_resource` or `-generate-config-out`, the `codat_company` it would be. The filters narrow the list; every filter set must match.",
		Attributes: map[string]listschema.Attribute{
			"tags": listschema.StringAttribute{
				MarkdownDescription: "Codat's filter on company tags, such as `region=uk && team=lending`: `=`, `!=` and `~` (contains) on a tag, joined with `&&` and `||`. Codat applies it, so only the matching companies are fetched.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 2047)},
			},
			"name_contains": listschema.StringAttribute{
				MarkdownDescription: "Only companies whose name contains this text, ignoring case.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"connection_status": listschema.StringAttribute{
				MarkdownDescription: "Only companies with a connection in this status: `PendingAuth`, `Linked`, `Deauthorized` or `Unlinked`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(statuses...)},
			},
			"platform_key": listschema.StringAttribute{
				MarkdownDescription: "Only companies with a connection to this platform, by its 4-letter key such as `gbol` (Xero). With `connection_status`, one connection must match both.",
				Optional:            true,
				Validators:          []validator.String{platformKeyValidator()},
			},
		},
	}
}

// List reads the companies matching tags, in pages of 5,000, and streams
// those the other filters keep.
func (r *companyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var config companyListModel
	diags.Append(req.Config.Get(ctx, &config)...)
	client := requireClient(r.data, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	filter := codat.CompanyFilter{
		NameContains:     config.NameContains.ValueString(),
		ConnectionStatus: codat.ConnectionStatus(config.ConnectionStatus.ValueString()),
		PlatformKey:      config.PlatformKey.ValueString(),
	}
	if filter.PlatformKey != "" {
		// A typo would list nothing; say so, with the nearest keys.
		// Companies may keep connections to a platform since disabled.
		err := r.data.catalogue.CheckPlatform(ctx, filter.PlatformKey)
		var problem *codat.PlatformError
		switch {
		case errors.As(err, &problem):
			if !problem.Disabled() {
				addPlatformError(&diags, "platform_key", problem, "")
			}
		case err != nil:
			addAPIError(&diags, "Could not check platform_key against Codat's integrations", err)
		}
	}
	var companies []codat.Company
	if !diags.HasError() {
		var err error
		if companies, err = client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: config.Tags.ValueString()}); err != nil {
			addAPIError(&diags, "Could not list Codat companies", err)
		}
	}
	var conns []codat.Connection
	for _, c := range companies {
		conns = append(conns, c.DataConnections...)
	}
	keys, err := r.data.catalogue.PlatformKeys(ctx, conns...)
	if err != nil {
		addAPIError(&diags, "Could not name the platforms of the companies' connections", err)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		// Terraform stops reading at the list block's limit.
		for i := range companies {
			company := &companies[i]
			if !filter.Matches(company, keys) {
				continue
			}
			result := req.NewListResult(ctx)
			result.DisplayName = company.Name
			result.Diagnostics.Append(companyIdentity.set(ctx, result.Identity, company.ID)...)
			if req.IncludeResource {
				model, d := companyToModel(ctx, company, adoptedCarry(company, keys), keys)
				result.Diagnostics.Append(d...)
				result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// adoptedCarry is what an import of the company would record beside what
// Codat holds: the connection it adopts (ConnectionAdoptedOnImport) and
// deletion_protection off. So the configuration generated from a listed
// company plans as an import with nothing to change.
func adoptedCarry(company *codat.Company, keys codat.PlatformKeys) companyCarry {
	carry := companyCarry{
		TemporaryName:       types.StringNull(),
		NameFromPlatform:    types.StringNull(),
		PlatformCompanyName: types.StringNull(),
		PlatformKey:         types.StringNull(),
		DeletionProtection:  types.BoolValue(false),
	}
	if conn := company.ConnectionAdoptedOnImport(); conn != nil {
		carry.PlatformKey = optionalString(conn.PlatformKey(keys))
		carry.ManagedConnectionID = conn.ID
	}
	return carry
}
