package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// addAPIError turns a client error into a diagnostic whose summary names what
// failed and whose detail says what to do next, with Codat's own message and
// correlation id. Client errors never contain the API key.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

func apiErrorDetail(err error) string {
	var b strings.Builder
	apiErr, ok := codat.AsAPIError(err)
	switch {
	case !ok:
		b.WriteString(err.Error())
	case codat.IsUnauthorized(err):
		fmt.Fprintf(&b, "Codat rejected the API key (HTTP %d). Check that api_key (or CODAT_API_KEY) holds a current key from the Codat Portal for this client and that base_url points at the right Codat environment.", apiErr.StatusCode)
	case codat.IsPaymentRequired(err):
		fmt.Fprintf(&b, "Codat refused this because of an account limit of your Codat plan (HTTP 402): %s. Upgrade the plan or stay within its limits.", apiErr.Message)
	case codat.IsRateLimited(err):
		fmt.Fprintf(&b, "Codat's rate limit was still exceeded after %d attempts (HTTP 429): %s. Apply again later, or lower Terraform's -parallelism.", apiErr.Attempts, apiErr.Message)
	default:
		b.WriteString(err.Error())
	}
	if ok && !codat.IsUnauthorized(err) {
		if apiErr.Validation != nil {
			for _, item := range apiErr.Validation.Errors {
				fmt.Fprintf(&b, "\n- %s: %s", item.ItemID, item.Message)
			}
		}
	}
	if ok && apiErr.CorrelationID != "" && !strings.Contains(b.String(), apiErr.CorrelationID) {
		fmt.Fprintf(&b, "\nCodat correlation id: %s", apiErr.CorrelationID)
	}
	return b.String()
}

// codatAnswer quotes Codat's own message and correlation id, for the end
// of a detail that has already said what went wrong in plain words.
func codatAnswer(err error) string {
	apiErr, ok := codat.AsAPIError(err)
	if !ok || apiErr.Message == "" {
		return err.Error()
	}
	s := "Codat said: " + strings.TrimSuffix(apiErr.Message, ".") + "."
	if apiErr.CorrelationID != "" {
		s += " (correlation id " + apiErr.CorrelationID + ")"
	}
	return s
}

// addCompanyNotFound reports a company id that Codat does not know.
func addCompanyNotFound(diags *diag.Diagnostics, companyID string, err error) {
	diags.AddAttributeError(path.Root("company_id"), "Codat company not found",
		fmt.Sprintf("Codat has no company with ID %s. Check company_id; if it comes from a codat_company resource, "+
			"the company may have been deleted outside Terraform (apply again to recreate it). %s", companyID, codatAnswer(err)))
}

// addCompanyReadError reports a failed read of company companyID or of
// something under it: Codat answers 404 when the company itself is unknown,
// which is said on company_id with what to check; any other failure goes
// under summary.
func addCompanyReadError(diags *diag.Diagnostics, companyID, summary string, err error) {
	if codat.IsNotFound(err) {
		addCompanyNotFound(diags, companyID, err)
		return
	}
	addAPIError(diags, summary, err)
}

// authoriseAdvice tells what the business must do before Codat has data
// from a company that has no Linked connection: which link to open.
func authoriseAdvice(company *codat.Company) string {
	if len(company.DataConnections) == 0 {
		return fmt.Sprintf("The company is not connected to any platform yet: send the business to %s to choose its platform and authorise access.", company.Redirect)
	}
	var b strings.Builder
	if company.AwaitsFirstAuthorisation() {
		b.WriteString("The business has not authorised access yet. ")
	} else {
		b.WriteString("Access was never authorised, or was revoked (Deauthorized) or unlinked. ")
	}
	b.WriteString("Send the business to the link URL of its connection (codat_company's link_url), where it signs in to its platform and authorises Codat:")
	for _, conn := range company.DataConnections {
		fmt.Fprintf(&b, "\n- %s (%s): %s", conn.PlatformName, conn.Status, conn.LinkURL)
	}
	return b.String()
}

// addPlatformError reports a platform key that cannot be connected to.
func addPlatformError(diags *diag.Diagnostics, attribute string, err *codat.PlatformError, tail string) {
	summary, detail := "Unknown Codat platform key", err.Error()
	if err.Disabled() {
		summary = "Disabled Codat platform"
	} else {
		detail += " Platform keys are four lower-case letters; the codat_integrations data source lists every key with its name, " +
			"for example `data \"codat_integrations\" \"x\" { name_contains = \"xero\" }`."
	}
	diags.AddAttributeError(path.Root(attribute), summary, detail+tail)
}

