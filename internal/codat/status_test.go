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
