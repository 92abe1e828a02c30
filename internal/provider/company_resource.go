package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                     = (*companyResource)(nil)
	_ resource.ResourceWithConfigure        = (*companyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*companyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*companyResource)(nil)
	_ resource.ResourceWithImportState      = (*companyResource)(nil)
)

// privateImported marks, in private state, a company just imported, so that
// Read adopts its only connection.
const privateImported = "imported"

var companyIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// NewCompanyResource is the codat_company resource.
func NewCompanyResource() resource.Resource { return &companyResource{} }

type companyResource struct {
	data *providerData
}

func (r *companyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_company"
}

func (r *companyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: companyResourceDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Codat's id for the company (a UUID). It is also the licence key a business enters in a desktop connector, and the id to `terraform import`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The company's name in Codat, changed in place. Set exactly one of `name` and `temporary_name`; with `temporary_name`, `name` is computed (see **Temporary names**). " +
					"Only letters A-Z and a-z, digits, spaces and `- ' & @ . , ? !` are allowed, without a leading or trailing space: Codat silently removes any other character, so Terraform rejects them at plan time. Names need not be unique.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{companyNameValidator{}},
			},
			"temporary_name": schema.StringAttribute{
				MarkdownDescription: "A placeholder name to create the company with, replaced by the company's name in its accounting platform once the business has linked it and the platform's company data has synced (see **Temporary names**). " +
					"Use something you can trace, such as an application or CRM id. Same character rules as `name`. Changing it renames the company only while the platform's name is not known yet.",
				Optional:   true,
				Validators: []validator.String{companyNameValidator{}},
			},
			"name_from_platform": schema.StringAttribute{
				MarkdownDescription: "Which of the platform's names replaces `temporary_name`: `company_name` (the trading name, the default) or `legal_name`. Only with `temporary_name`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.OneOf(nameFromCompanyName, nameFromLegalName),
					stringvalidator.AlsoRequires(path.MatchRoot("temporary_name")),
				},
			},
			"platform_company_name": schema.StringAttribute{
				MarkdownDescription: "With `temporary_name`: the name the accounting platform reports for the business (its `name_from_platform`), read on refresh while one of the company's connections is `Linked`; null until the platform's company data has synced, and always null without `temporary_name`. " +
					"`name` is this value with the characters Codat does not allow removed.",
				Computed: true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A free-text description, changed in place. Omit it for none; an empty string is rejected because Codat does not store one.",
				Optional:            true,
				Validators:          []validator.String{notEmptyStringValidator{}},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Up to 9 tags, changed in place; Codat can filter companies by tag (for example `region=uk`). Keys are 1 to 27 characters without line breaks, values at most 100 characters. " +
					"Codat allows 10 tags per company; Terraform needs the tenth, `" + creationTagKey + "`, while it creates the company, to find it again if Codat's answer is lost (see the *Retries, rate limits and guarantees* guide), so that key is reserved. " +
					"Removing `tags` (or a tag) removes it at Codat too.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					companyTagsValidator{},
					mapvalidator.KeysAre(
						stringvalidator.UTF8LengthBetween(1, 27),
						stringvalidator.RegexMatches(regexp.MustCompile(`^[^\r\n]*$`), "must not contain line breaks"),
					),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(100)),
				},
			},
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "The 4-letter key of the platform the business is asked to connect (Codat's `platformType`), such as `gbol` for Xero or `qhyg` for QuickBooks Online; the `codat_integrations` data source lists them. " +
					"Terraform creates a connection to it (`connection_id`) whose `link_url` you send to the business. The key is checked against Codat's catalogue at plan and again at apply: an unknown or disabled platform is an error naming the nearest valid keys, and nothing is created. " +
					"Changing or removing it **updates the company in place and never replaces it**; see **Changing platform**. Omit it to let the business pick a platform on the `redirect` page.",
				Optional:   true,
				Validators: []validator.String{platformKeyValidator()},
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "The id of the connection this resource manages, to `platform_key`. Null without `platform_key`, and after a create whose connection could not be made (the next apply makes it).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{keepConnectionString{none: types.StringNull()}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Where the business is in linking the managed connection: `Blank` when this resource manages no connection (no `platform_key`, or its connection is still to be created), " +
					"else that connection's status: `PendingAuth` (created, the business has not authorised yet), `Linked` (authorised; data can sync), `Deauthorized` (was linked, access has been revoked: the business must authorise again through `link_url`) " +
					"or `Unlinked` (unlinked through Codat's API or portal). Changes made at Codat appear on refresh without a plan diff.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{keepConnectionString{none: types.StringValue(statusBlank)}},
			},
			"link_url": schema.StringAttribute{
				MarkdownDescription: "The managed connection's link URL: send it to the business to authorise `platform_key`. Null without a managed connection.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{keepConnectionString{none: types.StringNull()}},
			},
			"redirect": schema.StringAttribute{
				MarkdownDescription: "The company's Codat Link page, where the business can choose and authorise any platform itself.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connections": schema.ListNestedAttribute{
				MarkdownDescription: "Every data connection of the company, managed or not, in Codat's order: the managed one, ones the business added through `redirect`, and linked ones kept after a platform change.",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{keepConnectionList{}},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The connection's id."},
						"platform_key":  schema.StringAttribute{Computed: true, MarkdownDescription: "The platform's 4-letter key."},
						"platform_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The platform's name, such as `Xero`."},
						"source_type":   schema.StringAttribute{Computed: true, MarkdownDescription: "`Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense`, `Other` or `Unknown`."},
						"link_url":      schema.StringAttribute{Computed: true, MarkdownDescription: "The URL where the business authorises this connection."},
						"status":        schema.StringAttribute{Computed: true, MarkdownDescription: "`PendingAuth`, `Linked`, `Deauthorized` or `Unlinked`."},
						"created":       schema.StringAttribute{Computed: true, MarkdownDescription: "When the connection was created (ISO 8601)."},
						"last_sync":     schema.StringAttribute{Computed: true, MarkdownDescription: "When data last synced through this connection (ISO 8601); null before the first sync."},
					},
				},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the company was created (ISO 8601, as Codat reports it).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"last_sync": schema.StringAttribute{
				MarkdownDescription: "When the company's data last synced (ISO 8601); null before the first sync. Updated on refresh.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true`, Terraform refuses to delete the company: a plan that would destroy it fails, before any request to Codat. Defaults to `false`. " +
					"Set it to `false` and apply before destroying. To stop managing a company without deleting it, use a `removed` block with `lifecycle { destroy = false }`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *companyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *companyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("temporary_name")),
	}
}

