package provider

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource               = (*dataSyncResource)(nil)
	_ resource.ResourceWithConfigure  = (*dataSyncResource)(nil)
	_ resource.ResourceWithModifyPlan = (*dataSyncResource)(nil)
)

// dataSyncDefaultTimeout bounds create when timeouts.create is not set.
const dataSyncDefaultTimeout = 10 * time.Minute

// NewDataSyncResource is the codat_data_sync resource: an ad hoc sync,
// queued when the resource is created.
func NewDataSyncResource() resource.Resource {
	return &dataSyncResource{resourceBase{typeName: "data_sync"}}
}

type dataSyncResource struct {
	resourceBase
}

type dataSyncModel struct {
	ID                types.String   `tfsdk:"id"`
	CompanyID         types.String   `tfsdk:"company_id"`
	DataTypes         types.Set      `tfsdk:"data_types"`
	ConnectionID      types.String   `tfsdk:"connection_id"`
	Triggers          types.Map      `tfsdk:"triggers"`
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	QueuedAt          types.String   `tfsdk:"queued_at"`
	Operations        types.List     `tfsdk:"operations"`
}

// pullOperationModel is one element of operations.
type pullOperationModel struct {
	ID           types.String `tfsdk:"id"`
	DataType     types.String `tfsdk:"data_type"`
	ConnectionID types.String `tfsdk:"connection_id"`
	Status       types.String `tfsdk:"status"`
	ErrorMessage types.String `tfsdk:"error_message"`
	Requested    types.String `tfsdk:"requested"`
	Completed    types.String `tfsdk:"completed"`
}

func (r *dataSyncResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An ad hoc sync of a company's data: creating this resource asks Codat to fetch the company's data from its platform now, as the Codat Portal's \"Refresh\" does, instead of waiting for the next scheduled sync (`codat_sync_schedule`).",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("A random id Terraform gives this sync (Codat has no id for a group of pulls; each pull's id is in `operations`)."),
			"company_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Codat company whose data to sync, such as `codat_company.example.id`. The business must have authorised a connection first (`status = \"Linked\"`). Changing it queues a new sync.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{companyIDValidator()},
			},
			"data_types": schema.SetAttribute{
				MarkdownDescription: "The Codat data types to sync, such as `[\"invoices\", \"bills\"]` (case-sensitive; an unknown name fails the plan with the nearest valid ones). " +
					"Each is queued with `POST /companies/{companyId}/data/queue/{dataType}`. " +
					"Omit it to sync every data type whose sync settings have `fetch_on_first_link` set (`POST /companies/{companyId}/data/all`), as Codat does when a business first links. Changing it queues a new sync.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators:    syncDataTypesValidators(),
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Sync through this connection of the company only (it must be `Linked`), such as `codat_company.example.connection_id`. " +
					"Needs `data_types`. Omitted, Codat syncs each data type from the linked connections whose platform provides it. Changing it queues a new sync.",
				Optional:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    syncConnectionIDValidators(),
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings that, when any of them changes, queue the sync again (the resource is replaced, like `terraform_data`'s `triggers_replace`): " +
					"for example a date variable, or the `id` of a `time_rotating` resource to re-sync every month.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"wait_for_completion": schema.BoolAttribute{
				MarkdownDescription: "Whether `terraform apply` waits until every queued pull has finished, so that resources and data sources depending on this one see fresh data. " +
					"Terraform polls Codat soon at first and then at growing intervals of at most 30 seconds, for at most `timeouts.create`. " +
					"A pull that fails makes the apply fail. Defaults to `false`: the apply ends once Codat has queued the pulls. " +
					"Changing it later only updates state: it does not queue or wait.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"queued_at": computedOnce("When Terraform queued the sync (RFC 3339, UTC, by the clock of the machine running Terraform)."),
			"operations": schema.ListNestedAttribute{
				MarkdownDescription: "The pull operations the sync queued, one per data type and connection, ordered by data type. " +
					"Their status is the last Terraform saw during create: final with `wait_for_completion`, usually `Queued` without. It is not refreshed afterwards; " +
					"use the `codat_data_status` data source for the current state of the company's data.",
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":            computed("Codat's id for the pull operation (also called a dataset), as in `GET /companies/{companyId}/data/history/{datasetId}`."),
					"data_type":     computed("The data type pulled, such as `invoices`."),
					"connection_id": computed("The connection the data is pulled through."),
					"status":        computed("Codat's status of the pull: `Queued`, `Fetching`, `Mapping` and the like while it runs; `Complete`; an error such as `FetchError`, `AuthError` or `MapError`; or `Cancelled` or `NotSupported` (the platform does not provide the data type)."),
					"error_message": computed("Codat's explanation of a failed pull; null otherwise."),
					"requested":     computed("When the pull was queued (ISO 8601, Codat's clock)."),
					"completed":     computed("When the pull finished (ISO 8601); null while it runs."),
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true,
				CreateDescription: "How long create may wait, counted from its start, as a duration such as `\"30m\"`: for the operations of a sync of all data types to appear, and with `wait_for_completion` for the pulls to finish. " +
					"Defaults to `\"10m\"`. When it passes while pulls are still running, the apply fails and the pulls go on at Codat.",
			}),
		},
	}
}

