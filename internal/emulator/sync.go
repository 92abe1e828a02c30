package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var pullOperationList = listSpec{
	resource: "Dataset", service: servicePullAPI,
	// The spec: "The isCompleted property is not queryable."
	unqueryable: []string{"isCompleted"},
}

// erroredStatuses are the terminal dataset statuses that mean failure.
// Cancelled and NotSupported end a pull without it being an error.
var erroredStatuses = codat.ErroredPullStatuses

// failureStatuses are the outcomes a PullFailure may ask for.
var failureStatuses = append(slices.Clone(erroredStatuses), codat.PullStatusCancelled, codat.PullStatusNotSupported)

// PullFailure makes the next Count pulls of DataType for a company end in
// Status (an error status such as FetchError, or Cancelled/NotSupported)
// with ErrorMessage, instead of Complete.
type PullFailure struct {
	DataType     string           `json:"dataType"`
	Status       codat.PullStatus `json:"status,omitempty"`       // empty means FetchError
	ErrorMessage string           `json:"errorMessage,omitempty"` // empty means a generic message
	Count        int              `json:"count,omitempty"`        // 0 means 1
}

// dataTypeSupported says whether a platform of sourceType provides
// dataType: accounting platforms the unprefixed types, banking and commerce
// platforms their banking-/commerce- types. Bank-feed and expense platforms
// only receive data, so they provide none.
func dataTypeSupported(sourceType, dataType string) bool {
	switch sourceType {
	case codat.SourceTypeAccounting:
		return !strings.HasPrefix(dataType, "banking-") && !strings.HasPrefix(dataType, "commerce-")
	case codat.SourceTypeBanking:
		return strings.HasPrefix(dataType, "banking-")
	case codat.SourceTypeCommerce:
		return strings.HasPrefix(dataType, "commerce-")
	}
	return false
}

// fetchedOnFirstLink are the data types Codat's default profile queues when a
// connection is linked: what lending and spend-insights products read first.
var fetchedOnFirstLink = []string{
	"company", "chartOfAccounts", "balanceSheet", "profitAndLoss", "bankAccounts", "customers", "suppliers",
	"invoices", "bills", "taxRates",
	"banking-accounts", "banking-accountBalances", "banking-transactions",
	"commerce-companyInfo", "commerce-customers", "commerce-orders", "commerce-transactions",
}

// defaultSyncSettings are the profile defaults: one setting per data type,
// in spec order, refreshed daily with 24 months of history.
func defaultSyncSettings() []codat.SyncSetting {
	out := make([]codat.SyncSetting, 0, len(codat.DataTypes))
	for i, dataType := range codat.DataTypes {
		window := 24
		setting := codat.SyncSetting{
			DataType:         dataType,
			FetchOnFirstLink: slices.Contains(fetchedOnFirstLink, dataType),
			SyncSchedule:     24,
			SyncOrder:        i,
			SyncFromWindow:   &window,
		}
		if dataType == "balanceSheet" || dataType == "profitAndLoss" {
			months := 24
			setting.MonthsToSync = &months
		}
		out = append(out, setting)
	}
	return out
}

// effectiveSettings are the settings a company syncs with: its own if they
// override the defaults, else the profile's.
func (s *store) effectiveSettings(c *companyRecord) []codat.SyncSetting {
	if c.SyncSettings != nil && c.SyncSettings.OverridesDefaults {
		return c.SyncSettings.Settings
	}
	return s.data.ProfileSyncSettings.Settings
}

// queueFirstLinkPulls queues the data types fetched on first link that
// conn's platform provides, and returns the pulls.
func (s *store) queueFirstLinkPulls(c *companyRecord, conn *connectionRecord, now time.Time) []*pullRecord {
	var pulls []*pullRecord
	for _, dataType := range s.firstLinkTypes(c, conn) {
		pulls = append(pulls, s.newPull(c, conn, dataType, now))
	}
	return pulls
}

// firstLinkTypes are, in sync order, the data types fetched on first link
// that conn's platform provides.
func (s *store) firstLinkTypes(c *companyRecord, conn *connectionRecord) []string {
	settings := slices.Clone(s.effectiveSettings(c))
	slices.SortStableFunc(settings, func(a, b codat.SyncSetting) int { return a.SyncOrder - b.SyncOrder })
	var out []string
	for _, setting := range settings {
		if setting.FetchOnFirstLink && dataTypeSupported(conn.SourceType, setting.DataType) {
			out = append(out, setting.DataType)
		}
	}
	return out
}

