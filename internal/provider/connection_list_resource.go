package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ list.ListResource              = (*connectionListResource)(nil)
	_ list.ListResourceWithConfigure = (*connectionListResource)(nil)
)

// NewConnectionListResource is the codat_connection list resource: one
// company's connections, for terraform query (Terraform 1.14+).
func NewConnectionListResource() list.ListResource {
	return &connectionListResource{resourceBase{typeName: "connection"}}
}

type connectionListResource struct {
	resourceBase
}

type connectionListModel struct {
	CompanyID types.String `tfsdk:"company_id"`
}

func (r *connectionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the connections of one Codat company, each with its identity (the company and connection ids), its platform and status as display name and, with `include_resource` or `-generate-config-out`, the `codat_connection` an import of it gives.",
		Attributes: map[string]listschema.Attribute{
			"company_id": listschema.StringAttribute{
				MarkdownDescription: "ID of the Codat company whose connections to list.",
				Required:            true,
				Validators:          []validator.String{companyIDValidator()},
			},
		},
	}
}

// List reads the company (one request: it holds its connections) and
// streams its connections in Codat's order.
func (r *connectionListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var config connectionListModel
	diags.Append(req.Config.Get(ctx, &config)...)
	client := requireClient(r.data, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	companyID := config.CompanyID.ValueString()
	company, err := client.GetCompany(ctx, companyID)
	var keys codat.PlatformKeys
	switch {
	case err != nil:
		addCompanyReadError(&diags, companyID, fmt.Sprintf("Could not read Codat company %s", companyID), err)
	default:
		if keys, err = r.data.catalogue.PlatformKeys(ctx, company.DataConnections...); err != nil {
			addAPIError(&diags, "Could not name the platforms of the company's connections", err)
		}
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}

	stream.Results = func(push func(list.ListResult) bool) {
		for i := range company.DataConnections {
			conn := &company.DataConnections[i]
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s (%s)", conn.PlatformName, conn.Status)
			result.Diagnostics.Append(setConnectionIdentity(ctx, result.Identity, companyID, conn.ID)...)
			if req.IncludeResource {
				// As an import records it: delete_on_destroy off.
				model := connectionToModel(conn, companyID, conn.PlatformKey(keys), types.BoolValue(false))
				result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
