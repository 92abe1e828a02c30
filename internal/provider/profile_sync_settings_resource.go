package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                   = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithConfigure      = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithImportState    = (*profileSyncSettingsResource)(nil)
)

// privateBefore is the private-state key of the profile's settings as they
// were before Terraform first set each data type: a map from data type to
// its setting, null for a data type the profile did not have.
const privateBefore = "before"

// profileImportID is the import id that means "this API key's client".
const profileImportID = "profile"

// NewProfileSyncSettingsResource is the codat_profile_sync_settings resource.
func NewProfileSyncSettingsResource() resource.Resource { return &profileSyncSettingsResource{} }

type profileSyncSettingsResource struct {
	data *providerData
}

type profileSyncSettingsModel struct {
	ID        types.String `tfsdk:"id"`
	DataTypes types.Map    `tfsdk:"data_types"`
}

const profileSyncSettingsDescription = "The client's default sync settings (Codat's **profile**): how every company that has no settings of its own syncs each data type. " +
	"There is one profile per Codat client (per API key), so declare this resource once.\n\n" +
	"## What Terraform sends\n\n" +
	"Codat replaces the profile as a whole, one setting per data type. So every create and update first reads the profile and sends all of it back, with the data types in `data_types` set as configured: " +
	"**data types you do not name keep their current profile values**. Removing a data type from `data_types` stops managing it; it keeps its current values.\n\n" +
	"Companies that override the defaults (for example with `codat_sync_schedule`) keep their own copy and do not follow the profile. " +
	"A `codat_sync_schedule` copies the profile's values for the data types it does not name when it is applied: make it `depends_on` this resource to copy the new defaults.\n\n" +
	"## Drift\n\n" +
	"Refresh reads the data types you name. A change made in the Codat Portal shows as a diff, and apply puts the configured values back.\n\n" +
	"## Destroy\n\n" +
	"Destroy **restores the profile as it was before Terraform took it over**, so the client keeps working defaults. " +
	"Before it first sets a data type, Terraform records that data type's setting in private state (not shown in plans). " +
	"Destroy puts every recorded data type back exactly as it was, including ones later removed from `data_types`; data types Terraform never set keep their current values, so changes made to them in the Portal are not undone. " +
	"After an import, the recording starts with the first apply that changes something.\n\n" +
	"## Hourly schedules\n\n" +
	"A `sync_every` under 24 hours needs a Codat plan that includes hourly syncs. Otherwise Codat answers HTTP 402, the apply fails with an error naming each data type whose schedule is under 24 hours, and nothing is changed at Codat.\n\n" +
	"## Import\n\n" +
	"Import with the client id (`id`, shown by GET /profile/syncSettings) or simply `profile`:\n\n" +
	"- `profile` brings every data type of the profile into `data_types`.\n" +
	"- `profile:invoices,balanceSheet` brings exactly the data types listed. List the keys of your `data_types` for an import whose plan shows no change when the values match."

func (r *profileSyncSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_profile_sync_settings"
}

func (r *profileSyncSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: profileSyncSettingsDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The Codat client id (a UUID) whose profile this is.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"data_types": dataTypesAttribute("The data types whose default sync this resource manages, keyed by data type; changed in place. " + dataTypesRules + " " +
				"Data types not named keep their current profile values."),
		},
	}
}

