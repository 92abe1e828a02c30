package codat

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"time"
)

// LookupTimeout bounds the look-up a create makes after its context was
// cancelled: the caller is stopping, but must still learn whether Codat
// acted on a request it may have sent.
const LookupTimeout = 30 * time.Second

// OutcomeUnknown reports whether a failed request may nevertheless have been
// carried out by Codat. A 4xx other than 408 is a refusal and a 429 is never
// acted on, so both are known failures; so is an error raised before the
// request left the client. A 408 or 5xx (Codat may have failed after doing
// the work), a 409 saying the request's Idempotency-Key is still in use (an
// earlier attempt is still running), a success whose body could not be
// decoded, and a dropped, timed-out or cancelled request leave the outcome
// unknown.
func OutcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	var checked *checkedError
	if errors.As(err, &checked) {
		return false
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.StatusCode == http.StatusRequestTimeout || apiErr.StatusCode >= 500 ||
			keyInUse(apiErr.StatusCode, apiErr.IdempotencyKey != "", apiErr.Message)
	}
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return true
	}
	var sent *sendError
	return errors.As(err, &sent) && !failedBeforeSending(err)
}

// checkedError is a create that failed with an unknown outcome, after a
// look-up showed that Codat did not carry it out.
type checkedError struct {
	err  error
	what string
}

func (e *checkedError) Error() string {
	return fmt.Sprintf("%v (checked afterwards: Codat did not create the %s)", e.err, e.what)
}

func (e *checkedError) Unwrap() error { return e.err }

// onceTagPattern keeps a tag key or value usable in list-companies' tags
// filter, whose values end at "&&", "||" or "}".
var onceTagPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// CreateCompanyOnce creates a company that carries the tag key=value, where
// value is unique to this create (a random token), and never keeps a second
// company while Codat may have carried out an earlier attempt. When the
// outcome of an attempt is unknown (see OutcomeUnknown), it looks for a
// company carrying the tag before anything else:
//
//   - a company found is the one this create made, and is returned;
//   - with none found, the create is sent again (under a new
//     Idempotency-Key), as often and with the same backoff as the retry
//     policy allows. Not finding it proves little: Codat may list a company
//     only some time after creating it (nothing promises GET /companies is
//     current). So once an attempt sent again succeeds, the list is read
//     until it shows that company, which proves it current up to then: a
//     company an earlier attempt made is older and shows too, and is kept,
//     while the new one, which nobody else knows of, is deleted;
//   - if the look-up fails, or no attempt succeeds, the returned error still
//     reports an unknown outcome (OutcomeUnknown is true), so the caller can
//     say so.
//
// When ctx is cancelled after the create may have been sent, the look-up
// still runs, on a context of its own bounded by LookupTimeout, so a caller
// that is being stopped learns about a company Codat made. If several
// companies carry the tag (Codat carried out an attempt after an earlier
// look-up found nothing), the oldest is returned and the others, made
// moments ago by this create's own attempts, are deleted while they have no
// connection: nobody else knows the token, so nobody else can be using them.
func (c *Client) CreateCompanyOnce(ctx context.Context, req CompanyRequest, key, value string) (*Company, error) {
	if !onceTagPattern.MatchString(key) || !onceTagPattern.MatchString(value) || req.Tags[key] != value {
		return nil, errors.New("codat: CreateCompanyOnce needs req.Tags[key] == value, both of letters, digits, '.', '_' and '-'")
	}
	create := func(ctx context.Context) (*Company, error) { return c.CreateCompany(ctx, req) }
	find := func(ctx context.Context) (*Company, error) {
		list, err := c.taggedCompanies(ctx, key, value)
		if err != nil || len(list) == 0 {
			return nil, err
		}
		return c.keepOldest(ctx, list), nil
	}
	verify := func(ctx context.Context, made *Company) *Company { return c.verifyResentCompany(ctx, key, value, made) }
	return createOnce(ctx, c, "company", create, find, verify)
}

// CreateConnectionOnce creates a connection from the company to platformKey,
// never sending the create again while Codat may have carried it out. When
// the outcome is unknown it reads the company: a connection whose id is not
// in existing (the company's connection ids before this call) and that is to
// platformKey (or names no platform) is the one this create made, and is
// returned (the oldest, if there are several). Otherwise it behaves like
// CreateCompanyOnce.
func (c *Client) CreateConnectionOnce(ctx context.Context, companyID, platformKey string, existing []string) (*Connection, error) {
	create := func(ctx context.Context) (*Connection, error) { return c.CreateConnection(ctx, companyID, platformKey) }
	find := func(ctx context.Context) (*Connection, error) {
		company, err := c.GetCompany(ctx, companyID)
		if err != nil {
			return nil, err
		}
		var found *Connection
		for i := range company.DataConnections {
			conn := &company.DataConnections[i]
			if slices.Contains(existing, conn.ID) || (conn.IntegrationKey != "" && conn.IntegrationKey != platformKey) {
				continue
			}
			if found == nil || cmp.Or(cmp.Compare(conn.Created, found.Created), cmp.Compare(conn.ID, found.ID)) < 0 {
				found = conn
			}
		}
		return found, nil
	}
	return createOnce(ctx, c, "connection", create, find, nil)
}

