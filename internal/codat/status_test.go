package codat

import "testing"

// TestPullOutcome: which pulls are still running, which failed.
func TestPullOutcome(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		op               PullOperation
		finished, failed bool
	}{
		{PullOperation{Status: "Queued"}, false, false},
		{PullOperation{Status: "Mapping"}, false, false},
		{PullOperation{Status: "Complete", IsCompleted: true}, true, false},
		{PullOperation{Status: "FetchError", IsErrored: true}, true, true},
		{PullOperation{Status: "AuthError"}, true, true}, // isErrored left out
		{PullOperation{Status: "NotSupported"}, true, false},
		{PullOperation{Status: "Cancelled"}, true, false},
		{PullOperation{Status: "SomethingNew", IsErrored: true}, true, true},
	} {
		if got := !tt.op.Running(); got != tt.finished {
			t.Errorf("%s: finished = %v, want %v", tt.op.Status, got, tt.finished)
		}
		if got := tt.op.Failed(); got != tt.failed {
			t.Errorf("%s: failed = %v, want %v", tt.op.Status, got, tt.failed)
		}
		if got := tt.op.EndedWithoutData(); got != (tt.finished && !tt.failed && tt.op.Status != PullStatusComplete) {
			t.Errorf("%s: ended without data = %v", tt.op.Status, got)
		}
	}
}

// TestInProgressPull: Codat's refusal to queue a data type already syncing
// names the pull to follow, whether it comes as 400 or 409.
func TestInProgressPull(t *testing.T) {
	const id = "2d2b3e52-0f1c-4a35-9b1e-6f1b4c2d0a11"
	message := "DatasetAlreadyInProgressException: Cannot queue invoices sync for c1 as previous sync " + id + " is still in progress"
	for _, tc := range []struct {
		status int
		msg    string
		want   string
	}{
		{400, message, id},
		{409, message, id},
		{404, message, ""},
		{400, "Datatype invoices not supported by platform(s) Xero", ""},
	} {
		got, ok := InProgressPull(&APIError{StatusCode: tc.status, Message: tc.msg})
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%d %q: got %q, %v", tc.status, tc.msg, got, ok)
		}
	}
}
