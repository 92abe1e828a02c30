package codat

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// ConnectionStatus is where a business is in authorising a connection
// (dataConnectionStatus): see core-concepts/connections.md in Codat's docs.
type ConnectionStatus string

// Connection statuses.
const (
	StatusPendingAuth  ConnectionStatus = "PendingAuth"
	StatusLinked       ConnectionStatus = "Linked"
	StatusUnlinked     ConnectionStatus = "Unlinked"
	StatusDeauthorized ConnectionStatus = "Deauthorized"
)

// ConnectionStatuses is the dataConnectionStatus enum, in spec order.
var ConnectionStatuses = []ConnectionStatus{StatusPendingAuth, StatusLinked, StatusUnlinked, StatusDeauthorized}

// NeverLinked reports a connection the business has not authorised yet
// (PendingAuth): the only kind that holds no data of the business, so the
// only kind deleted without being asked to.
func (s ConnectionStatus) NeverLinked() bool { return s == StatusPendingAuth }

// adoptionRank orders the statuses a connection can be adopted in: the one
// most useful to the business first. Unlinked connections are never adopted.
func (s ConnectionStatus) adoptionRank() int {
	switch s {
	case StatusLinked:
		return 0
	case StatusDeauthorized:
		return 1
	case StatusPendingAuth:
		return 2
	}
	return 3
}

// PullStatus is the status of a pull operation (a dataset), and a data
// type's currentStatus in dataStatus.
type PullStatus string

// Pull statuses, the dataset status enum.
const (
	PullStatusInitial            PullStatus = "Initial"
	PullStatusQueued             PullStatus = "Queued"
	PullStatusFetching           PullStatus = "Fetching"
	PullStatusMapQueued          PullStatus = "MapQueued"
	PullStatusMapping            PullStatus = "Mapping"
	PullStatusComplete           PullStatus = "Complete"
	PullStatusFetchError         PullStatus = "FetchError"
	PullStatusMapError           PullStatus = "MapError"
	PullStatusInternalError      PullStatus = "InternalError"
	PullStatusProcessingQueued   PullStatus = "ProcessingQueued"
	PullStatusProcessing         PullStatus = "Processing"
	PullStatusProcessingError    PullStatus = "ProcessingError"
	PullStatusValidationQueued   PullStatus = "ValidationQueued"
	PullStatusValidating         PullStatus = "Validating"
	PullStatusValidationError    PullStatus = "ValidationError"
	PullStatusAuthError          PullStatus = "AuthError"
	PullStatusCancelled          PullStatus = "Cancelled"
	PullStatusNotSupported       PullStatus = "NotSupported"
	PullStatusRateLimitError     PullStatus = "RateLimitError"
	PullStatusPermissionsError   PullStatus = "PermissionsError"
	PullStatusPrerequisiteNotMet PullStatus = "PrerequisiteNotMet"
)

// DatasetStatuses is every value of the dataset status enum, in spec order.
var DatasetStatuses = []PullStatus{
	PullStatusInitial, PullStatusQueued, PullStatusFetching, PullStatusMapQueued, PullStatusMapping,
	PullStatusComplete, PullStatusFetchError, PullStatusMapError, PullStatusInternalError,
	PullStatusProcessingQueued, PullStatusProcessing, PullStatusProcessingError, PullStatusValidationQueued,
	PullStatusValidating, PullStatusValidationError, PullStatusAuthError, PullStatusCancelled,
	PullStatusNotSupported, PullStatusRateLimitError, PullStatusPermissionsError, PullStatusPrerequisiteNotMet,
}

// runningPullStatuses are the steps of a pull that has not finished.
var runningPullStatuses = []PullStatus{
	PullStatusInitial, PullStatusQueued, PullStatusFetching, PullStatusMapQueued, PullStatusMapping,
	PullStatusProcessingQueued, PullStatusProcessing, PullStatusValidationQueued, PullStatusValidating,
}

