package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.ResourceWithConfigure   = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*apiKeyResource)(nil)
)

// privateProviderKey is the private-state key set by Read when Codat's list
// shows this key's secret and it is the provider's own, so that a plan to
// delete it fails even when state has no secret (an imported key).
const privateProviderKey = "providerKey"

// NewAPIKeyResource is the codat_api_key resource: one of the client's API
// keys (POST/GET /apiKeys, DELETE /apiKeys/{id}). Its prose is in
// templates/resources/api_key.md.tmpl.
func NewAPIKeyResource() resource.Resource {
	return &apiKeyResource{resourceBase{typeName: "api_key"}}
}

type apiKeyResource struct {
	resourceBase
}

type apiKeyModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Key         types.String `tfsdk:"key"`
	CreatedDate types.String `tfsdk:"created_date"`
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("A Codat **API key** for one of your services. Codat allows %d per client, the one it made with the client included. "+
			"The key itself (`key`) is known only to the apply that creates it; it is sensitive, and kept in state. "+
			"The provider refuses to delete the key it is using itself.", codat.MaxAPIKeys),
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("Codat's id for the key (a UUID). It is not the key and is not secret."),
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A name saying what the key is for, such as `invoice-finance-processor`; at most %d characters. Codat cannot rename a key: changing it replaces the key (a new key, the old one deleted).", codat.MaxAPIKeyNameLength),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, codat.MaxAPIKeyNameLength)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The API key, as the Codat Portal shows it (not Base64-encoded): what a service sends, Base64-encoded, in `Authorization: Basic ...`. " +
					"Codat returns it only when the key is created, so it is null for an imported key. Sensitive: pass it on to where your services read secrets, never print it.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_date": computedOnce("When the key was created (ISO 8601)."),
		},
	}
}

// ModifyPlan refuses, at plan and without a request, to delete (or replace)
// the key the provider itself uses, when it can know: the key is in state
// (created by this configuration), or the last refresh found it to be the
// provider's (Codat's list showed its secret). Delete checks again.
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || r.data == nil {
		return
	}
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !req.Plan.Raw.IsNull() {
		var name types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
		if name.Equal(state.Name) {
			return // an in-place plan: nothing is deleted
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	flagged, diags := getPrivateJSON(ctx, req.Private, privateProviderKey, new(bool))
	resp.Diagnostics.Append(diags...)
	if flagged || r.data.client.UsesAPIKey(codat.APIKey{Key: state.Key.ValueString()}) {
		addOwnKeyError(&resp.Diagnostics, state)
	}
}

func addOwnKeyError(diags *diag.Diagnostics, state apiKeyModel) {
	diags.AddError("Terraform would delete the API key it is using",
		fmt.Sprintf("Codat API key %s (%s) is the key this provider configuration authenticates with (api_key or CODAT_API_KEY). "+
			"Deleting it would fail every later request, this run's included, with 403. "+
			"To rotate it: create the new key, give it to the provider (and your services), apply, and only then remove the old key. "+
			"To stop managing the key without deleting it, use a removed block with lifecycle { destroy = false }. Nothing was changed at Codat.",
			state.ID.ValueString(), describeKeyName(state.Name)))
}

func describeKeyName(name types.String) string {
	if name.IsNull() || name.ValueString() == "" {
		return "unnamed"
	}
	return fmt.Sprintf("%q", name.ValueString())
}

// Create makes the key: one request. Its secret is in Codat's answer only.
func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := modelAndClient[apiKeyModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	created, err := client.CreateAPIKey(ctx, plan.Name.ValueString())
	switch {
	case codat.IsConflict(err):
		resp.Diagnostics.AddError("Too many Codat API keys",
			fmt.Sprintf("Codat allows %d API keys per client, the one it made with the client included, and this client has them all. "+
				"Delete one you no longer use (a codat_api_key, or in the Codat Portal under Developers > API keys) and apply again. %s", codat.MaxAPIKeys, codatAnswer(err)))
		return
	case err != nil && codat.OutcomeUnknown(err):
		// The key's secret was in the lost answer: a key Codat may have made
		// cannot be adopted, so say how to find and delete it.
		addAPIError(&resp.Diagnostics, "Could not create the Codat API key", err)
		resp.Diagnostics.AddError("The Codat API key may exist without its secret",
			fmt.Sprintf("Codat's answer was lost, and a key is shown only in that answer. If Codat made it, the Codat Portal (Developers > API keys) lists a key named %s created just now: delete it there. Apply again to create another.",
				describeKeyName(plan.Name)))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Could not create the Codat API key", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, apiKeyToModel(created, types.StringValue(created.Key)))...)
	resp.Diagnostics.Append(apiKeyIdentity.set(ctx, resp.Identity, created.ID)...)
}

// Read finds the key in the list: one request. The secret in state is
// kept (Codat may list it or not); a key deleted at Codat is removed from
// state, and the next plan makes a new one.
func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[apiKeyModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	// The framework wants the identity also when the key is gone.
	resp.Diagnostics.Append(apiKeyIdentity.set(ctx, resp.Identity, state.ID.ValueString())...)
	listed, err := r.find(ctx, client, state.ID.ValueString())
	switch {
	case err != nil:
		addAPIError(&resp.Diagnostics, "Could not list Codat's API keys", err)
		return
	case listed == nil:
		resp.State.RemoveResource(ctx)
		return
	}
	var flag []byte
	if client.UsesAPIKey(*listed) {
		flag = []byte("true")
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateProviderKey, flag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, apiKeyToModel(listed, state.Key))...)
}

func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	apiKeyIdentity.schema(resp)
}

