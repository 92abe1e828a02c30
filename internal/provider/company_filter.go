package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// companyFilterModel is the filters of the codat_companies data source and
// the codat_company list resource.
type companyFilterModel struct {
	Tags             types.String `tfsdk:"tags"`
	Name             types.String `tfsdk:"name"`
	NameContains     types.String `tfsdk:"name_contains"`
	ConnectionStatus types.String `tfsdk:"connection_status"`
	PlatformKey      types.String `tfsdk:"platform_key"`
}

// companyFilterAttribute is one filter's description and validators, for
// both schemas (a data source's and a list resource's attributes are
// different types).
type companyFilterAttribute struct {
	description string
	validators  []validator.String
}

func companyFilterAttributes() map[string]companyFilterAttribute {
	statuses := make([]string, len(codat.ConnectionStatuses))
	for i, s := range codat.ConnectionStatuses {
		statuses[i] = string(s)
	}
	return map[string]companyFilterAttribute{
		"tags": {
			"Only companies whose tags match this Codat tag filter, such as `region=uk && team=lending`: comparisons of a tag with `=` (equals), `!=` (not equals) or `~` (contains), joined by `&&` (and) or `||` (or) and grouped with `{ }`. " +
				"Codat applies it, so only matching companies are fetched; it is checked at plan time.",
			[]validator.String{tagFilterValidator()},
		},
		"name":          {"Only companies with exactly this name (case matters).", []validator.String{stringvalidator.LengthAtLeast(1)}},
		"name_contains": {"Only companies whose name contains this text, ignoring case.", []validator.String{stringvalidator.LengthAtLeast(1)}},
		"connection_status": {
			"Only companies with a connection in this status: `PendingAuth`, `Linked`, `Deauthorized` or `Unlinked`. With `platform_key`, the same connection must be to that platform.",
			[]validator.String{stringvalidator.OneOf(statuses...)},
		},
		"platform_key": {"Only companies with a connection to this platform, such as `gbol` (Xero).", []validator.String{platformKeyValidator()}},
	}
}

// find is the read codat_companies and the codat_company list share: the
// companies the configured filters match, in Codat's order, with the
// platform keys of their connections. ok is false, with the reason in
// diags, when diags already held an error, the provider is not configured,
// or Codat cannot be read.
func (m companyFilterModel) find(ctx context.Context, data *providerData, diags *diag.Diagnostics) (companies []codat.Company, keys codat.PlatformKeys, ok bool) {
	client := requireClient(data, diags)
	filter := m.filter(diags)
	if diags.HasError() {
		return nil, nil, false
	}
	companies, keys, err := client.FindCompanies(ctx, filter, data.catalogue)
	if err != nil {
		addAPIError(diags, "Could not list Codat companies", err)
		return nil, nil, false
	}
	return companies, keys, true
}

// filter is the configured filters in Codat's terms.
func (m companyFilterModel) filter(diags *diag.Diagnostics) codat.CompanyFilter {
	f := codat.CompanyFilter{
		Name:             m.Name.ValueString(),
		NameContains:     m.NameContains.ValueString(),
		ConnectionStatus: codat.ConnectionStatus(m.ConnectionStatus.ValueString()),
		PlatformKey:      m.PlatformKey.ValueString(),
	}
	if !m.Tags.IsNull() {
		tags, err := codat.ParseTagFilter(m.Tags.ValueString())
		if err != nil { // the validator refused it at plan time already
			diags.AddError("Invalid Codat tag filter", err.Error())
		}
		f.Tags = tags
	}
	return f
}
