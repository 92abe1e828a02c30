package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The custom plan modifiers and defaults of this provider. Each plans a
// value that depends on another attribute, or on a map key, which the
// framework's own (UseStateForUnknown, RequiresReplace, static defaults)
// cannot.

// computedOnce is a read-only string that does not change once known (an
// id, a creation time): planned as its prior value, not "known after apply".
func computedOnce(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// keepConnectionString plans a codat_company string derived from the managed
// connection: the prior value while the managed connection stays, none when
// platform_key is removed (or never set), and "known after apply" when a
// connection is created or adopted.
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

// keepConnectionList is keepConnectionString for codat_company's
// connections, which is only known after apply whenever a connection may be
// created or deleted.
type keepConnectionList struct{}

func (m keepConnectionList) Description(context.Context) string {
	return keepConnectionString{}.Description(context.Background())
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

// managedConnectionPlan reads what managedConnectionChanges needs from a
// codat_company plan. create is true when there is no prior state.
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

// syncOrderDefault defaults sync_order to the data type's position in
// Codat's DataType list; the data type is the data_types key in its path.
type syncOrderDefault struct{}

func (syncOrderDefault) Description(context.Context) string {
	return "the data type's 0-based position in Codat's DataType list"
}

func (d syncOrderDefault) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (syncOrderDefault) DefaultInt64(_ context.Context, req defaults.Int64Request, resp *defaults.Int64Response) {
	resp.PlanValue = types.Int64Value(int64(codat.DataTypeOrder(dataTypeOf(req.Path))))
}

// dataTypeOf is the data_types key in the path of one of its attributes.
func dataTypeOf(p path.Path) string {
	step, _ := p.ParentPath().Steps().LastStep()
	if key, ok := step.(path.PathStepElementKeyString); ok {
		return string(key)
	}
	return ""
}

// keepFromCodat plans an optional history attribute of a data type
// (sync_from, sync_from_window_months, months_to_sync) left out of the
// configuration: it keeps the value Codat has, unless the conflicting one
// (conflictsWith) is configured, or the data type is not one of onlyFor.
type keepFromCodat struct {
	conflictsWith string
	onlyFor       []string
}

func (m keepFromCodat) Description(context.Context) string {
	if m.onlyFor != nil {
		return "Null except for " + strings.Join(m.onlyFor, " and ") + "; left out, keeps the value Codat has."
	}
	return "Left out, keeps the value Codat has, unless " + m.conflictsWith + " is set."
}

func (m keepFromCodat) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m keepFromCodat) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if plan, ok := m.plan(ctx, req.Path, req.ConfigValue, req.StateValue, req.Config, req.State, &resp.Diagnostics); ok {
		resp.PlanValue = plan.(types.String)
	}
}

func (m keepFromCodat) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if plan, ok := m.plan(ctx, req.Path, req.ConfigValue, req.StateValue, req.Config, req.State, &resp.Diagnostics); ok {
		resp.PlanValue = plan.(types.Int64)
	}
}

// plan returns the planned value and true, or false to leave the
// framework's plan (the configured value) as it is.
func (m keepFromCodat) plan(ctx context.Context, p path.Path, config, prior attr.Value, cfg tfsdk.Config, state tfsdk.State, diags *diag.Diagnostics) (attr.Value, bool) {
	null, unknown := nullOf(config), unknownOf(config)
	switch {
	case m.onlyFor != nil && !slices.Contains(m.onlyFor, dataTypeOf(p)):
		return null, true
	case !config.IsNull():
		return nil, false
	}
	if m.conflictsWith != "" {
		var other attr.Value
		diags.Append(cfg.GetAttribute(ctx, p.ParentPath().AtName(m.conflictsWith), &other)...)
		switch {
		case diags.HasError():
			return nil, false
		case other.IsUnknown():
			return unknown, true
		case !other.IsNull():
			return null, true
		}
	}
	if state.Raw.IsNull() {
		return unknown, true
	}
	// A data type already managed keeps Codat's value, as read into state;
	// a newly named one is read at apply.
	var priorObject types.Object
	diags.Append(state.GetAttribute(ctx, p.ParentPath(), &priorObject)...)
	if diags.HasError() || priorObject.IsNull() || priorObject.IsUnknown() {
		return unknown, true
	}
	return prior, true
}

func nullOf(v attr.Value) attr.Value {
	if _, ok := v.(types.Int64); ok {
		return types.Int64Null()
	}
	return types.StringNull()
}

func unknownOf(v attr.Value) attr.Value {
	if _, ok := v.(types.Int64); ok {
		return types.Int64Unknown()
	}
	return types.StringUnknown()
}
