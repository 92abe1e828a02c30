package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                = (*syncScheduleResource)(nil)
	_ resource.ResourceWithConfigure   = (*syncScheduleResource)(nil)
	_ resource.ResourceWithImportState = (*syncScheduleResource)(nil)
	_ resource.ResourceWithIdentity    = (*syncScheduleResource)(nil)
)

// NewSyncScheduleResource is the codat_sync_schedule resource.
func NewSyncScheduleResource() resource.Resource {
	return &syncScheduleResource{resourceBase{typeName: "sync_schedule"}}
}

type syncScheduleResource struct {
	resourceBase
}

type syncScheduleModel struct {
	ID                types.String `tfsdk:"id"`
	CompanyID         types.String `tfsdk:"company_id"`
	DataTypes         types.Map    `tfsdk:"data_types"`
	OverridesDefaults types.Bool   `tfsdk:"overrides_defaults"`
}

func (r *syncScheduleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One company's sync schedule: for the data types you name, how often Codat refreshes them, whether they are fetched when the business links a platform, their place in Codat's queue and how much history is fetched. The company then **overrides** the client's defaults (the profile, `codat_profile_sync_settings`). Use one per company.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("The company id, as `company_id`."),
			"company_id": schema.StringAttribute{
				MarkdownDescription: "The id of the Codat company (a UUID), such as `codat_company.example.id`. Changing it moves the schedule to another company: the old company is handed back to the profile's defaults (nothing is deleted) and the new one gets the schedule.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{companyIDValidator()},
			},
			"data_types": dataTypesAttribute("The data types whose sync this resource manages, keyed by data type; changed in place. " + dataTypesRules + " " +
				"Data types not named keep what Codat applies to them (see **What Terraform sends**)."),
			"overrides_defaults": schema.BoolAttribute{
				MarkdownDescription: "Whether the company uses its own settings rather than the profile's defaults: always `true` after apply. " +
					"`false` means someone handed the company back to the defaults outside Terraform; the plan then shows `false -> true`, and apply makes the company override them again.",
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
		},
	}
}

func (r *syncScheduleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *syncScheduleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[syncScheduleModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.CompanyID.ValueString()
	resp.Diagnostics.Append(syncScheduleIdentity.set(ctx, resp.Identity, id)...)
	cur, err := client.CompanySettings(ctx, id)
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

	prior, keys, imported := readSelection(ctx, state.DataTypes, req, resp)
	switch {
	case imported == nil:
	case len(imported.DataTypes) > 0:
		keys = imported.DataTypes
	case cur.OverridesDefaults:
		// What the company customises: the data types unlike the profile's.
		if !readProfile() {
			return
		}
		keys = codat.CustomisedDataTypes(cur.Settings, profile.Settings)
	default:
		keys = nil
	}
	if resp.Diagnostics.HasError() {
		return
	}
	model, diags := syncScheduleToModel(ctx, id, applied, cur.OverridesDefaults, keys, prior)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

func (r *syncScheduleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Delete hands the company back to the profile's defaults; it deletes
// nothing.
func (r *syncScheduleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := modelAndClient[syncScheduleModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.CompanyID.ValueString()
	if err := client.FollowProfile(ctx, id); err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not hand Codat company %s back to the profile's default sync settings", id), err)
	}
}

func (r *syncScheduleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	syncScheduleIdentity.schema(resp)
}

// ImportState takes "<company id>" or "<company id>:<type>,<type>", or the
// identity (the company id); the Read that follows picks the data types
// (see the resource description).
func (r *syncScheduleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, sel := parseImportID(syncScheduleIdentity.importID(ctx, req, &resp.Diagnostics), &resp.Diagnostics)
	if !uuidPattern.MatchString(id) {
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

// apply is Create and Update: read what Codat applies to the company, send
// it back with the planned data types, and record the plan.
func (r *syncScheduleResource) apply(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	plan, client, _ := modelAndClient[syncScheduleModel](ctx, r.data, planned, diags)
	planTypes, d := syncSettingsOf(ctx, plan.DataTypes)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	id := plan.CompanyID.ValueString()
	diags.Append(syncScheduleIdentity.set(ctx, identity, id)...)
	applied, err := client.AppliedCompanySettings(ctx, id)
	if codat.IsNotFound(err) {
		diags.AddAttributeError(path.Root("company_id"), "Codat company not found",
			fmt.Sprintf("No Codat company has the id %s, so its sync schedule cannot be set. Check company_id (the Codat Portal and GET /companies list the companies of this API key's client).", id))
		return
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Could not read the sync settings of Codat company %s", id), err)
		return
	}
	body := settingsBody(applied, planTypes)
	err = client.SetCompanySyncSettings(ctx, id, codat.CompanySyncSettings{CompanyID: id, Settings: body, OverridesDefaults: true})
	if err != nil {
		addSyncSettingsError(diags, fmt.Sprintf("Could not set the sync schedule of Codat company %s", id),
			"the sync schedule of company "+id, err, body, planTypes)
		return
	}
	model, d := syncScheduleToModel(ctx, id, body, true, codat.InDataTypeOrder(planTypes), planTypes)
	diags.Append(d...)
	diags.Append(state.Set(ctx, model)...)
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
