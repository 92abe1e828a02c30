package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                   = (*syncScheduleResource)(nil)
	_ resource.ResourceWithConfigure      = (*syncScheduleResource)(nil)
	_ resource.ResourceWithValidateConfig = (*syncScheduleResource)(nil)
	_ resource.ResourceWithImportState    = (*syncScheduleResource)(nil)
)

// NewSyncScheduleResource is the codat_sync_schedule resource.
func NewSyncScheduleResource() resource.Resource { return &syncScheduleResource{} }

type syncScheduleResource struct {
	data *providerData
}

type syncScheduleModel struct {
	ID                types.String `tfsdk:"id"`
	CompanyID         types.String `tfsdk:"company_id"`
	DataTypes         types.Map    `tfsdk:"data_types"`
	OverridesDefaults types.Bool   `tfsdk:"overrides_defaults"`
}

const syncScheduleDescription = "One company's sync schedule: for the data types you name, how often Codat refreshes them, whether they are fetched when the business links a platform, their place in Codat's queue and how much history is fetched. " +
	"The company then **overrides** the client's defaults (the profile, `codat_profile_sync_settings`). Use one per company.\n\n" +
	"## What Terraform sends\n\n" +
	"Codat replaces a company's settings as a whole, one setting per data type. So every create and update first reads what Codat applies to the company now " +
	"(its own settings if it overrides the defaults, else the profile's) and sends all of them back, with the data types in `data_types` set as configured and `overridesDefaults: true`.\n\n" +
	"- **Data types you do not name keep exactly what Codat applied to them** at that moment (the profile's values, if the company had no settings of its own).\n" +
	"- Once the company overrides the defaults, **later changes to the profile no longer reach it, not even for the data types you did not name**: the company has its own copy. " +
	"If companies should follow a profile you also manage, make this resource `depends_on` the `codat_profile_sync_settings` so it copies the new defaults.\n" +
	"- Removing a data type from `data_types` stops managing it: it keeps its current settings at Codat (it does not go back to the profile's).\n\n" +
	"## Drift\n\n" +
	"Refresh reads the settings of the data types you name (and only those). A change made in the Codat Portal shows as a diff, and apply puts the configured values back. " +
	"If someone sets the company back to the profile's defaults, refresh reads `overrides_defaults = false` and the values the profile applies, and the plan shows `overrides_defaults = false -> true` with any data type whose values differ.\n\n" +
	"## Destroy\n\n" +
	"Destroy deletes nothing. It hands the company back to the client's defaults: it sends the profile's current settings with `overridesDefaults: false`, so the company follows the profile again, including later changes to it. " +
	"A company that no longer exists at Codat is simply dropped from state.\n\n" +
	"## Hourly schedules\n\n" +
	"A `sync_every` under 24 hours needs a Codat plan that includes hourly syncs. Otherwise Codat answers HTTP 402, the apply fails with an error naming each data type whose schedule is under 24 hours, and nothing is changed at Codat.\n\n" +
	"## Import\n\n" +
	"Import by company id. An import cannot know which data types your configuration names, so:\n\n" +
	"- `<company id>` brings into `data_types` the data types whose settings differ from the profile's: what the company customises (none, if it follows the profile).\n" +
	"- `<company id>:invoices,balanceSheet` brings exactly the data types listed. List the keys of your `data_types` for an import whose plan shows no change when the values match."

func (r *syncScheduleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync_schedule"
}

