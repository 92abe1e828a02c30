package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sameStateResource, floor_company_same_state, takes codat_company's
// configuration and keeps a state of codat_company's shape and size (the
// connection, its link URL, the redirect page, timestamps), made up in memory.
// Terraform's cost grows with the size of each resource's state (it writes
// the whole state after every create and delete), so this floor shows how
// much of codat_company's cost is Terraform handling that state, and how much
// is the provider.
type sameStateResource struct{}

var connectionAttrTypes = map[string]attr.Type{
	"id": types.StringType, "platform_key": types.StringType, "platform_name": types.StringType,
	"source_type": types.StringType, "link_url": types.StringType, "status": types.StringType,
	"created": types.StringType, "last_sync": types.StringType,
}

type sameStateModel struct {
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

func (sameStateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_company_same_state"
}

func (sameStateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	kept := func() schema.StringAttribute {
		return schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":                    kept(),
			"name":                  schema.StringAttribute{Optional: true, Computed: true},
			"temporary_name":        schema.StringAttribute{Optional: true},
			"name_from_platform":    schema.StringAttribute{Optional: true},
			"platform_company_name": kept(),
			"description":           schema.StringAttribute{Optional: true},
			"tags":                  schema.MapAttribute{ElementType: types.StringType, Optional: true},
			"platform_key":          schema.StringAttribute{Optional: true},
			"connection_id":         kept(),
			"status":                kept(),
			"link_url":              kept(),
			"redirect":              kept(),
			"connections": schema.ListAttribute{
				ElementType:   types.ObjectType{AttrTypes: connectionAttrTypes},
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"created":             kept(),
			"last_sync":           kept(),
			"deletion_protection": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)},
		},
	}
}

func (sameStateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m sameStateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	// Values as long as the emulator's: uuids, loopback URLs, timestamps.
	id, connID := uuid.NewString(), uuid.NewString()
	created := time.Now().UTC().Format(time.RFC3339)
	link := fmt.Sprintf("http://127.0.0.1:40000/link/companies/%s/connections/%s/start", id, connID)
	conn, diags := types.ObjectValue(connectionAttrTypes, map[string]attr.Value{
		"id": types.StringValue(connID), "platform_key": m.PlatformKey, "platform_name": types.StringValue("Xero"),
		"source_type": types.StringValue("Accounting"), "link_url": types.StringValue(link), "status": types.StringValue("PendingAuth"),
		"created": types.StringValue(created), "last_sync": types.StringNull(),
	})
	resp.Diagnostics.Append(diags...)
	m.Connections, diags = types.ListValue(types.ObjectType{AttrTypes: connectionAttrTypes}, []attr.Value{conn})
	resp.Diagnostics.Append(diags...)
	m.ID, m.ConnectionID, m.LinkURL = types.StringValue(id), types.StringValue(connID), types.StringValue(link)
	m.Status, m.Created, m.LastSync = types.StringValue("PendingAuth"), types.StringValue(created), types.StringNull()
	m.Redirect = types.StringValue("http://127.0.0.1:40000/link/company/" + id)
	m.PlatformCompanyName = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state: there is nothing behind it to drift.
func (sameStateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m sameStateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (sameStateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m sameStateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (sameStateResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
