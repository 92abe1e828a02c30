// Command floorprovider is the benchmark's floor: a terraform-plugin-framework
// provider whose resources take the same configuration as codat_company and
// keep it in Terraform's state without calling anything: floor_company keeps
// only that configuration (what Terraform and the framework cost for a
// resource of that shape; the Codat provider is measured against it), and
// floor_company_same_state also keeps a made-up state of codat_company's
// shape and size.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Address is where the benchmark's configurations find this provider.
const Address = "registry.terraform.io/bench/floor"

func main() {
	debug := flag.Bool("debug", false, "serve for TF_REATTACH_PROVIDERS, as the benchmark does")
	flag.Parse()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: Address, Debug: *debug})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return companyResource{} },
		func() resource.Resource { return sameStateResource{} },
	}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type companyResource struct{}

type companyModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	PlatformKey types.String `tfsdk:"platform_key"`
	Tags        types.Map    `tfsdk:"tags"`
}

func (companyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_company"
}

func (companyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name":         schema.StringAttribute{Required: true},
			"platform_key": schema.StringAttribute{Optional: true},
			"tags":         schema.MapAttribute{ElementType: types.StringType, Optional: true},
		},
	}
}

func (companyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(uuid.NewString())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// Read keeps the state: there is nothing behind it to drift.
func (companyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (companyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (companyResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