// createFailureHint says what a failed create left at Codat: nothing, or a
// company that may exist and that the next apply adopts.
func createFailureHint(err error, name string) string {
	if !codat.OutcomeUnknown(err) {
		return "\n\nNothing was created at Codat."
	}
	return fmt.Sprintf("\n\nCodat may have created the company %q anyway: its answer was lost and Terraform could not check. If it did, the company carries the tag %s; apply again with the same configuration and Terraform adopts it instead of creating another.", name, codat.CreationTagKey)
}

// connectionNotCreatedWarning explains a company created without its
// connection. It is a warning, not an error: an error would taint the
// company and the next apply would delete it. The company is kept without a
// managed connection, and the next plan shows the update that makes one.
func connectionNotCreatedWarning(ctx context.Context, company *codat.Company, name, platformKey string, err error) diag.Diagnostic {
	detail := apiErrorDetail(err)
	if ctx.Err() != nil {
		detail = "the apply was interrupted first (" + detail + ")"
	}
	if codat.OutcomeUnknown(err) {
		detail += " (Codat may have made the connection; if so the next apply adopts it rather than making another.)"
	}
	return diag.NewAttributeWarningDiagnostic(path.Root("connection_id"), "Codat company created without its connection",
		fmt.Sprintf("Company %q (%s) was created, but its connection to %s could not be: %s\n\n"+
			"The company is saved in state with no connection_id and status %q, and link_url is null. The next plan shows an in-place update that creates the connection (or adopts it, if Codat made it after all); run terraform apply again.",
			name, company.ID, platformKey, detail, statusBlank))
}

// connectErrorDetail explains a platform change whose new connection could
// not be made, after the old one was released.
func connectErrorDetail(err *codat.ConnectError) string {
	return apiErrorDetail(err.Err) + "\n\nThe company now has no managed connection; the next plan shows an in-place update that creates it." + keptAccountingHint(err)
}

// keptAccountingHint names the accounting connection that most likely kept
// Codat from making a connection to another accounting platform.
func keptAccountingHint(err *codat.ConnectError) string {
	kept := err.KeptAccounting
	if kept == nil {
		return ""
	}
	return fmt.Sprintf(" Codat allows one active accounting connection per company, and the company keeps its %s connection %s (%s) because it was linked; unlink it in the Codat Portal first if the business is moving to %s.",
		kept.PlatformName, kept.ID, kept.Status, err.PlatformKey)
}

func deletionProtectedError(state companyModel) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), "Codat company is protected from deletion",
		fmt.Sprintf("Company %q (%s) has deletion_protection = true, so Terraform will not delete it. Deleting a company at Codat also deletes its connections and all the data synced from them.\n\n"+
			"To delete it, set deletion_protection = false and apply, then destroy it. To stop managing it in Terraform without deleting it, use a removed block with lifecycle { destroy = false }.",
			state.Name.ValueString(), state.ID.ValueString()))
}

// addSyncSettingsError reports a failed POST of sync settings. A 402 is
// explained in plain words, naming the data types whose schedule is under
// 24 hours: Codat's plan does not include hourly syncs.
func addSyncSettingsError(diags *diag.Diagnostics, summary, what string, err error, body []codat.SyncSetting, planned map[string]syncSettingModel) {
	apiErr, ok := codat.AsAPIError(err)
	if !ok || !codat.IsPaymentRequired(err) {
		addAPIError(diags, summary, err)
		return
	}
	var lines []string
	for _, s := range body {
		if s.SyncSchedule <= 0 || s.SyncSchedule >= codat.HourlyBelow {
			continue
		}
		if m, configured := planned[s.DataType]; configured {
			lines = append(lines, fmt.Sprintf("  - %s: sync_every = %q (%s)", s.DataType, m.SyncEvery.ValueString(), syncHoursText(s.SyncSchedule)))
		} else {
			lines = append(lines, fmt.Sprintf("  - %s: %s, kept from Codat's current settings (not in data_types)", s.DataType, syncHoursText(s.SyncSchedule)))
		}
	}
	if len(lines) == 0 {
		addAPIError(diags, summary, err)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Codat refused %s (HTTP 402): your Codat plan does not include hourly syncs, that is schedules under %d hours, and these data types would sync more often than that:\n%s\n\n",
		what, codat.HourlyBelow, strings.Join(lines, "\n"))
	b.WriteString(`Set sync_every to "daily" or a longer interval (such as "36h" or "weekly") for them, or move to a Codat plan that includes hourly syncs. Nothing was changed at Codat.`)
	if apiErr.Message != "" {
		fmt.Fprintf(&b, "\n\nCodat's message: %s", apiErr.Message)
	}
	if apiErr.CorrelationID != "" {
		fmt.Fprintf(&b, "\nCodat correlation id: %s", apiErr.CorrelationID)
	}
	diags.AddAttributeError(path.Root("data_types"), "Codat plan does not allow hourly syncs", b.String())
}

