package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// statusBlank is the status of a company resource that manages no connection,
// the seed's "Blank": no platform has been chosen for it (yet). It is the
// provider's own word, not one of Codat's connection statuses.
const statusBlank = "Blank"

// companyModel is the codat_company resource's data.
type companyModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	TemporaryName       types.String `tfsdk:"temporary_name"`
	NameFromPlatform    types.String `tfsdk:"name_from_platform"`
	PlatformCompanyName types.String `tfsdk:"platform_company_name"`
	Description         types.String `tfsdk:"description"`
	Tags                types.Map    `tfsdk:"tags"`
	PlatformKey         types.String `tfsdk:"platform_key"`
	ConnectionID        types.String `tfsdk:"connection_id"`
	Status              types.String `tfsdk:"status"`
	LinkURL             types.String `tfsdk:"link_url"`
	Redirect            types.String `tfsdk:"redirect"`
	Connections         types.List   `tfsdk:"connections"`
	Created             types.String `tfsdk:"created"`
	LastSync            types.String `tfsdk:"last_sync"`
	DeletionProtection  types.Bool   `tfsdk:"deletion_protection"`
}

// connectionModel is one element of the connections attribute.
type connectionModel struct {
	ID           types.String `tfsdk:"id"`
	PlatformKey  types.String `tfsdk:"platform_key"`
	PlatformName types.String `tfsdk:"platform_name"`
	SourceType   types.String `tfsdk:"source_type"`
	LinkURL      types.String `tfsdk:"link_url"`
	Status       types.String `tfsdk:"status"`
	Created      types.String `tfsdk:"created"`
	LastSync     types.String `tfsdk:"last_sync"`
}

// connectionDescriptions describe connectionModel's attributes, in
// codat_company's and codat_companies' schemas alike.
var connectionDescriptions = map[string]string{
	"id":            "The connection's id.",
	"platform_key":  "The platform's 4-letter key.",
	"platform_name": "The platform's name, such as `Xero`.",
	"source_type":   "`Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense`, `Other` or `Unknown`.",
	"link_url":      "The URL where the business authorises this connection.",
	"status":        "`PendingAuth`, `Linked`, `Deauthorized` or `Unlinked`.",
	"created":       "When the connection was created (ISO 8601).",
	"last_sync":     "When data last synced through this connection (ISO 8601); null before the first sync.",
}

// computedStrings makes a computed string attribute of each description,
// with the resource or data source schema's own attribute type.
func computedStrings[A any](descriptions map[string]string, attribute func(description string) A) map[string]A {
	out := make(map[string]A, len(descriptions))
	for name, d := range descriptions {
		out[name] = attribute(d)
	}
	return out
}

// connectionObjectType is the type of one element of connections.
var connectionObjectType = objectTypeOf[connectionModel]()

// companyCarry is what the model keeps that Codat does not hold: the
// configuration-only attributes and which of the company's connections this
// resource manages.
type companyCarry struct {
	TemporaryName       types.String
	NameFromPlatform    types.String
	PlatformCompanyName types.String
	PlatformKey         types.String
	DeletionProtection  types.Bool
	// ManagedConnectionID is the connection this resource manages; it is
	// dropped if the company no longer has it.
	ManagedConnectionID string
	// EmptyTags keeps an empty tags map (tags = {}) empty rather than null
	// when Codat holds no tags, so the state matches the configuration.
	EmptyTags bool
}

// carryFrom takes the carried attributes from a plan or a prior state.
func carryFrom(m companyModel) companyCarry {
	return companyCarry{
		TemporaryName:       m.TemporaryName,
		NameFromPlatform:    m.NameFromPlatform,
		PlatformCompanyName: m.PlatformCompanyName,
		PlatformKey:         m.PlatformKey,
		DeletionProtection:  m.DeletionProtection,
		ManagedConnectionID: m.ConnectionID.ValueString(),
		EmptyTags:           !m.Tags.IsNull() && !m.Tags.IsUnknown() && len(m.Tags.Elements()) == 0,
	}
}