// ErroredPullStatuses are the ways a pull ends in an error.
var ErroredPullStatuses = []PullStatus{
	PullStatusFetchError, PullStatusMapError, PullStatusInternalError, PullStatusProcessingError,
	PullStatusValidationError, PullStatusAuthError, PullStatusRateLimitError, PullStatusPermissionsError,
	PullStatusPrerequisiteNotMet,
}

// Running reports a step of a pull that has not finished. Any status Codat
// may add that is not one of these counts as finished, so a wait ends.
func (s PullStatus) Running() bool { return slices.Contains(runningPullStatuses, s) }

// Errored reports a status that ends a pull in an error.
func (s PullStatus) Errored() bool { return slices.Contains(ErroredPullStatuses, s) }

// Running reports a pull that may still change.
func (p PullOperation) Running() bool { return !p.IsCompleted && !p.IsErrored && p.Status.Running() }

// Failed reports a pull that ended in an error.
func (p PullOperation) Failed() bool { return p.IsErrored || p.Status.Errored() }

// EndedWithoutData reports a pull that finished neither Complete nor failed:
// Cancelled, NotSupported, or a status Codat may add.
func (p PullOperation) EndedWithoutData() bool {
	return !p.Running() && !p.Failed() && p.Status != PullStatusComplete
}

// HasLinkedConnection reports whether data can be synced from the company:
// one of its connections is Linked.
func (c *Company) HasLinkedConnection() bool {
	return slices.ContainsFunc(c.DataConnections, func(conn Connection) bool { return conn.Status == StatusLinked })
}

// AwaitsFirstAuthorisation reports a company whose every connection is
// PendingAuth: the business has not authorised any yet.
func (c *Company) AwaitsFirstAuthorisation() bool {
	return !slices.ContainsFunc(c.DataConnections, func(conn Connection) bool { return conn.Status != StatusPendingAuth })
}

// inProgressPattern reads Codat's answer to queueing a data type that is
// already syncing (using-the-api/queueing-data-syncs.md): "DatasetAlreadyIn
// ProgressException: Cannot queue {dataType} sync for {companyId} as
// previous sync {dataSetId} is still in progress". Codat documents the text,
// not the status: 400 and 409 are both read.
var inProgressPattern = regexp.MustCompile(`DatasetAlreadyInProgressException.*previous sync ([0-9A-Fa-f-]{36})`)

// InProgressPull returns the id of the pull already running that made Codat
// refuse to queue another, when err is that refusal.
func InProgressPull(err error) (datasetID string, ok bool) {
	apiErr, isAPI := AsAPIError(err)
	if !isAPI || (apiErr.StatusCode != http.StatusBadRequest && apiErr.StatusCode != http.StatusConflict) {
		return "", false
	}
	m := inProgressPattern.FindStringSubmatch(apiErr.Message)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// unsupportedPattern reads Codat's 404 for a data type that none of the
// company's platforms provides (using-the-api/errors.md): "Datatype [name]
// not supported by platform(s) [name]".
var unsupportedPattern = regexp.MustCompile(`(?is)Datatype\s+(\S+)\s+not supported by platform\(s\)\s*(.*)`)

// UnsupportedDataType is a data type the company's platforms do not provide.
type UnsupportedDataType struct {
	DataType string
	// Platforms names them, as Codat did (or as the catalogue does).
	Platforms string
}

// AsUnsupportedDataType reports whether err is Codat's refusal to queue a
// data type the company's platforms do not provide.
func AsUnsupportedDataType(err error) (UnsupportedDataType, bool) {
	apiErr, isAPI := AsAPIError(err)
	if !isAPI || apiErr.StatusCode != http.StatusNotFound {
		return UnsupportedDataType{}, false
	}
	m := unsupportedPattern.FindStringSubmatch(apiErr.Message)
	if m == nil {
		return UnsupportedDataType{}, false
	}
	return UnsupportedDataType{DataType: m[1], Platforms: strings.TrimRight(strings.TrimSpace(m[2]), ".")}, true
}
