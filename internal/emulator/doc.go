// Package emulator is a local stand-in for the Codat Platform API, for tests,
// demos and anyone integrating with Codat without an account.
//
// An Emulator is an http.Handler. It serves the Codat operations under the
// same paths as https://api.codat.io (no version prefix), with Codat's
// bodies and status codes: integrations, companies, connections, data status,
// refresh (data/all, data/queue), pull history, company and profile sync
// settings, company info (data/info), and the client-wide settings: the
// profile, CORS settings, API keys, webhook consumers, supplemental data and
// custom data types. It also delivers webhooks (see below). Every JSON body
// it reads or writes is a type from internal/codat, so the emulator and the
// client share one definition of the wire format. Besides the API it serves:
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
// Only webhook delivery runs in the background (see Webhooks). A pull
// operation's status is derived from the clock (Options.Now) whenever it is
// read: Queued for SyncStepDuration, Fetching (progress 50) for another
// SyncStepDuration, then its outcome with progress 100 and completed set. Tests inject Now and move it forward.
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
//   - last-api-key-deletable: deleting the last API key succeeds, as the
//     spec says, instead of 409, as docs using-the-api/authentication.md say.
//   - api-keys-listed-without-secrets: GET /apiKeys leaves out each apiKey,
//     so a key's secret is seen only when it is created.
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
//
// # Client-wide settings
//
// Persisted with the rest of the state (Options.StatePath); Reset clears
// them. Each area is a file: profile.go, cors.go, apikeys.go, webhooks.go,
// supplemental.go, customdata.go.
//
//   - Profile: Codat documents no defaults; a new client's is named "Codat
//     Emulator" with the redirect URL https://example.com/{companyId}. The
//     PUT replaces every field (omitted ones are cleared) and needs name and
//     redirectUrl (the schema's required fields; 400 otherwise, which the
//     spec does not list). GET and PUT answer with the deprecated apiKey,
//     which the schema still describes: the client's first live key. An
//     apiKey in a PUT body is ignored.
//   - CORS settings: /corsSettings only (the deprecated
//     /connectionManagement/corsSettings is 404). Each origin must be an
//     absolute URI (the schema's format; 400 otherwise); nothing else is
//     checked or normalised, and no Access-Control headers are served.
//   - API keys: the key the emulator starts with is the one Codat
//     provisions: listed first, without name or createdDate. Keys created
//     through POST /apiKeys (40 letters and digits) authenticate at once. At
//     most 10 keys, the first included (409, the spec's message); a name
//     over 50 characters is 400 (the spec's message). A deleted key is
//     answered 403 "outdated API key", like a rotated one, and a request may
//     delete the key it authenticated with (the spec says so). Deleting the
//     last key is 409 by default, as docs authentication.md says it is
//     impossible (last-api-key-deletable plays the spec); GET /apiKeys shows
//     each apiKey by default, as the spec's example does
//     (api-keys-listed-without-secrets shows them only on create).
//   - Webhook consumers: an absolute http or https url (Codat would need
//     https; loopback http is what a local receiver needs), at least one
//     event type from Codat's catalogue (codat.IsWebhookEventType; a legacy
//     rule name such as DataSyncCompleted is 400), at most 10 company tags
//     of the form key:value, at most 128 characters each. The 51st consumer
//     is 400: the spec states the limit of 50 but not the answer, and 400 is
//     the operation's listed refusal. Deleting a consumer deletes its
//     deliveries, pending attempts included, as the docs describe.
//   - Supplemental data: any catalogue platform with any data type of the
//     spec's enum (Codat's list of supported pairs is a spreadsheet);
//     otherwise 404. A pair never configured reads {"supplementalDataConfig":
//     {}}; a PUT of an empty configuration resets it (docs). Values are not
//     validated (Codat does not).
//   - Custom data types: any catalogue platform (else 404); dataSource and
//     keyBy are required (docs custom-data.md; 400, unlisted in the spec);
//     GET of an unconfigured one is 404. GET answers the configuration, as
//     the docs say (the spec's schema names records). No delete, as in
//     Codat; refreshing and listing custom data are not emulated.
//
// # Webhooks
//
// When something happens that Codat sends an event for, the emulator POSTs
// the event, in the shape of the spec's webhooks section, to every consumer
// that is enabled, subscribed to its type and, if it has company tags,
// shares one key:value with the company (codat.CompanyTagsMatch). The
// events and their triggers are listed in events.go: company.created and
// .deleted; connection.created, .connected, .reconnected, .disconnected and
// .deleted (from the API, the link pages and the control endpoints); and
// read.completed (plus read.completed.initial after a link, if a pull
// succeeded) for the pulls queued together by a link, data/all or
// data/queue. A read event is due when the last of its pulls ends by the
// sync clock (requested + 2 × SyncStepDuration), carries that moment as
// generatedDate and modifiedFromDate, and is sent by the first delivery pass
// at or after it, or before any later event (so events keep the order in
// which things happened; a company deleted while its pulls ran gets no read
// event). Events are made for the consumers that exist when the
// action happens (or, for reads, when the pulls are queued); nothing is
// replayed to later consumers.
//
// Each delivery is signed with Svix's library and the consumer's secret
// (shown on the control API; a receiver verifies with svix.NewWebhook and
// Verify), under the headers webhook-id (the same for every attempt and
// consumer of one event), webhook-timestamp and webhook-signature. A 2xx
// within 15 seconds is a success; anything else is retried on Svix's
// schedule (5s, 5m, 30m, 2h, 5h, 10h, 10h, or Options.WebhookRetrySchedule)
// and then marked Failure. Deliveries run on a goroutine the emulator
// starts with the first event for a consumer and stops in Close. Attempt
// times and retries follow Options.Now, and a pass runs after every API
// request, when an attempt falls due (checked at least once a second) and
// on DeliverWebhooks, which tests on an injected clock call after moving it.
// webhook-timestamp alone is the real time, as Svix receivers check it
// against their clock. The delivery log (GET /_emulator/webhooks/deliveries)
// keeps the latest 1,000 finished deliveries.
package emulator
