package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// This file is what codat_sync_schedule and codat_profile_sync_settings
// share: the data_types attribute (one object per Codat data type), its
// validation and planning, the one mapping from Codat's SyncSettings to it,
// and the request body built from a plan.

// syncSettingModel is one element of data_types.
type syncSettingModel struct {
	SyncEvery            types.String `tfsdk:"sync_every"`
	FetchOnFirstLink     types.Bool   `tfsdk:"fetch_on_first_link"`
	SyncOrder            types.Int64  `tfsdk:"sync_order"`
	SyncFrom             types.String `tfsdk:"sync_from"`
	SyncFromWindowMonths types.Int64  `tfsdk:"sync_from_window_months"`
	MonthsToSync         types.Int64  `tfsdk:"months_to_sync"`
}

var syncSettingAttrTypes = map[string]attr.Type{
	"sync_every":              types.StringType,
	"fetch_on_first_link":     types.BoolType,
	"sync_order":              types.Int64Type,
	"sync_from":               types.StringType,
	"sync_from_window_months": types.Int64Type,
	"months_to_sync":          types.Int64Type,
}

var syncSettingObjectType = types.ObjectType{AttrTypes: syncSettingAttrTypes}

// sync_every: Codat schedules "from hourly to monthly", in whole hours.
const (
	minSyncHours = 1
	maxSyncHours = 720
	// hourlyBelow is the shortest schedule Codat's Free plan allows; anything
	// shorter is an "hourly" schedule and refused with 402.
	hourlyBelow = 24
)

// syncEveryPresets name the usual intervals, shortest first.
var syncEveryPresets = []struct {
	name  string
	hours int
}{{"hourly", 1}, {"daily", 24}, {"weekly", 168}, {"monthly", 720}}

var syncEveryHoursPattern = regexp.MustCompile(`^([0-9]{1,6})h$`)

// monthsToSyncTypes are the only data types with monthsToSync.
var monthsToSyncTypes = []string{"balanceSheet", "profitAndLoss"}

func monthsToSyncApplies(dataType string) bool { return slices.Contains(monthsToSyncTypes, dataType) }

