package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// syncJob is one ad hoc sync of a company's data, as codat_data_sync's
// create and the codat_queue_sync action both run it: queue each data type
// (or every one fetched on first link), then, when asked, follow the pulls
// to their end.
type syncJob struct {
	CompanyID    string
	ConnectionID string
	// DataTypes are queued in this order; none means data/all.
	DataTypes []string
	Wait      bool
	// Timeout bounds the job, from its start.
	Timeout time.Duration
	Caller  syncCaller
	// Progress, if set, is told what the job has queued and waits for.
	Progress func(message string)
}

// syncCaller words what the user reads about a failed sync for what queued
// it: the setting that bounds the wait and what happens next.
type syncCaller struct {
	timeoutSetting string
	// again is what happens after a failure once something was queued.
	again string
	// partly is what happens when only some data types could be queued.
	partly string
	// longSyncs is what to change for a sync that outlasts the timeout.
	longSyncs string
}

var dataSyncCaller = syncCaller{
	timeoutSetting: "timeouts.create",
	again:          "This codat_data_sync is saved in state but tainted, so the next apply queues the sync again.",
	partly:         "This codat_data_sync is saved in state but tainted, so the next apply queues every data type again.",
	longSyncs: "This codat_data_sync is saved in state but tainted, so the next apply queues the sync again; " +
		"to keep it without queueing again, run terraform untaint on it. For long syncs, raise timeouts.create or set wait_for_completion = false.",
}

// newSyncJob is the job codat_data_sync's create and the codat_queue_sync
// action ask for: the data types sorted, none when left out (data/all).
// Timeout, Caller and Progress are the caller's.
func newSyncJob(ctx context.Context, companyID, connectionID types.String, dataTypes types.Set, wait types.Bool, diags *diag.Diagnostics) syncJob {
	var names []string
	if !dataTypes.IsNull() {
		diags.Append(dataTypes.ElementsAs(ctx, &names, false)...)
	}
	slices.Sort(names)
	return syncJob{CompanyID: companyID.ValueString(), ConnectionID: connectionID.ValueString(), DataTypes: names, Wait: wait.ValueBool()}
}

// syncDataTypesValidators and syncConnectionIDValidators are the rules of a
// sync's data_types and connection_id, the resource's and the action's.
func syncDataTypesValidators() []validator.Set {
	return []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(dataTypeValidator())}
}

func syncConnectionIDValidators() []validator.String {
	return []validator.String{connectionIDValidator(), stringvalidator.AlsoRequires(path.MatchRoot("data_types"))}
}

// run queues the sync and, with Wait, follows it, adding what went wrong to
// diags. queued reports whether Codat has queued anything, which
// codat_data_sync then records.
func (j syncJob) run(ctx context.Context, client *codat.Client, start time.Time, diags *diag.Diagnostics) (run *codat.SyncRun, queued bool) {
	deadline := start.Add(j.Timeout)
	run = client.NewSyncRun(j.CompanyID)
	if len(j.DataTypes) > 0 {
		for _, dataType := range j.DataTypes {
			if err := run.Queue(ctx, dataType, j.ConnectionID); err != nil {
				summary, detail := queueProblem(ctx, client, j.CompanyID, j.ConnectionID, dataType, err)
				done := run.Operations()
				if len(done) > 0 {
					detail += fmt.Sprintf("\n\nThe data types queued before this one (%s) are syncing at Codat. %s", strings.Join(codat.PulledDataTypes(done), ", "), j.Caller.partly)
				}
				diags.AddError(summary, detail)
				return run, len(done) > 0
			}
		}
	} else if queued, follow := j.queueAll(ctx, client, run, start, deadline, diags); !follow {
		return run, queued
	}
	ops := run.Operations()
	if j.Progress != nil && len(ops) > 0 {
		message := fmt.Sprintf("Codat queued %d pull(s) of company %s: %s", len(ops), j.CompanyID, strings.Join(codat.PulledDataTypes(ops), ", "))
		if j.Wait {
			message += fmt.Sprintf("; waiting up to %s for them to finish", time.Until(deadline).Round(time.Second))
		}
		j.Progress(message)
	}
	if j.Wait {
		err := run.Wait(ctx, deadline)
		addWaitProblem(ctx, diags, run, err, j.Timeout, j.Caller)
		if err == nil && j.Progress != nil {
			j.Progress("The pulls finished:" + describeOps(run.Operations()))
		}
	}
	return run, true
}