// newPull queues one pull, taking its outcome from a pending PullFailure
// for the data type. Callers queue only data types conn's platform
// provides: Codat refuses the others with 404 (see refreshDataType).
func (s *store) newPull(c *companyRecord, conn *connectionRecord, dataType string, now time.Time) *pullRecord {
	p := &pullRecord{
		ID:           uuid.NewString(),
		ConnectionID: conn.ID,
		DataType:     dataType,
		Requested:    now,
		Outcome:      codat.PullStatusComplete,
	}
	for i, f := range c.PullFailures {
		if f.DataType == dataType {
			p.Outcome, p.ErrorMessage = f.Status, f.ErrorMessage
			f.Count--
			if f.Count <= 0 {
				c.PullFailures = slices.Delete(c.PullFailures, i, i+1)
			}
			break
		}
	}
	c.Pulls = append(c.Pulls, p)
	return p
}

// pullState is a pull's status at a moment: Queued for one sync step, then
// Fetching for one step, then its outcome.
type pullState struct {
	status    codat.PullStatus
	progress  int
	completed time.Time // zero until the pull ends
}

func (s *store) pullStateAt(p *pullRecord, now time.Time) pullState {
	elapsed := now.Sub(p.Requested)
	switch {
	case elapsed < s.syncStep:
		return pullState{status: codat.PullStatusQueued, progress: 0}
	case elapsed < 2*s.syncStep:
		return pullState{status: codat.PullStatusFetching, progress: 50}
	}
	return pullState{status: p.Outcome, progress: 100, completed: p.Requested.Add(2 * s.syncStep)}
}

func (s *store) pullView(c *companyRecord, p *pullRecord, now time.Time) codat.PullOperation {
	st := s.pullStateAt(p, now)
	out := codat.PullOperation{
		ID:           p.ID,
		CompanyID:    c.ID,
		ConnectionID: p.ConnectionID,
		DataType:     p.DataType,
		Status:       st.status,
		Requested:    formatTime(p.Requested),
		Completed:    formatTime(st.completed),
		Progress:     st.progress,
		IsCompleted:  st.status == codat.PullStatusComplete,
		IsErrored:    slices.Contains(erroredStatuses, st.status),
	}
	if !st.completed.IsZero() && st.status != codat.PullStatusComplete {
		out.ErrorMessage = p.ErrorMessage
	}
	return out
}

// lastSuccessfulSync is when the latest successful pull on connectionID (or
// on any connection, if empty) completed.
func (s *store) lastSuccessfulSync(c *companyRecord, connectionID string, now time.Time) time.Time {
	var last time.Time
	for _, p := range s.pulls(c, now) {
		if connectionID != "" && p.ConnectionID != connectionID {
			continue
		}
		if st := s.pullStateAt(p, now); st.status == codat.PullStatusComplete && st.completed.After(last) {
			last = st.completed
		}
	}
	return last
}

func (s *store) dataStatus(companyID string) (codat.DataStatuses, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := codat.DataStatuses{}
	for _, p := range s.pulls(c, now) { // oldest first, so later pulls overwrite
		st := s.pullStateAt(p, now)
		ds := out[p.DataType]
		ds.DataType = p.DataType
		ds.CurrentStatus = st.status
		ds.LatestSyncID = p.ID
		if st.status == codat.PullStatusComplete {
			ds.LastSuccessfulSync = formatTime(st.completed)
			ds.LatestSuccessfulSyncID = p.ID
		}
		out[p.DataType] = ds
	}
	return out, nil
}

// noLinkedConnection is the emulator's answer to refreshing a company with
// nothing linked (Codat refuses too; the spec lists 400 for both refresh
// operations).
func noLinkedConnection(companyID string) *apiError {
	return badRequest(servicePullAPI, fmt.Sprintf(
		"Company %s has no linked data connection. A connection must be Linked before its data can be refreshed.", companyID))
}

func linkedConnections(c *companyRecord) []*connectionRecord {
	var out []*connectionRecord
	for _, conn := range c.Connections {
		if conn.Status == codat.StatusLinked {
			out = append(out, conn)
		}
	}
	return out
}