// Create queues the sync and, with wait_for_completion, waits for it. Once
// anything is queued the resource is saved in state, also when the apply
// then fails (a pull failed, or the timeout passed): Terraform marks it
// tainted, so the next apply queues the sync again.
func (r *dataSyncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, client, ok := modelAndClient[dataSyncModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, dataSyncDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	job := newSyncJob(ctx, plan.CompanyID, plan.ConnectionID, plan.DataTypes, plan.WaitForCompletion, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	job.Timeout, job.Caller = timeout, dataSyncCaller

	start := time.Now()
	run, queued := job.run(ctx, client, start, &resp.Diagnostics)
	if !queued {
		return
	}
	state := plan
	state.ID = types.StringValue(uuid.NewString())
	state.QueuedAt = types.StringValue(start.UTC().Format(time.RFC3339))
	ops, d := operationsValue(ctx, run.Operations())
	resp.Diagnostics.Append(d...)
	state.Operations = ops
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// ModifyPlan fails the plan for a data type the company's platforms cannot
// read (checkDataTypesProvided), only when the sync is to be queued
// (created or replaced) and the company is known at plan time.
func (r *dataSyncResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	plan, state := planAndPrior[dataSyncModel](ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if state != nil && plan.CompanyID.Equal(state.CompanyID) && plan.DataTypes.Equal(state.DataTypes) &&
		plan.ConnectionID.Equal(state.ConnectionID) && plan.Triggers.Equal(state.Triggers) {
		return // not queued again
	}
	checkDataTypesProvided(ctx, r.data, plan.CompanyID, plan.ConnectionID, plan.DataTypes, &resp.Diagnostics)
}

// Read sends nothing: the sync happened when the resource was created, and
// nothing at Codat can change that. operations keeps what create saw; the
// codat_data_status data source reads the current state.
func (r *dataSyncResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update is reached only for wait_for_completion and timeouts (every other
// argument replaces the resource). It records them and sends nothing.
func (r *dataSyncResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state dataSyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.QueuedAt, plan.Operations = state.ID, state.QueuedAt, state.Operations
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Delete sends nothing: Codat cannot cancel a queued pull, and the synced
// data belongs to the company.
func (r *dataSyncResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// operationsValue is the operations attribute, each pull mapped by
// pullOperationToModel.
func operationsValue(ctx context.Context, ops []codat.PullOperation) (types.List, diag.Diagnostics) {
	models := make([]pullOperationModel, 0, len(ops))
	for _, op := range ops {
		models = append(models, pullOperationToModel(op))
	}
	return types.ListValueFrom(ctx, objectTypeOf[pullOperationModel](), models)
}

// pullOperationToModel is the one mapping from a Codat pull operation to an
// element of operations.
func pullOperationToModel(op codat.PullOperation) pullOperationModel {
	return pullOperationModel{
		ID:           types.StringValue(op.ID),
		DataType:     types.StringValue(op.DataType),
		ConnectionID: optionalString(op.ConnectionID),
		Status:       types.StringValue(string(op.Status)),
		ErrorMessage: optionalString(op.ErrorMessage),
		Requested:    optionalString(op.Requested),
		Completed:    optionalString(op.Completed),
	}
}
