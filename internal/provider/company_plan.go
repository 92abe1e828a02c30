package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

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

// managedConnectionPlan reads what managedConnectionChanges needs from a plan
// request. create is true when there is no prior state.
func managedConnectionPlan(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (changes, create bool, planKey types.String, diags diag.Diagnostics) {
	diags.Append(plan.GetAttribute(ctx, path.Root("platform_key"), &planKey)...)
	if state.Raw.IsNull() {
		return true, true, planKey, diags
	}
	var stateKey, stateConnection types.String
	diags.Append(state.GetAttribute(ctx, path.Root("platform_key"), &stateKey)...)
	diags.Append(state.GetAttribute(ctx, path.Root("connection_id"), &stateConnection)...)
	return managedConnectionChanges(planKey, stateKey, stateConnection), false, planKey, diags
}

// keepConnectionString plans a string derived from the managed connection:
// the prior value while the managed connection stays, none when platform_key
// is removed (or never set), and "known after apply" when a connection is
// created or adopted.
type keepConnectionString struct {
	none types.String
}

func (m keepConnectionString) Description(context.Context) string {
	return "Keeps its value unless platform_key changes or the managed connection has to be created."
}

func (m keepConnectionString) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepConnectionString) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	changes, create, planKey, diags := managedConnectionPlan(ctx, req.Plan, req.State)
	resp.Diagnostics.Append(diags...)
	switch {
	case diags.HasError():
	case changes && planKey.IsNull():
		resp.PlanValue = m.none
	case changes:
		resp.PlanValue = types.StringUnknown()
	case !create && resp.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
}

// keepConnectionList is keepConnectionString for the connections list, which
// is only known after apply whenever a connection may be created or deleted.
type keepConnectionList struct{}

func (m keepConnectionList) Description(context.Context) string {
	return "Keeps its value unless platform_key changes or the managed connection has to be created."
}

func (m keepConnectionList) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepConnectionList) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	changes, _, _, diags := managedConnectionPlan(ctx, req.Plan, req.State)
	resp.Diagnostics.Append(diags...)
	switch {
	case diags.HasError():
	case changes:
		resp.PlanValue = types.ListUnknown(connectionObjectType)
	case resp.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
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
	conns, diags := connectionsOf(ctx, state.Connections)
	switchedOn := state.TemporaryName.IsNull()
	fieldChanged := !plan.NameFromPlatform.Equal(state.NameFromPlatform)
	if (switchedOn || fieldChanged) && anyLinked(conns) {
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
	if clean := sanitizeCompanyName(platformName); clean != "" {
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

func anyLinked(conns []connectionModel) bool {
	return slices.ContainsFunc(conns, func(c connectionModel) bool { return c.Status.ValueString() == codat.StatusLinked })
}

func anyLinkedAPI(conns []codat.Connection) bool {
	return slices.ContainsFunc(conns, func(c codat.Connection) bool { return c.Status == codat.StatusLinked })
}

// adoptableConnection is the company's connection to platformKey that
// Terraform manages instead of creating another: any that is not Unlinked,
// preferring Linked, then Deauthorized, then PendingAuth, then the oldest.
func adoptableConnection(conns []codat.Connection, platformKey string, keyOf map[string]string) *codat.Connection {
	rank := func(status string) int {
		switch status {
		case codat.StatusLinked:
			return 0
		case codat.StatusDeauthorized:
			return 1
		case codat.StatusPendingAuth:
			return 2
		}
		return 3
	}
	var best *codat.Connection
	for i := range conns {
		c := &conns[i]
		if c.Status == codat.StatusUnlinked || platformKeyOf(*c, keyOf) != platformKey {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(rank(c.Status), rank(best.Status)), strings.Compare(c.Created, best.Created), strings.Compare(c.ID, best.ID)) < 0 {
			best = c
		}
	}
	return best
}

// connectionIDs is the ids of conns, in order.
func connectionIDs(conns []codat.Connection) []string {
	ids := make([]string, len(conns))
	for i, c := range conns {
		ids[i] = c.ID
	}
	return ids
}

// findConnection returns the company's connection with id, or nil.
func findConnection(conns []codat.Connection, id string) *codat.Connection {
	for i := range conns {
		if conns[i].ID == id {
			return &conns[i]
		}
	}
	return nil
}

// checkPlatform finds platformKey in the catalogue. An unknown or disabled
// key gives a detail that names the nearest enabled platforms (see
// platform_keys.go).
func checkPlatform(catalogue []codat.Integration, platformKey string) (codat.Integration, string) {
	in, ok := findPlatform(catalogue, platformKey)
	switch {
	case !ok:
		return in, unknownPlatformKeyDetail(catalogue, platformKey)
	case in.Enabled:
		return in, ""
	}
	detail := fmt.Sprintf("The platform %q (%s) is disabled for this Codat client. Enable it in the Codat Portal (Settings > Integrations), or choose an enabled platform.", in.Key, in.Name)
	enabled := slices.DeleteFunc(likelyPlatformKeys(catalogue, platformKey, 6), func(i codat.Integration) bool { return !i.Enabled })
	if len(enabled) > 3 {
		enabled = enabled[:3]
	}
	if len(enabled) > 0 {
		detail += fmt.Sprintf(" Did you mean %s?", formatPlatformKeys(enabled))
	}
	return in, detail
}

// platformKeysFor maps integrationId to platform key for the connections
// whose integrationKey Codat left out. It costs the catalogue request (once
// per run) only when one is missing.
func platformKeysFor(ctx context.Context, data *providerData, conns ...codat.Connection) (map[string]string, error) {
	if !slices.ContainsFunc(conns, func(c codat.Connection) bool { return c.IntegrationKey == "" }) {
		return nil, nil
	}
	catalogue, err := data.integrations(ctx)
	if err != nil {
		return nil, err
	}
	keys := make(map[string]string, len(catalogue))
	for _, in := range catalogue {
		if in.IntegrationID != "" {
			keys[in.IntegrationID] = in.Key
		}
	}
	return keys, nil
}
