package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	_ resource.ResourceWithConfigure   = (*supplementalDataConfigResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*supplementalDataConfigResource)(nil)
	_ resource.ResourceWithImportState = (*supplementalDataConfigResource)(nil)
)

// NewSupplementalDataConfigResource is the codat_supplemental_data_config
// resource: extra properties Codat reads and writes for one platform and
// data type (GET/PUT
// /integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig).
func NewSupplementalDataConfigResource() resource.Resource {
	return &supplementalDataConfigResource{resourceBase{typeName: "supplemental_data_config"}}
}

type supplementalDataConfigResource struct {
	resourceBase
}

type supplementalDataConfigModel struct {
	ID          types.String `tfsdk:"id"`
	PlatformKey types.String `tfsdk:"platform_key"`
	DataType    types.String `tfsdk:"data_type"`
	Sources     types.Map    `tfsdk:"sources"`
}

type supplementalSourceModel struct {
	DataSource types.String `tfsdk:"data_source"`
	PullData   types.Map    `tfsdk:"pull_data"`
	PushData   types.Map    `tfsdk:"push_data"`
}

var supplementalSourceType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"data_source": types.StringType, "pull_data": types.MapType{ElemType: types.StringType}, "push_data": types.MapType{ElemType: types.StringType},
}}

func (r *supplementalDataConfigResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	propertyMap := func(description string, other string) schema.MapAttribute {
		return schema.MapAttribute{
			MarkdownDescription: description + " Keyed by the name you give the property in Codat's data; each value is the platform's property name, exactly as the platform spells it (dot notation reaches nested ones, such as `BrandingTheme.Name`). Codat checks none of them.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators: []validator.Map{
				mapvalidator.SizeAtLeast(1),
				mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1)),
				mapvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				mapvalidator.AtLeastOneOf(path.MatchRelative().AtParent().AtName(other)),
			},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "**Supplemental data**: properties of a platform's records that Codat's data model leaves out, read (and written) with one of Codat's data types, such as Xero's `BankAccountDetails` with `suppliers`. " +
			"Manages the sources it names for one platform and data type; others set outside Terraform are kept. Destroy removes what Terraform set (and puts back a source it replaced).",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("`<platform_key>/<data_type>`."),
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "The 4-letter key of the platform, such as `gbol` (Xero); checked against Codat's catalogue at plan. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{platformKeyValidator()},
				PlanModifiers:       replace,
			},
			"data_type": schema.StringAttribute{
				MarkdownDescription: "The Codat data type to supplement: one of `" + strings.Join(codat.SupplementalDataTypes, "`, `") + "`. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(codat.SupplementalDataTypes...)},
				PlanModifiers:       replace,
			},
			"sources": schema.MapNestedAttribute{
				MarkdownDescription: "The platform objects to take properties from, keyed by a name you choose for each (Codat's `supplementalDataConfig`). " +
					"Removing one removes it at Codat (or puts back the one it replaced).",
				Required:   true,
				Validators: []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"data_source": schema.StringAttribute{
						MarkdownDescription: "The platform's endpoint, such as `/Contacts`, exactly as the platform spells it.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"pull_data": propertyMap("The properties to read.", "push_data"),
					"push_data": propertyMap("The properties to write when creating records.", "pull_data"),
				}},
			},
		},
	}
}

// ModifyPlan checks a new platform against Codat's catalogue and claims the
// setting, so a second resource for it is an error.
func (r *supplementalDataConfigResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planPlatformSetting(ctx, req, resp, "data_type", func(platformKey, name string) string {
		return fmt.Sprintf("the supplemental data of %s for platform %s", name, platformKey)
	})
}