// ModifyPlan refuses to destroy a protected company, plans the name when
// temporary names are used, and checks a new platform_key against Codat's
// catalogue so that a typo fails the plan reviewed in a pull request.
func (r *companyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state companyModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() && state.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedError(state))
		}
		return
	}
	var plan companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *companyModel
	if !req.State.Raw.IsNull() {
		state = &companyModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(planCompanyName(ctx, &plan, state)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("name"), plan.Name)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("platform_company_name"), plan.PlatformCompanyName)...)

	newKey := !plan.PlatformKey.IsNull() && !plan.PlatformKey.IsUnknown() && (state == nil || !plan.PlatformKey.Equal(state.PlatformKey))
	if newKey && r.data != nil {
		// A catalogue that cannot be read now is checked again at apply,
		// which reports the error.
		if catalogue, err := r.data.integrations(ctx); err == nil {
			if in, problem := checkPlatform(catalogue, plan.PlatformKey.ValueString()); problem != "" {
				resp.Diagnostics.AddAttributeError(path.Root("platform_key"), platformProblemSummary(in), problem)
			}
		}
	}
}

func (r *companyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	platformKey := plan.PlatformKey.ValueString()
	if platformKey != "" && !r.requirePlatform(ctx, platformKey, &resp.Diagnostics) {
		return
	}

	name := plan.Name.ValueString()
	if !plan.TemporaryName.IsNull() {
		name = plan.TemporaryName.ValueString()
	}
	body, diags := companyRequest(ctx, name, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	pending, err := r.data.creations.start(ctx, client, body, platformKey)
	if err != nil {
		resp.Diagnostics.AddError("Could not create Codat company", apiErrorDetail(err)+createFailureHint(err, name))
		return
	}
	company := pending.company
	if pending.adopted {
		resp.Diagnostics.AddWarning("Adopted a Codat company left by an interrupted apply",
			fmt.Sprintf("Company %q (%s) was created by an earlier apply with this same configuration, which was interrupted before Terraform could record it. Terraform now manages it instead of creating another.", name, company.ID))
	}

	carry := carryFrom(plan)
	carry.ManagedConnectionID = ""
	carry.PlatformCompanyName = types.StringNull()
	var managed *codat.Connection
	if platformKey != "" {
		managed = r.createManagedConnection(ctx, client, company, name, platformKey, &resp.Diagnostics)
		if managed != nil {
			carry.ManagedConnectionID = managed.ID
		}
	}

	// Only now, with nothing left to do, does the company lose its marker
	// and become this resource's.
	confirmed, err := r.data.creations.confirm(ctx, client, pending, body.Tags)
	if err != nil {
		resp.Diagnostics.AddError("Could not finish creating Codat company",
			fmt.Sprintf("Company %q (%s) was created, but Terraform could not remove its %s tag, which it must do before recording the company: %s\n\n"+
				"Nothing was recorded in state. Apply again with the same configuration: the next apply finds the company by that tag and adopts it (after a wait of up to %s) instead of creating another.",
				name, company.ID, creationTagKey, apiErrorDetail(err), r.data.creations.timing.lease+r.data.creations.timing.margin))
		return
	}
	company = confirmed
	if managed != nil && findConnection(company.DataConnections, managed.ID) == nil {
		company.DataConnections = append(company.DataConnections, *managed)
	}

	state, diags := r.toModel(ctx, company, carry)
	resp.Diagnostics.Append(diags...)
	if stored := checkStored(ctx, name, plan, state); stored.HasError() {
		// An error here would taint the new company, and the next apply would
		// delete it. Record the configured values instead, and warn: the next
		// refresh reads what Codat holds and plans an in-place correction.
		for _, d := range stored.Errors() {
			resp.Diagnostics.AddWarning(d.Summary(), d.Detail()+"\n\nThe company was created; the next plan shows an in-place update back to the configured value.")
		}
		state.Name = types.StringValue(name)
		if !plan.Name.IsUnknown() {
			state.Name = plan.Name
		}
		state.Description = plan.Description
		state.Tags = plan.Tags
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *companyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	company, err := client.GetCompany(ctx, id)
	if codat.IsNotFound(err) {
		// Deleted outside Terraform: the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat company %s", id), err)
		return
	}
	if _, marked := company.Tags[creationTagKey]; marked {
		// The company is in state, so its create reached Terraform (or it was
		// imported): drop the marker, or another apply could adopt it.
		tags := userTags(company.Tags)
		if updated, err := client.UpdateCompany(ctx, id, codat.CompanyUpdate{Tags: &tags}); err == nil {
			company = updated
		} else {
			tflog.Info(ctx, "could not remove the creation marker of a company in state; the next refresh tries again", map[string]any{"company": id, "error": err.Error()})
		}
	}

	carry := carryFrom(state)
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
		if len(company.DataConnections) == 1 {
			// The company's only connection becomes the managed one.
			conn := company.DataConnections[0]
			keys, err := platformKeysFor(ctx, r.data, conn)
			if err != nil {
				addAPIError(&resp.Diagnostics, "Could not look up the platform of the imported company's connection", err)
				return
			}
			carry.PlatformKey = optionalString(platformKeyOf(conn, keys))
			carry.ManagedConnectionID = conn.ID
		}
	}

	if !state.TemporaryName.IsNull() && anyLinkedAPI(company.DataConnections) {
		platformName, ok := r.platformName(ctx, id, state.NameFromPlatform, &resp.Diagnostics)
		if ok {
			carry.PlatformCompanyName = platformName
		}
	}

	model, diags := r.toModel(ctx, company, carry)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
}

func (r *companyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	platformKey := plan.PlatformKey.ValueString()
	platformChange := managedConnectionChanges(plan.PlatformKey, state.PlatformKey, state.ConnectionID)
	// Check the new platform before changing anything.
	if platformChange && platformKey != "" && !r.requirePlatform(ctx, platformKey, &resp.Diagnostics) {
		return
	}

	carry := carryFrom(plan)
	carry.ManagedConnectionID = state.ConnectionID.ValueString()

	// The name, when the plan left it to apply time (temporary names).
	name := plan.Name.ValueString()
	if plan.Name.IsUnknown() || plan.PlatformCompanyName.IsUnknown() {
		platformName := types.StringNull()
		if !state.TemporaryName.IsNull() {
			platformName = state.PlatformCompanyName
		}
		stateConns, diags := connectionsOf(ctx, state.Connections)
		resp.Diagnostics.Append(diags...)
		if anyLinked(stateConns) {
			if fetched, ok := r.platformName(ctx, id, plan.NameFromPlatform, &resp.Diagnostics); ok {
				platformName = fetched
			}
		}
		carry.PlatformCompanyName = platformName
		name = nameFor(plan.TemporaryName.ValueString(), platformName.ValueString())
	}

	// Name, description and tags: one PUT, only if one of them changes.
	var company *codat.Company
	planTags, diags := tagsOf(ctx, plan.Tags)
	resp.Diagnostics.Append(diags...)
	stateTags, diags := tagsOf(ctx, state.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	replace := func() bool {
		body, diags := companyRequest(ctx, name, plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return false
		}
		put, err := client.ReplaceCompany(ctx, id, body)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not update Codat company %s", id), err)
			return false
		}
		company = put
		return true
	}
	if name != state.Name.ValueString() || !plan.Description.Equal(state.Description) || !sameTags(planTags, stateTags) {
		if !replace() {
			return
		}
	}

	// The managed connection.
	if platformChange {
		if company == nil {
			got, err := client.GetCompany(ctx, id)
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat company %s before changing its platform", id), err)
				return
			}
			company = got
			// Changed at Codat since the plan: put the configured values back.
			if company.Name != name || company.Description != plan.Description.ValueString() || !sameTags(company.Tags, planTags) {
				if !replace() {
					return
				}
			}
		}
		if !r.changePlatform(ctx, client, company, state, platformKey, &carry, &resp.Diagnostics) {
			// Record what did happen; the next plan tries the rest again.
			model, diags := r.toModel(ctx, company, carry)
			resp.Diagnostics.Append(diags...)
			resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
			return
		}
	}

	next := plan
	next.Name = types.StringValue(name)
	next.PlatformCompanyName = carry.PlatformCompanyName
	if company != nil {
		fresh, diags := r.toModel(ctx, company, carry)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		if d := checkStored(ctx, name, plan, fresh); d.HasError() {
			resp.Diagnostics.Append(d...)
			resp.Diagnostics.Append(resp.State.Set(ctx, fresh)...)
			return
		}
		next = keepPlanned(plan, fresh)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, next)...)
}

