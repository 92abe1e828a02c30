package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	_ resource.ResourceWithConfigure   = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*connectionResource)(nil)
	_ resource.ResourceWithImportState = (*connectionResource)(nil)
	_ resource.ResourceWithIdentity    = (*connectionResource)(nil)
)

// NewConnectionResource is the codat_connection resource: one connection of
// a company to one platform. Its prose is in
// templates/resources/connection.md.tmpl.
func NewConnectionResource() resource.Resource {
	return &connectionResource{resourceBase{typeName: "connection"}}
}

type connectionResource struct {
	resourceBase
}

type connectionResourceModel struct {
	ID              types.String `tfsdk:"id"`
	CompanyID       types.String `tfsdk:"company_id"`
	PlatformKey     types.String `tfsdk:"platform_key"`
	DeleteOnDestroy types.Bool   `tfsdk:"delete_on_destroy"`
	Status          types.String `tfsdk:"status"`
	LinkURL         types.String `tfsdk:"link_url"`
	SourceType      types.String `tfsdk:"source_type"`
	PlatformName    types.String `tfsdk:"platform_name"`
	Created         types.String `tfsdk:"created"`
	LastSync        types.String `tfsdk:"last_sync"`
}

func (r *connectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One **connection** of a Codat company to one platform (accounting, banking, commerce...), whose `link_url` you send the business so it can authorise access. " +
			"A company can have several: one per platform the business uses.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("Codat's id for the connection (a UUID), such as `codat_data_sync`'s `connection_id` takes."),
			"company_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Codat company, such as `codat_company.example.id`. Changing it replaces the connection (see **Destroying**).",
				Required:            true,
				Validators:          []validator.String{companyIDValidator()},
				PlanModifiers:       replace,
			},
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "The 4-letter key of the platform, such as `gbol` (Xero), `suuo` (Plaid) or `fztf` (Shopify); the `codat_integrations` data source lists them. " +
					"Checked against Codat's catalogue at plan: an unknown or disabled platform is an error naming the nearest keys. Changing it replaces the connection (see **Destroying**).",
				Required:      true,
				Validators:    []validator.String{platformKeyValidator()},
				PlanModifiers: replace,
			},
			"delete_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Set `true` to have destroy (or replacement) **delete** the connection even when it is or was linked, with the data Codat read through it. " +
					"By default (`false`) only a connection the business never authorised (`PendingAuth`) is deleted; a `Linked` one is unlinked and kept, and a `Deauthorized` or `Unlinked` one is left as it is. " +
					"Changed in place, without a request; it applies to destroys after it has been applied.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"status": computedOnce("Where the business is: `PendingAuth` (not authorised yet), `Linked` (authorised; data can sync), `Deauthorized` (was linked, access revoked: the business must authorise again through `link_url`) or `Unlinked`. " +
				"Changes at Codat appear on refresh without a plan diff."),
			"link_url":      computedOnce("The URL to send the business to authorise this connection."),
			"source_type":   computedOnce("`Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense`, `Other` or `Unknown`."),
			"platform_name": computedOnce("The platform's name, such as `Xero`."),
			"created":       computedOnce("When the connection was created (ISO 8601, as Codat reports it)."),
			"last_sync":     computedOnce("When data last synced through this connection (ISO 8601); null before the first sync. Updated on refresh."),
		},
	}
}

// ModifyPlan checks a new platform against Codat's catalogue, so that a typo
// fails the plan, and claims the company's platform so that no other
// resource manages the same connection (connection_claims.go).
func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	plan, state := planAndPrior[connectionResourceModel](ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	priorKey := types.StringNull()
	if state != nil {
		priorKey = state.PlatformKey
	}
	r.checkPlannedPlatform(ctx, plan.PlatformKey, priorKey, &resp.Diagnostics)
	// A change of company or platform replaces the connection, and Terraform
	// then plans the replacement again without a prior state: that plan
	// claims, and claiming in both would clash with itself.
	if replacing := state != nil && (!plan.CompanyID.Equal(state.CompanyID) || !plan.PlatformKey.Equal(state.PlatformKey)); !replacing {
		resp.Diagnostics.Append(r.data.claims.claim(plan.CompanyID, plan.PlatformKey, claimedByConnection, path.Root("platform_key"))...)
	}
}