// syncEveryHours reads a sync_every value: a preset or "<n>h".
func syncEveryHours(s string) (int, bool) {
	for _, p := range syncEveryPresets {
		if s == p.name {
			return p.hours, true
		}
	}
	m := syncEveryHoursPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// syncEveryFor writes Codat's hours as sync_every: the prior value (from
// state or plan) when it means the same hours, so "24h" stays "24h" and
// "daily" stays "daily"; else the preset with exactly these hours; else
// "<n>h". A change at Codat therefore shows as a diff, and a value never
// flips between two spellings.
func syncEveryFor(hours int, prior types.String) types.String {
	if !prior.IsNull() && !prior.IsUnknown() {
		if h, ok := syncEveryHours(prior.ValueString()); ok && h == hours {
			return prior
		}
	}
	for _, p := range syncEveryPresets {
		if p.hours == hours {
			return types.StringValue(p.name)
		}
	}
	return types.StringValue(fmt.Sprintf("%dh", hours))
}

const syncFromDateLayout = "2006-01-02"

// parseSyncFrom reads a configured sync_from: a date or an RFC 3339
// date-time.
func parseSyncFrom(s string) (time.Time, bool) {
	if t, err := time.Parse(syncFromDateLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// parseSyncFromCodat reads a date-time as Codat may return it: what
// parseSyncFrom accepts, or a date-time without a zone, taken as UTC.
func parseSyncFromCodat(s string) (time.Time, bool) {
	if t, ok := parseSyncFrom(s); ok {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// syncFromUTC is the syncFromUtc sent for a sync_from: the instant in UTC
// (a date is its midnight UTC). A value that cannot be read is sent as it is.
func syncFromUTC(s string) string {
	t, ok := parseSyncFromCodat(s)
	if !ok {
		return s
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// syncFromFor writes Codat's syncFromUtc as sync_from, keeping the prior
// spelling (from state or plan) when it is the same instant. Without one (an
// import, or a change made at Codat) it is a date when Codat's value is
// midnight UTC, else an RFC 3339 date-time in UTC.
func syncFromFor(codatValue string, prior types.String) types.String {
	if codatValue == "" {
		return types.StringNull()
	}
	t, ok := parseSyncFromCodat(codatValue)
	if !ok {
		return types.StringValue(codatValue)
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		if p, ok := parseSyncFromCodat(prior.ValueString()); ok && p.Equal(t) {
			return prior
		}
	}
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return types.StringValue(t.Format(syncFromDateLayout))
	}
	return types.StringValue(t.Format(time.RFC3339Nano))
}

// syncOrderDefault is a data type's 0-based position in Codat's DataType
// list (accountTransactions 0, balanceSheet 1, ... invoices 14, ...).
func syncOrderDefault(dataType string) int {
	if i := slices.Index(codat.DataTypes, dataType); i >= 0 {
		return i
	}
	return 0
}

// dataTypesAttribute is the data_types schema, with the resource's own
// description.
func dataTypesAttribute(description string) schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators: []validator.Map{
			mapvalidator.SizeAtLeast(1),
			mapvalidator.KeysAre(dataTypeValidator{}),
		},
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"sync_every": schema.StringAttribute{
					MarkdownDescription: "How often Codat refreshes this data type: `hourly` (1 hour), `daily` (24), `weekly` (168), `monthly` (720), or a number of hours such as `\"12h\"` or `\"36h\"`, from `1h` to `720h` (Codat schedules from hourly to monthly). " +
						"Codat stores hours, so `daily` and `\"24h\"` are the same schedule; the spelling you write is kept. " +
						"A schedule under 24 hours needs a Codat plan with hourly syncs: on the Free plan Codat refuses it (HTTP 402) and the apply fails naming the data types concerned, changing nothing.",
					Required:   true,
					Validators: []validator.String{syncEveryValidator{}},
				},
				"fetch_on_first_link": schema.BoolAttribute{
					MarkdownDescription: "Whether Codat fetches this data type as soon as a business links a platform (and on a refresh of all data). Defaults to `true`: a data type you name here is one you want synced.",
					Optional:            true,
					Computed:            true,
					Default:             booldefault.StaticBool(true),
				},
				"sync_order": schema.Int64Attribute{
					MarkdownDescription: "Where this data type is placed in Codat's fetch queue; lower numbers are fetched first. At least 0. " +
						"Defaults to the data type's 0-based position in Codat's DataType list (`accountTransactions` 0, `balanceSheet` 1, `chartOfAccounts` 8, `company` 9, `invoices` 14, `profitAndLoss` 21, `banking-accounts` 29, ...), which keeps the data types you name in a fixed, documented order.",
					Optional:   true,
					Computed:   true,
					Default:    syncOrderDefaulter{},
					Validators: []validator.Int64{int64validator.AtLeast(0)},
				},
				"sync_from": schema.StringAttribute{
					MarkdownDescription: "Fetch this data type's records from this moment on: a date (`\"2024-01-01\"`, midnight UTC) or an RFC 3339 date-time (`\"2024-01-01T00:00:00Z\"`, sent to Codat in UTC). " +
						"Set this or `sync_from_window_months`, not both. Setting one makes the other null. If you set neither, the data type keeps the history range Codat has for it now (shown in state, and not changed by Terraform).",
					Optional:      true,
					Computed:      true,
					Validators:    []validator.String{syncFromValidator{}},
					PlanModifiers: []planmodifier.String{keepFromCodatString{conflictsWith: "sync_from_window_months"}},
				},
				"sync_from_window_months": schema.Int64Attribute{
					MarkdownDescription: "Fetch this many months of history (a rolling window), at least 1. Set this or `sync_from`, not both. If you set neither, the data type keeps the history range Codat has for it now.",
					Optional:            true,
					Computed:            true,
					Validators:          []validator.Int64{int64validator.AtLeast(1)},
					PlanModifiers:       []planmodifier.Int64{keepFromCodatInt64{conflictsWith: "sync_from"}},
				},
				"months_to_sync": schema.Int64Attribute{
					MarkdownDescription: "Only for `balanceSheet` and `profitAndLoss`: how many monthly periods of the statement Codat fetches, at least 1. " +
						"Any other data type with it is an error at plan time; for them it is always null. If left out, the statement keeps the value Codat has for it now.",
					Optional:      true,
					Computed:      true,
					Validators:    []validator.Int64{int64validator.AtLeast(1)},
					PlanModifiers: []planmodifier.Int64{keepFromCodatInt64{onlyFor: monthsToSyncTypes}},
				},
			},
		},
	}
}

// dataTypesRules is the part of the data_types description both resources
// share: what an omitted attribute means.
const dataTypesRules = "Each key is a Codat data type, case-sensitive, such as `invoices`, `balanceSheet` or `banking-transactions` (an unknown one is an error at plan time naming the nearest ones). " +
	"For each, `sync_every` is required; `fetch_on_first_link` and `sync_order` have documented defaults; `sync_from`, `sync_from_window_months` and `months_to_sync` keep Codat's current values when left out."

// syncEveryValidator checks sync_every at plan time.
type syncEveryValidator struct{}

func (syncEveryValidator) Description(context.Context) string {
	return `must be "hourly", "daily", "weekly", "monthly" or a number of hours from "1h" to "720h"`
}

func (v syncEveryValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (syncEveryValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := syncEveryProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid sync_every", fmt.Sprintf("%s %s", req.Path, problem))
	}
}

// syncEveryProblem says what is wrong with a sync_every value, or "".
func syncEveryProblem(s string) string {
	hours, ok := syncEveryHours(s)
	switch {
	case !ok:
		return fmt.Sprintf(`must be "hourly" (1 hour), "daily" (24 hours), "weekly" (168 hours), "monthly" (720 hours) or a number of hours such as "12h" or "36h"; got %q.`, s)
	case hours < minSyncHours || hours > maxSyncHours:
		return fmt.Sprintf(`is %q, %d hours: Codat syncs from hourly to monthly, so it must be from "%dh" to "%dh" (%q).`, s, hours, minSyncHours, maxSyncHours, "monthly")
	}
	return ""
}

// syncFromValidator checks sync_from at plan time.
type syncFromValidator struct{}

func (syncFromValidator) Description(context.Context) string {
	return `must be a date such as "2024-01-01" or an RFC 3339 date-time such as "2024-01-01T00:00:00Z"`
}

func (v syncFromValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v syncFromValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, ok := parseSyncFrom(req.ConfigValue.ValueString()); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid sync_from",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// syncOrderDefaulter defaults sync_order to the data type's position in
// Codat's list; the data type is the map key in the attribute's path.
type syncOrderDefaulter struct{}

func (syncOrderDefaulter) Description(context.Context) string {
	return "the data type's 0-based position in Codat's DataType list"
}

func (d syncOrderDefaulter) MarkdownDescription(ctx context.Context) string {
	return d.Description(ctx)
}

func (syncOrderDefaulter) DefaultInt64(_ context.Context, req defaults.Int64Request, resp *defaults.Int64Response) {
	resp.PlanValue = types.Int64Value(int64(syncOrderDefault(dataTypeOf(req.Path))))
}

// dataTypeOf is the data_types key in the path of one of its attributes.
func dataTypeOf(p path.Path) string {
	step, _ := p.ParentPath().Steps().LastStep()
	if key, ok := step.(path.PathStepElementKeyString); ok {
		return string(key)
	}
	return ""
}

// keepPlan is how an optional attribute left out of the configuration is
// planned.
type keepPlan int

const (
	keepAsConfigured keepPlan = iota // set in the configuration: the framework's plan stands
	keepNull                         // does not apply (the other history setting is set, or not a statement)
	keepState                        // the data type was managed already: Codat's value, in state
	keepUnknown                      // a newly named data type: Codat's value, read at apply
)

// keepFromCodat decides the plan of sync_from, sync_from_window_months or
// months_to_sync at p. Left out, it keeps the value Codat has, unless
// conflictsWith is set in the configuration or the data type is not one of
// onlyFor.
func keepFromCodat(ctx context.Context, p path.Path, configNull bool, config tfsdk.Config, state tfsdk.State, conflictsWith string, onlyFor []string) (keepPlan, diag.Diagnostics) {
	if onlyFor != nil && !slices.Contains(onlyFor, dataTypeOf(p)) {
		return keepNull, nil
	}
	if !configNull {
		return keepAsConfigured, nil
	}
	var diags diag.Diagnostics
	if conflictsWith != "" {
		var other attr.Value
		diags.Append(config.GetAttribute(ctx, p.ParentPath().AtName(conflictsWith), &other)...)
		switch {
		case diags.HasError():
			return keepAsConfigured, diags
		case other.IsUnknown():
			return keepUnknown, diags
		case !other.IsNull():
			return keepNull, diags
		}
	}
	if state.Raw.IsNull() {
		return keepUnknown, diags
	}
	var prior types.Object
	diags.Append(state.GetAttribute(ctx, p.ParentPath(), &prior)...)
	if diags.HasError() || prior.IsNull() || prior.IsUnknown() {
		return keepUnknown, diags
	}
	return keepState, diags
}

type keepFromCodatString struct {
	conflictsWith string
}

func (m keepFromCodatString) Description(context.Context) string {
	return "Left out, keeps the value Codat has, unless " + m.conflictsWith + " is set."
}

func (m keepFromCodatString) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepFromCodatString) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	decision, diags := keepFromCodat(ctx, req.Path, req.ConfigValue.IsNull(), req.Config, req.State, m.conflictsWith, nil)
	resp.Diagnostics.Append(diags...)
	switch decision {
	case keepNull:
		resp.PlanValue = types.StringNull()
	case keepState:
		resp.PlanValue = req.StateValue
	case keepUnknown:
		resp.PlanValue = types.StringUnknown()
	}
}

type keepFromCodatInt64 struct {
	conflictsWith string
	onlyFor       []string
}

func (m keepFromCodatInt64) Description(context.Context) string {
	if m.onlyFor != nil {
		return "Null except for " + strings.Join(m.onlyFor, " and ") + "; left out, keeps the value Codat has."
	}
	return "Left out, keeps the value Codat has, unless " + m.conflictsWith + " is set."
}

func (m keepFromCodatInt64) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepFromCodatInt64) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.Plan.Raw.IsNull() {
		return
	}
	decision, diags := keepFromCodat(ctx, req.Path, req.ConfigValue.IsNull(), req.Config, req.State, m.conflictsWith, m.onlyFor)
	resp.Diagnostics.Append(diags...)
	switch decision {
	case keepNull:
		resp.PlanValue = types.Int64Null()
	case keepState:
		resp.PlanValue = req.StateValue
	case keepUnknown:
		resp.PlanValue = types.Int64Unknown()
	}
}

