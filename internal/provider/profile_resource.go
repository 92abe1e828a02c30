package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.ResourceWithConfigure   = (*profileResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*profileResource)(nil)
	_ resource.ResourceWithImportState = (*profileResource)(nil)
)

// NewProfileResource is the codat_profile resource: the client's name,
// branding and redirect (GET/PUT /profile). Codat's PUT replaces every
// field, so each write reads the profile and changes only the fields the
// configuration sets (codat.ProfileChange). The profile's deprecated
// apiKey is never read into, or sent from, this resource. Its prose is in
// templates/resources/profile.md.tmpl.
func NewProfileResource() resource.Resource {
	return &profileResource{resourceBase{typeName: "profile"}}
}

type profileResource struct {
	resourceBase
}

type profileModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	RedirectURL        types.String `tfsdk:"redirect_url"`
	LogoURL            types.String `tfsdk:"logo_url"`
	IconURL            types.String `tfsdk:"icon_url"`
	WhiteListURLs      types.Set    `tfsdk:"white_list_urls"`
	ConfirmCompanyName types.Bool   `tfsdk:"confirm_company_name"`
}

func (r *profileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	const kept = " Left out, Codat's value is kept and shown."
	// Each string the configuration may leave out, keeping Codat's value.
	keptString := func(description string, rule validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: description + kept,
			Optional:            true, Computed: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			Validators:    []validator.String{rule},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The client's **profile**: the name and branding Codat's Link shows a business, and where Link sends the business when it is done. " +
			"There is one per Codat client (per API key): declare this resource once. Only the attributes you set are changed; destroy puts back what Terraform changed.",
		Attributes: map[string]schema.Attribute{
			"id":   computedOnce("Always `" + profileImportID + "`: there is one profile per client."),
			"name": keptString("The name of your organisation as Link shows it.", stringvalidator.LengthAtLeast(1)),
			"redirect_url": keptString("Where a business goes once it has finished Codat's Hosted Link, such as `https://app.example.com/linked/{companyId}`: Codat fills in its [parameters](https://docs.codat.io/auth-flow/customize/set-up-redirects) in braces (`{companyId}`, `{statusCode}`, ...).",
				redirectURLValidator()),
			"logo_url": keptString("An absolute URL of your logo; `\"\"` for none.", webURLOrEmptyValidator()),
			"icon_url": keptString("An absolute URL of your icon; `\"\"` for none.", webURLOrEmptyValidator()),
			"white_list_urls": schema.SetAttribute{
				MarkdownDescription: "The URLs allowed to communicate with Codat; an empty set allows any." + kept,
				ElementType:         types.StringType,
				Optional:            true, Computed: true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Validators:    []validator.Set{setvalidator.ValueStringsAre(webURLValidator())},
			},
			"confirm_company_name": schema.BoolAttribute{
				MarkdownDescription: "Deprecated by Codat, but part of the profile: whether the company name has been confirmed." + kept,
				Optional:            true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan claims the client's profile, so a second codat_profile is an
// error (client_settings.go).
func (r *profileResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	resp.Diagnostics.Append(r.data.settings.claim("the client's profile", "codat_profile", path.Root("name"))...)
}

func (r *profileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Config, nil, &resp.State, resp.Private, &resp.Diagnostics)
}

// Read reads the profile: one request.
func (r *profileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	profile, err := client.GetProfile(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not read Codat's profile", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, brandingToModel(ctx, profile, &resp.Diagnostics))...)
}

func (r *profileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Config, req.Private, &resp.State, resp.Private, &resp.Diagnostics)
}

// Delete puts back each field Terraform changed as it was before Terraform
// first changed it: a GET and a PUT (no PUT when the profile already is so,
// no request when Terraform changed nothing).
func (r *profileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	client := requireClient(r.data, &resp.Diagnostics)
	var before codat.ProfileChange
	readBefore(ctx, req.Private, &before, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || before.IsEmpty() {
		return
	}
	if _, err := client.ChangeProfile(ctx, before, nil); err != nil {
		addAPIError(&resp.Diagnostics, "Could not restore Codat's profile to what it was before Terraform managed it", err)
	}
}

func (r *profileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.importClientSetting(ctx, req, resp, profileImportID, "profile")
}

// apply is Create and Update: the fields the configuration sets are
// changed by read-modify-write (a GET, and a PUT unless Codat already has
// them), recording what each replaced the first time, for Delete.
func (r *profileResource) apply(ctx context.Context, config tfsdk.Config, prior privateState, state *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	m, client, _ := modelAndClient[profileModel](ctx, r.data, config, diags)
	change := profileChange(ctx, m, diags)
	var before codat.ProfileChange
	readBefore(ctx, prior, &before, diags)
	if diags.HasError() {
		return
	}
	profile, err := client.ChangeProfile(ctx, change, &before)
	if err != nil {
		addAPIError(diags, "Could not update Codat's profile", err)
		return
	}
	recordBefore(ctx, private, before, diags)
	diags.Append(state.Set(ctx, brandingToModel(ctx, profile, diags))...)
}

// profileChange is the one mapping from the configuration to the change it
// asks for: the attributes it sets, and no other.
func profileChange(ctx context.Context, m profileModel, diags *diag.Diagnostics) codat.ProfileChange {
	var c codat.ProfileChange
	c.Name = m.Name.ValueStringPointer()
	c.RedirectURL = m.RedirectURL.ValueStringPointer()
	c.LogoURL = m.LogoURL.ValueStringPointer()
	c.IconURL = m.IconURL.ValueStringPointer()
	c.ConfirmCompanyName = m.ConfirmCompanyName.ValueBoolPointer()
	if !m.WhiteListURLs.IsNull() {
		urls := slices.Sorted(slices.Values(stringsOf(ctx, m.WhiteListURLs, diags)))
		c.WhiteListURLs = &urls
	}
	return c
}

// brandingToModel is the one mapping from Codat's profile to the resource's
// data.
func brandingToModel(ctx context.Context, p *codat.Profile, diags *diag.Diagnostics) profileModel {
	urls, d := types.SetValueFrom(ctx, types.StringType, append([]string{}, p.WhiteListURLs...))
	diags.Append(d...)
	return profileModel{ID: types.StringValue(profileImportID), Name: types.StringValue(p.Name), RedirectURL: types.StringValue(p.RedirectURL),
		LogoURL: types.StringValue(p.LogoURL), IconURL: types.StringValue(p.IconURL), WhiteListURLs: urls,
		ConfirmCompanyName: types.BoolValue(p.ConfirmCompanyName)}
}
