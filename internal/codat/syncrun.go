package codat

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

const (
	// QueueAllLookback is how far back, by the caller's clock, a sync of
	// every data type looks in data/history for the pulls data/all queued.
	// Pulls already there before the request are left out, so the margin
	// only has to cover a clock that differs from Codat's.
	QueueAllLookback = time.Hour
	// QueueAllDiscovery bounds the search for data/all's pulls, which Codat
	// queues after answering 204: if none appears in this time, none was
	// queued (no data type is fetched on first link, or none is provided by
	// the company's platforms).
	QueueAllDiscovery = time.Minute
	// opsPerQuery is how many "id=..." terms one data/history query holds,
	// within Codat's 2048-character limit on a query.
	opsPerQuery = 40
	// waitGrace lets the last poll of a wait, made at its deadline, finish.
	waitGrace = 30 * time.Second
)

// SyncRun is one ad hoc sync of a company's data: the pulls it queued, in
// the order Codat reports them, followed until they finish.
type SyncRun struct {
	client    *Client
	companyID string
	ops       []PullOperation

	// For data/all: since when its pulls are looked for, and the pulls
	// found before the request, which are not the sync's.
	since  time.Time
	before map[string]bool
}

// NewSyncRun starts following a sync of the company's data.
func (c *Client) NewSyncRun(companyID string) *SyncRun {
	return &SyncRun{client: c, companyID: companyID}
}

// Queue queues one data type (refresh-data-type), through connectionID
// when it is set. When the data type is syncing already (as it is right
// after a business links, when Codat queues the first pulls itself), Codat
// refuses another; the sync follows the pull in progress instead, which
// fetches the same data.
func (s *SyncRun) Queue(ctx context.Context, dataType, connectionID string) error {
	op, err := s.client.RefreshDataType(ctx, s.companyID, dataType, connectionID)
	if datasetID, inProgress := InProgressPull(err); inProgress {
		op, err = s.client.GetPullOperation(ctx, s.companyID, datasetID)
	}
	if err != nil {
		return err
	}
	s.ops = append(s.ops, *op)
	return nil
}

// SnapshotHistory records the pulls requested since since, before QueueAll:
// the ones a later look will find that are not the sync's.
func (s *SyncRun) SnapshotHistory(ctx context.Context, since time.Time) error {
	s.since = since
	ops, err := s.client.pullHistory(ctx, s.companyID, s.allQuery(), s.requestedSince)
	if err != nil {
		return err
	}
	s.before = make(map[string]bool, len(ops))
	for _, op := range ops {
		s.before[strings.ToLower(op.ID)] = true
	}
	return nil
}

// allQuery finds the pulls requested since the snapshot's since.
func (s *SyncRun) allQuery() string {
	return "requested>=" + s.since.UTC().Format("2006-01-02T15:04:05Z")
}

// requestedSince is allQuery's filter, applied by the client (see
// pullHistory). A time it cannot read is kept: before tells the sync's pulls
// from others anyway.
func (s *SyncRun) requestedSince(op PullOperation) bool {
	requested, ok := ParseTime(op.Requested)
	return !ok || !requested.Before(s.since.Truncate(time.Second))
}

// QueueAll queues every data type fetched on first link (data/all). Codat
// answers without saying what it queued; call SnapshotHistory first and
// Discover after.
func (s *SyncRun) QueueAll(ctx context.Context) error {
	return s.client.RefreshAllData(ctx, s.companyID)
}

// Discover waits, until until, for the pulls QueueAll queued to appear in
// the history. It returns ErrPollDeadline when none has.
func (s *SyncRun) Discover(ctx context.Context, until time.Time) error {
	return PollUntil(ctx, until, DefaultPollSchedule, func() (bool, error) {
		if err := s.refresh(ctx); err != nil {
			return false, err
		}
		return len(s.ops) > 0, nil
	})
}

// Wait polls until no pull is running or deadline passes (ErrPollDeadline),
// one history request per poll whatever the number of pulls. Its first
// check uses what queueing (or Discover) just returned.
func (s *SyncRun) Wait(ctx context.Context, deadline time.Time) error {
	waitCtx, cancel := context.WithDeadline(ctx, deadline.Add(waitGrace))
	defer cancel()
	first := true
	return PollUntil(waitCtx, deadline, DefaultPollSchedule, func() (bool, error) {
		if !first {
			if err := s.refresh(waitCtx); err != nil {
				return false, err
			}
		}
		first = false
		return len(s.Running()) == 0, nil
	})
}

