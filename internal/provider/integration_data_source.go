package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*integrationDataSource)(nil)

// NewIntegrationDataSource is the codat_integration data source: one platform
// of Codat's catalogue, by key.
func NewIntegrationDataSource() datasource.DataSource {
	return &integrationDataSource{dataSourceBase{typeName: "integration"}}
}

type integrationDataSource struct {
	dataSourceBase
}

func (d *integrationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One platform (integration) Codat can connect a company to, by its 4-letter key. " +
			"Use it to check a key before creating companies on it (an unknown key fails with the nearest valid keys) or to read the platform's name and logo.\n\n" +
			"It reads the catalogue that `codat_integrations` reads, once per Terraform run, however many of these data sources there are.",
		Attributes: integrationAttributes(schema.StringAttribute{
			MarkdownDescription: "The platform key: four lower-case letters such as `gbol` (Xero) or `mqjo` (Codat's accounting sandbox). " +
				"The `codat_integrations` data source lists every key; an unknown key fails with the nearest ones.",
			Required:   true,
			Validators: []validator.String{platformKeyValidator()},
		}),
	}
}

func (d *integrationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config integrationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	catalogue := d.catalogue(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// A disabled platform is listed too (enabled = false); only an unknown
	// key is an error.
	key := config.Key.ValueString()
	in, ok := codat.FindIntegration(catalogue, key)
	if !ok {
		addPlatformError(&resp.Diagnostics, "key", &codat.PlatformError{Key: key, Suggestions: codat.LikelyIntegrations(catalogue, key, 3)}, "")
		return
	}
	state := newIntegrationModel(in)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
