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
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// What codat_sync_schedule and codat_profile_sync_settings share: the
// data_types attribute (one object per Codat data type), the one mapping
// each way between it and Codat's settings, their import ids, and the
// private state they keep. Codat's own rules for settings are in
// internal/codat/syncsettings.go.

// syncSettingModel is one element of data_types.
type syncSettingModel struct {
	SyncEvery            types.String `tfsdk:"sync_every"`
	FetchOnFirstLink     types.Bool   `tfsdk:"fetch_on_first_link"`
	SyncOrder            types.Int64  `tfsdk:"sync_order"`
	SyncFrom             types.String `tfsdk:"sync_from"`
	SyncFromWindowMonths types.Int64  `tfsdk:"sync_from_window_months"`
	MonthsToSync         types.Int64  `tfsdk:"months_to_sync"`
}

var syncSettingObjectType = objectTypeOf[syncSettingModel]()

// syncEveryPresets name the usual intervals, shortest first.
var syncEveryPresets = []struct {
	name  string
	hours int
}{{"hourly", 1}, {"daily", 24}, {"weekly", 168}, {"monthly", 720}}

var syncEveryHoursPattern = regexp.MustCompile(`^([0-9]{1,6})h$`)

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

// syncFromUTC is the syncFromUtc sent for a sync_from: the instant in UTC
// (a date is its midnight UTC). A value that cannot be read is sent as it is.
func syncFromUTC(s string) string {
	t, ok := codat.ParseSyncFrom(s)
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
	t, ok := codat.ParseSyncFrom(codatValue)
	if !ok {
		return types.StringValue(codatValue)
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		if p, ok := codat.ParseSyncFrom(prior.ValueString()); ok && p.Equal(t) {
			return prior
		}
	}
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return types.StringValue(t.Format(syncFromDateLayout))
	}
	return types.StringValue(t.Format(time.RFC3339Nano))
}

// dataTypesAttribute is the data_types schema, with the resource's own
// description.
func dataTypesAttribute(description string) schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators: []validator.Map{
			mapvalidator.SizeAtLeast(1),
			mapvalidator.KeysAre(dataTypeValidator()),
		},
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"sync_every": schema.StringAttribute{
					MarkdownDescription: "How often Codat refreshes this data type: `hourly` (1 hour), `daily` (24), `weekly` (168), `monthly` (720), or a number of hours such as `\"12h\"` or `\"36h\"`, from `1h` to `720h` (Codat schedules from hourly to monthly). " +
						"Codat stores hours, so `daily` and `\"24h\"` are the same schedule; the spelling you write is kept. " +
						"A schedule under 24 hours needs a Codat plan with hourly syncs: on the Free plan Codat refuses it (HTTP 402) and the apply fails naming the data types concerned, changing nothing.",
					Required:   true,
					Validators: []validator.String{syncEveryValidator()},
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
					Default:    syncOrderDefault{},
					Validators: []validator.Int64{int64validator.AtLeast(0)},
				},
				"sync_from": schema.StringAttribute{
					MarkdownDescription: "Fetch this data type's records from this moment on: a date (`\"2024-01-01\"`, midnight UTC) or an RFC 3339 date-time (`\"2024-01-01T00:00:00Z\"`, sent to Codat in UTC). " +
						"Set this or `sync_from_window_months`, not both. Setting one makes the other null. If you set neither, the data type keeps the history range Codat has for it now (shown in state, and not changed by Terraform).",
					Optional: true,
					Computed: true,
					Validators: []validator.String{
						syncFromValidator(),
						stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("sync_from_window_months")),
					},
					PlanModifiers: []planmodifier.String{keepFromCodat{conflictsWith: "sync_from_window_months"}},
				},
				"sync_from_window_months": schema.Int64Attribute{
					MarkdownDescription: "Fetch this many months of history (a rolling window), at least 1. Set this or `sync_from`, not both. If you set neither, the data type keeps the history range Codat has for it now.",
					Optional:            true,
					Computed:            true,
					Validators:          []validator.Int64{int64validator.AtLeast(1)},
					PlanModifiers:       []planmodifier.Int64{keepFromCodat{conflictsWith: "sync_from"}},
				},
				"months_to_sync": schema.Int64Attribute{
					MarkdownDescription: "Only for `balanceSheet` and `profitAndLoss`: how many monthly periods of the statement Codat fetches, at least 1. " +
						"Any other data type with it is an error at plan time; for them it is always null. If left out, the statement keeps the value Codat has for it now.",
					Optional:      true,
					Computed:      true,
					Validators:    []validator.Int64{int64validator.AtLeast(1), monthsToSyncValidator{}},
					PlanModifiers: []planmodifier.Int64{keepFromCodat{onlyFor: codat.MonthsToSyncTypes()}},
				},
			},
		},
	}
}

