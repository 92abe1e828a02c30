package codat

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// TestIdempotencyKeyOnEveryWrite: every POST and PATCH carries a GUID
// Idempotency-Key of its own; no other request carries one.
func TestIdempotencyKeyOnEveryWrite(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	ctx := context.Background()
	name := "Renamed"
	id := sampleCompany.ID
	calls := []func() error{
		func() error { _, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme"}); return err },
		func() error { _, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme"}); return err },
		func() error { _, err := c.UpdateCompany(ctx, id, CompanyUpdate{Name: &name}); return err },
		func() error { _, err := c.CreateConnection(ctx, id, "gbol"); return err },
		func() error { _, err := c.UnlinkConnection(ctx, id, id); return err },
		func() error { return c.RefreshAllData(ctx, id) },
		func() error { _, err := c.RefreshDataType(ctx, id, "invoices", ""); return err },
		func() error { return c.SetCompanySyncSettings(ctx, id, CompanySyncSettings{}) },
		func() error { return c.SetProfileSyncSettings(ctx, ProfileSyncSettings{}) },
		func() error { _, err := c.GetCompany(ctx, id); return err },
		func() error { _, err := c.ReplaceCompany(ctx, id, CompanyRequest{Name: "Acme"}); return err },
		func() error { return c.DeleteCompany(ctx, id) },
	}
	for _, call := range calls {
		_ = call() // the answers do not matter here, only the requests
	}
	seen := map[string]bool{}
	for i, r := range srv.Requests() {
		key := r.Header.Get(IdempotencyKeyHeader)
		if r.Method != http.MethodPost && r.Method != http.MethodPatch {
			if key != "" {
				t.Errorf("request %d (%s %s) carries Idempotency-Key %q", i+1, r.Method, r.Path, key)
			}
			continue
		}
		if _, err := uuid.Parse(key); err != nil {
			t.Errorf("request %d (%s %s): Idempotency-Key %q is not a GUID", i+1, r.Method, r.Path, key)
		}
		if seen[key] {
			t.Errorf("request %d (%s %s) reuses the key of an earlier write", i+1, r.Method, r.Path)
		}
		seen[key] = true
	}
	if len(seen) != 9 {
		t.Errorf("%d writes with keys, want 9", len(seen))
	}
}

func keysOf(reqs []recordedRequest) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Header.Get(IdempotencyKeyHeader)
	}
	return out
}

// TestIdempotencyKeyOnRetries: 429, no answer and a 409 for the key keep the
// key; a 5xx on a write that is safe to repeat gets a new one, because Codat
// would replay the 5xx to the old key.
func TestIdempotencyKeyOnRetries(t *testing.T) {
	inProgress := respondJSON(409, ErrorMessage{StatusCode: 409, Error: "A request with the same key is still being processed."})
	name := "Renamed"
	for _, tc := range []struct {
		name    string
		steps   []http.HandlerFunc
		sameKey []bool // for each retry: same key as the attempt before it
	}{
		{"429", []http.HandlerFunc{respondStatus(429, "Retry-After", "1")}, []bool{true}},
		{"dropped", []http.HandlerFunc{dropConnection}, []bool{true}},
		{"409 key in use", []http.HandlerFunc{inProgress, inProgress}, []bool{true, true}},
		{"503", []http.HandlerFunc{respondStatus(503)}, []bool{false}},
		{"408 then 429", []http.HandlerFunc{respondStatus(408), respondStatus(429)}, []bool{false, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newScriptedServer(t, append(tc.steps, respondJSON(200, sampleCompany))...)
			c := newTestClient(t, srv.URL, newFakeClock().policy())
			if _, err := c.UpdateCompany(context.Background(), sampleCompany.ID, CompanyUpdate{Name: &name}); err != nil {
				t.Fatalf("UpdateCompany: %v", err)
			}
			keys := keysOf(srv.Requests())
			if len(keys) != len(tc.sameKey)+1 {
				t.Fatalf("%d requests, want %d", len(keys), len(tc.sameKey)+1)
			}
			for i, same := range tc.sameKey {
				if (keys[i+1] == keys[i]) != same || keys[i+1] == "" {
					t.Errorf("retry %d: key %q after %q, want same=%v", i+1, keys[i+1], keys[i], same)
				}
			}
		})
	}
}