func (r *syncScheduleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: syncScheduleDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The company id, as `company_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"company_id": schema.StringAttribute{
				MarkdownDescription: "The id of the Codat company (a UUID), such as `codat_company.example.id`. Changing it moves the schedule to another company: the old company is handed back to the profile's defaults (nothing is deleted) and the new one gets the schedule.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(companyIDPattern, "must be a Codat company id, a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002"),
				},
			},
			"data_types": dataTypesAttribute("The data types whose sync this resource manages, keyed by data type; changed in place. " + dataTypesRules + " " +
				"Data types not named keep what Codat applies to them (see **What Terraform sends**)."),
			"overrides_defaults": schema.BoolAttribute{
				MarkdownDescription: "Whether the company uses its own settings rather than the profile's defaults: always `true` after apply. " +
					"`false` means someone handed the company back to the defaults outside Terraform; the plan then shows `false -> true`, and apply makes the company override them again.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{plannedTrue{}},
			},
		},
	}
}

func (r *syncScheduleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the rules between the attributes of each data type.
func (r *syncScheduleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
}

func (r *syncScheduleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan syncScheduleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Values that were unknown at plan time are known now.
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, &resp.State, &resp.Diagnostics)
}

func (r *syncScheduleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state syncScheduleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.CompanyID.ValueString()
	cur, err := client.GetCompanySyncSettings(ctx, id)
	if codat.IsNotFound(err) {
		// The company was deleted, and its schedule with it.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read the sync schedule of Codat company %s", id), err)
		return
	}
	var profile *codat.ProfileSyncSettings
	readProfile := func() bool {
		if profile == nil {
			profile, err = client.GetProfileSyncSettings(ctx)
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read the profile's default sync settings that Codat company %s follows", id), err)
				return false
			}
		}
		return true
	}
	applied := cur.Settings
	if !cur.OverridesDefaults {
		// The company follows the profile: show what it applies.
		if !readProfile() {
			return
		}
		applied = profile.Settings
	}

	prior, diags := syncSettingsOf(ctx, state.DataTypes)
	resp.Diagnostics.Append(diags...)
	keys := inCodatOrder(prior)
	var sel importSelection
	imported, diags := getPrivateJSON(ctx, req.Private, privateImportSelection, &sel)
	resp.Diagnostics.Append(diags...)
	if imported {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportSelection, nil)...)
		switch {
		case len(sel.DataTypes) > 0:
			keys = sel.DataTypes
		case cur.OverridesDefaults:
			if !readProfile() {
				return
			}
			keys = customisedDataTypes(cur.Settings, profile.Settings)
		default:
			keys = nil
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	model, diags := syncScheduleToModel(ctx, id, applied, cur.OverridesDefaults, keys, prior)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

func (r *syncScheduleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan syncScheduleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Values that were unknown at plan time are known now.
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, &resp.State, &resp.Diagnostics)
}

// Delete hands the company back to the profile's defaults; it deletes
// nothing.
func (r *syncScheduleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state syncScheduleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.CompanyID.ValueString()
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read the profile's default sync settings to hand Codat company %s back to them", id), err)
		return
	}
	err = client.SetCompanySyncSettings(ctx, id, codat.CompanySyncSettings{CompanyID: id, Settings: profile.Settings, OverridesDefaults: false})
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not hand Codat company %s back to the profile's default sync settings", id), err)
	}
}

// ImportState takes "<company id>" or "<company id>:<type>,<type>"; the
// Read that follows picks the data types (see the resource description).
func (r *syncScheduleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, sel := parseImportID(req.ID, &resp.Diagnostics)
	if !companyIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid Codat company id",
			fmt.Sprintf("Import expects a Codat company id (a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002), optionally followed by a colon and the data types to import, such as <company id>:invoices,balanceSheet; got %q.", req.ID))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("company_id"), id)...)
	resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateImportSelection, sel)...)
}

// syncStateWriter is the framework's State, as Create and Update write it.
type syncStateWriter interface {
	Set(ctx context.Context, v any) diag.Diagnostics
}

// apply is Create and Update: read what Codat applies to the company, send
// it back with the planned data types, and record the plan.
func (r *syncScheduleResource) apply(ctx context.Context, plan syncScheduleModel, state syncStateWriter, diags *diag.Diagnostics) {
	client := requireClient(r.data, diags)
	if diags.HasError() {
		return
	}
	id := plan.CompanyID.ValueString()
	planned, d := syncSettingsOf(ctx, plan.DataTypes)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	applied, err := appliedCompanySettings(ctx, client, id)
	if codat.IsNotFound(err) {
		diags.AddAttributeError(path.Root("company_id"), "Codat company not found",
			fmt.Sprintf("No Codat company has the id %s, so its sync schedule cannot be set. Check company_id (the Codat Portal and GET /companies list the companies of this API key's client).", id))
		return
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Could not read the sync settings of Codat company %s", id), err)
		return
	}
	body := withPlanned(applied, planned)
	err = client.SetCompanySyncSettings(ctx, id, codat.CompanySyncSettings{CompanyID: id, Settings: body, OverridesDefaults: true})
	if err != nil {
		addSyncSettingsError(diags, fmt.Sprintf("Could not set the sync schedule of Codat company %s", id),
			"the sync schedule of company "+id, err, body, planned)
		return
	}
	model, d := syncScheduleToModel(ctx, id, body, true, inCodatOrder(planned), planned)
	diags.Append(d...)
	diags.Append(state.Set(ctx, model)...)
}

// appliedCompanySettings are the settings Codat applies to the company now,
// one per data type: its own if it overrides the defaults, else the
// profile's. Data types missing from its own are filled from the profile.
func appliedCompanySettings(ctx context.Context, client *codat.Client, id string) ([]codat.SyncSetting, error) {
	cur, err := client.GetCompanySyncSettings(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.OverridesDefaults && hasEveryDataType(cur.Settings) {
		return cur.Settings, nil
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		return nil, err
	}
	if !cur.OverridesDefaults {
		return profile.Settings, nil
	}
	return withMissingFrom(cur.Settings, profile.Settings), nil
}

// customisedDataTypes lists, in Codat's order, the data types whose company setting
// differs from the profile's (or that the profile lacks).
func customisedDataTypes(company, profile []codat.SyncSetting) []string {
	defaults := settingsByType(profile)
	seen := map[string]bool{}
	for _, s := range company {
		if d, ok := defaults[s.DataType]; !ok || !sameSetting(s, d) {
			seen[s.DataType] = true
		}
	}
	return inCodatOrder(seen)
}

// syncScheduleToModel is the one mapping from Codat's settings for a
// company to the resource's data.
func syncScheduleToModel(ctx context.Context, companyID string, settings []codat.SyncSetting, overrides bool, keys []string, prior map[string]syncSettingModel) (syncScheduleModel, diag.Diagnostics) {
	dataTypes, diags := dataTypesFromSettings(ctx, settings, keys, prior)
	return syncScheduleModel{
		ID:                types.StringValue(companyID),
		CompanyID:         types.StringValue(companyID),
		DataTypes:         dataTypes,
		OverridesDefaults: types.BoolValue(overrides),
	}, diags
}

// plannedTrue plans true: every apply makes the company override the
// profile's defaults.
type plannedTrue struct{}

func (plannedTrue) Description(context.Context) string {
	return "Always true after apply."
}

func (m plannedTrue) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (plannedTrue) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	resp.PlanValue = types.BoolValue(true)
}
