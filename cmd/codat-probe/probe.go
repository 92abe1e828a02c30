package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// Tags on every company the probe creates. probeTag is not plain (a
// hyphenated key, a value with dots), so the tags filter is tested on what
// tags-filter-plain refuses (the provider's creation marker is plain, and
// works either way); runTag is plain, so the probe can always find
// its companies; mergeTag is the one a PATCH leaves out.
const (
	probeTag = "terraform-codat-probe"
	runTag   = "tfcodatprobe"
	mergeTag = "tfcodatprobemerge"
	// runPrefix starts every runTag value, so one filter finds every run's.
	runPrefix = "probe"
)

// leftoverAge: a probe company older than this is a leftover of a run that
// was killed; a younger one may belong to a run still going.
const leftoverAge = time.Hour

// maxListWait bounds the wait for a new company to be listed.
const maxListWait = 2 * time.Minute

// cleanupTimeout bounds the deletes after an interrupt.
const cleanupTimeout = time.Minute

// Config is what a probe run needs.
type Config struct {
	Client *codat.Client
	// LinkedCompanyID is a company with a Linked connection, for the
	// checks that need pull history and syncs; empty skips them. The probe
	// queues syncs on it but changes nothing else.
	LinkedCompanyID string
	// Now and Sleep are the clock (tests inject one).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Log receives one line per step; nil discards them.
	Log io.Writer
}

// Finding is one row of the probe's table.
type Finding struct {
	Question string
	// Assumed is what the emulator does by default.
	Assumed string
	// Observed is what the server did.
	Observed string
	// Switches are the emulator switches that match what the server did.
	Switches []emulator.Behaviour
	// Matched is false when no emulator reading matches the server.
	Matched bool
	// Skipped is true when the check could not run (Observed says why).
	Skipped bool
}

// Report is a probe run's result.
type Report struct {
	Findings []Finding
	// Switches are every finding's switches, in the registry's order: the
	// -codat-behaviour value that plays this account.
	Switches []emulator.Behaviour
	// Requests is how many HTTP requests the probe sent, retries included.
	Requests int64
	// Removed are the companies the probe created and deleted again;
	// Leftovers are the ones it could not delete (with the error).
	Removed   []string
	Leftovers []string
}

// prober runs the checks in order, remembering what it created.
type prober struct {
	Config
	run     string // this run's runTag value
	created []string
	report  Report
}

// Run checks each uncertain reading against the server with as few requests
// as it can, and deletes every company it created, also when ctx is
// cancelled. The error reports a check that could not run at all; the
// report is filled as far as the probe got.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = codat.SleepContext
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	p := &prober{Config: cfg, run: runPrefix + randomHex(6)}
	start := cfg.Client.Stats().Attempts
	err := p.checks(ctx)
	// Deleting what was created must happen even when ctx was cancelled.
	cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	p.cleanup(cleanupCtx)
	p.report.Requests = cfg.Client.Stats().Attempts - start
	p.report.Switches = unionSwitches(p.report.Findings)
	return &p.report, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (p *prober) logf(format string, args ...any) {
	_, _ = fmt.Fprintf(p.Log, format+"\n", args...)
}

func (p *prober) add(f Finding) { p.report.Findings = append(p.report.Findings, f) }

func (p *prober) checks(ctx context.Context) error {
	if err := p.removeLeftovers(ctx); err != nil {
		return err
	}
	company, err := p.checkIdempotency(ctx)
	if err != nil {
		return err
	}
	listed, err := p.checkListDelay(ctx, company)
	if err != nil {
		return err
	}
	if err := p.checkTagsFilter(ctx, company, listed); err != nil {
		return err
	}
	if err := p.checkPatchTags(ctx, company); err != nil {
		return err
	}
	if err := p.checkSyncSettings(ctx, company); err != nil {
		return err
	}
	if err := p.checkAPIKeyList(ctx); err != nil {
		return err
	}
	return p.checkLinkedCompany(ctx)
}