// refreshAll accepts a refresh of the first-link data types on every linked
// connection, to be queued one sync step later (see pulls): the spec calls
// the operation asynchronous and it answers 204 without the pulls, so a
// client must not expect them in the history at once.
func (s *store) refreshAll(companyID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	if len(linkedConnections(c)) == 0 {
		return noLinkedConnection(companyID)
	}
	c.PendingRefreshes = append(c.PendingRefreshes, s.now().Add(s.syncStep))
	s.changed()
	return nil
}

// pulls returns c's pulls, oldest first, after queueing the data/all
// refreshes that have fallen due by now. Each queues, as of its due time,
// the first-link data types of the connections linked then, except those
// with a pull still running then (Codat will not queue a data type twice,
// docs using-the-api/queueing-data-syncs.md). Call with s.mu held.
func (s *store) pulls(c *companyRecord, now time.Time) []*pullRecord {
	for len(c.PendingRefreshes) > 0 && !c.PendingRefreshes[0].After(now) {
		due := c.PendingRefreshes[0]
		c.PendingRefreshes = c.PendingRefreshes[1:]
		var queued []*pullRecord
		for _, conn := range linkedConnections(c) {
			for _, dataType := range s.firstLinkTypes(c, conn) {
				if s.runningPull(c, dataType, due) == nil {
					queued = append(queued, s.newPull(c, conn, dataType, due))
				}
			}
		}
		s.noteReadLocked(c, queued, false)
		s.changed()
	}
	return c.Pulls
}

// runningPull is the company's pull of dataType that has not ended at t,
// if any. Call with s.mu held, after pulls.
func (s *store) runningPull(c *companyRecord, dataType string, t time.Time) *pullRecord {
	for _, p := range c.Pulls {
		if p.DataType == dataType && !p.Requested.After(t) && s.pullStateAt(p, t).completed.IsZero() {
			return p
		}
	}
	return nil
}

// refreshDataType queues dataType on connectionID, or on every linked
// connection whose platform provides it, returning the first pull. A data
// type that none of those platforms provides is 404 "Datatype ... not
// supported by platform(s) ..." (docs using-the-api/errors.md); one with a
// pull still running is DatasetAlreadyInProgressException (docs
// using-the-api/queueing-data-syncs.md), 400 or, under
// DatasetInProgress409, 409.
func (s *store) refreshDataType(companyID, dataType, connectionID string) (codat.PullOperation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.PullOperation{}, err
	}
	if !slices.Contains(codat.DataTypes, dataType) {
		return codat.PullOperation{}, badRequest(servicePullAPI, fmt.Sprintf(
			"Error processing request - '%s' is not a valid data type. Valid data types are listed in the DataType enum, e.g. invoices or banking-accounts.", dataType),
			codat.ValidationItem{ItemID: "dataType", ValidatorName: "DataType", Message: fmt.Sprintf("Unknown data type '%s'.", dataType)})
	}
	var candidates []*connectionRecord
	if connectionID != "" {
		conn, err := c.connection(connectionID)
		if err != nil {
			return codat.PullOperation{}, err
		}
		if conn.Status != codat.StatusLinked {
			return codat.PullOperation{}, badRequest(servicePullAPI, fmt.Sprintf(
				"Data connection %s is %s, not Linked, so its data cannot be refreshed.", connectionID, conn.Status))
		}
		candidates = []*connectionRecord{conn}
	} else if candidates = linkedConnections(c); len(candidates) == 0 {
		return codat.PullOperation{}, noLinkedConnection(companyID)
	}
	targets := slices.DeleteFunc(slices.Clone(candidates), func(conn *connectionRecord) bool {
		return !dataTypeSupported(conn.SourceType, dataType)
	})
	if len(targets) == 0 {
		names := make([]string, 0, len(candidates))
		for _, conn := range candidates {
			names = append(names, conn.PlatformName)
		}
		return codat.PullOperation{}, &apiError{status: http.StatusNotFound, service: servicePullAPI,
			message: fmt.Sprintf("Datatype %s not supported by platform(s) %s", dataType, strings.Join(names, ", "))}
	}
	now := s.now()
	s.pulls(c, now)
	if running := s.runningPull(c, dataType, now); running != nil {
		status := http.StatusBadRequest
		if s.on(DatasetInProgress409) {
			status = http.StatusConflict
		}
		return codat.PullOperation{}, &apiError{status: status, service: servicePullAPI, message: fmt.Sprintf(
			"DatasetAlreadyInProgressException: Cannot queue %s sync for %s as previous sync %s is still in progress",
			dataType, c.ID, running.ID)}
	}
	pulls := make([]*pullRecord, 0, len(targets))
	for _, conn := range targets {
		pulls = append(pulls, s.newPull(c, conn, dataType, now))
	}
	s.noteReadLocked(c, pulls, false)
	s.changed()
	return s.pullView(c, pulls[0], now), nil
}

