package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*corsSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*corsSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*corsSettingsResource)(nil)
)

// corsImportID is the id of the client's CORS settings, there being one.
const corsImportID = "cors"

// NewCORSSettingsResource is the codat_cors_settings resource: the origins
// allowed to call Codat from a browser (GET/POST /corsSettings).
func NewCORSSettingsResource() resource.Resource {
	return &corsSettingsResource{resourceBase{typeName: "cors_settings"}}
}

type corsSettingsResource struct {
	resourceBase
}

type corsSettingsModel struct {
	ID             types.String `tfsdk:"id"`
	AllowedOrigins types.Set    `tfsdk:"allowed_origins"`
}

func (r *corsSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The origins (your web apps' domains) allowed to call Codat from a browser, as the embedded Link and Connections SDKs do. " +
			"There is one list per Codat client (per API key): declare this resource once. It replaces the whole list; destroy puts back the list from before Terraform managed it.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("Always `" + corsImportID + "`: there is one list per client."),
			"allowed_origins": schema.SetAttribute{
				MarkdownDescription: "Every allowed origin, such as `https://app.example.com`: `http` or `https`, a host and an optional port, in lower case, with no path (not even a trailing `/`), as browsers send the `Origin` header. " +
					"Origins added outside Terraform appear on refresh and are removed by the next apply. An empty set allows none.",
				ElementType: types.StringType,
				Required:    true,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(originValidator())},
			},
		},
	}
}

// ModifyPlan claims the client's CORS settings, so a second resource for
// them is an error (client_settings.go).
func (r *corsSettingsResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	resp.Diagnostics.Append(r.data.settings.claim("the client's CORS settings (allowed origins)", "codat_cors_settings", path.Root("allowed_origins"))...)
}

// Create records the origins Codat has, to restore on destroy, and sets
// the planned ones: two requests.
func (r *corsSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	before, ok := r.read(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	recordBefore(ctx, resp.Private, before, &resp.Diagnostics)
	r.set(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *corsSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	origins, ok := r.read(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, corsToModel(ctx, origins, &resp.Diagnostics))...)
}

// Update sets the planned origins: one request. After an import, what to
// restore on destroy is the list before this first change, which the state
// holds as refreshed.
func (r *corsSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	recordImportedBefore(ctx, req, resp, func(state corsSettingsModel, diags *diag.Diagnostics) []string {
		return stringsOf(ctx, state.AllowedOrigins, diags)
	})
	if resp.Diagnostics.HasError() {
		return
	}
	r.set(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// Delete puts back the origins from before Terraform managed them: one
// request, none after an import that was never changed.
func (r *corsSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	client := requireClient(r.data, &resp.Diagnostics)
	var before []string
	if !readBefore(ctx, req.Private, &before, &resp.Diagnostics) || resp.Diagnostics.HasError() {
		return
	}
	if _, err := client.SetCORSSettings(ctx, before); err != nil {
		addAPIError(&resp.Diagnostics, "Could not restore Codat's CORS settings to what they were before Terraform managed them", err)
	}
}

func (r *corsSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.importClientSetting(ctx, req, resp, corsImportID, "list of allowed origins")
}

// read is the origins Codat allows now: one request; false when it failed.
func (r *corsSettingsResource) read(ctx context.Context, diags *diag.Diagnostics) ([]string, bool) {
	client := requireClient(r.data, diags)
	if diags.HasError() {
		return nil, false
	}
	got, err := client.GetCORSSettings(ctx)
	if err != nil {
		addAPIError(diags, "Could not read Codat's CORS settings", err)
		return nil, false
	}
	return got.AllowedOrigins, true
}

// set sends the planned origins and records Codat's answer.
func (r *corsSettingsResource) set(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan corsSettingsModel
	diags.Append(planned.Get(ctx, &plan)...)
	origins := stringsOf(ctx, plan.AllowedOrigins, diags)
	if diags.HasError() {
		return
	}
	got, err := r.data.client.SetCORSSettings(ctx, origins)
	if err != nil {
		addAPIError(diags, "Could not set Codat's CORS settings", err)
		return
	}
	diags.Append(state.Set(ctx, corsToModel(ctx, got.AllowedOrigins, diags))...)
}

// corsToModel is the one mapping from Codat's allowed origins to the
// resource's data.
func corsToModel(ctx context.Context, origins []string, diags *diag.Diagnostics) corsSettingsModel {
	set, d := types.SetValueFrom(ctx, types.StringType, slices.Sorted(slices.Values(origins)))
	diags.Append(d...)
	return corsSettingsModel{ID: types.StringValue(corsImportID), AllowedOrigins: set}
}

// stringsOf is a set or list of strings as a slice (never nil).
func stringsOf(ctx context.Context, v interface {
	ElementsAs(context.Context, any, bool) diag.Diagnostics
}, diags *diag.Diagnostics) []string {
	out := []string{}
	diags.Append(v.ElementsAs(ctx, &out, false)...)
	return out
}
