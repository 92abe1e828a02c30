package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
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

func (r *companyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]listschema.Attribute{}
	for name, f := range companyFilterAttributes() {
		attrs[name] = listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Codat companies of the API key's client, each with its identity (the company id) and, with `include_resource` or `-generate-config-out`, the `codat_company` an import of it gives. " +
			"The filters are those of the `codat_companies` data source, and combine with AND.",
		Attributes: attrs,
	}
}

// List finds the companies as codat_companies does (one request per 5,000
// companies matching tags) and streams them.
func (r *companyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var config companyFilterModel
	diags.Append(req.Config.Get(ctx, &config)...)
	companies, keys, ok := config.find(ctx, r.data, &diags)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	// Terraform stops reading at the list block's limit.
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range companies {
			company := &companies[i]
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
