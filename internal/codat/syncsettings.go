package codat

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Codat's rules for sync settings (using-the-api/sync-settings and the
// SyncSetting schema): a POST replaces the whole set, one setting per data
// type, so every change is a read-modify-write of the full list.

// Sync schedules, in whole hours: "from hourly to monthly".
const (
	MinSyncHours = 1
	MaxSyncHours = 720
	// HourlyBelow is the shortest schedule Codat's Free plan allows; a
	// shorter one is an "hourly" schedule and refused with 402.
	HourlyBelow = 24
)

// monthsToSyncTypes are the only data types with monthsToSync.
var monthsToSyncTypes = []string{"balanceSheet", "profitAndLoss"}

// MonthsToSyncTypes are the data types monthsToSync applies to.
func MonthsToSyncTypes() []string { return slices.Clone(monthsToSyncTypes) }

// MonthsToSyncApplies reports whether monthsToSync applies to dataType.
func MonthsToSyncApplies(dataType string) bool { return slices.Contains(monthsToSyncTypes, dataType) }

// DataTypeOrder is a data type's 0-based position in Codat's DataType list
// (accountTransactions 0, balanceSheet 1, ... invoices 14, ...); 0 for an
// unknown name.
func DataTypeOrder(dataType string) int { return max(0, slices.Index(DataTypes, dataType)) }

// SettingsByType indexes settings by data type; the first of duplicates wins.
func SettingsByType(settings []SyncSetting) map[string]SyncSetting {
	out := make(map[string]SyncSetting, len(settings))
	for _, s := range settings {
		if _, dup := out[s.DataType]; !dup {
			out[s.DataType] = s
		}
	}
	return out
}

// WithSettings is the full settings body: base (what Codat applies now, in
// its order) with the setting of each of dataTypes replaced by change(its
// current setting); a data type base lacks is added at the end, changed from
// a zero setting.
func WithSettings(base []SyncSetting, dataTypes []string, change func(dataType string, cur SyncSetting) SyncSetting) []SyncSetting {
	out := slices.Clone(base)
	for _, dataType := range dataTypes {
		i := slices.IndexFunc(out, func(s SyncSetting) bool { return s.DataType == dataType })
		if i < 0 {
			out = append(out, change(dataType, SyncSetting{}))
			continue
		}
		out[i] = change(dataType, out[i])
	}
	return out
}

// withMissingFrom adds to settings, in order, every data type it lacks that
// from has.
func withMissingFrom(settings, from []SyncSetting) []SyncSetting {
	have := SettingsByType(settings)
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
func hasEveryDataType(settings []SyncSetting) bool {
	have := SettingsByType(settings)
	for _, dt := range DataTypes {
		if _, ok := have[dt]; !ok {
			return false
		}
	}
	return true
}

// Same compares the parts of two settings a caller sets: schedule, fetch on
// first link, order and history range (monthsToSync where it applies).
func (s SyncSetting) Same(o SyncSetting) bool {
	sameTime := s.SyncFromUTC == o.SyncFromUTC
	if !sameTime {
		ts, okS := ParseSyncFrom(s.SyncFromUTC)
		to, okO := ParseSyncFrom(o.SyncFromUTC)
		sameTime = okS && okO && ts.Equal(to)
	}
	eqInt := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return s.FetchOnFirstLink == o.FetchOnFirstLink && s.SyncSchedule == o.SyncSchedule && s.SyncOrder == o.SyncOrder &&
		sameTime && eqInt(s.SyncFromWindow, o.SyncFromWindow) && (!MonthsToSyncApplies(s.DataType) || eqInt(s.MonthsToSync, o.MonthsToSync))
}

// ParseSyncFrom reads a syncFromUtc as Codat may return it: RFC 3339, a
// date, or a date-time without a zone (UTC).
func ParseSyncFrom(s string) (time.Time, bool) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	return ParseTime(s)
}

// CustomisedDataTypes lists, in Codat's order, the data types whose company
// setting differs from the profile's (or that the profile lacks).
func CustomisedDataTypes(company, profile []SyncSetting) []string {
	defaults := SettingsByType(profile)
	seen := map[string]bool{}
	for _, s := range company {
		if d, ok := defaults[s.DataType]; !ok || !s.Same(d) {
			seen[s.DataType] = true
		}
	}
	return InDataTypeOrder(seen)
}

