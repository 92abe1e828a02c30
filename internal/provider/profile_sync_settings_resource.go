package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithConfigure   = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*profileSyncSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*profileSyncSettingsResource)(nil)
)

// profileImportID is the import id that means "this API key's client".
const profileImportID = "profile"

// NewProfileSyncSettingsResource is the codat_profile_sync_settings resource.
func NewProfileSyncSettingsResource() resource.Resource {
	return &profileSyncSettingsResource{resourceBase{typeName: "profile_sync_settings"}}
}

type profileSyncSettingsResource struct {
	resourceBase
}

type profileSyncSettingsModel struct {
	ID        types.String `tfsdk:"id"`
	DataTypes types.Map    `tfsdk:"data_types"`
}

func (r *profileSyncSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The client's default sync settings (Codat's **profile**): how every company that has no settings of its own syncs each data type. There is one profile per Codat client (per API key), so declare this resource once.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("The Codat client id (a UUID) whose profile this is."),
			"data_types": dataTypesAttribute("The data types whose default sync this resource manages, keyed by data type; changed in place. " + dataTypesRules + " " +
				"Data types not named keep their current profile values."),
		},
	}
}

func (r *profileSyncSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, nil, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics)
}

func (r *profileSyncSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[profileSyncSettingsModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read Codat's default sync settings (profile)", err)
		return
	}

	prior, keys, imported := readSelection(ctx, state.DataTypes, req, resp)
	if imported != nil {
		// Codat may leave clientId out (the spec does not require it in the
		// answer): then any id is taken to be this client's.
		if id := state.ID.ValueString(); id != profileImportID && profile.ClientID != "" && !strings.EqualFold(id, profile.ClientID) {
			resp.Diagnostics.AddError("Not this client's profile",
				fmt.Sprintf("The import id %q is neither %q nor the id of the Codat client this API key belongs to (%s). Import with %q, or with %s.", id, profileImportID, profile.ClientID, profileImportID, profile.ClientID))
			return
		}
		keys = imported.DataTypes
		if len(keys) == 0 {
			keys = codat.InDataTypeOrder(codat.SettingsByType(profile.Settings))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	model, diags := profileToModel(ctx, profile, keys, prior)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	resp.Diagnostics.Append(profileIdentity.set(ctx, resp.Identity, model.ID.ValueString())...)
}

func (r *profileSyncSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, req.Private, &resp.State, resp.Identity, resp.Private, &resp.Diagnostics)
}

// Delete restores every data type Terraform has set to its setting from
// before Terraform first set it.
func (r *profileSyncSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	client := requireClient(r.data, &resp.Diagnostics)
	before := map[string]*codat.SyncSetting{}
	readBefore(ctx, req.Private, &before, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(before) == 0 {
		// Terraform has changed nothing (an import never applied since).
		return
	}
	if err := client.RestoreProfileSettings(ctx, before); err != nil {
		addAPIError(&resp.Diagnostics, "Could not restore Codat's default sync settings (profile) to what they were before Terraform managed them", err)
	}
}

func (r *profileSyncSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	profileIdentity.schema(resp)
}

// ImportState takes the client id or "profile", optionally followed by
// ":<type>,<type>", or the identity (the client id); the Read that follows
// checks the id and picks the data types.
func (r *profileSyncSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, sel := parseImportID(profileIdentity.importID(ctx, req, &resp.Diagnostics), &resp.Diagnostics)
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

// apply is Create and Update: read the profile, record the settings of data
// types Terraform sets for the first time, send the profile back with the
// planned data types, and record the plan.
func (r *profileSyncSettingsResource) apply(ctx context.Context, planned tfsdk.Plan, prior privateState, state *tfsdk.State, identity *tfsdk.ResourceIdentity, private privateState, diags *diag.Diagnostics) {
	plan, client, _ := modelAndClient[profileSyncSettingsModel](ctx, r.data, planned, diags)
	planTypes, d := syncSettingsOf(ctx, plan.DataTypes)
	diags.Append(d...)
	before := map[string]*codat.SyncSetting{}
	readBefore(ctx, prior, &before, diags)
	if diags.HasError() {
		return
	}
	profile, err := client.GetProfileSyncSettings(ctx)
	if err != nil {
		addAPIError(diags, "Could not read Codat's default sync settings (profile)", err)
		return
	}
	current := codat.SettingsByType(profile.Settings)
	for dataType := range planTypes {
		if _, recorded := before[dataType]; recorded {
			continue
		}
		if s, ok := current[dataType]; ok {
			before[dataType] = &s
		} else {
			before[dataType] = nil
		}
	}
	body := settingsBody(profile.Settings, planTypes)
	err = client.SetProfileSyncSettings(ctx, codat.ProfileSyncSettings{ClientID: profile.ClientID, Settings: body, OverridesDefaults: profile.OverridesDefaults})
	if err != nil {
		addSyncSettingsError(diags, "Could not set Codat's default sync settings (profile)", "the client's default sync settings (profile)", err, body, planTypes)
		return
	}
	recordBefore(ctx, private, before, diags)
	sent := *profile
	sent.Settings = body
	model, d := profileToModel(ctx, &sent, codat.InDataTypeOrder(planTypes), planTypes)
	diags.Append(d...)
	diags.Append(state.Set(ctx, model)...)
	diags.Append(profileIdentity.set(ctx, identity, model.ID.ValueString())...)
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
