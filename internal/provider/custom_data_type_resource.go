package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.ResourceWithConfigure   = (*customDataTypeResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*customDataTypeResource)(nil)
	_ resource.ResourceWithImportState = (*customDataTypeResource)(nil)
)

// customDataIdentifierPattern keeps an identifier to one path segment
// without spaces; the spec gives no pattern, and its examples
// (DynamicsPurchaseOrders, qbo-cashflow-report) fit this.
var customDataIdentifierPattern = regexp.MustCompile(`^[^/\s?#%]+$`)

// NewCustomDataTypeResource is the codat_custom_data_type resource: a data
// type outside Codat's model, read from one platform endpoint (GET/PUT
// /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}).
// Codat has no delete; its prose is in
// templates/resources/custom_data_type.md.tmpl.
func NewCustomDataTypeResource() resource.Resource {
	return &customDataTypeResource{resourceBase{typeName: "custom_data_type"}}
}

type customDataTypeResource struct {
	resourceBase
}

type customDataTypeModel struct {
	ID                 types.String `tfsdk:"id"`
	PlatformKey        types.String `tfsdk:"platform_key"`
	Identifier         types.String `tfsdk:"custom_data_identifier"`
	DataSource         types.String `tfsdk:"data_source"`
	RequiredData       types.Map    `tfsdk:"required_data"`
	KeyBy              types.List   `tfsdk:"key_by"`
	SourceModifiedDate types.List   `tfsdk:"source_modified_date"`
}

func (r *customDataTypeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	nonEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = schema.Schema{
		MarkdownDescription: "A **custom data type**: records of a platform endpoint that Codat's data model leaves out, such as QuickBooks Online's cash-flow report, read with Codat's custom data endpoints. " +
			"One configuration per platform and identifier, changed in place. Codat cannot delete one: destroy puts back the configuration Terraform replaced, or leaves Terraform's at Codat, saying so.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("`<platform_key>/<custom_data_identifier>`."),
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "The 4-letter key of the platform, such as `qhyg` (QuickBooks Online); checked against Codat's catalogue at plan. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{platformKeyValidator()},
				PlanModifiers:       replace,
			},
			"custom_data_identifier": schema.StringAttribute{
				MarkdownDescription: "Your name for the data type, such as `qbo-cashflow-report`: the `{customDataIdentifier}` of Codat's custom data endpoints (no `/`, spaces, `?`, `#` or `%`). Codat cannot rename one: changing it replaces the resource.",
				Required:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(customDataIdentifierPattern,
					"must be one path segment such as qbo-cashflow-report: no /, white space, ?, # or %")},
				PlanModifiers: replace,
			},
			"data_source": schema.StringAttribute{
				MarkdownDescription: "The platform endpoint the records come from, query included, such as `/reports/CashFlow` or `api/purchaseOrders?$filter=currencyCode eq 'NOK'`. Codat does not check it.",
				Required:            true,
				Validators:          []validator.String{nonEmpty},
			},
			"required_data": schema.MapAttribute{
				MarkdownDescription: "The fields of each record, keyed by your name for each; each value is a JSONPath into the platform's answer, such as `$.Header.EndPeriod` (no nested objects or arrays).",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(nonEmpty), mapvalidator.ValueStringsAre(nonEmpty)},
			},
			"key_by": schema.ListAttribute{
				MarkdownDescription: "The JSONPaths that identify a record, such as `[\"$.Header.ReportName\"]`; at least one.",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(nonEmpty)},
			},
			"source_modified_date": schema.ListAttribute{
				MarkdownDescription: "The JSONPaths of when a record last changed at the platform, such as `[\"$.Header.Time\"]`.",
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(nonEmpty)},
			},
		},
	}
}

// ModifyPlan checks a new platform against Codat's catalogue and claims the
// setting, so a second resource for it is an error.
func (r *customDataTypeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planPlatformSetting(ctx, req, resp, "custom_data_identifier", func(platformKey, name string) string {
		return fmt.Sprintf("the custom data type %s of platform %s", name, platformKey)
	})
}