// Create checks the platform, then sets the planned sources by
// read-modify-write: a GET and a PUT (the catalogue is read once per run).
func (r *supplementalDataConfigResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, _, ok := modelAndClient[supplementalDataConfigModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok || !r.requirePlatform(ctx, plan.PlatformKey.ValueString(), &resp.Diagnostics) {
		return
	}
	r.merge(ctx, plan, nil, nil, &resp.State, resp.Private, &resp.Diagnostics)
}

// Read reads the configuration (one request) and shows the sources this
// resource manages: the ones in state, or every one right after an import.
func (r *supplementalDataConfigResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[supplementalDataConfigModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	got, err := client.GetSupplementalDataConfig(ctx, state.PlatformKey.ValueString(), state.DataType.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat's supplemental data configuration of %s", state.ID.ValueString()), err)
		return
	}
	config := got.SupplementalDataConfig
	if !state.Sources.IsNull() {
		shown := map[string]codat.SupplementalDataSource{}
		for name := range state.Sources.Elements() {
			if source, ok := config[name]; ok {
				shown[name] = source
			}
		}
		config = shown
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, supplementalToModel(ctx, state.PlatformKey.ValueString(), state.DataType.ValueString(), config, &resp.Diagnostics))...)
}

// Update sets the planned sources and puts back the ones no longer named:
// a GET and a PUT.
func (r *supplementalDataConfigResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state supplementalDataConfigModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if requireClient(r.data, &resp.Diagnostics) == nil || resp.Diagnostics.HasError() {
		return
	}
	var dropped []string
	for name := range state.Sources.Elements() {
		if _, kept := plan.Sources.Elements()[name]; !kept {
			dropped = append(dropped, name)
		}
	}
	r.merge(ctx, plan, req.Private, dropped, &resp.State, resp.Private, &resp.Diagnostics)
}

// Delete puts back every source Terraform set as it was before (removing
// the ones that were not there): a GET and a PUT.
func (r *supplementalDataConfigResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, _ := modelAndClient[supplementalDataConfigModel](ctx, r.data, req.State, &resp.Diagnostics)
	before := map[string]*codat.SupplementalDataSource{}
	readBefore(ctx, req.Private, &before, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(before) == 0 {
		return
	}
	if _, err := client.MergeSupplementalDataConfig(ctx, state.PlatformKey.ValueString(), state.DataType.ValueString(), before, nil); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not remove Terraform's supplemental data configuration of %s", state.ID.ValueString()), err)
	}
}

// ImportState takes "<platform key>/<data type>"; Read brings in every
// source.
func (r *supplementalDataConfigResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	valid := func(dataType string) bool { return slices.Contains(codat.SupplementalDataTypes, dataType) }
	if r.importPlatformSetting(ctx, req, resp, "data_type", valid, fmt.Sprintf(
		"<platform key>/<data type>, such as gbol/suppliers, with one of Codat's data types that take supplemental data (%s)", strings.Join(codat.SupplementalDataTypes, ", "))) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("sources"), types.MapNull(supplementalSourceType))...)
	}
}

// merge is Create and Update: the planned sources set, the dropped ones put
// back as they were before Terraform set them, and what each set source
// replaced recorded the first time.
func (r *supplementalDataConfigResource) merge(ctx context.Context, plan supplementalDataConfigModel, prior privateState, dropped []string, state *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	before := map[string]*codat.SupplementalDataSource{}
	readBefore(ctx, prior, &before, diags)
	sources := supplementalSources(ctx, plan.Sources, diags)
	if diags.HasError() {
		return
	}
	for _, name := range dropped {
		sources[name] = before[name]
	}
	platformKey, dataType := plan.PlatformKey.ValueString(), plan.DataType.ValueString()
	sent, err := r.data.client.MergeSupplementalDataConfig(ctx, platformKey, dataType, sources, before)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Could not set Codat's supplemental data configuration of %s/%s", platformKey, dataType), err)
		return
	}
	for _, name := range dropped {
		delete(before, name)
	}
	recordBefore(ctx, private, before, diags)
	shown := map[string]codat.SupplementalDataSource{}
	for name := range plan.Sources.Elements() {
		shown[name] = sent[name]
	}
	diags.Append(state.Set(ctx, supplementalToModel(ctx, platformKey, dataType, shown, diags))...)
}

// supplementalSources is the one mapping from the resource's sources to
// Codat's.
func supplementalSources(ctx context.Context, sources types.Map, diags *diag.Diagnostics) map[string]*codat.SupplementalDataSource {
	var models map[string]supplementalSourceModel
	diags.Append(sources.ElementsAs(ctx, &models, false)...)
	out := make(map[string]*codat.SupplementalDataSource, len(models))
	for name, m := range models {
		s := &codat.SupplementalDataSource{DataSource: m.DataSource.ValueString()}
		diags.Append(m.PullData.ElementsAs(ctx, &s.PullData, false)...)
		diags.Append(m.PushData.ElementsAs(ctx, &s.PushData, false)...)
		out[name] = s
	}
	return out
}

// supplementalToModel is the one mapping from Codat's sources to the
// resource's data; empty parts are null, as left out.
func supplementalToModel(ctx context.Context, platformKey, dataType string, config map[string]codat.SupplementalDataSource, diags *diag.Diagnostics) supplementalDataConfigModel {
	models := make(map[string]supplementalSourceModel, len(config))
	for name, s := range config {
		models[name] = supplementalSourceModel{DataSource: optionalString(s.DataSource),
			PullData: optionalStringMap(ctx, s.PullData, diags), PushData: optionalStringMap(ctx, s.PushData, diags)}
	}
	sources, d := types.MapValueFrom(ctx, supplementalSourceType, models)
	diags.Append(d...)
	return supplementalDataConfigModel{ID: types.StringValue(platformKey + "/" + dataType), PlatformKey: types.StringValue(platformKey),
		DataType: types.StringValue(dataType), Sources: sources}
}

// optionalStringMap is a map of strings, null when empty.
func optionalStringMap(ctx context.Context, m map[string]string, diags *diag.Diagnostics) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	out, d := types.MapValueFrom(ctx, types.StringType, m)
	diags.Append(d...)
	return out
}