// The GET sync-settings bodies mark no field required (the spec's
// CompanySyncSettings and SyncSettings), so Codat may leave fields out (the
// emulator's sync-settings-sparse). A field left out reads as the default
// the spec states for it in the POST bodies (set-company-syncSettings,
// update-profile-syncSettings): overridesDefaults true. A company's companyId
// is the company asked for; the spec states nothing for clientId, which
// stays empty.

func (s *CompanySyncSettings) fillOmitted(companyID string) {
	if slices.Contains(s.Omitted, "overridesDefaults") {
		s.OverridesDefaults = true
	}
	if s.CompanyID == "" {
		s.CompanyID = companyID
	}
}

func (s *ProfileSyncSettings) fillOmitted() {
	if slices.Contains(s.Omitted, "overridesDefaults") {
		s.OverridesDefaults = true
	}
}

// CompanySettings reads a company's sync settings. Codat may answer 404 for
// a company that exists but whose own settings were never set (the spec
// lists 404 for get-company-syncSettings and says nothing of such companies:
// the emulator's company-sync-settings-404), as for one that does not exist.
// So a 404 is checked against the company, one more request only then: a
// company that exists follows the profile's defaults (OverridesDefaults
// false, no Settings of its own); for one that does not, the 404 is
// returned.
func (c *Client) CompanySettings(ctx context.Context, companyID string) (*CompanySyncSettings, error) {
	settings, err := c.GetCompanySyncSettings(ctx, companyID)
	if !IsNotFound(err) {
		return settings, err
	}
	if _, getErr := c.GetCompany(ctx, companyID); getErr != nil {
		if IsNotFound(getErr) {
			return nil, err
		}
		// Not a 404: the company may exist.
		return nil, fmt.Errorf("codat answered 404 for the sync settings of company %s, and reading the company to tell whether it exists failed: %w", companyID, getErr)
	}
	return &CompanySyncSettings{CompanyID: companyID}, nil
}

// AppliedCompanySettings are the settings Codat applies to the company now,
// one per data type: its own if it overrides the defaults, else the
// profile's. Data types missing from its own are filled from the profile.
func (c *Client) AppliedCompanySettings(ctx context.Context, companyID string) ([]SyncSetting, error) {
	cur, err := c.CompanySettings(ctx, companyID)
	if err != nil {
		return nil, err
	}
	if cur.OverridesDefaults && hasEveryDataType(cur.Settings) {
		return cur.Settings, nil
	}
	profile, err := c.GetProfileSyncSettings(ctx)
	if err != nil {
		return nil, err
	}
	if !cur.OverridesDefaults {
		return profile.Settings, nil
	}
	return withMissingFrom(cur.Settings, profile.Settings), nil
}

// FollowProfile hands a company back to the client's defaults: it sends the
// profile's current settings with overridesDefaults false, so the company
// follows the profile again, including later changes to it. It deletes
// nothing.
func (c *Client) FollowProfile(ctx context.Context, companyID string) error {
	profile, err := c.GetProfileSyncSettings(ctx)
	if err != nil {
		return err
	}
	return c.SetCompanySyncSettings(ctx, companyID, CompanySyncSettings{CompanyID: companyID, Settings: profile.Settings, OverridesDefaults: false})
}

// RestoreProfileSettings puts back, in the profile, each data type of before
// as it was: its old setting, or none for a nil one. Other data types keep
// their current values.
func (c *Client) RestoreProfileSettings(ctx context.Context, before map[string]*SyncSetting) error {
	profile, err := c.GetProfileSyncSettings(ctx)
	if err != nil {
		return err
	}
	body := slices.Clone(profile.Settings)
	for _, dataType := range InDataTypeOrder(before) {
		i := slices.IndexFunc(body, func(s SyncSetting) bool { return s.DataType == dataType })
		switch old := before[dataType]; {
		case old == nil && i >= 0:
			body = slices.Delete(body, i, i+1)
		case old == nil:
		case i >= 0:
			body[i] = *old
		default:
			body = append(body, *old)
		}
	}
	return c.SetProfileSyncSettings(ctx, ProfileSyncSettings{ClientID: profile.ClientID, Settings: body, OverridesDefaults: profile.OverridesDefaults})
}
