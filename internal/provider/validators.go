package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The plan-time validators of this provider. Each custom one exists because
// its rule is Codat's and the framework's validators cannot state it, or
// because its message must say what Codat would do instead (noted below).

// uuidPattern is the shape of Codat's ids (companies, connections, clients).
var uuidPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// companyIDValidator checks a company id such as codat_company.x.id.
func companyIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern,
		"must be a Codat company ID (a UUID such as 7e7b7ca8-5a4b-4c3c-9d8e-0f1a2b3c4d5e), for example codat_company.example.id")
}

// connectionIDValidator checks a connection id such as codat_company.x.connection_id.
func connectionIDValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, "must be a Codat connection ID (a UUID), for example codat_company.example.connection_id")
}

// platformKeyValidator checks the shape of a platform key at plan time.
func platformKeyValidator() validator.String {
	return stringvalidator.RegexMatches(codat.PlatformKeyPattern,
		"must be a Codat platform key: four lower-case letters such as \"gbol\" (Xero); the codat_integrations data source lists them")
}

// stringCheck is a custom string validator: check returns what is wrong
// with a known value, to follow the attribute's path in the diagnostic ("",
// when nothing is).
type stringCheck struct {
	summary, rule string
	check         func(string) string
}

func (v stringCheck) Description(context.Context) string             { return v.rule }
func (v stringCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, req.Path.String()+problem)
	}
}

// companyNameValidator checks name and temporary_name: Codat silently
// removes characters it does not allow, which would leave the state unlike
// the configuration, so the message says which it would remove.
func companyNameValidator() validator.String {
	return stringCheck{summary: "Invalid Codat company name", rule: "may contain only " + codat.CompanyNameRule,
		check: func(name string) string {
			if problem := codat.CompanyNameProblem(name); problem != "" {
				return fmt.Sprintf(" %q %s.", name, problem)
			}
			return ""
		}}
}

// dataTypeValidator checks a Codat data type, naming the nearest ones.
func dataTypeValidator() validator.String {
	return problemCheck("Unknown Codat data type", "must be one of Codat's data types, such as invoices, balanceSheet or banking-transactions", codat.DataTypeProblem)
}

// tagFilterValidator checks a list-companies tags expression at plan time,
// saying where it goes wrong: Codat answers only "Malformed query".
func tagFilterValidator() validator.String {
	return stringCheck{summary: "Invalid Codat tag filter",
		rule: "must be a Codat tag filter: comparisons of a tag with =, != or ~ joined by && or ||, such as region=uk && team=lending",
		check: func(expr string) string {
			if _, err := codat.ParseTagFilter(expr); err != nil {
				return fmt.Sprintf(" %q is not a Codat tag filter (comparisons of a tag with =, != or ~, joined by && or || and grouped with { }, such as region=uk && team=lending): %v.", expr, err)
			}
			return ""
		}}
}

// durationValidator accepts a Go duration string (such as "90s" or "5m") of
// at least least.
func durationValidator(least time.Duration) validator.String {
	rule := fmt.Sprintf("must be a duration such as \"90s\" or \"5m\", at least %s", least)
	return stringCheck{summary: "Invalid duration", rule: rule,
		check: func(s string) string {
			if d, err := time.ParseDuration(s); err != nil || d < least {
				return fmt.Sprintf(" %s, got %q.", rule, s)
			}
			return ""
		}}
}

// syncEveryValidator checks sync_every: the message gives the presets and
// Codat's range in hours, which a regular expression cannot.
func syncEveryValidator() validator.String {
	return stringCheck{summary: "Invalid sync_every",
		rule: `must be "hourly", "daily", "weekly", "monthly" or a number of hours from "1h" to "720h"`,
		check: func(s string) string {
			if problem := syncEveryProblem(s); problem != "" {
				return " " + problem
			}
			return ""
		}}
}

// syncEveryProblem says what is wrong with a sync_every value, or "".
func syncEveryProblem(s string) string {
	hours, ok := syncEveryHours(s)
	switch {
	case !ok:
		return fmt.Sprintf(`must be "hourly" (1 hour), "daily" (24 hours), "weekly" (168 hours), "monthly" (720 hours) or a number of hours such as "12h" or "36h"; got %q.`, s)
	case hours < codat.MinSyncHours || hours > codat.MaxSyncHours:
		return fmt.Sprintf(`is %q, %d hours: Codat syncs from hourly to monthly, so it must be from "%dh" to "%dh" (%q).`,
			s, hours, codat.MinSyncHours, codat.MaxSyncHours, "monthly")
	}
	return ""
}

// syncFromValidator checks sync_from: a date or an RFC 3339 date-time.
func syncFromValidator() validator.String {
	rule := `must be a date such as "2024-01-01" or an RFC 3339 date-time such as "2024-01-01T00:00:00Z"`
	return stringCheck{summary: "Invalid sync_from", rule: rule,
		check: func(s string) string {
			if _, ok := parseSyncFrom(s); !ok {
				return fmt.Sprintf(" %s, got %q.", rule, s)
			}
			return ""
		}}
}