func (r *profileSyncSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the rules between the attributes of each data type.
func (r *profileSyncSettingsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
}

func (r *profileSyncSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan profileSyncSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Values that were unknown at plan time are known now.
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, nil, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *profileSyncSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state profileSyncSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read Codat's default sync settings (profile)", err)
		return
	}

	prior, diags := syncSettingsOf(ctx, state.DataTypes)
	resp.Diagnostics.Append(diags...)
	keys := inCodatOrder(prior)
	var sel importSelection
	imported, diags := getPrivateJSON(ctx, req.Private, privateImportSelection, &sel)
	resp.Diagnostics.Append(diags...)
	if imported {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportSelection, nil)...)
		if id := state.ID.ValueString(); id != profileImportID && !strings.EqualFold(id, profile.ClientID) {
			resp.Diagnostics.AddError("Not this client's profile",
				fmt.Sprintf("The import id %q is neither %q nor the id of the Codat client this API key belongs to (%s). Import with %q, or with %s.", id, profileImportID, profile.ClientID, profileImportID, profile.ClientID))
			return
		}
		keys = sel.DataTypes
		if len(keys) == 0 {
			keys = inCodatOrder(settingsByType(profile.Settings))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	model, diags := profileToModel(ctx, profile, keys, prior)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

func (r *profileSyncSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan profileSyncSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Values that were unknown at plan time are known now.
	validateDataTypes(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, req.Private, &resp.State, resp.Private, &resp.Diagnostics)
}

// Delete restores every data type Terraform has set to its setting from
// before Terraform first set it.
func (r *profileSyncSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	client := requireClient(r.data, &resp.Diagnostics)
	before := map[string]*codat.SyncSetting{}
	_, diags := getPrivateJSON(ctx, req.Private, privateBefore, &before)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(before) == 0 {
		// Terraform has changed nothing (an import never applied since).
		return
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read Codat's default sync settings (profile) to restore them", err)
		return
	}
	body := slices.Clone(profile.Settings)
	for _, dataType := range inCodatOrder(before) {
		i := slices.IndexFunc(body, func(s codat.SyncSetting) bool { return s.DataType == dataType })
		switch old := before[dataType]; {
		case old == nil && i >= 0:
			body = slices.Delete(body, i, i+1)
		case old == nil:
		case i >= 0:
			body[i] = *old
		default:
			body = append(body, *old)
		}
	}
	err = client.SetProfileSyncSettings(ctx, codat.ProfileSyncSettings{ClientID: profile.ClientID, Settings: body, OverridesDefaults: profile.OverridesDefaults})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not restore Codat's default sync settings (profile) to what they were before Terraform managed them", err)
	}
}

// ImportState takes the client id or "profile", optionally followed by
// ":<type>,<type>"; the Read that follows checks the id and picks the data
// types.
func (r *profileSyncSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, sel := parseImportID(req.ID, &resp.Diagnostics)
	if id == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import expects the Codat client id or %q, optionally followed by a colon and the data types to import, such as %s:invoices,balanceSheet; got %q.", profileImportID, profileImportID, req.ID))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(setPrivateJSON(ctx, resp.Private, privateImportSelection, sel)...)
}

// syncPrivateState is the framework's private state as Create and Update
// write it.
type syncPrivateState interface {
	syncPrivateReader
	syncPrivateWriter
}

// apply is Create and Update: read the profile, record the settings of data
// types Terraform sets for the first time, send the profile back with the
// planned data types, and record the plan.
func (r *profileSyncSettingsResource) apply(ctx context.Context, plan profileSyncSettingsModel, prior syncPrivateReader, state syncStateWriter, private syncPrivateState, diags *diag.Diagnostics) {
	client := requireClient(r.data, diags)
	if diags.HasError() {
		return
	}
	planned, d := syncSettingsOf(ctx, plan.DataTypes)
	diags.Append(d...)
	before := map[string]*codat.SyncSetting{}
	if prior != nil {
		_, d := getPrivateJSON(ctx, prior, privateBefore, &before)
		diags.Append(d...)
	}
	if diags.HasError() {
		return
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(diags, "Could not read Codat's default sync settings (profile)", err)
		return
	}
	current := settingsByType(profile.Settings)
	for dataType := range planned {
		if _, recorded := before[dataType]; recorded {
			continue
		}
		if s, ok := current[dataType]; ok {
			before[dataType] = &s
		} else {
			before[dataType] = nil
		}
	}
	body := withPlanned(profile.Settings, planned)
	err = client.SetProfileSyncSettings(ctx, codat.ProfileSyncSettings{ClientID: profile.ClientID, Settings: body, OverridesDefaults: profile.OverridesDefaults})
	if err != nil {
		addSyncSettingsError(diags, "Could not set Codat's default sync settings (profile)", "the client's default sync settings (profile)", err, body, planned)
		return
	}
	diags.Append(setPrivateJSON(ctx, private, privateBefore, before)...)
	sent := *profile
	sent.Settings = body
	model, d := profileToModel(ctx, &sent, inCodatOrder(planned), planned)
	diags.Append(d...)
	diags.Append(state.Set(ctx, model)...)
}

// profileToModel is the one mapping from Codat's profile to the resource's
// data.
func profileToModel(ctx context.Context, profile *codat.ProfileSyncSettings, keys []string, prior map[string]syncSettingModel) (profileSyncSettingsModel, diag.Diagnostics) {
	dataTypes, diags := dataTypesFromSettings(ctx, profile.Settings, keys, prior)
	id := profile.ClientID
	if id == "" {
		id = profileImportID
	}
	return profileSyncSettingsModel{ID: types.StringValue(id), DataTypes: dataTypes}, diags
}
