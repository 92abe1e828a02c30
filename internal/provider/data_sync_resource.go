package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	_ resource.Resource              = (*dataSyncResource)(nil)
	_ resource.ResourceWithConfigure = (*dataSyncResource)(nil)
)

const (
	// dataSyncDefaultTimeout bounds create when timeouts.create is not set.
	dataSyncDefaultTimeout = 10 * time.Minute
	// allOpsLookback is how far back, by this machine's clock, Create looks in
	// data/history for the operations data/all queued. Operations already
	// there before the request are left out, so the margin only has to cover
	// a clock that differs from Codat's.
	allOpsLookback = time.Hour
	// allOpsDiscovery bounds the search for data/all's operations, which
	// Codat queues after answering 204: if none appears in this time, none
	// was queued (no data type is fetched on first link, or none is provided
	// by the company's platforms).
	allOpsDiscovery = time.Minute
	// opsPerQuery is how many "id=..." terms one data/history query holds,
	// within Codat's 2048-character limit on a query.
	opsPerQuery = 40
)

// NewDataSyncResource is the codat_data_sync resource: an ad hoc sync,
// queued when the resource is created.
func NewDataSyncResource() resource.Resource { return &dataSyncResource{} }

type dataSyncResource struct {
	data *providerData
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

var pullOperationAttrTypes = map[string]attr.Type{
	"id":            types.StringType,
	"data_type":     types.StringType,
	"connection_id": types.StringType,
	"status":        types.StringType,
	"error_message": types.StringType,
	"requested":     types.StringType,
	"completed":     types.StringType,
}

func (r *dataSyncResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_data_sync"
}

func (r *dataSyncResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: dataSyncResourceDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "A random id Terraform gives this sync (Codat has no id for a group of pulls; each pull's id is in `operations`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"company_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Codat company whose data to sync, such as `codat_company.example.id`. The business must have authorised a connection first (`status = \"Linked\"`). Changing it queues a new sync.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{stringvalidator.RegexMatches(infoCompanyIDPattern,
					"must be a Codat company ID (a UUID such as 7e7b7ca8-5a4b-4c3c-9d8e-0f1a2b3c4d5e), for example codat_company.example.id")},
			},
			"data_types": schema.SetAttribute{
				MarkdownDescription: "The Codat data types to sync, such as `[\"invoices\", \"bills\"]` (case-sensitive; an unknown name fails the plan with the nearest valid ones). " +
					"Each is queued with `POST /companies/{companyId}/data/queue/{dataType}`. " +
					"Omit it to sync every data type whose sync settings have `fetch_on_first_link` set (`POST /companies/{companyId}/data/all`), as Codat does when a business first links. Changing it queues a new sync.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(dataTypeValidator{}),
				},
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Sync through this connection of the company only (it must be `Linked`), such as `codat_company.example.connection_id`. " +
					"Needs `data_types`. Omitted, Codat syncs each data type from the linked connections whose platform provides it. Changing it queues a new sync.",
				Optional:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(infoCompanyIDPattern, "must be a Codat connection ID (a UUID), for example codat_company.example.connection_id"),
					stringvalidator.AlsoRequires(path.MatchRoot("data_types")),
				},
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
			"queued_at": schema.StringAttribute{
				MarkdownDescription: "When Terraform queued the sync (RFC 3339, UTC, by the clock of the machine running Terraform).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
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

func (r *dataSyncResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Create queues the sync and, with wait_for_completion, waits for it. Once
// anything is queued the resource is saved in state, also when the apply
// then fails (a pull failed, or the timeout passed): Terraform marks it
// tainted, so the next apply queues the sync again.
func (r *dataSyncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dataSyncModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := requireClient(r.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, dataSyncDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	var dataTypes []string
	if !plan.DataTypes.IsNull() {
		resp.Diagnostics.Append(plan.DataTypes.ElementsAs(ctx, &dataTypes, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	slices.Sort(dataTypes)

	start := time.Now()
	deadline := start.Add(timeout)
	run := &syncRun{client: client, companyID: plan.CompanyID.ValueString()}
	save := func() {
		state := plan
		state.ID = types.StringValue(uuid.NewString())
		state.QueuedAt = types.StringValue(start.UTC().Format(time.RFC3339))
		ops, d := run.operationsValue(ctx)
		resp.Diagnostics.Append(d...)
		state.Operations = ops
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}

	// Queue.
	if len(dataTypes) > 0 {
		connectionID := plan.ConnectionID.ValueString()
		for _, dataType := range dataTypes {
			if err := run.queue(ctx, dataType, connectionID); err != nil {
				summary, detail := queueProblem(ctx, client, run.companyID, connectionID, dataType, err)
				if len(run.ops) > 0 {
					detail += fmt.Sprintf("\n\nThe data types queued before this one (%s) are syncing at Codat. This codat_data_sync is saved in state but tainted, so the next apply queues every data type again.",
						strings.Join(run.dataTypes(), ", "))
					save()
				}
				resp.Diagnostics.AddError(summary, detail)
				return
			}
		}
	} else {
		if err := run.snapshot(ctx, start.Add(-allOpsLookback)); err != nil {
			resp.Diagnostics.AddError(fmt.Sprintf("Could not read the pull history of Codat company %s before syncing it", run.companyID),
				apiErrorDetail(err)+"\n\nNothing was queued.")
			return
		}
		if err := client.RefreshAllData(ctx, run.companyID); err != nil {
			summary, detail := queueProblem(ctx, client, run.companyID, "", "", err)
			resp.Diagnostics.AddError(summary, detail)
			return
		}
		searchEnd := earlier(deadline, start.Add(allOpsDiscovery))
		err := pollUntil(ctx, searchEnd, defaultPollSchedule, func() (bool, error) {
			if err := run.refresh(ctx); err != nil {
				return false, err
			}
			return len(run.ops) > 0, nil
		})
		switch {
		case errors.Is(err, errPollDeadline):
			resp.Diagnostics.AddWarning("No pull operations found for the Codat sync",
				fmt.Sprintf("Codat accepted the request to sync every data type of company %s that is fetched on first link (POST data/all answered 204), "+
					"but no new pull operation appeared in its history within %s, so operations is empty and there was nothing to wait for. "+
					"This happens when no data type has fetch_on_first_link in the sync settings (codat_profile_sync_settings, codat_sync_schedule), "+
					"or when the company's linked platforms provide none of them. Set data_types to sync particular data types.",
					run.companyID, searchEnd.Sub(start).Round(time.Second)))
			save()
			return
		case err != nil:
			// The sync is queued; a failure to see it must not hide that.
			resp.Diagnostics.AddWarning("Could not list the operations of the Codat sync",
				fmt.Sprintf("Codat queued a sync of company %s's data types (POST data/all), but its pull history could not be read, so operations is empty and Terraform did not wait for the sync: %s",
					run.companyID, apiErrorDetail(err)))
			save()
			return
		}
	}

	if !plan.WaitForCompletion.ValueBool() {
		save()
		return
	}

	// Wait. The context outlives the deadline a little, so that the last
	// poll, made at the deadline, can finish.
	waitCtx, cancel := context.WithDeadline(ctx, deadline.Add(30*time.Second))
	defer cancel()
	first := true
	err := pollUntil(waitCtx, deadline, defaultPollSchedule, func() (bool, error) {
		if !first { // the first check uses what queueing (or finding) just returned
			if err := run.refresh(waitCtx); err != nil {
				return false, err
			}
		}
		first = false
		return len(run.running()) == 0, nil
	})
	var stopped *waitStoppedError
	switch {
	case err == nil:
	case errors.Is(err, errPollDeadline), errors.As(err, &stopped) && ctx.Err() == nil:
		resp.Diagnostics.AddError("Timed out waiting for the Codat sync", fmt.Sprintf(
			"After %s (timeouts.create), these pulls of company %s were still running:%s\n\n"+
				"The sync goes on at Codat; the codat_data_status data source shows when it ends. "+
				"This codat_data_sync is saved in state but tainted, so the next apply queues the sync again; "+
				"to keep it without queueing again, run terraform untaint on it. For long syncs, raise timeouts.create or set wait_for_completion = false.",
			timeout, run.companyID, describeOps(run.running())))
		save()
		return
	case errors.As(err, &stopped):
		resp.Diagnostics.AddError("Stopped waiting for the Codat sync", fmt.Sprintf(
			"Terraform stopped waiting after %s (%v). These pulls of company %s were still running:%s\n\n"+
				"The sync goes on at Codat. This codat_data_sync is saved in state but tainted, so the next apply queues it again.",
			stopped.waited.Round(time.Second), stopped.cause, run.companyID, describeOps(run.running())))
		save()
		return
	default:
		resp.Diagnostics.AddError("Could not follow the Codat sync", fmt.Sprintf(
			"The sync of company %s was queued, but reading its progress from Codat's pull history failed: %s\n\n"+
				"The sync goes on at Codat. This codat_data_sync is saved in state but tainted, so the next apply queues it again.",
			run.companyID, apiErrorDetail(err)))
		save()
		return
	}

	if failed := run.failed(); len(failed) > 0 {
		resp.Diagnostics.AddError(fmt.Sprintf("Codat could not sync %s", strings.Join(opDataTypes(failed), ", ")),
			failedDetail(run.companyID, failed))
	}
	if ended := run.endedWithoutData(); len(ended) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Codat synced no data for %s", strings.Join(opDataTypes(ended), ", ")),
			"These pulls ended without data:"+describeOps(ended)+"\n\n"+
				"NotSupported means the company's platform does not provide the data type (check data_types and connection_id); Cancelled means the pull was cancelled at Codat.")
	}
	save()
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

// syncRun is one sync being queued and followed: its pull operations, in
// the order they are reported.
type syncRun struct {
	client    *codat.Client
	companyID string
	ops       []codat.PullOperation

	// For data/all: the history query that finds its operations, and the
	// operations that query found before the request, which are not its.
	allQuery string
	before   map[string]bool
}

// queue queues one data type (refresh-data-type).
func (s *syncRun) queue(ctx context.Context, dataType, connectionID string) error {
	op, err := s.client.RefreshDataType(ctx, s.companyID, dataType, connectionID)
	if err != nil {
		return err
	}
	s.ops = append(s.ops, *op)
	return nil
}

// snapshot records the operations requested since since, before data/all
// is requested: the ones refresh will find that are not the sync's.
func (s *syncRun) snapshot(ctx context.Context, since time.Time) error {
	s.allQuery = "requested>=" + since.UTC().Format("2006-01-02T15:04:05Z")
	ops, err := s.client.ListPullOperations(ctx, s.companyID, codat.ListOptions{Query: s.allQuery})
	if err != nil {
		return err
	}
	s.before = make(map[string]bool, len(ops))
	for _, op := range ops {
		s.before[strings.ToLower(op.ID)] = true
	}
	return nil
}

// refresh reads the sync's operations again. For data/all that is one
// history query for the operations requested since the snapshot that were
// not in it (so any that appear late are added); otherwise one query naming
// the operations still running, by id.
func (s *syncRun) refresh(ctx context.Context) error {
	if s.before != nil {
		ops, err := s.client.ListPullOperations(ctx, s.companyID, codat.ListOptions{Query: s.allQuery})
		if err != nil {
			return err
		}
		s.ops = s.ops[:0]
		for _, op := range ops {
			if !s.before[strings.ToLower(op.ID)] {
				s.ops = append(s.ops, op)
			}
		}
		slices.SortStableFunc(s.ops, func(a, b codat.PullOperation) int {
			return cmp.Or(cmp.Compare(a.DataType, b.DataType), cmp.Compare(a.Requested, b.Requested), cmp.Compare(a.ID, b.ID))
		})
		return nil
	}
	var ids []string
	for _, op := range s.running() {
		ids = append(ids, op.ID)
	}
	for chunk := range slices.Chunk(ids, opsPerQuery) {
		terms := make([]string, len(chunk))
		for i, id := range chunk {
			terms[i] = "id=" + id
		}
		ops, err := s.client.ListPullOperations(ctx, s.companyID, codat.ListOptions{Query: strings.Join(terms, "||")})
		if err != nil {
			return err
		}
		// An operation not listed yet keeps its last status.
		for _, got := range ops {
			for i := range s.ops {
				if strings.EqualFold(s.ops[i].ID, got.ID) {
					s.ops[i] = got
				}
			}
		}
	}
	return nil
}

func (s *syncRun) running() []codat.PullOperation {
	return slices.DeleteFunc(slices.Clone(s.ops), pullFinished)
}

func (s *syncRun) failed() []codat.PullOperation {
	return slices.DeleteFunc(slices.Clone(s.ops), func(op codat.PullOperation) bool { return !pullFailed(op) })
}

// endedWithoutData are pulls that finished neither Complete nor failed:
// Cancelled, NotSupported.
func (s *syncRun) endedWithoutData() []codat.PullOperation {
	return slices.DeleteFunc(slices.Clone(s.ops), func(op codat.PullOperation) bool {
		return !pullFinished(op) || pullFailed(op) || op.Status == codat.PullStatusComplete
	})
}

func (s *syncRun) dataTypes() []string { return opDataTypes(s.ops) }

// operationsValue is the operations attribute, mapped by pullOperationToModel.
func (s *syncRun) operationsValue(ctx context.Context) (types.List, diag.Diagnostics) {
	models := make([]pullOperationModel, 0, len(s.ops))
	for _, op := range s.ops {
		models = append(models, pullOperationToModel(op))
	}
	return types.ListValueFrom(ctx, types.ObjectType{AttrTypes: pullOperationAttrTypes}, models)
}

// pullOperationToModel is the one mapping from a Codat pull operation to an
// element of operations.
func pullOperationToModel(op codat.PullOperation) pullOperationModel {
	return pullOperationModel{
		ID:           types.StringValue(op.ID),
		DataType:     types.StringValue(op.DataType),
		ConnectionID: optionalString(op.ConnectionID),
		Status:       types.StringValue(op.Status),
		ErrorMessage: optionalString(op.ErrorMessage),
		Requested:    optionalString(op.Requested),
		Completed:    optionalString(op.Completed),
	}
}

// pullRunning lists the statuses of a pull that has not finished.
var pullRunning = []string{
	codat.PullStatusInitial, codat.PullStatusQueued, codat.PullStatusFetching, "MapQueued", "Mapping",
	"ProcessingQueued", "Processing", "ValidationQueued", "Validating",
}

// pullFinished reports a pull that will not change any more: Complete,
// failed, Cancelled or NotSupported (and any status Codat may add that is
// not one of the running ones).
func pullFinished(op codat.PullOperation) bool {
	return op.IsCompleted || op.IsErrored || !slices.Contains(pullRunning, op.Status)
}

// pullErrored lists the statuses of a pull that ended in an error.
var pullErrored = []string{
	codat.PullStatusFetchError, "MapError", "InternalError", "ProcessingError", "ValidationError",
	codat.PullStatusAuthError, "RateLimitError", "PermissionsError", "PrerequisiteNotMet",
}

// pullFailed reports a pull that ended in an error: isErrored, or one of
// the error statuses.
func pullFailed(op codat.PullOperation) bool {
	return op.IsErrored || slices.Contains(pullErrored, op.Status)
}

func opDataTypes(ops []codat.PullOperation) []string {
	var out []string
	for _, op := range ops {
		if !slices.Contains(out, op.DataType) {
			out = append(out, op.DataType)
		}
	}
	return out
}

// describeOps lists pulls, one a line: data type, status, id and Codat's message.
func describeOps(ops []codat.PullOperation) string {
	var b strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&b, "\n- %s: %s (operation %s", op.DataType, op.Status, op.ID)
		if op.StatusDescription != "" {
			fmt.Fprintf(&b, ", %s", op.StatusDescription)
		}
		b.WriteString(")")
		if op.ErrorMessage != "" {
			fmt.Fprintf(&b, ": %s", op.ErrorMessage)
		}
	}
	return b.String()
}

// failedDetail explains failed pulls with Codat's messages and what to do.
func failedDetail(companyID string, failed []codat.PullOperation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "These pulls of company %s failed at Codat:%s\n\n", companyID, describeOps(failed))
	if slices.ContainsFunc(failed, func(op codat.PullOperation) bool { return op.Status == codat.PullStatusAuthError }) {
		b.WriteString("AuthError means the platform no longer accepts the business's authorisation: the business must authorise again through the connection's link_url (codat_company's link_url). ")
	}
	b.WriteString("Fix the cause Codat gives; this codat_data_sync is saved in state but tainted, so the next apply queues the sync again.")
	return b.String()
}

// queueProblem explains a failed queue request. A 400 most often means the
// business has not authorised a connection yet: one more request (made only
// on this error path) reads the company to say which link it must open.
func queueProblem(ctx context.Context, client *codat.Client, companyID, connectionID, dataType string, err error) (summary, detail string) {
	what := "every data type fetched on first link"
	if dataType != "" {
		what = dataType
	}
	summary = "Could not queue a Codat sync of " + what
	if !codat.IsBadRequest(err) && !codat.IsNotFound(err) {
		return summary, apiErrorDetail(err)
	}
	company, getErr := client.GetCompany(ctx, companyID)
	switch {
	case codat.IsNotFound(getErr):
		return "Codat company not found", fmt.Sprintf("Codat has no company with ID %s. Check company_id; if it comes from a codat_company resource, "+
			"the company may have been deleted outside Terraform (apply again to recreate it). %s", companyID, codatAnswer(getErr))
	case getErr != nil:
		return summary, apiErrorDetail(err)
	}
	if connectionID != "" {
		conn := findConnection(company.DataConnections, connectionID)
		switch {
		case conn == nil:
			return "Codat connection not found", fmt.Sprintf("Company %s has no connection %s. Check connection_id, for example codat_company.example.connection_id; "+
				"codat_company's connections lists them all. %s", companyID, connectionID, codatAnswer(err))
		case conn.Status != codat.StatusLinked:
			return "Codat connection not linked", fmt.Sprintf("Connection %s (%s) of company %s is %s, not Linked, so Codat cannot sync it. "+
				"The business must authorise it first at %s; apply again once codat_company's status is Linked. %s",
				connectionID, conn.PlatformName, companyID, conn.Status, conn.LinkURL, codatAnswer(err))
		}
		return summary, apiErrorDetail(err)
	}
	if infoHasLinkedConnection(company.DataConnections) {
		return summary, apiErrorDetail(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Codat can sync the data of company %s only once the business has authorised access to its platform, and no connection of the company is Linked. ", companyID)
	switch {
	case len(company.DataConnections) == 0:
		fmt.Fprintf(&b, "The company is not connected to any platform yet: send the business to %s to choose its platform and authorise access.", company.Redirect)
	default:
		if infoAllPending(company.DataConnections) {
			b.WriteString("The business has not authorised access yet. ")
		} else {
			b.WriteString("Access was never authorised, or was revoked (Deauthorized) or unlinked. ")
		}
		b.WriteString("Send the business to the link URL of its connection (codat_company's link_url), where it signs in to its platform and authorises Codat:")
		for _, conn := range company.DataConnections {
			fmt.Fprintf(&b, "\n- %s (%s): %s", conn.PlatformName, conn.Status, conn.LinkURL)
		}
	}
	fmt.Fprintf(&b, "\n\nAuthorising starts a first sync by itself; apply again afterwards to queue this one. %s", codatAnswer(err))
	return "Codat company not linked yet", b.String()
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

const dataSyncResourceDescription = `An ad hoc sync of a company's data: creating this resource asks Codat to fetch the company's data from its platform now, as the Codat Portal's "Refresh" does, instead of waiting for the next scheduled sync (` + "`codat_sync_schedule`" + `).

The sync is **queued only when the resource is created**: ` + "`terraform plan`" + `, refresh and an unchanged configuration send nothing to Codat. To sync again, change ` + "`triggers`" + ` (or ` + "`data_types`" + `, ` + "`connection_id`" + `, ` + "`company_id`" + `): the resource is replaced, which queues a new sync. ` + "`terraform apply -replace=<address>`" + ` does the same once.

The business must have authorised access first (the company's ` + "`status`" + ` is ` + "`Linked`" + `); otherwise the apply fails with the link it must open.

## Requests

- With ` + "`data_types`" + `: one ` + "`POST /companies/{companyId}/data/queue/{dataType}`" + ` per data type, each answering with its pull operation.
- Without: one ` + "`POST /companies/{companyId}/data/all`" + `, which answers without saying what it queued. Terraform lists the company's pull history (` + "`GET /companies/{companyId}/data/history`" + `, for pulls requested in the last hour) just before and after the request: the pulls that appear are this sync's. A pull someone else queues for the company at the same moment may be counted with them.
- With ` + "`wait_for_completion`" + `: one history request per poll, whatever the number of data types — soon at first, then at growing intervals of at most 30 seconds, so a long wait costs few of [Codat's rate-limited requests](https://docs.codat.io/using-the-api/rate-limits).
- Read, update and delete send nothing.

## Failures

When a pull ends in an error (` + "`FetchError`" + `, ` + "`AuthError`" + `, ` + "`MapError`" + `, ` + "`InternalError`" + ` and the like) while Terraform waits, the apply fails with the data type and Codat's message. When ` + "`timeouts.create`" + ` passes first, it fails listing the pulls still running; they go on at Codat. Either way the resource is saved in state **tainted**, so the next apply queues the sync again — run ` + "`terraform untaint`" + ` to keep it instead. Pulls that end ` + "`NotSupported`" + ` (the platform lacks the data type) or ` + "`Cancelled`" + ` only warn.

## Destroy and import

Destroying or replacing this resource deletes nothing at Codat: a queued pull cannot be cancelled, and the synced data stays with the company. There is nothing to import: a past sync is not something Terraform can take over, so ` + "`terraform import`" + ` is not supported.
`
