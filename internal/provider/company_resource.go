package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                     = (*companyResource)(nil)
	_ resource.ResourceWithConfigure        = (*companyResource)(nil)
	_ resource.ResourceWithConfigValidators = (*companyResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*companyResource)(nil)
	_ resource.ResourceWithImportState      = (*companyResource)(nil)
	_ resource.ResourceWithIdentity         = (*companyResource)(nil)
)

// privateImported marks, in private state, a company just imported, so that
// Read adopts its only connection.
const privateImported = "imported"

// NewCompanyResource is the codat_company resource.
func NewCompanyResource() resource.Resource {
	return &companyResource{resourceBase{typeName: "company"}}
}

type companyResource struct {
	resourceBase
}

func (r *companyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, _, ok := modelAndClient[companyModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
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

	created, err := r.data.creations.CreateCompany(ctx, body, platformKey, r.data.catalogue)
	var unconfirmed *codat.UnconfirmedError
	switch {
	case errors.As(err, &unconfirmed):
		resp.Diagnostics.AddError("Could not finish creating Codat company",
			fmt.Sprintf("Company %q (%s) was created, but Terraform could not remove its %s tag, which it must do before recording the company: %s\n\n"+
				"Nothing was recorded in state. Apply again with the same configuration: the next apply finds the company by that tag and adopts it (after a wait of up to %s) instead of creating another.",
				name, unconfirmed.CompanyID, codat.CreationTagKey, apiErrorDetail(unconfirmed.Err), unconfirmed.RetryAfter))
		return
	case err != nil:
		resp.Diagnostics.AddError("Could not create Codat company", apiErrorDetail(err)+createFailureHint(err, name))
		return
	}
	company := created.Company
	resp.Diagnostics.Append(companyIdentity.set(ctx, resp.Identity, company.ID)...)
	// Its id was unknown when it was planned: claim its platform now, before
	// a codat_connection on the new company is planned again for apply. (A
	// clash is a warning here: an error would taint the new company.)
	for _, d := range r.data.claims.claim(types.StringValue(company.ID), plan.PlatformKey, claimedByCompany, path.Root("platform_key")) {
		resp.Diagnostics.AddWarning(d.Summary(), d.Detail())
	}
	if created.Adopted {
		resp.Diagnostics.AddWarning("Adopted a Codat company left by an interrupted apply",
			fmt.Sprintf("Company %q (%s) was created by an earlier apply with this same configuration, which was interrupted before Terraform could record it. Terraform now manages it instead of creating another.", name, company.ID))
	}
	if created.ConnectionErr != nil {
		resp.Diagnostics.Append(connectionNotCreatedWarning(ctx, company, name, platformKey, created.ConnectionErr))
	}

	carry := carryFrom(plan)
	carry.ManagedConnectionID = ""
	carry.PlatformCompanyName = types.StringNull()
	if created.Managed != nil {
		carry.ManagedConnectionID = created.Managed.ID
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
	state, _, ok := modelAndClient[companyModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	resp.Diagnostics.Append(companyIdentity.set(ctx, resp.Identity, id)...)
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	var company *codat.Company
	var err error
	if len(imported) > 0 {
		// Just imported: the state holds nothing a listed company could
		// match, so it is read on its own, without making the run list.
		company, err = r.data.client.GetManagedCompany(ctx, id)
	} else {
		// From the run's company list when that is cheaper; a listed company
		// that differs from the state is read on its own before anything changes.
		company, err = r.data.companies.ManagedCompany(ctx, id, func(listed *codat.Company) bool {
			model, diags := r.toModel(ctx, listed, carryFrom(state))
			return !diags.HasError() && sameModel(model, state)
		})
	}
	if codat.IsNotFound(err) {
		// Deleted outside Terraform: the next plan creates it again.
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat company %s", id), err)
		return
	}

	carry := carryFrom(state)
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
		if conn := company.ConnectionAdoptedOnImport(); conn != nil {
			keys, err := r.data.catalogue.PlatformKeys(ctx, *conn)
			if err != nil {
				addAPIError(&resp.Diagnostics, "Could not look up the platform of the imported company's connection", err)
				return
			}
			carry.PlatformKey = optionalString(conn.PlatformKey(keys))
			carry.ManagedConnectionID = conn.ID
		}
	}
	if !state.TemporaryName.IsNull() && company.HasLinkedConnection() {
		if platformName, ok := r.platformName(ctx, id, state.NameFromPlatform, &resp.Diagnostics); ok {
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
	resp.Diagnostics.Append(companyIdentity.set(ctx, resp.Identity, id)...)
	platformKey := plan.PlatformKey.ValueString()
	platformChange := managedConnectionChanges(plan.PlatformKey, state.PlatformKey, state.ConnectionID)
	// Check the new platform before changing anything.
	if platformChange && platformKey != "" && !r.requirePlatform(ctx, platformKey, &resp.Diagnostics) {
		return
	}
	carry := carryFrom(plan)
	carry.ManagedConnectionID = state.ConnectionID.ValueString()
	name := r.plannedName(ctx, plan, state, &carry, &resp.Diagnostics)
	body, diags := companyRequest(ctx, name, plan)
	resp.Diagnostics.Append(diags...)
	stateTags, diags := tagsOf(ctx, state.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Name, description and tags: one PUT, only if one of them changes.
	var company *codat.Company
	if body.Name != state.Name.ValueString() || body.Description != state.Description.ValueString() || !sameTags(body.Tags, stateTags) {
		if company = r.replace(ctx, id, body, &resp.Diagnostics); company == nil {
			return
		}
	}
	if platformChange && company == nil {
		got, err := client.GetCompany(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not read Codat company %s before changing its platform", id), err)
			return
		}
		company = got
		// Changed at Codat since the plan: put the configured values back.
		if company.Name != body.Name || company.Description != body.Description || !sameTags(company.Tags, body.Tags) {
			if company = r.replace(ctx, id, body, &resp.Diagnostics); company == nil {
				return
			}
		}
	}

	if platformChange {
		managed, err := client.SwitchPlatform(ctx, company, carry.ManagedConnectionID, platformKey, r.data.catalogue)
		var connectErr *codat.ConnectError
		switch {
		case errors.As(err, &connectErr):
			carry.ManagedConnectionID = ""
			resp.Diagnostics.AddAttributeError(path.Root("platform_key"), fmt.Sprintf("Could not connect Codat company %s to %s", id, platformKey), connectErrorDetail(connectErr))
		case err != nil:
			carry.PlatformKey = state.PlatformKey
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not change the platform of Codat company %s", id), err)
		default:
			carry.ManagedConnectionID = ""
			if managed != nil {
				carry.ManagedConnectionID = managed.ID
			}
		}
		if err != nil {
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

func (r *companyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	companyIdentity.schema(resp)
}

// ImportState takes a company id, as a string or as the identity. Read then
// fills in the rest and, if the company has exactly one connection, adopts
// it as the managed one.
func (r *companyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !companyIdentity.importUUID(ctx, req, resp, "Invalid Codat company id", func(given string) string {
		return fmt.Sprintf("Import expects a Codat company id, a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002, got %q. Find it in the Codat Portal or with GET /companies.", given)
	}) {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// replace sends the company's name, description and tags (PUT); nil when
// it failed.
func (r *companyResource) replace(ctx context.Context, id string, body codat.CompanyRequest, diags *diag.Diagnostics) *codat.Company {
	company, err := r.data.client.ReplaceCompany(ctx, id, body)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Could not update Codat company %s", id), err)
	}
	return company
}