// Update is never called: a new name replaces the key.
func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Codat API keys cannot be updated",
		"A change to a codat_api_key replaces it. This is a bug in the provider; please report it.")
}

// Delete deletes the key unless it is the provider's own: one request when
// state holds the secret, two when it does not (the list, to look for it).
// Under a Codat that lists no secrets, an imported key cannot be told from
// the provider's own, so it is not deleted; the resource page says so.
func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := modelAndClient[apiKeyModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	key := codat.APIKey{ID: id, Key: state.Key.ValueString()}
	if key.Key == "" {
		listed, err := r.find(ctx, client, id)
		switch {
		case err != nil:
			addAPIError(&resp.Diagnostics, "Could not list Codat's API keys", err)
			return
		case listed == nil:
			return // already gone
		}
		key = *listed
	}
	if key.Key == "" {
		// Codat lists keys without their secrets (the api-keys-listed-without-
		// secrets reading), and this one was not created here: it cannot be
		// told from the provider's own, which must not be deleted.
		resp.Diagnostics.AddError("Terraform cannot tell this API key from the one it is using",
			fmt.Sprintf("Codat API key %s (%s) was not created by Terraform, and Codat shows a key's secret only when creating it, so Terraform cannot tell whether it is the key this provider configuration authenticates with (api_key or CODAT_API_KEY). "+
				"Deleting that key would fail every later request, so Terraform does not delete the key. Delete it in the Codat Portal if it is not in use, or stop managing it with a removed block with lifecycle { destroy = false }. Nothing was changed at Codat.",
				id, describeKeyName(state.Name)))
		return
	}
	if client.UsesAPIKey(key) {
		addOwnKeyError(&resp.Diagnostics, state)
		return
	}
	err := client.DeleteAPIKey(ctx, id)
	switch {
	case err == nil, codat.IsNotFound(err):
	case codat.IsConflict(err):
		resp.Diagnostics.AddError("Codat keeps at least one API key",
			fmt.Sprintf("Codat API key %s is the client's last, and Codat does not delete the last API key. Create another first. %s", id, codatAnswer(err)))
	default:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not delete Codat API key %s", id), err)
	}
}

// ImportState takes the key's id; Read fills in its name and date. The
// secret is not imported: Codat shows it only on create.
func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// The detail never repeats what was given: it may be the key itself.
	if apiKeyIdentity.importUUID(ctx, req, resp, "Invalid codat_api_key import id", func(string) string {
		return fmt.Sprintf("Import expects the key's id, a UUID such as e288a972-b402-4b21-93f9-b5335ae5679c (GET /apiKeys lists them), not the key itself; got %d characters that are not an id.", len(req.ID))
	}) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), types.StringNull())...)
	}
}

// find is the key with id in Codat's list, or nil.
func (r *apiKeyResource) find(ctx context.Context, client *codat.Client, id string) (*codat.APIKey, error) {
	keys, err := client.ListAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	return findByID(keys, id, func(k codat.APIKey) string { return k.ID }), nil
}

// apiKeyToModel is the one mapping from a Codat API key to the resource's
// data, with the secret given (Codat's list may not carry it).
func apiKeyToModel(k *codat.APIKey, secret types.String) apiKeyModel {
	return apiKeyModel{ID: types.StringValue(k.ID), Name: optionalString(k.Name), Key: secret, CreatedDate: optionalString(k.CreatedDate)}
}
