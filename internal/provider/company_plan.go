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

// How codat_company plans what depends on more than its own value: whether
// an apply touches the managed connection, and the name under temporary
// names. ModifyPlan and the plan modifiers in planmodifiers.go use these,
// and Update follows the same rules.

// name_from_platform values.
const (
	nameFromCompanyName = "company_name"
	nameFromLegalName   = "legal_name"
)

// managedConnectionChanges is the one rule, shared by the plan and by Update,
// for when an apply touches the managed connection: platform_key changes (or
// is not known yet), or it is set but the company has no managed connection
// (its creation failed, or it was deleted outside Terraform).
func managedConnectionChanges(planKey, stateKey, stateConnectionID types.String) bool {
	if planKey.IsUnknown() || !planKey.Equal(stateKey) {
		return true
	}
	return !planKey.IsNull() && stateConnectionID.IsNull()
}

// planCompanyName plans name and platform_company_name, which depend on each
// other when temporary_name is used:
//
//   - with name, platform_company_name is null;
//   - on create, the company is created with temporary_name;
//   - afterwards the name is the platform's name (platform_company_name, as
//     Read found it, with the characters Codat does not allow removed) once
//     known, else temporary_name;
//   - when temporary names are switched on, or name_from_platform changes,
//     while a connection is Linked, Update fetches the platform's name, so
//     both are known after apply.
func planCompanyName(ctx context.Context, plan *companyModel, state *companyModel) diag.Diagnostics {
	if plan.TemporaryName.IsNull() {
		plan.PlatformCompanyName = types.StringNull()
		return nil
	}
	if plan.TemporaryName.IsUnknown() {
		plan.Name = types.StringUnknown()
		plan.PlatformCompanyName = types.StringUnknown()
		return nil
	}
	if state == nil {
		plan.Name = plan.TemporaryName
		plan.PlatformCompanyName = types.StringNull()
		return nil
	}
	linked, diags := anyLinked(ctx, state.Connections)
	switchedOn := state.TemporaryName.IsNull()
	fieldChanged := !plan.NameFromPlatform.Equal(state.NameFromPlatform)
	if (switchedOn || fieldChanged) && linked {
		plan.Name = types.StringUnknown()
		plan.PlatformCompanyName = types.StringUnknown()
		return diags
	}
	platformName := types.StringNull()
	if !switchedOn {
		platformName = state.PlatformCompanyName
	}
	plan.PlatformCompanyName = platformName
	plan.Name = types.StringValue(nameFor(plan.TemporaryName.ValueString(), platformName.ValueString()))
	return diags
}

// nameFor is the name a company using temporary_name should have: the
// platform's name, made acceptable to Codat, or the temporary name while
// there is none.
func nameFor(temporaryName, platformName string) string {
	if clean := codat.SanitizeCompanyName(platformName); clean != "" {
		return clean
	}
	return temporaryName
}

// platformNameFrom picks the name that name_from_platform asks for.
func platformNameFrom(info *codat.CompanyInfo, field types.String) string {
	if field.ValueString() == nameFromLegalName {
		return info.CompanyLegalName
	}
	return info.CompanyName
}

// anyLinked reports whether the connections attribute (from state) has a
// Linked connection.
func anyLinked(ctx context.Context, list types.List) (bool, diag.Diagnostics) {
	conns, diags := connectionsOf(ctx, list)
	var company codat.Company
	for _, c := range conns {
		company.DataConnections = append(company.DataConnections, codat.Connection{Status: codat.ConnectionStatus(c.Status.ValueString())})
	}
	return company.HasLinkedConnection(), diags
}

// ModifyPlan refuses to destroy a protected company, plans the name when
// temporary names are used, checks a new platform_key against Codat's
// catalogue so that a typo fails the plan reviewed in a pull request, and
// claims the platform so that no codat_connection manages it too.
func (r *companyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		var state companyModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !resp.Diagnostics.HasError() && state.DeletionProtection.ValueBool() {
			resp.Diagnostics.Append(deletionProtectedError(state))
		}
		return
	}
	plan, state := planAndPrior[companyModel](ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(planCompanyName(ctx, &plan, state)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("name"), plan.Name)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("platform_company_name"), plan.PlatformCompanyName)...)

	newKey := !plan.PlatformKey.IsNull() && !plan.PlatformKey.IsUnknown() && (state == nil || !plan.PlatformKey.Equal(state.PlatformKey))
	var problem *codat.PlatformError
	// A catalogue that cannot be read now is checked again at apply, which
	// reports the error.
	if newKey && r.data != nil && errors.As(r.data.catalogue.CheckPlatform(ctx, plan.PlatformKey.ValueString()), &problem) {
		addPlatformError(&resp.Diagnostics, "platform_key", problem, "")
	}
	if r.data != nil {
		resp.Diagnostics.Append(r.data.claims.claim(plan.ID, plan.PlatformKey, claimedByCompany, path.Root("platform_key"))...)
	}
}

// plannedName is the name to apply: the planned one, or, when the plan left
// it to apply time (temporary names), the platform's name read now.
func (r *companyResource) plannedName(ctx context.Context, plan, state companyModel, carry *companyCarry, diags *diag.Diagnostics) string {
	if !plan.Name.IsUnknown() && !plan.PlatformCompanyName.IsUnknown() {
		return plan.Name.ValueString()
	}
	platformName := types.StringNull()
	if !state.TemporaryName.IsNull() {
		platformName = state.PlatformCompanyName
	}
	linked, d := anyLinked(ctx, state.Connections)
	diags.Append(d...)
	if linked {
		if fetched, ok := r.platformName(ctx, state.ID.ValueString(), plan.NameFromPlatform, diags); ok {
			platformName = fetched
		}
	}
	carry.PlatformCompanyName = platformName
	return nameFor(plan.TemporaryName.ValueString(), platformName.ValueString())
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
