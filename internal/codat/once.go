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
// value is unique to this create (a random token), and never sends the create
// again while Codat may have carried it out. When the outcome of an attempt
// is unknown (see OutcomeUnknown), it looks for a company carrying the tag
// before anything else:
//
//   - a company found is the one this create made, and is returned;
//   - with none found, Codat provably did not act, and the create is sent
//     again, as often and with the same backoff as the retry policy allows;
//   - if the look-up fails, the returned error still reports an unknown
//     outcome (OutcomeUnknown is true), so the caller can say so.
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
	find := func(ctx context.Context) (*Company, error) { return c.findTaggedCompany(ctx, key, value) }
	return createOnce(ctx, c, "company", create, find)
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
	return createOnce(ctx, c, "connection", create, find)
}

// createOnce runs create until it succeeds, fails for a known reason, or
// find shows that an attempt with an unknown outcome did create something.
//
// Each call of create is a new write with a new Idempotency-Key. Reusing the
// old key would be no safer and could block forever: Codat replays the first
// answer to a key for 90 minutes, 5xx included, so a create whose first
// answer was a 5xx would get that 5xx back on every resend. A new key is safe
// once find has shown that Codat did not create anything: the old key's
// request then either failed before creating, or never ran. (A request that
// was still running under the old key when find looked, and creates later,
// is the late duplicate that findTaggedCompany removes.) The transport has
// already retried under the same key whatever a resend under that key can
// settle: no answer at all, a 409 for the key, a 429.
func createOnce[T any](ctx context.Context, c *Client, what string, create, find func(context.Context) (*T, error)) (*T, error) {
	policy := c.transport.policy
	start := policy.Now()
	for attempt := 1; ; attempt++ {
		made, err := create(ctx)
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
		checked := &checkedError{err: err, what: what}
		if ctx.Err() != nil || attempt > policy.MaxRetries {
			return nil, checked
		}
		wait := policy.backoff(attempt)
		if !c.transport.fitsBudget(ctx, start, wait) {
			return nil, checked
		}
		c.logInfo(ctx, "codat create retried: Codat did not carry out the last attempt", "what", what, "attempt", attempt, "wait", wait)
		if sleepErr := policy.Sleep(ctx, wait); sleepErr != nil {
			return nil, fmt.Errorf("%w (while waiting to retry after: %v)", sleepErr, checked) //nolint:errorlint // the cancellation is the cause
		}
	}
}

// findTaggedCompany returns the company carrying key=value, the oldest if
// several do, deleting the others while they have no connection.
func (c *Client) findTaggedCompany(ctx context.Context, key, value string) (*Company, error) {
	list, err := c.ListCompanies(ctx, ListCompaniesOptions{Tags: key + "=" + value})
	if err != nil {
		return nil, err
	}
	// Codat compares tag values case-insensitively; the token is exact.
	matches := slices.DeleteFunc(list, func(co Company) bool { return co.Tags[key] != value })
	if len(matches) == 0 {
		return nil, nil
	}
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
	return &matches[0], nil
}

func (c *Client) logInfo(ctx context.Context, msg string, args ...any) {
	if c.transport.logger != nil {
		c.transport.logger.Log(ctx, slog.LevelInfo, msg, args...)
	}
}
