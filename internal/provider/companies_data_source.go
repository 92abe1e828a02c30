package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*companiesDataSource)(nil)

// NewCompaniesDataSource is the codat_companies data source: the companies
// of the Codat client, filtered by tag at Codat and by the rest locally.
func NewCompaniesDataSource() datasource.DataSource {
	return &companiesDataSource{dataSourceBase{typeName: "companies"}}
}

type companiesDataSource struct {
	dataSourceBase
}

type companiesDataSourceModel struct {
	companyFilterModel
	Companies []companySummaryModel `tfsdk:"companies"`
	IDs       []types.String        `tfsdk:"ids"`
}

// companySummaryModel is one element of companies.
type companySummaryModel struct {
	ID          types.String      `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	Description types.String      `tfsdk:"description"`
	Tags        map[string]string `tfsdk:"tags"`
	Redirect    types.String      `tfsdk:"redirect"`
	Created     types.String      `tfsdk:"created"`
	LastSync    types.String      `tfsdk:"last_sync"`
	Connections []connectionModel `tfsdk:"connections"`
}

func (d *companiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"companies": schema.ListNestedAttribute{
			MarkdownDescription: "The matching companies, in Codat's order (oldest first). Empty (not null) when none match.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":          computedString("Codat's id for the company: the id to `import` a `codat_company` with."),
				"name":        computedString("The company's name."),
				"description": computedString("The company's description; null if it has none."),
				"tags": schema.MapAttribute{
					MarkdownDescription: "The company's tags; empty if it has none.",
					ElementType:         types.StringType,
					Computed:            true,
				},
				"redirect":  computedString("The company's Codat Link page, where the business can choose and authorise any platform."),
				"created":   computedString("When the company was created (ISO 8601)."),
				"last_sync": computedString("When the company's data last synced (ISO 8601); null before the first sync."),
				"connections": schema.ListNestedAttribute{
					MarkdownDescription: "Every connection of the company, in Codat's order; `<company id>/<id>` imports one as a `codat_connection`.",
					Computed:            true,
					NestedObject: schema.NestedAttributeObject{Attributes: computedStrings(connectionDescriptions, func(d string) schema.Attribute {
						return computedString(d)
					})},
				},
			}},
		},
		"ids": schema.ListAttribute{
			MarkdownDescription: "The `id` of each matching company, in the same order as `companies`.",
			ElementType:         types.StringType,
			Computed:            true,
		},
	}
	for name, f := range companyFilterAttributes() {
		attrs[name] = schema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the companies of your Codat client, with their connections: for `for_each`, for checks across companies, and for `import` blocks that bring companies made in the Codat Portal under Terraform. " +
			"The filters combine with AND.",
		Attributes: attrs,
	}
}

// Read makes one request per 5,000 companies that match tags (all of them
// without tags), plus the catalogue only if a connection does not name its
// platform.
func (d *companiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config companiesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	companies, keys, ok := config.find(ctx, d.data, &resp.Diagnostics)
	if !ok {
		return
	}
	config.Companies = make([]companySummaryModel, 0, len(companies))
	config.IDs = make([]types.String, 0, len(companies))
	for i := range companies {
		config.Companies = append(config.Companies, newCompanySummary(&companies[i], keys))
		config.IDs = append(config.IDs, types.StringValue(companies[i].ID))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// newCompanySummary is the one mapping from a Codat company to an element
// of companies.
func newCompanySummary(c *codat.Company, keys codat.PlatformKeys) companySummaryModel {
	tags := codat.UserTags(c.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	conns := make([]connectionModel, 0, len(c.DataConnections))
	for _, conn := range c.DataConnections {
		conns = append(conns, newConnectionModel(conn, keys))
	}
	return companySummaryModel{
		ID:          types.StringValue(c.ID),
		Name:        types.StringValue(c.Name),
		Description: optionalString(c.Description),
		Tags:        tags,
		Redirect:    types.StringValue(c.Redirect),
		Created:     optionalString(c.Created),
		LastSync:    optionalString(c.LastSync),
		Connections: conns,
	}
}
