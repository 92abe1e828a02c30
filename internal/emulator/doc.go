// Package emulator is a local stand-in for the Codat Platform API, for tests,
// demos and anyone integrating with Codat without an account.
//
// An Emulator is an http.Handler. It serves the Codat operations under the
// same paths as https://api.codat.io (no version prefix), with Codat's
// bodies and status codes: integrations, companies, connections, data status,
// refresh (data/all, data/queue), pull history, company and profile sync
// settings, and company info (data/info). Every JSON body it reads or writes
// is a type from internal/codat, so the emulator and the client share one
// definition of the wire format. Besides the API it serves:
//
//   - link pages under /link/ (no API key): a company's redirect URL and each
//     connection's linkUrl open HTML pages where a business picks a platform
//     and clicks Authorise or Cancel, as in Codat Link;
//   - control endpoints under /_emulator/ (no API key), mirrored by methods
//     such as Authorize, SetConnectionStatus, ScriptFaults and RequestCounts,
//     for tests (see ControlEndpointsHelp).
//
// # Time and sync
//
// Nothing runs in the background. A pull operation's status is derived from
// the clock (Options.Now) whenever it is read: Queued for SyncStepDuration,
// Fetching (progress 50) for another SyncStepDuration, then its outcome with
// progress 100 and completed set. Tests inject Now and move it forward.
// Authorising a connection queues the data types whose fetchOnFirstLink is
// true in the company's sync settings (if they override the defaults) or the
// profile's, limited to what the platform provides: accounting platforms the
// unprefixed types, banking platforms banking-*, commerce platforms
// commerce-*. Company info becomes available once a company pull completes;
// it is generated from the company id, so it is the same on every run.
//
// # Behaviour Codat documents
//
//   - Idempotency-Key (docs using-the-api/write-data/idempotency.md), on every
//     POST and PATCH API route: the first answer to a key is kept for 90
//     minutes (IdempotencyTTL) and replayed to a request with the same key,
//     method, path, query and body, whatever its status, injected 5xx
//     included; a 429 (rate limit or injected) is not kept and the key is
//     released, and neither is a 401/403 (it answers no client). The same
//     key with anything else different is 422; the same key while its first
//     request is still being carried out (injected latency counts) is 409. A
//     key that is not a GUID, or two headers, is 400; on other methods the
//     header is ignored. Reset forgets every key; a restart too.
//   - Queueing (data/queue) a data type with a pull still running for the
//     company is "DatasetAlreadyInProgressException: Cannot queue {dataType}
//     sync for {companyId} as previous sync {dataSetId} is still in
//     progress" (using-the-api/queueing-data-syncs.md), 400 (the spec lists
//     400 for refresh-data-type, not 409; see DatasetInProgress409). This is
//     the normal case right after a link, which queues the first-link types.
//   - A data type that none of the (given or linked) connections' platforms
//     provides is 404 "Datatype {dataType} not supported by platform(s)
//     {names}" (using-the-api/errors.md), not a queued pull.
//   - data/all answers 204 and queues its pulls one sync step later (the
//     spec calls it asynchronous; using-the-api/queueing-data-syncs.md): the
//     first-link types of the connections linked then, except those still
//     syncing then.
//
// # Readings where Codat's documentation is silent or disagrees
//
// Options.Behaviours (the -codat-behaviour flag, GET/PUT /_emulator/behaviours)
// switches each of these on; by default none is, and PresetStrict turns on
// the least convenient reading of each. The Behaviour constants name the
// page that motivates each one:
//
//   - history-query-ignored / history-query-rejected: data/history ignores
//     or refuses (400) the query parameter (using-the-api/querying.md).
//   - tags-filter-plain: the tags filter of GET /companies refuses keys and
//     values that are not plain (using-the-api/managing-companies.md).
//   - sync-settings-sparse: GET sync settings leave out companyId/clientId,
//     and overridesDefaults when true (the spec marks none required).
//   - company-sync-settings-404: a company without its own sync settings
//     answers 404 on GET syncSettings.
//   - patch-tags-merge: PATCH merges tags (the spec: fields not sent are
//     left unchanged) instead of replacing them (managing-companies.md).
//   - company-list-delay: a new company is listed by GET /companies only
//     ListDelay after its creation.
//   - dataset-in-progress-409: DatasetAlreadyInProgressException is 409.
//
// # Behaviour where Codat's documentation is silent
//
//   - A company name keeps letters, digits, whitespace and - ' , & @ . ? ! and
//     loses everything else; it is not trimmed. A name with nothing but
//     whitespace left is 400.
//   - Creating a connection to an unknown platform key is 400 "Integration
//     'abcd' does not exist"; to a disabled one, 400 "Integration 'abcd' is
//     not enabled"; a key that is not [a-z]{4} is 400 with a validation error.
//     Keys match exactly. One active accounting connection per company is not
//     enforced.
//   - A connection can be authorised from any status but Linked (authorising
//     a Linked connection changes nothing). Setting Deauthorized out of band
//     records an Active dataConnectionError, resolved by the next link.
//     Deleting a connection keeps its pull history.
//   - Only Linked connections can be unlinked (the docs say so); unlinking a
//     PendingAuth or Deauthorized one is 400 naming its status (the docs do
//     not say what Codat answers), and unlinking an Unlinked one again
//     changes nothing, so a retried unlink succeeds.
//   - Refreshing (data/all, data/queue) a company with no Linked connection
//     is 400; so is data/queue with a connectionId that is not Linked. An
//     unknown data type is 400.
//   - Errored pulls have completed set, progress 100, isErrored true (except
//     Cancelled and NotSupported) and isCompleted false.
//   - Lists: companies and connections in creation order, integrations by
//     name, pull history newest first. A page past the end is empty, not an
//     error. _links keep the query, orderBy and tags parameters.
//   - Queries: = and != compare case-insensitively, date-times compare as
//     instants, && binds tighter than ||, values are unquoted and run to the
//     next &&, || or }. Only top-level string, number and boolean fields can
//     be queried or ordered by; others are 400 "Could not resolve property".
//     A value starting with an operator (name==x) is malformed. A query must
//     be under 2048 characters (so 2048 is refused). Query parameter names,
//     path literals and a trailing slash are matched leniently, as ASP.NET
//     does.
//   - Sync settings POST bodies need every field the spec marks required
//     (companyId or clientId, settings, overridesDefaults), and the id must be
//     the company's or client's. On Options.Plan "free" a syncSchedule from 1
//     to 23 hours is "hourly" and 402. The client id is derived from the API
//     key, so it is stable across resets and restarts.
//   - Link pages answer errors as HTML pages (for a person in a browser);
//     every other error is a Codat ErrorMessage.
//   - Faults are decided in this order: scripted faults, rate limits, random
//     faults (drop, 429, 500/503, drop after write). They come before
//     authentication, as a gateway's would. While a rate limit is set, API
//     responses carry X-Rate-Limit-Limit, -Remaining and -Reset (ISO 8601)
//     for the daily quota if set, else the per-minute one, else concurrency.
//   - A rotated API key (SetAPIKey) is answered 403 "outdated API key"; any
//     other wrong key 401.
package emulator
