package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookConsumerResource)(nil)
	_ resource.ResourceWithImportState = (*webhookConsumerResource)(nil)
	_ resource.ResourceWithIdentity    = (*webhookConsumerResource)(nil)
)

// NewWebhookConsumerResource is the codat_webhook_consumer resource: an
// endpoint Codat POSTs events to (POST/GET /webhooks, DELETE
// /webhooks/{id}). Codat has no update and no get by id: every change
// replaces it, and Read finds it in the list.
func NewWebhookConsumerResource() resource.Resource {
	return &webhookConsumerResource{resourceBase{typeName: "webhook_consumer"}}
}

type webhookConsumerResource struct {
	resourceBase
}

type webhookConsumerModel struct {
	ID          types.String `tfsdk:"id"`
	URL         types.String `tfsdk:"url"`
	EventTypes  types.Set    `tfsdk:"event_types"`
	CompanyTags types.Set    `tfsdk:"company_tags"`
	Disabled    types.Bool   `tfsdk:"disabled"`
}

func (r *webhookConsumerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	const replaced = " Codat cannot change a consumer: changing it replaces the consumer (a new one, with a new signing secret)."
	resp.Schema = schema.Schema{
		MarkdownDescription: "A **webhook consumer**: an endpoint of yours that Codat POSTs events to (a company created, a connection linked, a sync completed...), signed with Svix. " +
			fmt.Sprintf("Codat allows %d per client.", codat.MaxWebhookConsumers) + replaced,
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("Codat's id for the consumer (a UUID)."),
			"url": schema.StringAttribute{
				MarkdownDescription: "Where Codat sends the events: an `https` URL (plain `http` only to a loopback address, such as a receiver on your machine for the local emulator)." + replaced,
				Required:            true,
				Validators:          []validator.String{webhookURLValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"event_types": schema.SetAttribute{
				MarkdownDescription: "The events to send, from Codat's [event catalogue](https://docs.codat.io/using-the-api/webhooks/event-types), such as `company.created`, `connection.connected` or `read.completed` (case-sensitive). At least one." + replaced,
				ElementType:         types.StringType,
				Required:            true,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(webhookEventTypeValidator())},
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"company_tags": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Only events of companies that have one of these tags, each `key:value` (such as `region:uk`, matching a `codat_company` with `tags = { region = \"uk\" }`; case-sensitive); at most %d. "+
					"Left out, the consumer hears about every company.", codat.MaxWebhookCompanyTags) + replaced,
				ElementType:   types.StringType,
				Optional:      true,
				Validators:    []validator.Set{setvalidator.SizeBetween(1, codat.MaxWebhookCompanyTags), setvalidator.ValueStringsAre(companyTagFilterValidator())},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "`true` keeps the consumer but sends it nothing. Defaults to `false`." + replaced,
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
		},
	}
}