// listPulls returns the company's pull operations, newest first.
func (s *store) listPulls(companyID string) ([]codat.PullOperation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	pulls := s.pulls(c, now)
	out := make([]codat.PullOperation, 0, len(pulls))
	for i := len(pulls) - 1; i >= 0; i-- {
		out = append(out, s.pullView(c, pulls[i], now))
	}
	return out, nil
}

func (s *store) getPull(companyID, pullID string) (codat.PullOperation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.PullOperation{}, err
	}
	now := s.now()
	for _, p := range s.pulls(c, now) {
		if p.ID == pullID {
			return s.pullView(c, p, now), nil
		}
	}
	return codat.PullOperation{}, &apiError{status: http.StatusNotFound, service: servicePullAPI,
		message: fmt.Sprintf("No pull operation was found with ID %s for company %s", pullID, companyID)}
}

// companyInfo is available once a company pull has completed; before that
// Codat answers 409.
func (s *store) companyInfo(companyID string) (codat.CompanyInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.CompanyInfo{}, err
	}
	info, ok := s.companyInfoLocked(c, s.now())
	if !ok {
		return codat.CompanyInfo{}, &apiError{status: http.StatusConflict, service: servicePublicAPI,
			message: "The dataset has not been requested or is still syncing. Company info is available once a pull of the company data type has completed."}
	}
	return info, nil
}

// companyInfoLocked generates the company info from the platform of the
// latest completed company pull.
func (s *store) companyInfoLocked(c *companyRecord, now time.Time) (codat.CompanyInfo, bool) {
	var synced *pullRecord
	for _, p := range s.pulls(c, now) {
		if p.DataType == "company" && s.pullStateAt(p, now).status == codat.PullStatusComplete {
			synced = p
		}
	}
	if synced == nil {
		return codat.CompanyInfo{}, false
	}
	platformKey, platformName := "", "the accounting platform"
	if conn, err := c.connection(synced.ConnectionID); err == nil {
		platformKey, platformName = conn.IntegrationKey, conn.PlatformName
	}
	return generateCompanyInfo(c.ID, platformKey, platformName), true
}

// addPullFailure queues a failure for the company's next pulls of a type.
func (s *store) addPullFailure(companyID string, f PullFailure) error {
	if !slices.Contains(codat.DataTypes, f.DataType) {
		return badRequest(serviceEmulator, fmt.Sprintf("dataType must be a DataType, got %q", f.DataType))
	}
	if f.Status == "" {
		f.Status = codat.PullStatusFetchError
	}
	if !slices.Contains(failureStatuses, f.Status) {
		return badRequest(serviceEmulator, fmt.Sprintf("status must be one of %v, got %q", failureStatuses, f.Status))
	}
	if f.Count < 0 {
		return badRequest(serviceEmulator, fmt.Sprintf("count must not be negative, got %d", f.Count))
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if f.ErrorMessage == "" {
		f.ErrorMessage = fmt.Sprintf("The pull of %s ended with %s (injected by the Codat emulator).", f.DataType, f.Status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	c.PullFailures = append(c.PullFailures, &f)
	s.changed()
	return nil
}

// Sync settings.

func (s *store) companySyncSettings(companyID string) (codat.CompanySyncSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.CompanySyncSettings{}, err
	}
	if c.SyncSettings != nil {
		out := *c.SyncSettings
		out.Settings = slices.Clone(out.Settings)
		return out, nil
	}
	if s.on(CompanySyncSettings404) {
		return codat.CompanySyncSettings{}, &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: fmt.Sprintf("No sync settings were found for company %s.", c.ID)}
	}
	return codat.CompanySyncSettings{
		CompanyID:         c.ID,
		Settings:          slices.Clone(s.data.ProfileSyncSettings.Settings),
		OverridesDefaults: false,
	}, nil
}

func (s *store) setCompanySyncSettings(companyID string, req codat.CompanySyncSettings, present map[string]bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	var items []codat.ValidationItem
	items = append(items, requireFields(present, "companyId", "settings", "overridesDefaults")...)
	if req.CompanyID != "" && !strings.EqualFold(req.CompanyID, companyID) {
		items = append(items, codat.ValidationItem{ItemID: "companyId", ValidatorName: "CompanySyncSettings",
			Message: fmt.Sprintf("companyId %s does not match the company in the path, %s.", req.CompanyID, companyID)})
	}
	if err := s.checkSyncSettings(req.Settings, items); err != nil {
		return err
	}
	req.CompanyID = c.ID
	req.Settings = slices.Clone(req.Settings)
	c.SyncSettings = &req
	s.changed()
	return nil
}

func (s *store) profileSyncSettings() codat.ProfileSyncSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.data.ProfileSyncSettings
	out.ClientID = s.clientID
	out.Settings = slices.Clone(out.Settings)
	return out
}