// TestKnownConflictIsNotWaitedFor: a 409 that is Codat's verdict on the
// request, not on its key, is returned at once.
func TestKnownConflictIsNotWaitedFor(t *testing.T) {
	clk := newFakeClock()
	srv := newScriptedServer(t, respondJSON(409, ErrorMessage{StatusCode: 409,
		Error: "DatasetAlreadyInProgressException: Cannot queue invoices sync for x as previous sync y is still in progress"}))
	c := newTestClient(t, srv.URL, clk.policy())
	_, err := c.RefreshDataType(context.Background(), sampleCompany.ID, "invoices", "")
	if !IsConflict(err) || OutcomeUnknown(err) {
		t.Fatalf("err = %v (OutcomeUnknown %v), want a known 409", err, OutcomeUnknown(err))
	}
	assertRequestCount(t, srv, 1)
	assertSleeps(t, clk)
}

// TestKeyStillInUseIsAnUnknownOutcome: when the retries run out on 409s
// for the key, the first request may still create.
func TestKeyStillInUseIsAnUnknownOutcome(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(409, ErrorMessage{StatusCode: 409, Error: "in progress"}))
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if !IsConflict(err) || !OutcomeUnknown(err) {
		t.Fatalf("err = %v (OutcomeUnknown %v), want an unknown outcome", err, OutcomeUnknown(err))
	}
	assertSameKey(t, srv.Requests(), DefaultMaxRetries+1)
}

// TestIdempotencyMismatchIsABug: a 422 to a keyed write says to report it.
func TestIdempotencyMismatchIsABug(t *testing.T) {
	srv := newScriptedServer(t, respondStatus(422))
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	var mismatch *IdempotencyMismatchError
	if !errors.As(err, &mismatch) || StatusCode(err) != 422 || OutcomeUnknown(err) {
		t.Fatalf("err = %v, want an IdempotencyMismatchError for 422", err)
	}
	if !containsAll(err.Error(), "POST /companies", "422", "Idempotency-Key", "bug", "report") {
		t.Errorf("err = %q, want it to say this is a bug to report", err)
	}
	if mismatch.IdempotencyKey == "" {
		t.Error("the error does not carry the key")
	}
	assertRequestCount(t, srv, 1)
}

// TestCreateOnceResendsUnderANewKey: after a 500 and a look-up that finds
// nothing, the create goes out under a new key (the old one would replay
// the 500); the look-ups around it are what make that safe.
func TestCreateOnceResendsUnderANewKey(t *testing.T) {
	empty := respondJSON(200, Page[Company]{PageNumber: 1, PageSize: MaxPageSize})
	created := sampleCompany
	created.Tags = map[string]string{"k": "v"}
	listed := respondJSON(200, Page[Company]{PageNumber: 1, PageSize: MaxPageSize, TotalResults: 1, Results: []Company{created}})
	srv := newScriptedServer(t, respondStatus(500), empty, respondJSON(200, created), listed)
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	got, err := c.CreateCompanyOnce(context.Background(), CompanyRequest{Name: "Acme", Tags: map[string]string{"k": "v"}}, "k", "v")
	if err != nil || got.ID != created.ID {
		t.Fatalf("CreateCompanyOnce: %+v, %v", got, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 4 || reqs[1].Method != http.MethodGet || reqs[3].Method != http.MethodGet {
		t.Fatalf("requests %v, want POST, look-up, POST, look-up", reqs)
	}
	first, second := reqs[0].Header.Get(IdempotencyKeyHeader), reqs[2].Header.Get(IdempotencyKeyHeader)
	if first == "" || second == "" || first == second {
		t.Errorf("keys %q and %q, want two different ones", first, second)
	}
}

// TestWithIdempotencyKeyPinsTheKey: a caller's key is used as given and
// kept even where the client would switch to a new one.
func TestWithIdempotencyKeyPinsTheKey(t *testing.T) {
	srv := newScriptedServer(t, respondStatus(503), respondJSON(200, sampleCompany))
	c := newTestClient(t, srv.URL, newFakeClock().policy())
	key := uuid.NewString()
	name := "Renamed"
	ctx := WithIdempotencyKey(context.Background(), key)
	if _, err := c.UpdateCompany(ctx, sampleCompany.ID, CompanyUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	for i, got := range keysOf(srv.Requests()) {
		if got != key {
			t.Errorf("request %d: key %q, want %q", i+1, got, key)
		}
	}
	if _, err := c.GetCompany(ctx, sampleCompany.ID); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[2].Header.Get(IdempotencyKeyHeader); got != "" {
		t.Errorf("GET carries the key %q", got)
	}
}
