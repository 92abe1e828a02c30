package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*dataStatusDataSource)(nil)

// NewDataStatusDataSource is the codat_data_status data source: how fresh
// each data type of a company is in Codat's cache.
func NewDataStatusDataSource() datasource.DataSource {
	return &dataStatusDataSource{dataSourceBase{typeName: "data_status"}}
}

type dataStatusDataSource struct {
	dataSourceBase
}

type dataStatusDataSourceModel struct {
	CompanyID types.String                   `tfsdk:"company_id"`
	DataTypes map[string]dataTypeStatusModel `tfsdk:"data_types"`
}

type dataTypeStatusModel struct {
	CurrentStatus          types.String `tfsdk:"current_status"`
	LastSuccessfulSync     types.String `tfsdk:"last_successful_sync"`
	LatestSyncID           types.String `tfsdk:"latest_sync_id"`
	LatestSuccessfulSyncID types.String `tfsdk:"latest_successful_sync_id"`
}

func (d *dataStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "How fresh each data type of a company is in Codat's cache (Codat's `GET /companies/{companyId}/dataStatus`, one request): " +
			"the status of its latest pull and when it last synced successfully. Use it to watch a first sync, a `codat_data_sync` or the `codat_sync_schedule`, " +
			"for example in a `check` block or an output.\n\n" +
			"Like every data source it is read during `plan` when its arguments are known. To read it after a `codat_data_sync` in the same apply, " +
			"add `depends_on = [codat_data_sync.example]`.",
		Attributes: map[string]schema.Attribute{
			"company_id": companyIDArgument(),
			"data_types": schema.MapNestedAttribute{
				MarkdownDescription: "The status of each data type Codat has ever been asked to sync for the company, keyed by data type (such as `invoices`). " +
					"A data type never queued is absent, so use `try(...data_types[\"invoices\"].current_status, null)`. The map is empty before the business has authorised.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"current_status": computedString("The status of the data type's latest pull: `Queued`, `Fetching` and the like while it runs, `Complete`, " +
						"or how it ended otherwise, such as `FetchError`, `AuthError` or `NotSupported`."),
					"last_successful_sync":      computedString("When the data type last synced successfully (ISO 8601, as Codat reports it); null if it never has."),
					"latest_sync_id":            computedString("The id of the data type's latest pull operation, as in `codat_data_sync`'s `operations`."),
					"latest_successful_sync_id": computedString("The id of the data type's latest successful pull operation; null if none."),
				}},
			},
		},
	}
}

func (d *dataStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config dataStatusDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	client := requireClient(d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	companyID := config.CompanyID.ValueString()
	statuses, err := client.GetDataStatus(ctx, companyID)
	if err != nil {
		addCompanyReadError(&resp.Diagnostics, companyID, fmt.Sprintf("Could not read the data status of Codat company %s", companyID), err)
		return
	}
	state := newDataStatusModel(config.CompanyID, statuses)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// newDataStatusModel is the one mapping from Codat's DataStatuses to the model.
func newDataStatusModel(companyID types.String, statuses codat.DataStatuses) dataStatusDataSourceModel {
	m := dataStatusDataSourceModel{CompanyID: companyID, DataTypes: make(map[string]dataTypeStatusModel, len(statuses))}
	for key, st := range statuses {
		m.DataTypes[key] = dataTypeStatusModel{
			CurrentStatus:          types.StringValue(string(st.CurrentStatus)),
			LastSuccessfulSync:     optionalString(st.LastSuccessfulSync),
			LatestSyncID:           optionalString(st.LatestSyncID),
			LatestSuccessfulSyncID: optionalString(st.LatestSuccessfulSyncID),
		}
	}
	return m
}