// Create checks the platform, records the configuration Codat has (if any)
// to put back on destroy, and sets the planned one: a GET and a PUT (the
// catalogue is read once per run).
func (r *customDataTypeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := modelAndClient[customDataTypeModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok || !r.requirePlatform(ctx, plan.PlatformKey.ValueString(), &resp.Diagnostics) {
		return
	}
	before, err := client.GetCustomDataType(ctx, plan.PlatformKey.ValueString(), plan.Identifier.ValueString())
	switch {
	case codat.IsNotFound(err):
		before = nil
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat's custom data type %s", customDataID(plan)), err)
		return
	}
	recordBefore(ctx, resp.Private, before, &resp.Diagnostics)
	r.configure(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// Read reads the configuration: one request. One Codat no longer has is
// removed from state, and the next plan sets it again.
func (r *customDataTypeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[customDataTypeModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := client.GetCustomDataType(ctx, state.PlatformKey.ValueString(), state.Identifier.ValueString())
	switch {
	case codat.IsNotFound(err):
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat's custom data type %s", customDataID(state)), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, customDataToModel(ctx, state.PlatformKey.ValueString(), state.Identifier.ValueString(), got, &resp.Diagnostics))...)
}

// Update replaces the configuration in place: one request. After an
// import, what to put back on destroy is the configuration before this
// first change, which the state holds as refreshed.
func (r *customDataTypeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordImportedBefore(ctx, req, resp, func(state customDataTypeModel, diags *diag.Diagnostics) *codat.CustomDataTypeConfig {
		imported := customDataConfig(ctx, state, diags)
		return &imported
	})
	if requireClient(r.data, &resp.Diagnostics) == nil || resp.Diagnostics.HasError() {
		return
	}
	r.configure(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// Delete puts back the configuration Terraform replaced (one request).
// Codat cannot delete a custom data type, so one Terraform made stays, and
// a warning says so (no request).
func (r *customDataTypeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, _ := modelAndClient[customDataTypeModel](ctx, r.data, req.State, &resp.Diagnostics)
	var before *codat.CustomDataTypeConfig
	if !readBefore(ctx, req.Private, &before, &resp.Diagnostics) || resp.Diagnostics.HasError() {
		return // imported, and never changed by Terraform
	}
	if before == nil {
		resp.Diagnostics.AddWarning("Codat cannot delete a custom data type",
			fmt.Sprintf("Codat has no way to delete the configuration of custom data type %s, so it stays at Codat as Terraform last set it; only the state forgets it. "+
				"It costs nothing until a sync of it is queued, and declaring it again adopts it.", customDataID(state)))
		return
	}
	if _, err := client.ConfigureCustomDataType(ctx, state.PlatformKey.ValueString(), state.Identifier.ValueString(), *before); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not put back the configuration of Codat's custom data type %s from before Terraform", customDataID(state)), err)
	}
}

// ImportState takes "<platform key>/<custom data identifier>".
func (r *customDataTypeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.importPlatformSetting(ctx, req, resp, "custom_data_identifier", customDataIdentifierPattern.MatchString,
		"<platform key>/<custom data identifier>, such as qhyg/qbo-cashflow-report")
}

// configure sends the planned configuration and records Codat's answer.
func (r *customDataTypeResource) configure(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan customDataTypeModel
	diags.Append(planned.Get(ctx, &plan)...)
	config := customDataConfig(ctx, plan, diags)
	if diags.HasError() {
		return
	}
	got, err := r.data.client.ConfigureCustomDataType(ctx, plan.PlatformKey.ValueString(), plan.Identifier.ValueString(), config)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Could not configure Codat's custom data type %s", customDataID(plan)), err)
		return
	}
	diags.Append(state.Set(ctx, customDataToModel(ctx, plan.PlatformKey.ValueString(), plan.Identifier.ValueString(), got, diags))...)
}

// customDataConfig is the one mapping from the resource's data to Codat's
// configuration.
func customDataConfig(ctx context.Context, m customDataTypeModel, diags *diag.Diagnostics) codat.CustomDataTypeConfig {
	config := codat.CustomDataTypeConfig{DataSource: m.DataSource.ValueString(), KeyBy: stringsOf(ctx, m.KeyBy, diags)}
	diags.Append(m.RequiredData.ElementsAs(ctx, &config.RequiredData, false)...)
	diags.Append(m.SourceModifiedDate.ElementsAs(ctx, &config.SourceModifiedDate, false)...)
	return config
}

func customDataID(m customDataTypeModel) string {
	return m.PlatformKey.ValueString() + "/" + m.Identifier.ValueString()
}

// customDataToModel is the one mapping from a Codat custom data type to the
// resource's data; empty parts are null, as left out.
func customDataToModel(ctx context.Context, platformKey, identifier string, c *codat.CustomDataTypeConfig, diags *diag.Diagnostics) customDataTypeModel {
	list := func(values []string) types.List {
		if len(values) == 0 {
			return types.ListNull(types.StringType)
		}
		l, d := types.ListValueFrom(ctx, types.StringType, values)
		diags.Append(d...)
		return l
	}
	return customDataTypeModel{ID: types.StringValue(platformKey + "/" + identifier), PlatformKey: types.StringValue(platformKey),
		Identifier: types.StringValue(identifier), DataSource: types.StringValue(c.DataSource),
		RequiredData: optionalStringMap(ctx, c.RequiredData, diags), KeyBy: list(c.KeyBy), SourceModifiedDate: list(c.SourceModifiedDate)}
}