func (r *companyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Checked at plan time too; this guards a plan made before protection
	// was switched on.
	if state.DeletionProtection.ValueBool() {
		resp.Diagnostics.Append(deletionProtectedError(state))
		return
	}
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := client.DeleteCompany(ctx, state.ID.ValueString())
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not delete Codat company %s", state.ID.ValueString()), err)
	}
}

// ImportState takes a company id. Read then fills in the rest and, if the
// company has exactly one connection, adopts it as the managed one.
func (r *companyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !companyIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid Codat company id",
			fmt.Sprintf("Import expects a Codat company id, a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002, got %q. Find it in the Codat Portal or with GET /companies.", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), resource.ImportStateRequest{ID: id}, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// toModel maps a company to the model, naming the platforms of connections
// whose integrationKey Codat left out.
func (r *companyResource) toModel(ctx context.Context, company *codat.Company, carry companyCarry) (companyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	keys, err := platformKeysFor(ctx, r.data, company.DataConnections...)
	if err != nil {
		diags.AddWarning("Could not name the platforms of the company's connections",
			"Codat left out the platform key of a connection and the integrations catalogue could not be read, so its platform_key in connections is null until the next refresh: "+apiErrorDetail(err))
	}
	model, d := companyToModel(ctx, company, carry, keys)
	diags.Append(d...)
	return model, diags
}

// requirePlatform checks platformKey against the integrations catalogue
// (fetched once per run) before anything is created or changed.
func (r *companyResource) requirePlatform(ctx context.Context, platformKey string, diags *diag.Diagnostics) bool {
	catalogue, err := r.data.integrations(ctx)
	if err != nil {
		addAPIError(diags, "Could not check platform_key against Codat's integrations", err)
		return false
	}
	in, problem := checkPlatform(catalogue, platformKey)
	if problem != "" {
		diags.AddAttributeError(path.Root("platform_key"), platformProblemSummary(in), problem+" Nothing was changed at Codat.")
		return false
	}
	return true
}

func platformProblemSummary(in codat.Integration) string {
	if in.Key != "" {
		return "Disabled Codat platform"
	}
	return "Unknown Codat platform"
}

// platformName reads the business's name from its accounting platform. ok
// is false when it is not known yet (the company data has not synced: 409)
// or could not be read (a warning says why).
func (r *companyResource) platformName(ctx context.Context, companyID string, field types.String, diags *diag.Diagnostics) (types.String, bool) {
	info, err := r.data.client.GetCompanyInfo(ctx, companyID)
	switch {
	case codat.IsConflict(err):
		return types.StringNull(), false
	case err != nil:
		diags.AddWarning("Could not read the company's name from its platform",
			fmt.Sprintf("Company %s uses temporary_name, but its name in the accounting platform could not be read, so it is not renamed in this run: %s", companyID, apiErrorDetail(err)))
		return types.StringNull(), false
	}
	name := platformNameFrom(info, field)
	if name == "" {
		return types.StringNull(), false
	}
	return types.StringValue(name), true
}

// changePlatform applies the platform rule to company, in this order:
//
//  1. the connection to adopt is an existing one to the new platform that is
//     not Unlinked (Linked first, then Deauthorized, then PendingAuth);
//  2. the previously managed connection is deleted only if it was never
//     linked (PendingAuth) and is not the one adopted; linked, deauthorised
//     and unlinked ones are kept, with their data, in connections. Deleting
//     first lets the new connection be made where Codat allows one
//     accounting connection per company;
//  3. with nothing to adopt, a connection to the new platform is created.
//
// The old connection's status is the one read just before (by the PUT or a
// GET in this apply), so a business authorising in the moment between that
// read and the delete is the only way a linked connection could be lost.
//
// It updates company.DataConnections and carry as it goes and reports
// whether every step succeeded.
func (r *companyResource) changePlatform(ctx context.Context, client *codat.Client, company *codat.Company, state companyModel, platformKey string, carry *companyCarry, diags *diag.Diagnostics) bool {
	keys, err := platformKeysFor(ctx, r.data, company.DataConnections...)
	if err != nil {
		addAPIError(diags, "Could not look up the platforms of the company's connections", err)
		carry.PlatformKey = state.PlatformKey
		return false
	}
	var adopt *codat.Connection
	if platformKey != "" {
		adopt = adoptableConnection(company.DataConnections, platformKey, keys)
	}
	old := findConnection(company.DataConnections, state.ConnectionID.ValueString())
	if old != nil && old.Status == codat.StatusPendingAuth && (adopt == nil || adopt.ID != old.ID) {
		oldID := old.ID
		if err := client.DeleteConnection(ctx, company.ID, oldID); err != nil && !codat.IsNotFound(err) {
			addAPIError(diags, fmt.Sprintf("Could not delete the unused connection %s of Codat company %s", oldID, company.ID), err)
			carry.PlatformKey = state.PlatformKey
			return false
		}
		var kept []codat.Connection
		for _, c := range company.DataConnections {
			if c.ID != oldID {
				kept = append(kept, c)
			}
		}
		company.DataConnections = kept
		if adopt != nil {
			adopt = findConnection(company.DataConnections, adopt.ID)
		}
	}
	carry.ManagedConnectionID = ""
	switch {
	case adopt != nil:
		carry.ManagedConnectionID = adopt.ID
	case platformKey != "":
		conn, err := client.CreateConnectionOnce(ctx, company.ID, platformKey, connectionIDs(company.DataConnections))
		if err != nil {
			detail := apiErrorDetail(err) + "\n\nThe company now has no managed connection; the next plan shows an in-place update that creates it."
			if kept := activeAccounting(ctx, r.data, company.DataConnections, platformKey); kept != nil {
				detail += fmt.Sprintf(" Codat allows one active accounting connection per company, and the company keeps its %s connection %s (%s) because it was linked; unlink it in the Codat Portal first if the business is moving to %s.",
					kept.PlatformName, kept.ID, kept.Status, platformKey)
			}
			diags.AddAttributeError(path.Root("platform_key"), fmt.Sprintf("Could not connect Codat company %s to %s", company.ID, platformKey), detail)
			return false
		}
		company.DataConnections = append(company.DataConnections, *conn)
		carry.ManagedConnectionID = conn.ID
	}
	return true
}

// activeAccounting returns a connection that is not Unlinked to another
// accounting platform, when platformKey is an accounting platform too: the
// likely reason Codat refuses a new connection. Nil otherwise.
func activeAccounting(ctx context.Context, data *providerData, conns []codat.Connection, platformKey string) *codat.Connection {
	catalogue, err := data.integrations(ctx)
	if err != nil {
		return nil
	}
	if in, ok := findPlatform(catalogue, platformKey); !ok || in.SourceType != codat.SourceTypeAccounting {
		return nil
	}
	for i := range conns {
		if conns[i].SourceType == codat.SourceTypeAccounting && conns[i].Status != codat.StatusUnlinked {
			return &conns[i]
		}
	}
	return nil
}

// checkStored makes sure Codat stored the name, description and tags that
// were sent. Terraform must not record values other than the configured
// ones, and must not pretend Codat holds them either, so after an update a
// difference is an error (the state keeps what Codat holds); Create turns it
// into a warning, since a failed create would taint the company.
func checkStored(ctx context.Context, name string, plan, got companyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if got.Name.ValueString() != name {
		diags.AddAttributeError(path.Root("name"), "Codat stored a different company name",
			fmt.Sprintf("Terraform sent the name %q, but Codat stored %q. Codat changes names with characters it does not allow; set name to %q, and please report this so the provider can reject such names at plan time.",
				name, got.Name.ValueString(), got.Name.ValueString()))
	}
	if !plan.Description.IsUnknown() && !plan.Description.Equal(got.Description) {
		diags.AddAttributeError(path.Root("description"), "Codat stored a different company description",
			fmt.Sprintf("Terraform sent the description %s, but Codat stored %s. Set description to the stored value, and please report this.",
				describeString(plan.Description), describeString(got.Description)))
	}
	want, d := tagsOf(ctx, plan.Tags)
	diags.Append(d...)
	have, d := tagsOf(ctx, got.Tags)
	diags.Append(d...)
	if !plan.Tags.IsUnknown() && !sameTags(want, have) {
		diags.AddAttributeError(path.Root("tags"), "Codat stored different company tags",
			fmt.Sprintf("Terraform sent the tags %v, but Codat stored %v. Set tags to the stored values, and please report this.", want, have))
	}
	return diags
}

func describeString(s types.String) string {
	if s.IsNull() {
		return "none"
	}
	return fmt.Sprintf("%q", s.ValueString())
}

// keepPlanned is the state after an update: Codat's values, except that a
// value the plan already showed is kept. A sync finishing or a business
// authorising between plan and apply would otherwise change status,
// last_sync or connections behind a known planned value, which Terraform
// reports as an inconsistent result; the next refresh records the change.
func keepPlanned(plan, fresh companyModel) companyModel {
	keepS := func(planned, got types.String) types.String {
		if planned.IsUnknown() {
			return got
		}
		return planned
	}
	next := fresh
	next.ID = keepS(plan.ID, fresh.ID)
	next.Redirect = keepS(plan.Redirect, fresh.Redirect)
	next.Created = keepS(plan.Created, fresh.Created)
	next.LastSync = keepS(plan.LastSync, fresh.LastSync)
	next.ConnectionID = keepS(plan.ConnectionID, fresh.ConnectionID)
	next.Status = keepS(plan.Status, fresh.Status)
	next.LinkURL = keepS(plan.LinkURL, fresh.LinkURL)
	next.PlatformCompanyName = keepS(plan.PlatformCompanyName, fresh.PlatformCompanyName)
	if !plan.Connections.IsUnknown() {
		next.Connections = plan.Connections
	}
	// Tags keep the configuration's shape: {} and null both mean none.
	if !plan.Tags.IsUnknown() && len(fresh.Tags.Elements()) == 0 {
		next.Tags = plan.Tags
	}
	return next
}

// createFailureHint says what a failed create left at Codat: nothing, or a
// company that may exist and that the next apply adopts.
func createFailureHint(err error, name string) string {
	if !codat.OutcomeUnknown(err) {
		return "\n\nNothing was created at Codat."
	}
	return fmt.Sprintf("\n\nCodat may have created the company %q anyway: its answer was lost and Terraform could not check. If it did, the company carries the tag %s; apply again with the same configuration and Terraform adopts it instead of creating another.", name, creationTagKey)
}

// createManagedConnection makes the connection to platformKey of a company
// being created, or adopts one to that platform that an interrupted create
// left on an adopted company. A failure is a warning, not an error: an error
// would taint the company and the next apply would delete it. The company is
// kept without a managed connection, and the next plan shows the in-place
// update that makes one.
func (r *companyResource) createManagedConnection(ctx context.Context, client *codat.Client, company *codat.Company, name, platformKey string, diags *diag.Diagnostics) *codat.Connection {
	if len(company.DataConnections) > 0 {
		if keys, err := platformKeysFor(ctx, r.data, company.DataConnections...); err == nil {
			if adopt := adoptableConnection(company.DataConnections, platformKey, keys); adopt != nil {
				return adopt
			}
		}
	}
	// A stopped apply makes nothing new; the company itself is still recorded.
	err := ctx.Err()
	var conn *codat.Connection
	if err == nil {
		conn, err = client.CreateConnectionOnce(ctx, company.ID, platformKey, connectionIDs(company.DataConnections))
	}
	if err == nil {
		return conn
	}
	detail := apiErrorDetail(err)
	if ctx.Err() != nil {
		detail = "the apply was interrupted first (" + detail + ")"
	}
	if codat.OutcomeUnknown(err) {
		detail += " (Codat may have made the connection; if so the next apply adopts it rather than making another.)"
	}
	diags.AddAttributeWarning(path.Root("connection_id"), "Codat company created without its connection",
		fmt.Sprintf("Company %q (%s) was created, but its connection to %s could not be: %s\n\n"+
			"The company is saved in state with no connection_id and status %q, and link_url is null. The next plan shows an in-place update that creates the connection (or adopts it, if Codat made it after all); run terraform apply again.",
			name, company.ID, platformKey, detail, statusBlank))
	return nil
}

func deletionProtectedError(state companyModel) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), "Codat company is protected from deletion",
		fmt.Sprintf("Company %q (%s) has deletion_protection = true, so Terraform will not delete it. Deleting a company at Codat also deletes its connections and all the data synced from them.\n\n"+
			"To delete it, set deletion_protection = false and apply, then destroy it. To stop managing it in Terraform without deleting it, use a removed block with lifecycle { destroy = false }.",
			state.Name.ValueString(), state.ID.ValueString()))
}