// removeLeftovers deletes probe companies an earlier, killed run left.
func (p *prober) removeLeftovers(ctx context.Context) error {
	old, err := p.Client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: runTag + "~" + runPrefix})
	if err != nil {
		return fmt.Errorf("listing earlier probe companies: %w", err)
	}
	for _, c := range old {
		created, ok := parseTime(c.Created)
		if !strings.HasPrefix(c.Tags[runTag], runPrefix) || !ok || p.Now().Sub(created) < leftoverAge {
			continue
		}
		p.logf("removing %s, left by an earlier run", c.ID)
		p.created = append(p.created, c.ID)
	}
	return nil
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// checkIdempotency creates the probe's company under a key of its own, then
// sends the same create again (Codat should answer with the same company)
// and another body under the same key (Codat should answer 422).
func (p *prober) checkIdempotency(ctx context.Context) (*codat.Company, error) {
	req := codat.CompanyRequest{
		Name: "terraform-codat-probe " + p.run,
		Tags: map[string]string{probeTag: p.run + ".1.x", runTag: p.run, mergeTag: "1"},
	}
	keyed := codat.WithIdempotencyKey(ctx, uuid.NewString())
	company, err := p.Client.CreateCompany(keyed, req)
	if err != nil {
		return nil, fmt.Errorf("creating the probe's company: %w", err)
	}
	p.created = append(p.created, company.ID)
	p.logf("created company %s", company.ID)

	f := Finding{Question: "Idempotency-Key (POST, PATCH)", Assumed: "same body: replayed; other body: 422"}
	var replay, other string
	again, err := p.Client.CreateCompany(keyed, req)
	switch {
	case err != nil:
		replay = "same body: " + shortError(err)
	case again.ID == company.ID:
		replay = "same body: replayed"
	default:
		p.created = append(p.created, again.ID)
		replay = "same body: a second company"
	}
	changed := req
	changed.Name += " changed"
	third, err := p.Client.CreateCompany(keyed, changed)
	var mismatch *codat.IdempotencyMismatchError
	switch {
	case errors.As(err, &mismatch):
		other = "other body: 422"
	case err != nil:
		other = "other body: " + shortError(err)
	default:
		if third.ID != company.ID && third.ID != again.ID {
			p.created = append(p.created, third.ID)
		}
		other = "other body: " + describeCompany(third, company)
	}
	f.Observed = replay + "; " + other
	f.Matched = f.Observed == f.Assumed
	p.add(f)
	return company, nil
}

func describeCompany(got, first *codat.Company) string {
	if got.ID == first.ID {
		return "replayed"
	}
	return "another company"
}

// shortError is an error's status and the start of its message, or its
// text: enough for a table cell.
func shortError(err error) string {
	apiErr, ok := codat.AsAPIError(err)
	if !ok {
		return err.Error()
	}
	message := []rune(apiErr.Message)
	if len(message) > 40 {
		message = append(message[:39], '…')
	}
	if len(message) == 0 {
		return fmt.Sprintf("%d", apiErr.StatusCode)
	}
	return fmt.Sprintf("%d %s", apiErr.StatusCode, string(message))
}

// checkListDelay lists the new company by its plain tag at once, then, if
// it is missing, again with growing waits up to maxListWait.
func (p *prober) checkListDelay(ctx context.Context, company *codat.Company) (bool, error) {
	f := Finding{Question: "new company in GET /companies", Assumed: "listed at once"}
	filter := runTag + "=" + p.run
	waited := time.Duration(0)
	for wait := time.Second; ; wait *= 2 {
		found, err := p.listed(ctx, filter, company.ID)
		if err != nil {
			return false, fmt.Errorf("listing by the tag %s: %w", filter, err)
		}
		if found {
			if waited == 0 {
				f.Observed, f.Matched = "listed at once", true
			} else {
				f.Observed = fmt.Sprintf("listed after %s (not before %s)", waited, waited-wait/2)
				f.Switches, f.Matched = []emulator.Behaviour{emulator.CompanyListDelay}, true
			}
			p.add(f)
			return true, nil
		}
		if waited >= maxListWait {
			f.Observed = fmt.Sprintf("not listed within %s", waited)
			f.Switches, f.Matched = []emulator.Behaviour{emulator.CompanyListDelay}, true
			p.add(f)
			return false, nil
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return false, err
		}
		waited += wait
	}
}

func (p *prober) listed(ctx context.Context, filter, id string) (bool, error) {
	list, err := p.Client.ListCompanies(ctx, codat.ListCompaniesOptions{Tags: filter})
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(c codat.Company) bool { return c.ID == id }), nil
}