// queueAll queues every data type fetched on first link and finds the pulls
// that queued. follow is false when there is nothing to follow: nothing
// was queued (an error), or its pulls cannot be seen (a warning).
func (j syncJob) queueAll(ctx context.Context, client *codat.Client, run *codat.SyncRun, start, deadline time.Time, diags *diag.Diagnostics) (queued, follow bool) {
	if err := run.SnapshotHistory(ctx, start.Add(-codat.QueueAllLookback)); err != nil {
		diags.AddError(fmt.Sprintf("Could not read the pull history of Codat company %s before syncing it", j.CompanyID),
			apiErrorDetail(err)+"\n\nNothing was queued.")
		return false, false
	}
	if err := run.QueueAll(ctx); err != nil {
		summary, detail := queueProblem(ctx, client, j.CompanyID, "", "", err)
		diags.AddError(summary, detail)
		return false, false
	}
	searchEnd := earlier(deadline, start.Add(codat.QueueAllDiscovery))
	err := run.Discover(ctx, searchEnd)
	switch {
	case errors.Is(err, codat.ErrPollDeadline):
		diags.AddWarning("No pull operations found for the Codat sync",
			fmt.Sprintf("Codat accepted the request to sync every data type of company %s that is fetched on first link (POST data/all answered 204), "+
				"but no new pull operation appeared in its history within %s, so there were no operations to report or wait for. "+
				"This happens when no data type has fetch_on_first_link in the sync settings (codat_profile_sync_settings, codat_sync_schedule), "+
				"or when the company's linked platforms provide none of them. Set data_types to sync particular data types.",
				j.CompanyID, searchEnd.Sub(start).Round(time.Second)))
		return true, false
	case err != nil:
		// The sync is queued; a failure to see it must not hide that.
		diags.AddWarning("Could not list the operations of the Codat sync",
			fmt.Sprintf("Codat queued a sync of company %s's data types (POST data/all), but its pull history could not be read, so Terraform has no operations to report and did not wait for the sync: %s",
				j.CompanyID, apiErrorDetail(err)))
		return true, false
	}
	return true, true
}

// checkDataTypesProvided fails a plan that asks for a data type the
// catalogue says none of the company's platforms (or the connection's) can
// read, which Codat would refuse with 404 at apply: one request for the
// company, and the catalogue once per run. Unknown values, a catalogue that
// does not say, or a read that fails let the plan go on; apply then reports
// what Codat answers.
func checkDataTypesProvided(ctx context.Context, data *providerData, companyID, connectionID types.String, dataTypes types.Set, diags *diag.Diagnostics) {
	if companyID.IsUnknown() || connectionID.IsUnknown() || dataTypes.IsNull() || dataTypes.IsUnknown() {
		return
	}
	var names []string
	if diags.Append(dataTypes.ElementsAs(ctx, &names, false)...); diags.HasError() {
		return
	}
	company, err := data.client.GetCompany(ctx, companyID.ValueString())
	if err != nil {
		return
	}
	unread, err := data.catalogue.UnreadDataTypes(ctx, codat.QueueConnections(company, connectionID.ValueString()), names)
	if err != nil {
		return
	}
	for _, u := range unread {
		diags.AddAttributeError(path.Root("data_types"), "Codat data type not provided by the platform",
			unsupportedDetail(companyID.ValueString(), u)+" (Codat's integrations catalogue says so; nothing was queued.)")
	}
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