// dataTypesRules is the part of the data_types description both resources
// share: what an omitted attribute means.
const dataTypesRules = "Each key is a Codat data type, case-sensitive, such as `invoices`, `balanceSheet` or `banking-transactions` (an unknown one is an error at plan time naming the nearest ones). " +
	"For each, `sync_every` is required; `fetch_on_first_link` and `sync_order` have documented defaults; `sync_from`, `sync_from_window_months` and `months_to_sync` keep Codat's current values when left out."

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

// dataTypesFromSettings is the one mapping from Codat's settings to
// data_types, used by Create, Read, Update and import of both resources. It
// keeps the data types in keys that Codat has a setting for; prior (the plan
// or the state, possibly empty) decides the spelling of sync_every and
// sync_from when Codat's value means the same.
func dataTypesFromSettings(ctx context.Context, settings []codat.SyncSetting, keys []string, prior map[string]syncSettingModel) (types.Map, diag.Diagnostics) {
	byType := codat.SettingsByType(settings)
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
		if codat.MonthsToSyncApplies(dataType) {
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
	case !codat.MonthsToSyncApplies(dataType):
		s.MonthsToSync = nil
	case !m.MonthsToSync.IsUnknown():
		s.MonthsToSync = syncIntPtr(m.MonthsToSync)
	}
	return s
}

// settingsBody is the full settings body to send: base (what Codat applies
// now) with each data type of planned set as planned.
func settingsBody(base []codat.SyncSetting, planned map[string]syncSettingModel) []codat.SyncSetting {
	return codat.WithSettings(base, codat.InDataTypeOrder(planned), func(dataType string, cur codat.SyncSetting) codat.SyncSetting {
		return plannedSetting(dataType, cur, planned[dataType])
	})
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
		if problem := codat.DataTypeProblem(name); problem != "" {
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

// readSelection is what a Read of data_types starts from: the data types in
// state (prior, and their keys in Codat's order), and, right after an
// import, the selection its id made (imported; nil otherwise).
func readSelection(ctx context.Context, dataTypes types.Map, req resource.ReadRequest, resp *resource.ReadResponse) (map[string]syncSettingModel, []string, *importSelection) {
	prior, diags := syncSettingsOf(ctx, dataTypes)
	resp.Diagnostics.Append(diags...)
	var sel importSelection
	imported, diags := getPrivateJSON(ctx, req.Private, privateImportSelection, &sel)
	resp.Diagnostics.Append(diags...)
	if !imported {
		return prior, codat.InDataTypeOrder(prior), nil
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportSelection, nil)...)
	return prior, codat.InDataTypeOrder(prior), &sel
}

// privateState is the framework's private state, on requests and
// responses alike.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func setPrivateJSON(ctx context.Context, p privateState, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not record private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}

// getPrivateJSON reads key into v; found is false when it is not set.
func getPrivateJSON(ctx context.Context, p privateState, key string, v any) (bool, diag.Diagnostics) {
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