// refresh reads the sync's pulls again. For data/all that is one history
// query for the pulls requested since the snapshot that were not in it (so
// any that appear late are added); otherwise one query naming the pulls
// still running, by id (or one request for the whole history, when Codat
// does not honour the query: see pullHistory).
func (s *SyncRun) refresh(ctx context.Context) error {
	if s.before != nil {
		ops, err := s.client.pullHistory(ctx, s.companyID, s.allQuery(), s.requestedSince)
		if err != nil {
			return err
		}
		s.ops = s.ops[:0]
		for _, op := range ops {
			if !s.before[strings.ToLower(op.ID)] {
				s.ops = append(s.ops, op)
			}
		}
		slices.SortStableFunc(s.ops, func(a, b PullOperation) int {
			return cmp.Or(cmp.Compare(a.DataType, b.DataType), cmp.Compare(a.Requested, b.Requested), cmp.Compare(a.ID, b.ID))
		})
		return nil
	}
	running := map[string]bool{}
	var ids []string
	for _, op := range s.Running() {
		running[strings.ToLower(op.ID)] = true
		ids = append(ids, op.ID)
	}
	size := opsPerQuery
	if s.client.historyUnfiltered.Load() {
		size = max(1, len(ids)) // no query: one request reads them all
	}
	isRunning := func(op PullOperation) bool { return running[strings.ToLower(op.ID)] }
	for chunk := range slices.Chunk(ids, size) {
		terms := make([]string, len(chunk))
		for i, id := range chunk {
			terms[i] = "id=" + id
		}
		ops, err := s.client.pullHistory(ctx, s.companyID, strings.Join(terms, "||"), isRunning)
		if err != nil {
			return err
		}
		// A pull not listed yet keeps its last status.
		for _, got := range ops {
			for i := range s.ops {
				if strings.EqualFold(s.ops[i].ID, got.ID) {
					s.ops[i] = got
				}
			}
		}
		if s.client.historyUnfiltered.Load() {
			return nil // that request read them all
		}
	}
	return nil
}

// pullHistory lists the company's pull operations that keep accepts,
// sending query (which must select no fewer) while Codat honours it. The
// spec lists query for list-pull-operations, but the docs say the query
// language "will not work on settings or metadata endpoints"
// (using-the-api/querying.md): Codat may honour it, ignore it (the emulator's
// history-query-ignored) or refuse it with 400 (history-query-rejected). So
// keep is applied to whatever comes back, a 400 is asked again without the
// query, and once the query has been refused or ignored this client sends
// none: one request for the whole history (5,000 pulls a page) instead.
func (c *Client) pullHistory(ctx context.Context, companyID, query string, keep func(PullOperation) bool) ([]PullOperation, error) {
	if c.historyUnfiltered.Load() {
		query = ""
	}
	ops, err := c.ListPullOperations(ctx, companyID, ListOptions{Query: query})
	if query != "" && IsBadRequest(err) {
		c.historyUnfiltered.Store(true)
		c.logInfo(ctx, "codat refused a query on the pull history; reading it whole from now on", "error", err.Error())
		return c.pullHistory(ctx, companyID, "", keep)
	}
	if err != nil {
		return nil, err
	}
	kept := slices.DeleteFunc(ops, func(op PullOperation) bool { return !keep(op) })
	if query != "" && len(kept) < len(ops) && !c.historyUnfiltered.Swap(true) {
		c.logInfo(ctx, "codat ignored a query on the pull history; reading it whole from now on")
	}
	return kept, nil
}

// Operations are the sync's pulls as last seen.
func (s *SyncRun) Operations() []PullOperation { return slices.Clone(s.ops) }

// Running are the pulls that have not finished.
func (s *SyncRun) Running() []PullOperation { return s.matching(PullOperation.Running) }

// Failed are the pulls that ended in an error.
func (s *SyncRun) Failed() []PullOperation { return s.matching(PullOperation.Failed) }

// EndedWithoutData are the pulls that ended Cancelled or NotSupported.
func (s *SyncRun) EndedWithoutData() []PullOperation {
	return s.matching(PullOperation.EndedWithoutData)
}

func (s *SyncRun) matching(keep func(PullOperation) bool) []PullOperation {
	var out []PullOperation
	for _, op := range s.ops {
		if keep(op) {
			out = append(out, op)
		}
	}
	return out
}

// PulledDataTypes are the data types of ops, each once, in order.
func PulledDataTypes(ops []PullOperation) []string {
	var out []string
	for _, op := range ops {
		if !slices.Contains(out, op.DataType) {
			out = append(out, op.DataType)
		}
	}
	return out
}

// CompanyID is the company being synced.
func (s *SyncRun) CompanyID() string { return s.companyID }