func syncHoursText(h int) string {
	if h == 1 {
		return "every hour"
	}
	return fmt.Sprintf("every %d hours", h)
}

// addWaitProblem reports how waiting for the sync's pulls ended, when that
// is not with every pull Complete, saying what happens next as caller does.
func addWaitProblem(ctx context.Context, diags *diag.Diagnostics, run *codat.SyncRun, err error, timeout time.Duration, caller syncCaller) {
	companyID := run.CompanyID()
	var stopped *codat.WaitStoppedError
	switch {
	case err == nil:
	case errors.Is(err, codat.ErrPollDeadline), errors.As(err, &stopped) && ctx.Err() == nil:
		diags.AddError("Timed out waiting for the Codat sync", fmt.Sprintf(
			"After %s (%s), these pulls of company %s were still running:%s\n\n"+
				"The sync goes on at Codat; the codat_data_status data source shows when it ends. %s",
			timeout, caller.timeoutSetting, companyID, describeOps(run.Running()), caller.longSyncs))
		return
	case errors.As(err, &stopped):
		diags.AddError("Stopped waiting for the Codat sync", fmt.Sprintf(
			"Terraform stopped waiting after %s (%v). These pulls of company %s were still running:%s\n\n"+
				"The sync goes on at Codat. %s",
			stopped.Waited.Round(time.Second), stopped.Cause, companyID, describeOps(run.Running()), caller.again))
		return
	default:
		diags.AddError("Could not follow the Codat sync", fmt.Sprintf(
			"The sync of company %s was queued, but reading its progress from Codat's pull history failed: %s\n\n"+
				"The sync goes on at Codat. %s",
			companyID, apiErrorDetail(err), caller.again))
		return
	}
	if failed := run.Failed(); len(failed) > 0 {
		diags.AddError(fmt.Sprintf("Codat could not sync %s", strings.Join(codat.PulledDataTypes(failed), ", ")),
			failedDetail(companyID, failed, caller))
	}
	if ended := run.EndedWithoutData(); len(ended) > 0 {
		diags.AddWarning(fmt.Sprintf("Codat synced no data for %s", strings.Join(codat.PulledDataTypes(ended), ", ")),
			"These pulls ended without data:"+describeOps(ended)+"\n\n"+
				"NotSupported means the company's platform does not provide the data type (check data_types and connection_id); Cancelled means the pull was cancelled at Codat.")
	}
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
func failedDetail(companyID string, failed []codat.PullOperation, caller syncCaller) string {
	var b strings.Builder
	fmt.Fprintf(&b, "These pulls of company %s failed at Codat:%s\n\n", companyID, describeOps(failed))
	if slices.ContainsFunc(failed, func(op codat.PullOperation) bool { return op.Status == codat.PullStatusAuthError }) {
		b.WriteString("AuthError means the platform no longer accepts the business's authorisation: the business must authorise again through the connection's link_url (codat_company's link_url). ")
	}
	b.WriteString("Fix the cause Codat gives. " + caller.again)
	return b.String()
}

// unsupportedDetail says which data type the company's platforms do not
// provide, and what to do.
func unsupportedDetail(companyID string, u codat.UnsupportedDataType) string {
	return fmt.Sprintf("Codat cannot sync %s for company %s: its platform (%s) does not provide that data type. "+
		"Remove it from data_types, or set connection_id to a Linked connection whose platform provides it "+
		"(Codat's integrations catalogue, GET /integrations, lists what each platform provides in its datatypeFeatures).", u.DataType, companyID, u.Platforms)
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
	if refused, ok := codat.AsUnsupportedDataType(err); ok {
		return "Codat data type not provided by the platform", unsupportedDetail(companyID, refused) + " " + codatAnswer(err)
	}
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
		conn := company.FindConnection(connectionID)
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
	if company.HasLinkedConnection() {
		return summary, apiErrorDetail(err)
	}
	return "Codat company not linked yet", fmt.Sprintf("Codat can sync the data of company %s only once the business has authorised access to its platform, and no connection of the company is Linked. %s"+
		"\n\nAuthorising starts a first sync by itself; apply again afterwards to queue this one. %s", companyID, authoriseAdvice(company), codatAnswer(err))
}