// validateDataTypes checks the rules between attributes of one data type, at
// plan time: sync_from and sync_from_window_months are exclusive, and
// months_to_sync is for the two financial statements only. Values not known
// yet are checked again by Create and Update, when they are.
func validateDataTypes(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var dataTypes types.Map
	diags.Append(config.GetAttribute(ctx, path.Root("data_types"), &dataTypes)...)
	if diags.HasError() || dataTypes.IsNull() || dataTypes.IsUnknown() {
		return
	}
	elements := dataTypes.Elements()
	keys := make([]string, 0, len(elements))
	for k := range elements {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, dataType := range keys {
		obj, ok := elements[dataType].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		var m syncSettingModel
		if d := obj.As(ctx, &m, basetypes.ObjectAsOptions{}); d.HasError() {
			diags.Append(d...)
			continue
		}
		at := path.Root("data_types").AtMapKey(dataType)
		if knownNonNull(m.SyncFrom) && knownNonNull(m.SyncFromWindowMonths) {
			diags.AddAttributeError(at.AtName("sync_from_window_months"), "Both sync_from and sync_from_window_months are set",
				fmt.Sprintf("%s sets both sync_from (fetch from a date) and sync_from_window_months (fetch a rolling number of months); Codat takes one or the other. Remove one of them.", at))
		}
		if !m.MonthsToSync.IsNull() && !monthsToSyncApplies(dataType) {
			diags.AddAttributeError(at.AtName("months_to_sync"), "months_to_sync does not apply to this data type",
				fmt.Sprintf("%s sets months_to_sync, but months_to_sync applies only to %s (how many monthly periods of the statement Codat fetches), not to %q. Remove it, or use sync_from or sync_from_window_months to limit the history of %q.",
					at, strings.Join(monthsToSyncTypes, " and "), dataType, dataType))
		}
	}
}

// knownNonNull is true for a known, non-null value.
func knownNonNull(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// syncSettingsOf decodes a data_types map (from a plan or state); null gives
// none.
func syncSettingsOf(ctx context.Context, m types.Map) (map[string]syncSettingModel, diag.Diagnostics) {
	out := map[string]syncSettingModel{}
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

// inCodatOrder returns the keys in Codat's order (unknown names last,
// alphabetically), so requests and messages are the same on every run.
func inCodatOrder[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(codat.DataTypes, a), slices.Index(codat.DataTypes, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// dataTypesFromSettings is the one mapping from Codat's settings to
// data_types, used by Create, Read, Update and import of both resources. It
// keeps the data types in keys that Codat has a setting for; prior (the plan
// or the state, possibly empty) decides the spelling of sync_every and
// sync_from when Codat's value means the same.
func dataTypesFromSettings(ctx context.Context, settings []codat.SyncSetting, keys []string, prior map[string]syncSettingModel) (types.Map, diag.Diagnostics) {
	byType := settingsByType(settings)
	out := make(map[string]syncSettingModel, len(keys))
	for _, dataType := range keys {
		s, ok := byType[dataType]
		if !ok {
			continue
		}
		p := prior[dataType]
		m := syncSettingModel{
			SyncEvery:            syncEveryFor(s.SyncSchedule, p.SyncEvery),
			FetchOnFirstLink:     types.BoolValue(s.FetchOnFirstLink),
			SyncOrder:            types.Int64Value(int64(s.SyncOrder)),
			SyncFrom:             syncFromFor(s.SyncFromUTC, p.SyncFrom),
			SyncFromWindowMonths: optionalSyncInt(s.SyncFromWindow),
			MonthsToSync:         types.Int64Null(),
		}
		if monthsToSyncApplies(dataType) {
			m.MonthsToSync = optionalSyncInt(s.MonthsToSync)
		}
		out[dataType] = m
	}
	return types.MapValueFrom(ctx, syncSettingObjectType, out)
}

func optionalSyncInt(p *int) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

func syncIntPtr(v types.Int64) *int {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := int(v.ValueInt64())
	return &n
}

func settingsByType(settings []codat.SyncSetting) map[string]codat.SyncSetting {
	out := make(map[string]codat.SyncSetting, len(settings))
	for _, s := range settings {
		if _, dup := out[s.DataType]; !dup {
			out[s.DataType] = s
		}
	}
	return out
}

// plannedSetting is the setting sent for a configured data type: the plan's
// values over Codat's current setting (cur). What the plan leaves unknown
// (a history range not configured for a newly named data type) and what
// Terraform does not manage (isLocked) stay as Codat has them.
func plannedSetting(dataType string, cur codat.SyncSetting, m syncSettingModel) codat.SyncSetting {
	s := cur
	s.DataType = dataType
	s.SyncSchedule, _ = syncEveryHours(m.SyncEvery.ValueString())
	s.FetchOnFirstLink = m.FetchOnFirstLink.ValueBool()
	s.SyncOrder = int(m.SyncOrder.ValueInt64())
	if !m.SyncFrom.IsUnknown() {
		s.SyncFromUTC = ""
		if !m.SyncFrom.IsNull() {
			s.SyncFromUTC = syncFromUTC(m.SyncFrom.ValueString())
		}
	}
	if !m.SyncFromWindowMonths.IsUnknown() {
		s.SyncFromWindow = syncIntPtr(m.SyncFromWindowMonths)
	}
	switch {
	case !monthsToSyncApplies(dataType):
		s.MonthsToSync = nil
	case !m.MonthsToSync.IsUnknown():
		s.MonthsToSync = syncIntPtr(m.MonthsToSync)
	}
	return s
}

// withPlanned is the full settings body: base (what Codat applies now, in
// its order) with each configured data type replaced by its planned setting;
// a configured type missing from base is added at the end.
func withPlanned(base []codat.SyncSetting, planned map[string]syncSettingModel) []codat.SyncSetting {
	out := slices.Clone(base)
	for _, dataType := range inCodatOrder(planned) {
		i := slices.IndexFunc(out, func(s codat.SyncSetting) bool { return s.DataType == dataType })
		if i < 0 {
			out = append(out, plannedSetting(dataType, codat.SyncSetting{}, planned[dataType]))
			continue
		}
		out[i] = plannedSetting(dataType, out[i], planned[dataType])
	}
	return out
}

// withMissingFrom adds to settings, in Codat's order, every data type it
// lacks that from has. Codat's body wants one setting per data type.
func withMissingFrom(settings, from []codat.SyncSetting) []codat.SyncSetting {
	have := settingsByType(settings)
	out := slices.Clone(settings)
	for _, s := range from {
		if _, ok := have[s.DataType]; !ok {
			out = append(out, s)
			have[s.DataType] = s
		}
	}
	return out
}

// hasEveryDataType reports whether settings name all of Codat's data types.
func hasEveryDataType(settings []codat.SyncSetting) bool {
	have := settingsByType(settings)
	for _, dt := range codat.DataTypes {
		if _, ok := have[dt]; !ok {
			return false
		}
	}
	return true
}

// sameSetting compares the parts of two settings that data_types manages.
func sameSetting(a, b codat.SyncSetting) bool {
	sameTime := a.SyncFromUTC == b.SyncFromUTC
	if !sameTime {
		ta, okA := parseSyncFromCodat(a.SyncFromUTC)
		tb, okB := parseSyncFromCodat(b.SyncFromUTC)
		sameTime = okA && okB && ta.Equal(tb)
	}
	eqInt := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.FetchOnFirstLink == b.FetchOnFirstLink && a.SyncSchedule == b.SyncSchedule && a.SyncOrder == b.SyncOrder &&
		sameTime && eqInt(a.SyncFromWindow, b.SyncFromWindow) && (!monthsToSyncApplies(a.DataType) || eqInt(a.MonthsToSync, b.MonthsToSync))
}

// addSyncSettingsError reports a failed POST of sync settings. A 402 is
// explained in plain words, naming the data types whose schedule is under
// 24 hours: Codat's plan does not include hourly syncs.
func addSyncSettingsError(diags *diag.Diagnostics, summary, what string, err error, body []codat.SyncSetting, planned map[string]syncSettingModel) {
	apiErr, ok := codat.AsAPIError(err)
	if !ok || !codat.IsPaymentRequired(err) {
		addAPIError(diags, summary, err)
		return
	}
	var lines []string
	for _, s := range body {
		if s.SyncSchedule <= 0 || s.SyncSchedule >= hourlyBelow {
			continue
		}
		if m, configured := planned[s.DataType]; configured {
			lines = append(lines, fmt.Sprintf("  - %s: sync_every = %q (%s)", s.DataType, m.SyncEvery.ValueString(), syncHoursText(s.SyncSchedule)))
		} else {
			lines = append(lines, fmt.Sprintf("  - %s: %s, kept from Codat's current settings (not in data_types)", s.DataType, syncHoursText(s.SyncSchedule)))
		}
	}
	if len(lines) == 0 {
		addAPIError(diags, summary, err)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Codat refused %s (HTTP 402): your Codat plan does not include hourly syncs, that is schedules under %d hours, and these data types would sync more often than that:\n%s\n\n",
		what, hourlyBelow, strings.Join(lines, "\n"))
	b.WriteString(`Set sync_every to "daily" or a longer interval (such as "36h" or "weekly") for them, or move to a Codat plan that includes hourly syncs. Nothing was changed at Codat.`)
	if apiErr.Message != "" {
		fmt.Fprintf(&b, "\n\nCodat's message: %s", apiErr.Message)
	}
	if apiErr.CorrelationID != "" {
		fmt.Fprintf(&b, "\nCodat correlation id: %s", apiErr.CorrelationID)
	}
	diags.AddAttributeError(path.Root("data_types"), "Codat plan does not allow hourly syncs", b.String())
}

func syncHoursText(h int) string {
	if h == 1 {
		return "every hour"
	}
	return fmt.Sprintf("every %d hours", h)
}

// importSelection is what an import id asks for, kept in private state
// until the Read that follows the import: which data types to bring into
// data_types.
type importSelection struct {
	// DataTypes are the types named after the colon; empty means the
	// resource's default selection.
	DataTypes []string `json:"dataTypes,omitempty"`
}

// privateImportSelection is the private-state key of an importSelection.
const privateImportSelection = "import"

// parseImportID splits "<id>" or "<id>:<type>,<type>" and checks the types,
// reporting an unknown one with the nearest names.
func parseImportID(raw string, diags *diag.Diagnostics) (string, importSelection) {
	head, list, hasList := strings.Cut(strings.TrimSpace(raw), ":")
	head = strings.TrimSpace(head)
	var sel importSelection
	if !hasList {
		return head, sel
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if problem := dataTypeProblem(name); problem != "" {
			diags.AddError("Unknown Codat data type in the import id", problem)
			continue
		}
		if !slices.Contains(sel.DataTypes, name) {
			sel.DataTypes = append(sel.DataTypes, name)
		}
	}
	if len(sel.DataTypes) == 0 && !diags.HasError() {
		diags.AddError("No data types in the import id",
			fmt.Sprintf("The import id %q has a colon but no data types after it. Write them comma-separated, such as %s:invoices,balanceSheet, or leave out the colon.", raw, head))
	}
	return head, sel
}

// syncPrivateWriter and syncPrivateReader are the parts of the framework's private
// state used here (on requests and responses alike).
type syncPrivateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type syncPrivateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func setPrivateJSON(ctx context.Context, p syncPrivateWriter, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}

// getPrivateJSON reads key into v; found is false when it is not set.
func getPrivateJSON(ctx context.Context, p syncPrivateReader, key string, v any) (bool, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return false, diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.AddError("Could not read private state", fmt.Sprintf("private state %q: %s. This is a bug in the provider; please report it.", key, err))
		return false, diags
	}
	return true, diags
}
