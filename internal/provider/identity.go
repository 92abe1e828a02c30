package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform and OpenTofu 1.12 and later) is the id by
// which Codat knows what a resource manages. An import block may give it
// instead of an id string (identity = { id = "..." }), terraform query
// lists it, and Terraform checks that it never changes. Older CLIs ignore
// it.

// idIdentity is an identity of one string attribute.
type idIdentity struct {
	attr        string
	description string
}

var (
	companyIdentity      = idIdentity{attr: "id", description: "Codat's id for the company (a UUID)."}
	syncScheduleIdentity = idIdentity{attr: "company_id", description: "The id of the Codat company (a UUID) whose sync schedule this is."}
	profileIdentity      = idIdentity{attr: "client_id", description: "The id of the Codat client (a UUID) whose profile this is: the client of the API key."}
	consumerIdentity     = idIdentity{attr: "id", description: "Codat's id for the webhook consumer (a UUID)."}
	apiKeyIdentity       = idIdentity{attr: "id", description: "Codat's id for the API key (a UUID), not the key itself."}
)

func (i idIdentity) schema(resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		i.attr: identityschema.StringAttribute{RequiredForImport: true, Description: i.description},
	}}
}

// set records the identity. The framework hands every request of a
// resource with identity one to fill, even from Terraform that ignores it.
func (i idIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, value string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root(i.attr), value)
}

// importID is what an import names: its id string, or the identity's
// attribute when an import block gives an identity instead.
func (i idIdentity) importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var value types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(i.attr), &value)...)
	return value.ValueString()
}

// importUUID sets the identity's attribute in state to what an import
// names (importID), trimmed, when it is a UUID. Otherwise it adds the error
// summary with invalid's detail, given what the import named, and is false.
func (i idIdentity) importUUID(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, summary string, invalid func(given string) string) bool {
	given := i.importID(ctx, req, &resp.Diagnostics)
	id := strings.TrimSpace(given)
	if !uuidPattern.MatchString(id) {
		resp.Diagnostics.AddError(summary, invalid(given))
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(i.attr), id)...)
	return true
}

// findByID is the element of a list from Codat whose id (idOf) is id, in
// any case, or nil.
func findByID[T any](list []T, id string, idOf func(T) string) *T {
	i := slices.IndexFunc(list, func(e T) bool { return strings.EqualFold(idOf(e), id) })
	if i < 0 {
		return nil
	}
	return &list[i]
}

// connectionIdentityModel is codat_connection's identity: a connection's id
// is unique only within its company.
type connectionIdentityModel struct {
	CompanyID types.String `tfsdk:"company_id"`
	ID        types.String `tfsdk:"id"`
}

func connectionIdentitySchema(resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"company_id": identityschema.StringAttribute{RequiredForImport: true, Description: "The id of the Codat company (a UUID)."},
		"id":         identityschema.StringAttribute{RequiredForImport: true, Description: "Codat's id for the connection (a UUID)."},
	}}
}

func setConnectionIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, companyID, id string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, connectionIdentityModel{CompanyID: types.StringValue(companyID), ID: types.StringValue(id)})
}