// Create adopts the company's connection to the platform that is not
// Unlinked, if it has one (codat.Company.AdoptableConnection), or makes one.
func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := modelAndClient[connectionResourceModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	companyID, platformKey := plan.CompanyID.ValueString(), plan.PlatformKey.ValueString()
	if !r.requirePlatform(ctx, platformKey, &resp.Diagnostics) {
		return
	}
	company, err := client.GetCompany(ctx, companyID)
	if err != nil {
		addCompanyReadError(&resp.Diagnostics, companyID, fmt.Sprintf("Could not read Codat company %s", companyID), err)
		return
	}
	known := company.ConnectionIDs()
	conn, err := client.ConnectPlatform(ctx, company, platformKey, r.data.catalogue)
	var connectErr *codat.ConnectError
	switch {
	case errors.As(err, &connectErr):
		detail := apiErrorDetail(connectErr.Err) + keptAccountingHint(connectErr)
		if codat.OutcomeUnknown(connectErr.Err) {
			detail += "\n\nCodat may have made the connection anyway; if it did, the next apply adopts it instead of making another."
		}
		resp.Diagnostics.AddAttributeError(path.Root("platform_key"), fmt.Sprintf("Could not connect Codat company %s to %s", companyID, platformKey), detail)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not connect Codat company %s to %s", companyID, platformKey), err)
		return
	}
	if slices.Contains(known, conn.ID) {
		tflog.Info(ctx, "adopted the company's existing connection instead of making another",
			map[string]any{"company_id": companyID, "connection_id": conn.ID, "status": string(conn.Status)})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, connectionToModel(conn, companyID, platformKey, plan.DeleteOnDestroy))...)
	resp.Diagnostics.Append(setConnectionIdentity(ctx, resp.Identity, companyID, conn.ID)...)
}

// Read follows the connection at Codat; one deleted there (or whose
// company was) is removed from state, and the next plan makes it again.
func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, _, ok := modelAndClient[connectionResourceModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	companyID, id := state.CompanyID.ValueString(), state.ID.ValueString()
	resp.Diagnostics.Append(setConnectionIdentity(ctx, resp.Identity, companyID, id)...)
	// From the run's company list when that is cheaper; a listed connection
	// that differs from the state is read on its own.
	conn, err := r.data.companies.Connection(ctx, companyID, id, func(listed *codat.Connection) bool {
		return connectionToModel(listed, companyID, state.PlatformKey.ValueString(), state.DeleteOnDestroy) == state
	})
	switch {
	case codat.IsNotFound(err):
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read connection %s of Codat company %s", id, companyID), err)
		return
	}
	platformKey := state.PlatformKey.ValueString()
	if platformKey == "" { // just imported
		keys, err := r.data.catalogue.PlatformKeys(ctx, *conn)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Could not look up the platform of the imported connection", err)
			return
		}
		platformKey = conn.PlatformKey(keys)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, connectionToModel(conn, companyID, platformKey, state.DeleteOnDestroy))...)
}

// Update changes delete_on_destroy, which only Terraform holds: everything
// else replaces the connection.
func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectionResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.DeleteOnDestroy = plan.DeleteOnDestroy
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setConnectionIdentity(ctx, resp.Identity, state.CompanyID.ValueString(), state.ID.ValueString())...)
}

// Delete releases the connection by codat.Client.ReleaseConnection's rule:
// deleted if never linked (or if delete_on_destroy), else unlinked or kept.
func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := modelAndClient[connectionResourceModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	companyID, id := state.CompanyID.ValueString(), state.ID.ValueString()
	released, was, err := client.ReleaseConnection(ctx, companyID, id, state.DeleteOnDestroy.ValueBool())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not release connection %s of Codat company %s", id, companyID), err)
		return
	}
	tflog.Info(ctx, "released the connection", map[string]any{
		"company_id": companyID, "connection_id": id, "status": string(was), "action": string(released)})
}

func (r *connectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	connectionIdentitySchema(resp)
}

// ImportState takes "<company id>/<connection id>", or the identity; Read
// fills in the rest.
func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	given := req.ID
	if given == "" && req.Identity != nil {
		var identity connectionIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		given = identity.CompanyID.ValueString() + "/" + identity.ID.ValueString()
	}
	companyID, id, ok := strings.Cut(strings.TrimSpace(given), "/")
	if !ok || !uuidPattern.MatchString(companyID) || !uuidPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid codat_connection import id",
			fmt.Sprintf("Import expects <company id>/<connection id>, two UUIDs such as 8a210b68-6988-11ed-a1eb-0242ac120002/2e9d2c44-f675-40ba-8049-353bfcb5e171, got %q. "+
				"The codat_companies data source lists each company's connections.", given))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("company_id"), companyID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_on_destroy"), false)...)
}

// connectionToModel is the one mapping from a Codat connection to the
// resource's data. platformKey and deleteOnDestroy are what Codat does not
// hold in this form.
func connectionToModel(conn *codat.Connection, companyID, platformKey string, deleteOnDestroy types.Bool) connectionResourceModel {
	if deleteOnDestroy.IsNull() || deleteOnDestroy.IsUnknown() {
		deleteOnDestroy = types.BoolValue(false)
	}
	return connectionResourceModel{
		ID:              types.StringValue(conn.ID),
		CompanyID:       types.StringValue(companyID),
		PlatformKey:     types.StringValue(platformKey),
		DeleteOnDestroy: deleteOnDestroy,
		Status:          types.StringValue(string(conn.Status)),
		LinkURL:         types.StringValue(conn.LinkURL),
		SourceType:      types.StringValue(conn.SourceType),
		PlatformName:    types.StringValue(conn.PlatformName),
		Created:         optionalString(conn.Created),
		LastSync:        optionalString(conn.LastSync),
	}
}