// companyToModel is the one mapping from a Codat company to the resource's
// data, used by Create, Read, Update and import alike. keys names the
// platform of a connection whose integrationKey Codat left out.
func companyToModel(ctx context.Context, company *codat.Company, carry companyCarry, keys codat.PlatformKeys) (companyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := companyModel{
		ID:                  types.StringValue(company.ID),
		Name:                types.StringValue(company.Name),
		TemporaryName:       carry.TemporaryName,
		NameFromPlatform:    carry.NameFromPlatform,
		PlatformCompanyName: carry.PlatformCompanyName,
		Description:         optionalString(company.Description),
		PlatformKey:         carry.PlatformKey,
		ConnectionID:        types.StringNull(),
		Status:              types.StringValue(statusBlank),
		LinkURL:             types.StringNull(),
		Redirect:            types.StringValue(company.Redirect),
		Created:             optionalString(company.Created),
		LastSync:            optionalString(company.LastSync),
		DeletionProtection:  carry.DeletionProtection,
	}
	if m.DeletionProtection.IsNull() || m.DeletionProtection.IsUnknown() {
		m.DeletionProtection = types.BoolValue(false)
	}

	// The creation marker is Terraform's own, never configured: leaving it
	// out keeps it from showing as drift.
	switch companyTags := codat.UserTags(company.Tags); {
	case len(companyTags) > 0:
		tags, d := types.MapValueFrom(ctx, types.StringType, companyTags)
		diags.Append(d...)
		m.Tags = tags
	case carry.EmptyTags:
		m.Tags = types.MapValueMust(types.StringType, map[string]attr.Value{})
	default:
		m.Tags = types.MapNull(types.StringType)
	}

	conns := make([]attr.Value, 0, len(company.DataConnections))
	for _, c := range company.DataConnections {
		if carry.ManagedConnectionID != "" && c.ID == carry.ManagedConnectionID {
			m.ConnectionID = types.StringValue(c.ID)
			m.Status = types.StringValue(string(c.Status))
			m.LinkURL = types.StringValue(c.LinkURL)
		}
		obj, d := types.ObjectValueFrom(ctx, connectionObjectType.AttrTypes, newConnectionModel(c, keys))
		diags.Append(d...)
		conns = append(conns, obj)
	}
	list, d := types.ListValue(connectionObjectType, conns)
	diags.Append(d...)
	m.Connections = list
	return m, diags
}