// companyTagsValidator checks the rules the creation marker adds to Codat's
// tag limits: at most codat.MaxUserTags tags, and not its key. The message
// explains the marker, which no generic size or key rule could.
type companyTagsValidator struct{}

func (companyTagsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags, none with the key %q", codat.MaxUserTags, codat.CreationTagKey)
}

func (v companyTagsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (companyTagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elements := req.ConfigValue.Elements()
	if n := len(elements); n > codat.MaxUserTags {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many company tags",
			fmt.Sprintf("%s has %d tags, but at most %d can be set: Codat allows 10 per company, and Terraform writes one of its own, %q, while it creates the company (see the Retries, rate limits and guarantees guide).",
				req.Path, n, codat.MaxUserTags, codat.CreationTagKey))
	}
	for key := range elements {
		if strings.EqualFold(key, codat.CreationTagKey) {
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved company tag",
				fmt.Sprintf("%s must not use the key %q: Terraform writes that tag while it creates a company, to find the company again if Codat's answer is lost, and removes it afterwards.",
					req.Path, key))
		}
	}
}

// monthsToSyncValidator allows months_to_sync only for the data types it
// applies to; the data type is the data_types key in the attribute's path,
// which no framework validator reads.
type monthsToSyncValidator struct{}

func (monthsToSyncValidator) Description(context.Context) string {
	return "only for " + strings.Join(codat.MonthsToSyncTypes(), " and ")
}

func (v monthsToSyncValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (monthsToSyncValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	dataType := dataTypeOf(req.Path)
	if req.ConfigValue.IsNull() || codat.MonthsToSyncApplies(dataType) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "months_to_sync does not apply to this data type",
		fmt.Sprintf("%s is set, but months_to_sync applies only to %s (how many monthly periods of the statement Codat fetches), not to %q. Remove it, or use sync_from or sync_from_window_months to limit the history of %q.",
			req.Path, strings.Join(codat.MonthsToSyncTypes(), " and "), dataType, dataType))
}

// errCheck is a stringCheck whose rule is one of internal/codat's checks,
// which return an error naming the value: the message adds the attribute.
func errCheck(summary, rule string, check func(string) error) validator.String {
	return stringCheck{summary: summary, rule: rule, check: func(s string) string {
		if err := check(s); err != nil {
			return ": " + err.Error() + "."
		}
		return ""
	}}
}

// problemCheck is a stringCheck whose rule is one of internal/codat's
// checks that say what is wrong with a value ("" when nothing is): the
// message puts it after the attribute.
func problemCheck(summary, rule string, problem func(string) string) validator.String {
	return stringCheck{summary: summary, rule: rule, check: func(s string) string {
		if p := problem(s); p != "" {
			return ": " + p
		}
		return ""
	}}
}

// originValidator checks an allowed CORS origin: the message says what a
// browser's Origin header looks like, which no regular expression explains.
func originValidator() validator.String {
	return errCheck("Invalid CORS origin", "must be an origin such as https://app.example.com (scheme, host and optional port; no path)", codat.CheckOrigin)
}

// redirectURLValidator checks the profile's redirect URL, in which Codat's
// {parameters} may stand anywhere, even in the host.
func redirectURLValidator() validator.String {
	return errCheck("Invalid redirect URL", "must be an http(s) URL; Codat's parameters such as {companyId} may appear in it", codat.CheckRedirectURL)
}

// webURLValidator checks a URL the profile holds (logo, icon, allowed URLs).
func webURLValidator() validator.String {
	return errCheck("Invalid URL", "must be an absolute http or https URL", codat.CheckWebURL)
}

// webURLOrEmptyValidator is webURLValidator that also takes "", which
// clears the URL.
func webURLOrEmptyValidator() validator.String {
	return errCheck("Invalid URL", `must be an absolute http or https URL, or "" for none`, func(s string) error {
		if s == "" {
			return nil
		}
		return codat.CheckWebURL(s)
	})
}

// webhookURLValidator checks a consumer's URL: https, except plain http to
// a loopback host, a rule of this provider's that no URL validator states.
func webhookURLValidator() validator.String {
	return errCheck("Invalid webhook URL", "must be an https URL (plain http only to a loopback host)", codat.CheckWebhookURL)
}

// webhookEventTypeValidator checks an event type, naming the nearest ones.
func webhookEventTypeValidator() validator.String {
	return problemCheck("Unknown Codat webhook event type", "must be an event type from Codat's catalogue, such as company.created or read.completed", codat.WebhookEventTypeProblem)
}

// companyTagFilterValidator checks one of a consumer's company tags.
func companyTagFilterValidator() validator.String {
	return errCheck("Invalid company tag", "must be key:value, such as region:uk", codat.CheckCompanyTagFilter)
}
