package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// statusBlank is the status of a company resource that manages no connection,
// the seed's "Blank": no platform has been chosen for it (yet).
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

// connectionAttrTypes is the object type of one element of connections.
var connectionAttrTypes = map[string]attr.Type{
	"id":            types.StringType,
	"platform_key":  types.StringType,
	"platform_name": types.StringType,
	"source_type":   types.StringType,
	"link_url":      types.StringType,
	"status":        types.StringType,
	"created":       types.StringType,
	"last_sync":     types.StringType,
}

var connectionObjectType = types.ObjectType{AttrTypes: connectionAttrTypes}

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
// data, used by Create, Read, Update and import alike. keyOf names the
// platform of a connection whose integrationKey Codat left out (see
// platformKeysFor).
func companyToModel(ctx context.Context, company *codat.Company, carry companyCarry, keyOf map[string]string) (companyModel, diag.Diagnostics) {
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
	switch companyTags := userTags(company.Tags); {
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
			m.Status = types.StringValue(c.Status)
			m.LinkURL = types.StringValue(c.LinkURL)
		}
		obj, d := types.ObjectValueFrom(ctx, connectionAttrTypes, connectionModel{
			ID:           types.StringValue(c.ID),
			PlatformKey:  optionalString(platformKeyOf(c, keyOf)),
			PlatformName: types.StringValue(c.PlatformName),
			SourceType:   types.StringValue(c.SourceType),
			LinkURL:      types.StringValue(c.LinkURL),
			Status:       types.StringValue(c.Status),
			Created:      optionalString(c.Created),
			LastSync:     optionalString(c.LastSync),
		})
		diags.Append(d...)
		conns = append(conns, obj)
	}
	list, d := types.ListValue(connectionObjectType, conns)
	diags.Append(d...)
	m.Connections = list
	return m, diags
}

// platformKeyOf is a connection's 4-letter platform key. Codat made
// integrationKey optional, so it falls back on the catalogue by integrationId.
func platformKeyOf(c codat.Connection, keyOf map[string]string) string {
	if c.IntegrationKey != "" {
		return c.IntegrationKey
	}
	return keyOf[c.IntegrationID]
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