func (s *store) setProfileSyncSettings(req codat.ProfileSyncSettings, present map[string]bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []codat.ValidationItem
	items = append(items, requireFields(present, "clientId", "settings", "overridesDefaults")...)
	if req.ClientID != "" && !strings.EqualFold(req.ClientID, s.clientID) {
		items = append(items, codat.ValidationItem{ItemID: "clientId", ValidatorName: "SyncSettings",
			Message: fmt.Sprintf("clientId %s is not this client's id, %s (see GET /profile/syncSettings).", req.ClientID, s.clientID)})
	}
	if err := s.checkSyncSettings(req.Settings, items); err != nil {
		return err
	}
	req.ClientID = s.clientID
	req.Settings = slices.Clone(req.Settings)
	s.data.ProfileSyncSettings = req
	s.changed()
	return nil
}

func requireFields(present map[string]bool, names ...string) []codat.ValidationItem {
	var items []codat.ValidationItem
	for _, name := range names {
		if !present[strings.ToLower(name)] {
			items = append(items, codat.ValidationItem{ItemID: name, ValidatorName: "Required",
				Message: name + " is required."})
		}
	}
	return items
}

// checkSyncSettings validates settings (adding to earlier items) and then
// the plan: on the Free plan, a schedule under 24 hours is "hourly" and
// answered 402.
func (s *store) checkSyncSettings(settings []codat.SyncSetting, items []codat.ValidationItem) error {
	seen := map[string]bool{}
	for i, setting := range settings {
		id := setting.DataType
		if id == "" {
			id = fmt.Sprintf("settings[%d]", i)
		}
		invalid := func(format string, args ...any) {
			items = append(items, codat.ValidationItem{ItemID: id, ValidatorName: "SyncSetting", Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case !slices.Contains(codat.DataTypes, setting.DataType):
			invalid("'%s' is not a valid data type.", setting.DataType)
		case seen[setting.DataType]:
			invalid("The data type %s appears more than once.", setting.DataType)
		}
		seen[setting.DataType] = true
		if setting.SyncSchedule < 0 {
			invalid("syncSchedule must not be negative, got %d.", setting.SyncSchedule)
		}
		if setting.SyncOrder < 0 {
			invalid("syncOrder must not be negative, got %d.", setting.SyncOrder)
		}
		if setting.SyncFromWindow != nil && *setting.SyncFromWindow < 0 {
			invalid("syncFromWindow must not be negative, got %d.", *setting.SyncFromWindow)
		}
		if setting.MonthsToSync != nil && *setting.MonthsToSync < 0 {
			invalid("monthsToSync must not be negative, got %d.", *setting.MonthsToSync)
		}
		if setting.SyncFromUTC != "" {
			if _, ok := parseDateTime(setting.SyncFromUTC); !ok {
				invalid("syncFromUtc %q is not an ISO 8601 date-time.", setting.SyncFromUTC)
			}
		}
	}
	if len(items) > 0 {
		return badRequest(servicePublicAPI, "Error processing request - not valid.", items...)
	}
	if s.plan == PlanFree {
		for _, setting := range settings {
			if setting.SyncSchedule > 0 && setting.SyncSchedule < 24 {
				return &apiError{status: http.StatusPaymentRequired, service: servicePublicAPI,
					message: "The requested sync schedule is not allowed. You requested an hourly sync schedule but this functionality is not included in the Free plan.",
					validation: []codat.ValidationItem{{ItemID: setting.DataType, ValidatorName: "SyncSchedule",
						Message: fmt.Sprintf("syncSchedule %d is hourly; the Free plan allows 24 hours or more.", setting.SyncSchedule)}}}
			}
		}
	}
	return nil
}

// Handlers.

func (e *Emulator) handleDataStatus(w http.ResponseWriter, r *http.Request) {
	statuses, err := e.store.dataStatus(r.PathValue("companyId"))
	reply(w, http.StatusOK, statuses, err)
}

func (e *Emulator) handleRefreshAll(w http.ResponseWriter, r *http.Request) {
	if err := e.store.refreshAll(r.PathValue("companyId")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleRefreshDataType(w http.ResponseWriter, r *http.Request) {
	pull, err := e.store.refreshDataType(r.PathValue("companyId"), r.PathValue("dataType"), queryParams(r)["connectionid"])
	reply(w, http.StatusOK, pull, err)
}

func (e *Emulator) handleListPullOperations(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSpace(queryParams(r)["query"]) != "" {
		switch {
		case e.store.on(HistoryQueryRejected):
			writeError(w, badRequest(servicePullAPI, "Error parsing query - querying is not supported on this endpoint."))
			return
		case e.store.on(HistoryQueryIgnored):
			r = withoutQueryParameter(r, "query")
		}
	}
	items, err := e.store.listPulls(r.PathValue("companyId"))
	if err != nil {
		writeError(w, err)
		return
	}
	respondList(w, r, pullOperationList, items, nil)
}

func (e *Emulator) handleGetPullOperation(w http.ResponseWriter, r *http.Request) {
	pull, err := e.store.getPull(r.PathValue("companyId"), r.PathValue("datasetId"))
	reply(w, http.StatusOK, pull, err)
}

func (e *Emulator) handleCompanyInfo(w http.ResponseWriter, r *http.Request) {
	info, err := e.store.companyInfo(r.PathValue("companyId"))
	reply(w, http.StatusOK, info, err)
}

func (e *Emulator) handleGetCompanySyncSettings(w http.ResponseWriter, r *http.Request) {
	settings, err := e.store.companySyncSettings(r.PathValue("companyId"))
	reply(w, http.StatusOK, e.syncSettingsBody(settings, settings.OverridesDefaults, "companyId"), err)
}

func (e *Emulator) handleSetCompanySyncSettings(w http.ResponseWriter, r *http.Request) {
	var req codat.CompanySyncSettings
	present, derr := decodeJSONFields(r, servicePublicAPI, &req)
	if derr != nil {
		writeError(w, derr)
		return
	}
	if err := e.store.setCompanySyncSettings(r.PathValue("companyId"), req, present); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleGetProfileSyncSettings(w http.ResponseWriter, r *http.Request) {
	settings := e.store.profileSyncSettings()
	writeJSON(w, http.StatusOK, e.syncSettingsBody(settings, settings.OverridesDefaults, "clientId"))
}

// syncSettingsBody is a GET sync-settings body: v itself, or under
// SyncSettingsSparse v without idField, and without overridesDefaults when
// it is true (the POST bodies' stated default).
func (e *Emulator) syncSettingsBody(v any, overridesDefaults bool, idField string) any {
	if !e.store.on(SyncSettingsSparse) {
		return v
	}
	fields, err := jsonObject(v)
	if err != nil {
		return v
	}
	delete(fields, idField)
	if overridesDefaults {
		delete(fields, "overridesDefaults")
	}
	return fields
}

// withoutQueryParameter is r without the URL query parameter name (matched
// case-insensitively, as Codat binds parameters).
func withoutQueryParameter(r *http.Request, name string) *http.Request {
	u := *r.URL
	values := u.Query()
	for key := range values {
		if strings.EqualFold(key, name) {
			values.Del(key)
		}
	}
	u.RawQuery = values.Encode()
	out := r.Clone(r.Context())
	out.URL = &u
	return out
}

func (e *Emulator) handleSetProfileSyncSettings(w http.ResponseWriter, r *http.Request) {
	var req codat.ProfileSyncSettings
	present, derr := decodeJSONFields(r, servicePublicAPI, &req)
	if derr != nil {
		writeError(w, derr)
		return
	}
	if err := e.store.setProfileSyncSettings(req, present); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// FailNextPull makes the company's next pull(s) of f.DataType end in
// f.Status with f.ErrorMessage.
func (e *Emulator) FailNextPull(companyID string, f PullFailure) error {
	return e.store.addPullFailure(companyID, f)
}
