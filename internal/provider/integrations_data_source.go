package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*integrationsDataSource)(nil)

// filterableSourceTypes are the source types a user can filter on, spelt as
// Codat spells them. ("Unknown" is left out: nothing useful carries it.)
var filterableSourceTypes = []string{
	codat.SourceTypeAccounting, codat.SourceTypeBanking, codat.SourceTypeBankFeed,
	codat.SourceTypeCommerce, codat.SourceTypeExpense, codat.SourceTypeOther,
}

// NewIntegrationsDataSource is the codat_integrations data source: Codat's
// catalogue of platforms, filtered locally.
func NewIntegrationsDataSource() datasource.DataSource {
	return &integrationsDataSource{dataSourceBase{typeName: "integrations"}}
}

type integrationsDataSource struct {
	dataSourceBase
}

type integrationsDataSourceModel struct {
	SourceType   types.String       `tfsdk:"source_type"`
	Enabled      types.Bool         `tfsdk:"enabled"`
	Key          types.String       `tfsdk:"key"`
	NameContains types.String       `tfsdk:"name_contains"`
	Integrations []integrationModel `tfsdk:"integrations"`
	Keys         []types.String     `tfsdk:"keys"`
}

func (d *integrationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the platforms (integrations) Codat can connect a company to: accounting, banking, commerce and other software, " +
			"with the 4-letter `key` that `codat_company` takes as `platform_key`.\n\n" +
			"The whole catalogue is fetched in one request per Terraform run and shared by every `codat_integrations` and " +
			"`codat_integration` data source in the configuration; the filters are applied locally and combine with AND. " +
			"Results are sorted by `key`, so their order is stable from run to run.",
		Attributes: map[string]schema.Attribute{
			"source_type": schema.StringAttribute{
				MarkdownDescription: "Only platforms of this source type: `Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense` or `Other` (spelt as Codat spells them).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(filterableSourceTypes...)},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Only platforms that are (`true`) or are not (`false`) enabled for your Codat client. Set `true` to list what a company can be connected to now.",
				Optional:            true,
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Only the platform with exactly this key, such as `gbol`. The list is empty if there is none; use the `codat_integration` data source instead to fail with the nearest keys.",
				Optional:            true,
				Validators:          []validator.String{platformKeyValidator()},
			},
			"name_contains": schema.StringAttribute{
				MarkdownDescription: "Only platforms whose name contains this text, ignoring case: `\"quickbooks\"` matches `QuickBooks Online` and `QuickBooks Desktop`, `\"sandbox\"` matches Codat's sandbox platforms.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"integrations": schema.ListNestedAttribute{
				MarkdownDescription: "The matching platforms, sorted by `key`. Empty (not null) when nothing matches.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: integrationAttributes(schema.StringAttribute{
						MarkdownDescription: "The platform key, four lower-case letters such as `gbol` (Xero). Pass it to `codat_company` as `platform_key`.",
						Computed:            true,
					}),
				},
			},
			"keys": schema.ListAttribute{
				MarkdownDescription: "The `key` of each matching platform, in the same order as `integrations`; convenient for `for_each = toset(...)`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *integrationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config integrationsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	catalogue := d.catalogue(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	matches := filterIntegrations(catalogue, config)
	config.Integrations = make([]integrationModel, 0, len(matches))
	config.Keys = make([]types.String, 0, len(matches))
	for _, in := range matches {
		config.Integrations = append(config.Integrations, newIntegrationModel(in))
		config.Keys = append(config.Keys, types.StringValue(in.Key))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// filterIntegrations applies the configured filters (AND) and sorts the
// result by key. It never modifies catalogue, which is shared.
func filterIntegrations(catalogue []codat.Integration, f integrationsDataSourceModel) []codat.Integration {
	nameContains := strings.ToLower(f.NameContains.ValueString())
	var out []codat.Integration
	for _, in := range catalogue {
		switch {
		case !f.SourceType.IsNull() && in.SourceType != f.SourceType.ValueString():
		case !f.Enabled.IsNull() && in.Enabled != f.Enabled.ValueBool():
		case !f.Key.IsNull() && in.Key != f.Key.ValueString():
		case nameContains != "" && !strings.Contains(strings.ToLower(in.Name), nameContains):
		default:
			out = append(out, in)
		}
	}
	slices.SortStableFunc(out, func(a, b codat.Integration) int { return strings.Compare(a.Key, b.Key) })
	return out
}