// Create makes the consumer: one request. A create whose answer was lost is
// looked up in the list (one more request, on that path only), so a retry
// adopts the consumer rather than making a second.
func (r *webhookConsumerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, _ := modelAndClient[webhookConsumerModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	body := webhookConsumerRequest(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := client.CreateWebhookConsumer(ctx, body)
	if err != nil && codat.OutcomeUnknown(err) {
		created = lostConsumer(ctx, client, body)
	}
	switch {
	case created != nil:
	case codat.IsBadRequest(err) && consumerLimitReached(ctx, client):
		resp.Diagnostics.AddError("Too many Codat webhook consumers",
			fmt.Sprintf("Codat allows %d webhook consumers per client, and this client has them all. Delete one you no longer use (a codat_webhook_consumer, or in the Codat Portal under Monitor > Webhooks) and apply again. %s",
				codat.MaxWebhookConsumers, codatAnswer(err)))
		return
	default:
		addAPIError(&resp.Diagnostics, "Could not create the Codat webhook consumer", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, consumerToModel(ctx, created, &resp.Diagnostics))...)
	resp.Diagnostics.Append(consumerIdentity.set(ctx, resp.Identity, created.ID)...)
}

// lostConsumer is the consumer a create whose answer was lost made, if the
// list shows exactly one like it; nil otherwise.
func lostConsumer(ctx context.Context, client *codat.Client, body codat.WebhookConsumerRequest) *codat.WebhookConsumer {
	list, err := client.ListWebhookConsumers(ctx)
	if err != nil {
		return nil
	}
	var found []codat.WebhookConsumer
	for _, c := range list {
		if body.Matches(c) {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return nil
	}
	tflog.Info(ctx, "the create's answer was lost; adopted the consumer it made", map[string]any{"webhook_id": found[0].ID})
	return &found[0]
}

// consumerLimitReached tells Codat's 400 for the 51st consumer (whose text
// the docs do not give) from other refusals: one request, on that path only.
func consumerLimitReached(ctx context.Context, client *codat.Client) bool {
	list, err := client.ListWebhookConsumers(ctx)
	return err == nil && len(list) >= codat.MaxWebhookConsumers
}

// Read finds the consumer in the list (Codat has no get by id): one
// request. One deleted at Codat is removed from state, and the next plan
// makes it again.
func (r *webhookConsumerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, client, ok := modelAndClient[webhookConsumerModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	// The framework wants the identity also when the consumer is gone.
	resp.Diagnostics.Append(consumerIdentity.set(ctx, resp.Identity, state.ID.ValueString())...)
	list, err := client.ListWebhookConsumers(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Could not list Codat's webhook consumers", err)
		return
	}
	consumer := findByID(list, state.ID.ValueString(), func(c codat.WebhookConsumer) string { return c.ID })
	if consumer == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, consumerToModel(ctx, consumer, &resp.Diagnostics))...)
}

func (r *webhookConsumerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	consumerIdentity.schema(resp)
}

// Update is never called: every attribute replaces the consumer.
func (r *webhookConsumerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Codat webhook consumers cannot be updated",
		"Every change to a codat_webhook_consumer replaces it. This is a bug in the provider; please report it.")
}

// Delete deletes the consumer, and Codat its pending deliveries: one
// request. One already gone is fine.
func (r *webhookConsumerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, client, ok := modelAndClient[webhookConsumerModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := client.DeleteWebhookConsumer(ctx, state.ID.ValueString()); err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Could not delete Codat webhook consumer %s", state.ID.ValueString()), err)
	}
}

// ImportState takes the consumer's id; Read fills in the rest.
func (r *webhookConsumerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	consumerIdentity.importUUID(ctx, req, resp, "Invalid codat_webhook_consumer import id", func(string) string {
		return fmt.Sprintf("Import expects the consumer's id, a UUID such as 8a210b68-6988-11ed-a1eb-0242ac120002 (GET /webhooks lists them), got %q.", req.ID)
	})
}

// webhookConsumerRequest is the one mapping from the resource's data to the
// create request.
func webhookConsumerRequest(ctx context.Context, m webhookConsumerModel, diags *diag.Diagnostics) codat.WebhookConsumerRequest {
	req := codat.WebhookConsumerRequest{URL: m.URL.ValueString(), Disabled: m.Disabled.ValueBool(),
		EventTypes: stringsOf(ctx, m.EventTypes, diags)}
	if !m.CompanyTags.IsNull() {
		req.CompanyTags = stringsOf(ctx, m.CompanyTags, diags)
	}
	slices.Sort(req.EventTypes)
	slices.Sort(req.CompanyTags)
	return req
}

// consumerToModel is the one mapping from a Codat consumer to the
// resource's data. No company tags is null, as company_tags left out.
func consumerToModel(ctx context.Context, c *codat.WebhookConsumer, diags *diag.Diagnostics) webhookConsumerModel {
	eventTypes, d := types.SetValueFrom(ctx, types.StringType, c.EventTypes)
	diags.Append(d...)
	tags := types.SetNull(types.StringType)
	if len(c.CompanyTags) > 0 {
		tags, d = types.SetValueFrom(ctx, types.StringType, c.CompanyTags)
		diags.Append(d...)
	}
	return webhookConsumerModel{ID: types.StringValue(c.ID), URL: types.StringValue(c.URL), EventTypes: eventTypes,
		CompanyTags: tags, Disabled: types.BoolValue(c.Disabled)}
}