// checkTagsFilter filters by the tag that is not plain, the two ways the
// provider filters by its marker: by its value, and by "contains".
func (p *prober) checkTagsFilter(ctx context.Context, company *codat.Company, listed bool) error {
	f := Finding{Question: "tags filter, key and value not plain", Assumed: "accepted"}
	var results []string
	accepted, refused := 0, 0
	for _, op := range []string{"=" + p.run + ".1.x", "~."} {
		filter := probeTag + op
		found, err := p.listed(ctx, filter, company.ID)
		name := op[:1] // "=" or "~"
		switch {
		case codat.IsBadRequest(err):
			refused++
			results = append(results, name+" 400")
		case err != nil:
			return fmt.Errorf("listing by the tag filter %s: %w", filter, err)
		case found:
			accepted++
			results = append(results, name+" found")
		default:
			results = append(results, name+" not found")
		}
	}
	f.Observed = strings.Join(results, "; ")
	switch {
	case accepted == 2:
		f.Matched = true
	case refused == 2:
		f.Switches, f.Matched = []emulator.Behaviour{emulator.TagsFilterPlain}, true
	case !listed:
		f.Observed += " (inconclusive: the company was never listed)"
		f.Skipped = true
	}
	p.add(f)
	return nil
}

// checkPatchTags sends the company's tags without mergeTag.
func (p *prober) checkPatchTags(ctx context.Context, company *codat.Company) error {
	f := Finding{Question: "PATCH company tags", Assumed: "replaces them"}
	tags := map[string]string{probeTag: company.Tags[probeTag], runTag: p.run}
	patched, err := p.Client.UpdateCompany(ctx, company.ID, codat.CompanyUpdate{Tags: &tags})
	if err != nil {
		return fmt.Errorf("patching the probe company's tags: %w", err)
	}
	_, kept := patched.Tags[mergeTag]
	switch {
	case kept && len(patched.Tags) == 3:
		f.Observed = "merges: a tag left out stays"
		f.Switches, f.Matched = []emulator.Behaviour{emulator.PatchTagsMerge}, true
	case !kept && len(patched.Tags) == 2:
		f.Observed, f.Matched = "replaces them", true
	default:
		f.Observed = fmt.Sprintf("left the tags %v", patched.Tags)
	}
	p.add(f)
	return nil
}

// checkSyncSettings reads the new company's sync settings (it has none of
// its own) and the profile's, and looks at which fields are left out.
func (p *prober) checkSyncSettings(ctx context.Context, company *codat.Company) error {
	own := Finding{Question: "GET syncSettings, none of its own", Assumed: "200, the profile's"}
	sparse := Finding{Question: "GET sync-settings fields", Assumed: "all there"}
	var omitted []string
	settings, err := p.Client.GetCompanySyncSettings(ctx, company.ID)
	switch {
	case codat.IsNotFound(err):
		own.Observed = "404"
		own.Switches, own.Matched = []emulator.Behaviour{emulator.CompanySyncSettings404}, true
	case err != nil:
		return fmt.Errorf("reading the probe company's sync settings: %w", err)
	default:
		own.Observed, own.Matched = "200", true
		for _, field := range settings.Omitted {
			omitted = append(omitted, "company "+field)
		}
	}
	p.add(own)
	profile, err := p.Client.GetProfileSyncSettings(ctx)
	if err != nil {
		return fmt.Errorf("reading the profile sync settings: %w", err)
	}
	for _, field := range profile.Omitted {
		omitted = append(omitted, "profile "+field)
	}
	// The emulator's sparse reading leaves out the ids, and
	// overridesDefaults only when true; the new company's is false.
	unexpected := slices.ContainsFunc(omitted, func(field string) bool {
		return field == "company overridesDefaults" || strings.HasSuffix(field, " settings")
	})
	switch {
	case len(omitted) == 0:
		sparse.Observed, sparse.Matched = "all there", true
	case unexpected:
		sparse.Observed = "no " + strings.Join(omitted, ", ") + " (the company's overridesDefaults is false)"
		sparse.Switches = []emulator.Behaviour{emulator.SyncSettingsSparse}
	default:
		sparse.Observed = "no " + strings.Join(omitted, ", ")
		sparse.Switches, sparse.Matched = []emulator.Behaviour{emulator.SyncSettingsSparse}, true
	}
	p.add(sparse)
	return nil
}