// createOnce runs create until it succeeds, fails for a known reason, or
// find shows that an attempt with an unknown outcome did create something.
// find is authoritative when verify is nil: finding nothing proves Codat did
// not act. Otherwise finding nothing proves nothing (a list may lag), and a
// create that succeeds after one sent again is handed to verify, which
// returns what to keep.
//
// Each call of create is a new write with a new Idempotency-Key. Reusing the
// old key would be no safer and could block forever: Codat replays the first
// answer to a key for 90 minutes, 5xx included, so a create whose first
// answer was a 5xx would get that 5xx back on every resend. A new key is safe
// once find has shown that Codat did not create anything (or verify will
// look again): the old key's request then either failed before creating, or
// never ran. (A request that was still running under the old key when find
// looked, and creates later, is the late duplicate that keepOldest removes.)
// The transport has already retried under the same key whatever a resend
// under that key can settle: no answer at all, a 409 for the key, a 429.
func createOnce[T any](ctx context.Context, c *Client, what string, create, find func(context.Context) (*T, error),
	verify func(context.Context, *T) *T) (*T, error) {
	policy := c.transport.policy
	start := policy.Now()
	resent := false
	for attempt := 1; ; attempt++ {
		made, err := create(ctx)
		if err == nil && resent && verify != nil {
			return verify(ctx, made), nil
		}
		if err == nil || !OutcomeUnknown(err) {
			return made, err
		}
		lookupCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			lookupCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), LookupTimeout)
		}
		found, lookupErr := find(lookupCtx)
		cancel()
		switch {
		case lookupErr != nil:
			return nil, fmt.Errorf("%w; whether Codat created the %s is unknown, because looking for it failed too: %v", err, what, lookupErr) //nolint:errorlint // one cause is wrapped: the create's
		case found != nil:
			c.logInfo(ctx, "codat create recovered: its answer was lost, but Codat had carried it out", "what", what, "attempt", attempt)
			return found, nil
		}
		var failed error = &checkedError{err: err, what: what}
		if verify != nil {
			// Still unknown: Codat may list the company later.
			failed = fmt.Errorf("%w (Codat did not list a %s made by it when Terraform looked, which it may yet do)", err, what)
		}
		if ctx.Err() != nil || attempt > policy.MaxRetries {
			return nil, failed
		}
		wait := policy.backoff(attempt)
		if !c.transport.fitsBudget(ctx, start, wait) {
			return nil, failed
		}
		c.logInfo(ctx, "codat create retried: Codat did not show the last attempt's result", "what", what, "attempt", attempt, "wait", wait)
		if sleepErr := policy.Sleep(ctx, wait); sleepErr != nil {
			// Both wrapped: the cancellation is the cause, and failed says
			// whether the outcome is still unknown.
			return nil, fmt.Errorf("%w (while waiting to retry after: %w)", sleepErr, failed)
		}
		resent = true
	}
}

// taggedCompanies lists the companies carrying key=value.
func (c *Client) taggedCompanies(ctx context.Context, key, value string) ([]Company, error) {
	list, err := c.ListCompanies(ctx, ListCompaniesOptions{Tags: key + "=" + value})
	if err != nil {
		return nil, err
	}
	// Codat compares tag values case-insensitively; the token is exact.
	return slices.DeleteFunc(list, func(co Company) bool { return co.Tags[key] != value }), nil
}

// keepOldest returns the oldest of companies that carry one create's token,
// deleting the others while they have no connection.
func (c *Client) keepOldest(ctx context.Context, matches []Company) *Company {
	slices.SortFunc(matches, func(a, b Company) int { return cmp.Or(cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID)) })
	for _, extra := range matches[1:] {
		// Only an empty duplicate is ours alone to remove: one with a
		// connection is in use by someone after all, so it stays.
		if len(extra.DataConnections) > 0 {
			c.logInfo(ctx, "codat create: kept a duplicate made by a retried create, because it has a connection", "company", extra.ID)
			continue
		}
		if err := c.DeleteCompany(ctx, extra.ID); err != nil && !IsNotFound(err) {
			c.logInfo(ctx, "codat create: could not delete a duplicate made by a retried create", "company", extra.ID, "error", err.Error())
		}
	}
	return &matches[0]
}

// verifyResentCompany reads the companies carrying the token of a create
// that was sent again and succeeded with made, until the list shows made
// (for at most MaxListLag): then it is current up to made's creation, and
// shows any company an earlier attempt made. If there is one, the oldest is
// kept and made deleted (keepOldest). A list that fails or never shows made
// leaves made, which surely exists; a company an earlier attempt made would
// then be the late duplicate the retries guide describes.
func (c *Client) verifyResentCompany(ctx context.Context, key, value string, made *Company) *Company {
	policy := c.transport.policy
	list := func(ctx context.Context) ([]Company, error) { return c.taggedCompanies(ctx, key, value) }
	got, shown, err := pollListing(ctx, policy.Now, policy.Sleep, policy.Now().Add(MaxListLag), made.ID, list)
	if err != nil || !shown {
		reason := "it did not show the company in time"
		if err != nil {
			reason = err.Error()
		}
		c.logInfo(ctx, "codat create: could not check that an attempt sent again made the only company", "company", made.ID, "reason", reason)
		return made
	}
	if len(got) == 1 {
		return made
	}
	return c.keepOldest(ctx, got)
}

func (c *Client) logInfo(ctx context.Context, msg string, args ...any) {
	if c.transport.logger != nil {
		c.transport.logger.Log(ctx, slog.LevelInfo, msg, args...)
	}
}