// newConnectionModel is the one mapping from a Codat connection to an
// element of connections, in codat_company and codat_companies alike.
func newConnectionModel(c codat.Connection, keys codat.PlatformKeys) connectionModel {
	return connectionModel{
		ID:           types.StringValue(c.ID),
		PlatformKey:  optionalString(c.PlatformKey(keys)),
		PlatformName: types.StringValue(c.PlatformName),
		SourceType:   types.StringValue(c.SourceType),
		LinkURL:      types.StringValue(c.LinkURL),
		Status:       types.StringValue(string(c.Status)),
		Created:      optionalString(c.Created),
		LastSync:     optionalString(c.LastSync),
	}
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// connectionsOf decodes the connections attribute; an unknown or null list
// gives none.
func connectionsOf(ctx context.Context, list types.List) ([]connectionModel, diag.Diagnostics) {
	if list.IsNull() || list.IsUnknown() {
		return nil, nil
	}
	var out []connectionModel
	diags := list.ElementsAs(ctx, &out, false)
	return out, diags
}

// tagsOf decodes the tags attribute; null means no tags.
func tagsOf(ctx context.Context, tags types.Map) (map[string]string, diag.Diagnostics) {
	if tags.IsNull() || tags.IsUnknown() {
		return nil, nil
	}
	out := map[string]string{}
	diags := tags.ElementsAs(ctx, &out, false)
	return out, diags
}

// sameTags compares tags as Codat stores them: no tags and an empty map are
// the same.
func sameTags(a, b map[string]string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return maps.Equal(a, b)
}

// companyRequest is the PUT/POST body for the planned name, description and
// tags. PUT replaces all three, so leaving description or tags out clears them.
func companyRequest(ctx context.Context, name string, m companyModel) (codat.CompanyRequest, diag.Diagnostics) {
	tags, diags := tagsOf(ctx, m.Tags)
	if len(tags) == 0 {
		tags = nil
	}
	return codat.CompanyRequest{Name: name, Description: m.Description.ValueString(), Tags: tags}, diags
}

// checkStored makes sure Codat stored the name, description and tags that
// were sent. Terraform must not record values other than the configured
// ones, and must not pretend Codat holds them either, so after an update a
// difference is an error (the state keeps what Codat holds); Create turns it
// into a warning, since a failed create would taint the company.
func checkStored(ctx context.Context, name string, plan, got companyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if got.Name.ValueString() != name {
		diags.AddAttributeError(path.Root("name"), "Codat stored a different company name",
			fmt.Sprintf("Terraform sent the name %q, but Codat stored %q. Codat changes names with characters it does not allow; set name to %q, and please report this so the provider can reject such names at plan time.",
				name, got.Name.ValueString(), got.Name.ValueString()))
	}
	if !plan.Description.IsUnknown() && !plan.Description.Equal(got.Description) {
		diags.AddAttributeError(path.Root("description"), "Codat stored a different company description",
			fmt.Sprintf("Terraform sent the description %s, but Codat stored %s. Set description to the stored value, and please report this.",
				describeString(plan.Description), describeString(got.Description)))
	}
	want, d := tagsOf(ctx, plan.Tags)
	diags.Append(d...)
	have, d := tagsOf(ctx, got.Tags)
	diags.Append(d...)
	if !plan.Tags.IsUnknown() && !sameTags(want, have) {
		diags.AddAttributeError(path.Root("tags"), "Codat stored different company tags",
			fmt.Sprintf("Terraform sent the tags %v, but Codat stored %v. Set tags to the stored values, and please report this.", want, have))
	}
	return diags
}

func describeString(s types.String) string {
	if s.IsNull() {
		return "none"
	}
	return fmt.Sprintf("%q", s.ValueString())
}

// keepPlanned is the state after an update: Codat's values, except that a
// value the plan already showed is kept. A sync finishing or a business
// authorising between plan and apply would otherwise change status,
// last_sync or connections behind a known planned value, which Terraform
// reports as an inconsistent result; the next refresh records the change.
func keepPlanned(plan, fresh companyModel) companyModel {
	keepS := func(planned, got types.String) types.String {
		if planned.IsUnknown() {
			return got
		}
		return planned
	}
	next := fresh
	next.ID = keepS(plan.ID, fresh.ID)
	next.Redirect = keepS(plan.Redirect, fresh.Redirect)
	next.Created = keepS(plan.Created, fresh.Created)
	next.LastSync = keepS(plan.LastSync, fresh.LastSync)
	next.ConnectionID = keepS(plan.ConnectionID, fresh.ConnectionID)
	next.Status = keepS(plan.Status, fresh.Status)
	next.LinkURL = keepS(plan.LinkURL, fresh.LinkURL)
	next.PlatformCompanyName = keepS(plan.PlatformCompanyName, fresh.PlatformCompanyName)
	if !plan.Connections.IsUnknown() {
		next.Connections = plan.Connections
	}
	// Tags keep the configuration's shape: {} and null both mean none.
	if !plan.Tags.IsUnknown() && len(fresh.Tags.Elements()) == 0 {
		next.Tags = plan.Tags
	}
	return next
}

// sameModel reports whether two models hold the same values.
func sameModel(a, b companyModel) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		x, _ := va.Field(i).Interface().(attr.Value)
		y, _ := vb.Field(i).Interface().(attr.Value)
		if !x.Equal(y) {
			return false
		}
	}
	return true
}

// objectTypeOf is the object type of a model struct, read from its tfsdk
// tags and field types, so that no nested attribute's type is written out a
// second time beside its struct.
func objectTypeOf[T any]() types.ObjectType {
	t := reflect.TypeFor[T]()
	attrs := make(map[string]attr.Type, t.NumField())
	for i := range t.NumField() {
		field := t.Field(i)
		zero, _ := reflect.Zero(field.Type).Interface().(attr.Value)
		attrs[field.Tag.Get("tfsdk")] = zero.Type(context.Background())
	}
	return types.ObjectType{AttrTypes: attrs}
}

// toModel maps a company to the model, naming the platforms of connections
// whose integrationKey Codat left out.
func (r *companyResource) toModel(ctx context.Context, company *codat.Company, carry companyCarry) (companyModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	keys, err := r.data.catalogue.PlatformKeys(ctx, company.DataConnections...)
	if err != nil {
		diags.AddWarning("Could not name the platforms of the company's connections",
			"Codat left out the platform key of a connection and the integrations catalogue could not be read, so its platform_key in connections is null until the next refresh: "+apiErrorDetail(err))
	}
	model, d := companyToModel(ctx, company, carry, keys)
	diags.Append(d...)
	return model, diags
}