// checkAPIKeyList lists the API keys and looks for their secrets, which it
// never prints: the account's own key is always listed, so an empty apiKey
// on every key means the list leaves them out.
func (p *prober) checkAPIKeyList(ctx context.Context) error {
	f := Finding{Question: "GET /apiKeys", Assumed: "each key with its apiKey"}
	keys, err := p.Client.ListAPIKeys(ctx)
	if err != nil {
		return fmt.Errorf("listing the API keys: %w", err)
	}
	with := 0
	for _, k := range keys {
		if k.Key != "" {
			with++
		}
	}
	switch with {
	case len(keys):
		f.Observed, f.Matched = "each key with its apiKey", true
	case 0:
		f.Observed = "no apiKey"
		f.Switches, f.Matched = []emulator.Behaviour{emulator.APIKeysListedWithoutSecrets}, true
	default:
		f.Observed = fmt.Sprintf("apiKey on %d of %d keys", with, len(keys))
	}
	p.add(f)
	return nil
}

// checkLinkedCompany runs the checks that need pulls: the history query,
// a data type the platform lacks, and queueing a data type twice.
func (p *prober) checkLinkedCompany(ctx context.Context) error {
	questions := []Finding{
		{Question: "data/history?query=", Assumed: "honoured"},
		{Question: "data/queue, type platform lacks", Assumed: "404 not supported"},
		{Question: "data/queue, type still syncing", Assumed: "400 DatasetAlreadyInProgress"},
	}
	if p.LinkedCompanyID == "" {
		for _, f := range questions {
			f.Observed, f.Skipped = "not checked: needs -company (a linked company)", true
			p.add(f)
		}
		return nil
	}
	history, err := p.checkHistoryQuery(ctx, questions[0])
	if err != nil {
		return err
	}
	p.add(history)
	company, err := p.Client.GetCompany(ctx, p.LinkedCompanyID)
	if err != nil {
		return fmt.Errorf("reading the linked company: %w", err)
	}
	sourceTypes := map[string]bool{}
	for _, conn := range company.DataConnections {
		if conn.Status == codat.StatusLinked {
			sourceTypes[conn.SourceType] = true
		}
	}
	unsupported, err := p.checkUnsupported(ctx, questions[1], sourceTypes)
	if err != nil {
		return err
	}
	p.add(unsupported)
	inProgress, err := p.checkInProgress(ctx, questions[2], sourceTypes)
	if err != nil {
		return err
	}
	p.add(inProgress)
	return nil
}

// checkHistoryQuery sends the provider's kind of query (an id, ||, a date
// comparison) that matches no pull: honoured, it lists nothing; ignored,
// every pull.
func (p *prober) checkHistoryQuery(ctx context.Context, f Finding) (Finding, error) {
	query := "id=" + uuid.Nil.String() + "||requested>=2999-01-01T00:00:00Z"
	pulls, err := p.Client.ListPullOperations(ctx, p.LinkedCompanyID, codat.ListOptions{Query: query})
	switch {
	case codat.IsBadRequest(err):
		f.Observed = shortError(err)
		f.Switches, f.Matched = []emulator.Behaviour{emulator.HistoryQueryRejected}, true
	case err != nil:
		return f, fmt.Errorf("listing the linked company's pull history: %w", err)
	case len(pulls) == 0:
		f.Observed, f.Matched = "honoured (or no pulls yet)", true
	default:
		f.Observed = fmt.Sprintf("ignored: %d pulls match none", len(pulls))
		f.Switches, f.Matched = []emulator.Behaviour{emulator.HistoryQueryIgnored}, true
	}
	return f, nil
}

// typeLacking is a data type that no platform of the given source types
// provides, or "" if every kind of platform is linked.
func typeLacking(sourceTypes map[string]bool) string {
	switch {
	case !sourceTypes[codat.SourceTypeCommerce]:
		return "commerce-disputes"
	case !sourceTypes[codat.SourceTypeAccounting]:
		return "invoices"
	case !sourceTypes[codat.SourceTypeBanking]:
		return "banking-transactionCategories"
	}
	return ""
}

// typeProvided is a small data type that a platform of the given source
// types provides.
func typeProvided(sourceTypes map[string]bool) string {
	switch {
	case sourceTypes[codat.SourceTypeAccounting]:
		return "company"
	case sourceTypes[codat.SourceTypeBanking]:
		return "banking-accounts"
	case sourceTypes[codat.SourceTypeCommerce]:
		return "commerce-companyInfo"
	}
	return ""
}