const companyResourceDescription = `A business that shares its financial data through [Codat](https://docs.codat.io/): a Codat **company**, optionally with a **connection** to the platform the business uses (` + "`platform_key`" + `), whose ` + "`link_url`" + ` you send the business so it can authorise access.

Everything except deletion is changed **in place**: no attribute replaces the company, because a replaced company loses its connections and synced data.

**Destroying a ` + "`codat_company`" + ` deletes the company at Codat, with its connections and all the data synced from them. This cannot be undone.** Set ` + "`deletion_protection = true`" + ` on companies that hold data you need: a plan that would delete one then fails.

## Status

` + "`status`" + ` follows Codat's authorisation flow: ` + "`Blank`" + ` (no platform chosen for this resource yet), ` + "`PendingAuth`" + ` (connection created, waiting for the business), ` + "`Linked`" + ` (the business authorised; data syncs), ` + "`Deauthorized`" + ` (access was revoked; the business authorises again through ` + "`link_url`" + `), and ` + "`Unlinked`" + `. Changes made at Codat — a business authorising, a platform revoking access — show up on refresh without a diff. ` + "`connections`" + ` lists every connection the company has.

## Changing platform

Changing ` + "`platform_key`" + ` is an in-place update, never a replacement:

1. if the company already has a connection to the new platform that is not ` + "`Unlinked`" + `, Terraform adopts it (preferring ` + "`Linked`" + `, then ` + "`Deauthorized`" + `, then ` + "`PendingAuth`" + `); otherwise it creates one;
2. the previously managed connection is deleted **only if it was never linked** (` + "`PendingAuth`" + `). A connection that is or was linked (` + "`Linked`" + `, ` + "`Deauthorized`" + `, ` + "`Unlinked`" + `) is kept with its data and stays visible in ` + "`connections`" + `.

Removing ` + "`platform_key`" + ` applies rule 2 to the managed connection. The plan shows ` + "`connection_id`" + `, ` + "`link_url`" + `, ` + "`status`" + ` and ` + "`connections`" + ` as known after apply only when the managed connection changes; otherwise they keep their values.

## When the connection cannot be created

Creating a company with ` + "`platform_key`" + ` takes two requests: the company, then its connection. If the second fails, the apply does **not** fail: a failed create would mark the company tainted, and Terraform would then delete it — with any data a business had linked in the meantime — and create a new one with a new id. Instead the company is saved with ` + "`connection_id`" + ` null and ` + "`status = \"Blank\"`" + `, a warning explains what failed, and the next plan shows an in-place update that creates the connection (adopting it if Codat made it after all). ` + "`terraform plan -detailed-exitcode`" + ` reports that pending change in CI. Until then ` + "`link_url`" + ` is null.

## Temporary names

Codat suggests creating a company under a placeholder name when you do not know the business's name yet, and replacing it with the name from its accounting platform after the first sync. Set ` + "`temporary_name`" + ` instead of ` + "`name`" + `:

1. the company is created as ` + "`temporary_name`" + `;
2. once one of its connections is ` + "`Linked`" + `, each refresh reads the platform's name (` + "`GET /companies/{id}/data/info`" + `, one extra request for such companies only) into ` + "`platform_company_name`" + ` — ` + "`name_from_platform`" + ` picks the trading name (` + "`company_name`" + `, default) or ` + "`legal_name`" + `;
3. the next plan shows an in-place update of ` + "`name`" + ` to that name (with any character Codat does not allow removed), and applying it renames the company. Later plans are empty; if someone renames the company outside Terraform, the next plan renames it back.

Feeding ` + "`name`" + ` from the ` + "`codat_company_info`" + ` data source instead would not work: the data source needs the company's id, so the company would depend on itself (a dependency cycle).

## Import

` + "`terraform import codat_company.example <company id>`" + `, or an ` + "`import`" + ` block. If the company has exactly one connection, it becomes the managed one (` + "`platform_key`" + ` and ` + "`connection_id`" + ` are set from it); otherwise no connection is managed until you set ` + "`platform_key`" + `, which then adopts an existing connection to that platform rather than creating one. After an import that adopted a connection, leave ` + "`platform_key`" + ` out of the configuration only if you mean to release that connection: the plan shows it, and a connection that was never linked is then deleted.
`
