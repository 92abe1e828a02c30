package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// integrationModel is one platform of Codat's catalogue, as both
// codat_integration (its whole state) and codat_integrations (each element
// of `integrations`) expose it.
type integrationModel struct {
	Key                types.String `tfsdk:"key"`
	Name               types.String `tfsdk:"name"`
	LogoURL            types.String `tfsdk:"logo_url"`
	SourceType         types.String `tfsdk:"source_type"`
	Enabled            types.Bool   `tfsdk:"enabled"`
	IsOfflineConnector types.Bool   `tfsdk:"is_offline_connector"`
	IsBeta             types.Bool   `tfsdk:"is_beta"`
	SourceID           types.String `tfsdk:"source_id"`
	IntegrationID      types.String `tfsdk:"integration_id"`
	DataProvidedBy     types.String `tfsdk:"data_provided_by"`
}

// newIntegrationModel is the one mapping from Codat's Integration to the
// model. Optional fields Codat leaves out become null, not "".
func newIntegrationModel(in codat.Integration) integrationModel {
	return integrationModel{
		Key:                types.StringValue(in.Key),
		Name:               types.StringValue(in.Name),
		LogoURL:            optionalString(in.LogoURL),
		SourceType:         optionalString(in.SourceType),
		Enabled:            types.BoolValue(in.Enabled),
		IsOfflineConnector: types.BoolValue(in.IsOfflineConnector),
		IsBeta:             types.BoolValue(in.IsBeta),
		SourceID:           optionalString(in.SourceID),
		IntegrationID:      optionalString(in.IntegrationID),
		DataProvidedBy:     optionalString(in.DataProvidedBy),
	}
}

// integrationAttributes are the computed attributes of an integration, for
// both data sources. keyAttribute is added by the caller: codat_integration
// takes the key as input, codat_integrations returns it.
func integrationAttributes(keyAttribute schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"key": keyAttribute,
		"name": schema.StringAttribute{
			MarkdownDescription: "The platform's display name, e.g. `Xero`.",
			Computed:            true,
		},
		"logo_url": schema.StringAttribute{
			MarkdownDescription: "URL of the platform's logo, for showing businesses a list of platforms to choose from.",
			Computed:            true,
		},
		"source_type": schema.StringAttribute{
			MarkdownDescription: "The kind of data the platform provides: `Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense`, `Other` or `Unknown`.",
			Computed:            true,
		},
		"enabled": schema.BoolAttribute{
			MarkdownDescription: "Whether the platform is enabled for your Codat client. A company can only be connected to an enabled platform; enable platforms in the Codat Portal (Settings > Integrations).",
			Computed:            true,
		},
		"is_offline_connector": schema.BoolAttribute{
			MarkdownDescription: "Whether the platform is on-premise software (such as QuickBooks Desktop): the business must install Codat's connector on the computer that runs it, instead of signing in through a browser.",
			Computed:            true,
		},
		"is_beta": schema.BoolAttribute{
			MarkdownDescription: "Whether Codat offers the integration as a beta.",
			Computed:            true,
		},
		"source_id": schema.StringAttribute{
			MarkdownDescription: "Codat's ID of the data source behind the platform; connections report the same `sourceId`.",
			Computed:            true,
		},
		"integration_id": schema.StringAttribute{
			MarkdownDescription: "Codat's ID of the integration; connections report the same `integrationId`.",
			Computed:            true,
		},
		"data_provided_by": schema.StringAttribute{
			MarkdownDescription: "Who provides the data: `Codat`, or a partner such as `Plaid`.",
			Computed:            true,
		},
	}
}