func (p *prober) checkUnsupported(ctx context.Context, f Finding, sourceTypes map[string]bool) (Finding, error) {
	dataType := typeLacking(sourceTypes)
	if dataType == "" {
		f.Observed, f.Skipped = "not checked: the company has every kind of platform linked", true
		return f, nil
	}
	pull, err := p.Client.RefreshDataType(ctx, p.LinkedCompanyID, dataType, "")
	switch {
	case codat.IsNotFound(err) && strings.Contains(err.Error(), "not supported"):
		f.Observed, f.Matched = dataType+": "+shortError(err), true
	case err != nil:
		f.Observed = dataType + ": " + shortError(err)
	default:
		f.Observed = fmt.Sprintf("%s: queued (pull %s, %s)", dataType, pull.ID, pull.Status)
	}
	return f, nil
}

// checkInProgress queues a data type the company's platform provides, twice
// if the first is accepted: the second meets the first still syncing.
func (p *prober) checkInProgress(ctx context.Context, f Finding, sourceTypes map[string]bool) (Finding, error) {
	dataType := typeProvided(sourceTypes)
	if dataType == "" {
		f.Observed, f.Skipped = "not checked: the company has no linked accounting, banking or commerce platform", true
		return f, nil
	}
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := p.Client.RefreshDataType(ctx, p.LinkedCompanyID, dataType, "")
		switch {
		case err == nil:
			continue
		case strings.Contains(err.Error(), "DatasetAlreadyInProgress"):
			f.Observed = fmt.Sprintf("%s: %s", dataType, shortError(err))
			f.Matched = true
			if codat.IsConflict(err) {
				f.Switches = []emulator.Behaviour{emulator.DatasetInProgress409}
			} else if !codat.IsBadRequest(err) {
				f.Matched = false
			}
			return f, nil
		default:
			f.Observed = dataType + ": " + shortError(err)
			return f, nil
		}
	}
	f.Observed = dataType + ": queued twice in a row"
	return f, nil
}

// cleanup deletes every company the probe created or found left over.
func (p *prober) cleanup(ctx context.Context) {
	for _, id := range p.created {
		err := p.Client.DeleteCompany(ctx, id)
		if err != nil && !codat.IsNotFound(err) {
			p.report.Leftovers = append(p.report.Leftovers, fmt.Sprintf("%s (%v)", id, err))
			continue
		}
		p.report.Removed = append(p.report.Removed, id)
	}
}

func unionSwitches(findings []Finding) []emulator.Behaviour {
	on := map[emulator.Behaviour]bool{}
	for _, f := range findings {
		for _, b := range f.Switches {
			on[b] = true
		}
	}
	var out []emulator.Behaviour
	for _, info := range emulator.Behaviours() {
		if on[info.Name] {
			out = append(out, info.Name)
		}
	}
	return out
}

// Print writes the report as a table, then the switches and the count.
func (r *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "BEHAVIOUR\tEMULATOR ASSUMES\tSERVER DID\tMATCHING SWITCHES")
	for _, f := range r.Findings {
		switches := "none (the default)"
		switch {
		case f.Skipped:
			switches = "-"
		case !f.Matched:
			switches = "NO READING MATCHES"
		case len(f.Switches) > 0:
			names := make([]string, len(f.Switches))
			for i, b := range f.Switches {
				names[i] = string(b)
			}
			switches = strings.Join(names, ",")
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Question, f.Assumed, f.Observed, switches)
	}
	_ = tw.Flush()
	names := make([]string, len(r.Switches))
	for i, b := range r.Switches {
		names[i] = string(b)
	}
	_, _ = fmt.Fprintf(w, "\nEmulator switches matching this account: -codat-behaviour=%s\n", strings.Join(names, ","))
	for _, info := range emulator.Behaviours() {
		if info.NotProbed != "" {
			_, _ = fmt.Fprintf(w, "Not probed: %s (%s)\n", info.Name, info.NotProbed)
		}
	}
	if slices.ContainsFunc(r.Findings, func(f Finding) bool { return !f.Matched && !f.Skipped }) {
		_, _ = fmt.Fprintln(w, "Some answers match no emulator reading: please report them at https://github.com/codat-community/terraform-provider-codat/issues")
	}
	_, _ = fmt.Fprintf(w, "Requests sent: %d (retries included)\n", r.Requests)
	_, _ = fmt.Fprintf(w, "Companies created and deleted: %d\n", len(r.Removed))
	for _, left := range r.Leftovers {
		_, _ = fmt.Fprintf(w, "NOT DELETED, remove it yourself: %s\n", left)
	}
}
