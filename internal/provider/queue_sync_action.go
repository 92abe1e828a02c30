package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ action.Action               = (*queueSyncAction)(nil)
	_ action.ActionWithConfigure  = (*queueSyncAction)(nil)
	_ action.ActionWithModifyPlan = (*queueSyncAction)(nil)
)

// NewQueueSyncAction is the codat_queue_sync action (Terraform 1.14+): an
// ad hoc sync, queued each time the action is invoked.
func NewQueueSyncAction() action.Action {
	return &queueSyncAction{actionBase{typeName: "queue_sync"}}
}

type queueSyncAction struct {
	actionBase
}

type queueSyncModel struct {
	CompanyID         types.String `tfsdk:"company_id"`
	DataTypes         types.Set    `tfsdk:"data_types"`
	ConnectionID      types.String `tfsdk:"connection_id"`
	WaitForCompletion types.Bool   `tfsdk:"wait_for_completion"`
	Timeout           types.String `tfsdk:"timeout"`
}

// queueSyncCaller is what the action's user reads after a failure: nothing
// is recorded, so invoking it again is the way to queue again.
var queueSyncCaller = syncCaller{
	timeoutSetting: "timeout",
	again:          "Invoking the action again queues the sync again.",
	partly:         "The data types after it were not queued. Fix the cause and invoke the action again: a data type still syncing is followed, not queued twice.",
	longSyncs:      "For long syncs, raise timeout, or leave wait_for_completion out: the action then ends once Codat has queued the pulls.",
}

func (a *queueSyncAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Queues an ad hoc sync of a company's data: Codat fetches it from the company's platform now, as the Codat Portal's \"Refresh\" does, instead of at the next scheduled sync. " +
			"Invoke it with `terraform apply -invoke=action.codat_queue_sync.<name>`, or from a resource's `lifecycle { action_trigger { ... } }`. A data type already syncing is followed, not queued twice.",
		Attributes: map[string]schema.Attribute{
			"company_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Codat company whose data to sync, such as `codat_company.example.id`. The business must have authorised a connection first (`status = \"Linked\"`).",
				Required:            true,
				Validators:          []validator.String{companyIDValidator()},
			},
			"data_types": schema.SetAttribute{
				MarkdownDescription: "The Codat data types to sync, such as `[\"invoices\", \"bills\"]` (case-sensitive; an unknown name fails the plan with the nearest valid ones), each queued with `POST /companies/{companyId}/data/queue/{dataType}`. " +
					"Omit it to sync every data type whose sync settings have `fetch_on_first_link` set (`POST /companies/{companyId}/data/all`).",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  syncDataTypesValidators(),
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Sync through this connection of the company only (it must be `Linked`). Needs `data_types`. Omitted, Codat syncs each data type from the linked connections whose platform provides it.",
				Optional:            true,
				Validators:          syncConnectionIDValidators(),
			},
			"wait_for_completion": schema.BoolAttribute{
				MarkdownDescription: "Whether the action waits until every queued pull has finished, polling Codat at growing intervals of at most 30 seconds, for at most `timeout`; a pull that fails makes the action fail, naming the data type with Codat's message. " +
					"Defaults to `false`: the action ends once Codat has queued the pulls.",
				Optional: true,
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "How long the action may take, as a duration such as `\"30m\"`: to find the pulls of a sync of every data type and, with `wait_for_completion`, for them to finish. Defaults to `\"10m\"`. " +
					"When it passes while pulls are still running, the action fails, listing them; they go on at Codat.",
				Optional:   true,
				Validators: []validator.String{durationValidator(time.Second)},
			},
		},
	}
}

// ModifyPlan fails the plan for a data type the company's platforms cannot
// read, as codat_data_sync's does (checkDataTypesProvided).
func (a *queueSyncAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil {
		return
	}
	var config queueSyncModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	checkDataTypesProvided(ctx, a.data, config.CompanyID, config.ConnectionID, config.DataTypes, &resp.Diagnostics)
}

// Invoke runs the sync codat_data_sync's create runs, reporting what it
// queued as progress.
func (a *queueSyncAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	config, client, _ := modelAndClient[queueSyncModel](ctx, a.data, req.Config, &resp.Diagnostics)
	job := newSyncJob(ctx, config.CompanyID, config.ConnectionID, config.DataTypes, config.WaitForCompletion, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	job.Timeout = dataSyncDefaultTimeout
	if !config.Timeout.IsNull() {
		job.Timeout, _ = time.ParseDuration(config.Timeout.ValueString()) // validated at plan time
	}
	job.Caller = queueSyncCaller
	job.Progress = func(message string) { resp.SendProgress(action.InvokeProgressEvent{Message: message}) }
	job.run(ctx, client, time.Now(), &resp.Diagnostics)
}
