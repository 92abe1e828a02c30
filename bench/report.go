package main

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// Targets from issue 7.
const (
	targetFloorRatio   = 1.5
	targetPeakMB       = 100
	targetLimitedRatio = 1.15
	codatPerMinute     = 1000
)

// Targets from issue 16 (batched refresh).
const (
	targetPlanRequests    = 3 // a plan of up to 5,000 companies
	targetLimitedPlan     = 5 // seconds, a plan of 1,000 under Codat's limits
	targetBigClientPeakMB = 150
	listPageSize          = 5000 // the provider's page of GET /companies
)

type results struct {
	machine           machine
	parallelism       int
	catalogueRequests emulator.RequestCounts
	runs              []phaseResult
	limited           *limitedResult
	bigClient         *bigClientResult
	elapsed           time.Duration
}

func (r *results) find(scenario, phase string, n int) (phaseResult, bool) {
	for _, p := range r.runs {
		if p.scenario == scenario && p.phase == phase && p.n == n {
			return p, true
		}
	}
	return phaseResult{}, false
}

func (r *results) ns() []int {
	var ns []int
	for _, p := range r.runs {
		if !slices.Contains(ns, p.n) {
			ns = append(ns, p.n)
		}
	}
	return ns
}

// markdown is the whole report: the tables per N, the rate-limited run, the
// targets and the machine.
func (r *results) markdown() string {
	var b strings.Builder
	b.WriteString("# Benchmark: codat_company at scale\n\n")
	fmt.Fprintf(&b, "`make bench` (`go run ./bench`), %s. Terraform `-parallelism=%d` (its default). Each codat_company has a platform connection (`platform_key = \"gbol\"`); the emulator answers at once. "+
		"*floor* is a terraform-plugin-framework resource with the same configuration that only keeps it in state (`bench/floorprovider`); *same state* is that provider's resource that also keeps a made-up state of codat_company's shape and size (its connection, link URLs, timestamps), so that the gap between it and *floor* is what Terraform spends on codat_company's larger state, and the gap between codat and it is the provider's own; *terraform_data* is Terraform's built-in resource (no provider process). "+
		"Wall time is the whole terraform command; CPU is the user and system time of Terraform itself and of the providers it ran (less sensitive to other load on the machine than wall time); plan is a refresh that must find no changes; destroy runs with `-refresh=false`, the refresh being the plan's (a plain `terraform destroy` costs a plan row more). "+
		"Requests per company leave out the requests a run sends once (shown in brackets). Peak RSS is the highest VmHWM of the provider processes Terraform started for that command.\n\n",
		r.machine.when.UTC().Format("2006-01-02 15:04 UTC"), r.parallelism)
	for _, n := range r.ns() {
		fmt.Fprintf(&b, "## N = %d\n\n", n)
		b.WriteString("| phase | codat | floor | same state | terraform_data | codat ÷ floor | codat ÷ same state | codat ÷ terraform_data | CPU, Terraform + provider: codat / floor / same state / terraform_data | requests per company | provider peak RSS: codat / floor / same state |\n")
		b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n")
		for _, phase := range phases {
			c, _ := r.find(scCodat, phase, n)
			f, _ := r.find(scFloor, phase, n)
			ss, _ := r.find(scSameState, phase, n)
			t, _ := r.find(scTFData, phase, n)
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %.2f× | %.2f× | %.2f× | %s / %s / %s / %.1f s | %s | %s / %s / %s |\n", phase,
				seconds(c.wall), seconds(f.wall), seconds(ss.wall), seconds(t.wall), ratio(c.wall, f.wall), ratio(c.wall, ss.wall), ratio(c.wall, t.wall),
				cpuSplit(c), cpuSplit(f), cpuSplit(ss), t.cpu.Seconds(),
				perCompany(c.counts, n), formatMB(c.providerPeakKB), formatMB(f.providerPeakKB), formatMB(ss.providerPeakKB))
		}
		b.WriteString("\n")
	}
	if l := r.limited; l != nil {
		r.limitedMarkdown(&b, l)
	}
	r.plansMarkdown(&b)
	r.targetsMarkdown(&b)
	r.batchedTargetsMarkdown(&b)
	fmt.Fprintf(&b, "## Machine\n\n%d CPUs, %s memory; load average %s before, %s after (1, 5, 15 min). %s, Go %s. The whole run took %s.\n",
		r.machine.cpus, r.machine.memTotal, r.machine.loadBefore, r.machine.loadAfter, r.machine.terraform,
		strings.TrimPrefix(r.machine.goVersion, "go"), r.elapsed.Round(time.Second))
	return b.String()
}

func (r *results) limitedMarkdown(b *strings.Builder, l *limitedResult) {
	fmt.Fprintf(b, "## N = %d under Codat's rate limits\n\n", l.n)
	b.WriteString("The emulator enforces Codat's documented limits: 10 concurrent requests and 1,000 requests a minute (per calendar minute), answering 429 with `Retry-After` beyond them. " +
		"The minimum is the requests served at 1,000 a minute. ")
	if l.paced {
		b.WriteString("The provider paces its requests as it does by default against api.codat.io (`requests_per_minute = 1000`, `max_concurrent_requests = 10`).\n\n")
	} else {
		b.WriteString("The provider does not pace its requests (`-pace=false`): it sends them as fast as Terraform asks and waits out each 429.\n\n")
	}
	b.WriteString("| phase | time | requests served | 429 answers | minimum | time ÷ minimum | provider peak RSS |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	var wall, minimum time.Duration
	var served, limited int
	for _, p := range l.phases {
		s := p.counts.Total - p.counts.TooManyRequests
		m := minimumTime(s)
		wall += p.wall
		minimum += m
		served += s
		limited += p.counts.TooManyRequests
		fmt.Fprintf(b, "| %s | %s | %d | %d | %s | %.2f× | %s |\n", p.phase, seconds(p.wall), s, p.counts.TooManyRequests,
			seconds(m), ratio(p.wall, m), formatMB(p.providerPeakKB))
	}
	fmt.Fprintf(b, "| **all** | %s | %d | %d | %s | %.2f× | |\n\n", seconds(wall), served, limited, seconds(minimum), ratio(wall, minimum))
}

// minimumTime is how long n requests take at Codat's 1,000 a minute.
func minimumTime(n int) time.Duration {
	return time.Duration(float64(n) / codatPerMinute * float64(time.Minute))
}

func (r *results) targetsMarkdown(b *strings.Builder) {
	b.WriteString("## Targets (issue 7)\n\nIssue 7's refresh target, exactly 1 request per company, gave way to issue 16's (below).\n\n")
	row := targetTable(b)
	ns := r.ns()
	var apply, destroy []string
	applyOK, destroyOK := true, true
	for _, n := range ns {
		a, _ := r.find(scCodat, "apply", n)
		per, runOnce := split(a.counts, n)
		applyOK = applyOK && per <= 2
		apply = append(apply, fmt.Sprintf("%.2f (+%d)", per, runOnce))
		d, _ := r.find(scCodat, "destroy", n)
		deletes := d.counts.Routes["DELETE /companies/{companyId}"]
		destroyOK = destroyOK && deletes == n && d.counts.Total == n
		destroy = append(destroy, fmt.Sprintf("%.2f", float64(deletes)/float64(n)))
	}
	at := "N = " + joinInts(ns)
	row("apply: at most 2 requests per company with a platform", at+": "+strings.Join(apply, ", ")+" (+ once per run)", applyOK)
	row("destroy: 1 request per company", at+": "+strings.Join(destroy, ", "), destroyOK)
	cat := r.catalogueRequests
	row("codat_integrations: 1 request for the catalogue", fmt.Sprintf("%d (%s)", cat.Total, routes(cat)), cat.Total == 1)

	big := ns[len(ns)-1]
	floors := []struct{ scenario, target string }{
		{scFloor, "%s at N = %d within %.1f× the in-memory floor"},
		{scSameState, "(beyond the issue) %s at N = %d within %.1f× the floor holding the same state"},
	}
	for _, fl := range floors {
		for _, phase := range []string{"apply", "plan"} {
			c, _ := r.find(scCodat, phase, big)
			f, _ := r.find(fl.scenario, phase, big)
			x := ratio(c.wall, f.wall)
			row(fmt.Sprintf(fl.target, phase, big, targetFloorRatio),
				fmt.Sprintf("%.2f× (%s against %s)", x, seconds(c.wall), seconds(f.wall)), x <= targetFloorRatio)
		}
	}
	var peak, floorPeak int64
	for _, phase := range phases {
		c, _ := r.find(scCodat, phase, big)
		f, _ := r.find(scFloor, phase, big)
		peak = max(peak, c.providerPeakKB)
		floorPeak = max(floorPeak, f.providerPeakKB)
	}
	row(fmt.Sprintf("provider peak RSS under %d MB at N = %d", targetPeakMB, big),
		fmt.Sprintf("%s (floor provider: %s)", formatMB(peak), formatMB(floorPeak)), peak < targetPeakMB*1000)
	if l := r.limited; l != nil {
		var wall, minimum time.Duration
		for _, p := range l.phases {
			wall += p.wall
			minimum += minimumTime(p.counts.Total - p.counts.TooManyRequests)
		}
		row(fmt.Sprintf("under the rate limits at N = %d: no error", l.n), "every phase completed all resources", true)
		x := ratio(wall, minimum)
		row(fmt.Sprintf("under the rate limits: within %.2f× the minimum", targetLimitedRatio),
			fmt.Sprintf("%.2f× (%s against %s)", x, seconds(wall), seconds(minimum)), x <= targetLimitedRatio)
	}
	b.WriteString("\n")
}

// split returns the requests per company, leaving out those a run sends
// once, and how many of those there were.
func split(c emulator.RequestCounts, n int) (float64, int) {
	once := 0
	for route, k := range c.Routes {
		if isPerRun(route) {
			once += k
		}
	}
	return float64(c.Total-once) / float64(n), once
}

func perCompany(c emulator.RequestCounts, n int) string {
	if c.Total == 0 {
		return "0"
	}
	per, once := split(c, n)
	s := fmt.Sprintf("%.2f", per)
	if once > 0 {
		s += fmt.Sprintf(" [+%d]", once)
	}
	return s + ": " + routes(c)
}

// routes lists the routes with their counts, most requested first.
func routes(c emulator.RequestCounts) string {
	keys := slices.Collect(maps.Keys(c.Routes))
	slices.SortFunc(keys, func(a, b string) int {
		if c.Routes[a] != c.Routes[b] {
			return c.Routes[b] - c.Routes[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %d", k, c.Routes[k]))
	}
	return strings.Join(parts, ", ")
}

// cpuSplit is the CPU time of Terraform itself and of its providers.
func cpuSplit(p phaseResult) string {
	return fmt.Sprintf("%.1f + %.1f", (p.cpu - p.providerCPU).Seconds(), p.providerCPU.Seconds())
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func formatMB(kb int64) string {
	if kb == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MB", float64(kb)/1000)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

// svg plots wall time against N, one panel per phase, both axes logarithmic.
func (r *results) svg() string {
	const (
		panelW, panelH = 260.0, 220.0
		left, top      = 50.0, 40.0
		gap            = 40.0
	)
	series := []struct{ scenario, label, colour string }{
		{scCodat, "codat_company", "#d62728"},
		{scFloor, "floor (framework, no API)", "#1f77b4"},
		{scSameState, "floor holding the same state", "#2ca02c"},
		{scTFData, "terraform_data", "#7f7f7f"},
	}
	ns := r.ns()
	width := left + 3*panelW + 2*gap + 20
	height := top + panelH + 90
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="18" font-size="13" font-weight="bold">terraform wall time against N (log-log), -parallelism=%d</text>`+"\n", left, r.parallelism)

	// One y range for all panels, in whole decades, so they compare.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range r.runs {
		if s := p.wall.Seconds(); s > 0 {
			lo, hi = math.Min(lo, s), math.Max(hi, s)
		}
	}
	if math.IsInf(lo, 0) {
		return b.String() + "</svg>\n"
	}
	yLo, yHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if yHi == yLo {
		yHi++
	}
	xLo, xHi := math.Log10(float64(ns[0])), math.Log10(float64(ns[len(ns)-1]))
	if xHi == xLo {
		xHi++
	}
	for i, phase := range phases {
		x0 := left + float64(i)*(panelW+gap)
		px := func(n int) float64 { return x0 + (math.Log10(float64(n))-xLo)/(xHi-xLo)*panelW }
		py := func(s float64) float64 { return top + panelH - (math.Log10(s)-yLo)/(yHi-yLo)*panelH }
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`+"\n", x0, top, panelW, panelH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-weight="bold">%s</text>`+"\n", x0+panelW/2, top-6, phase)
		for d := yLo; d <= yHi; d++ {
			y := top + panelH - (d-yLo)/(yHi-yLo)*panelH
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", x0, y, x0+panelW, y)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s s</text>`+"\n", x0-4, y+4, trimFloat(math.Pow(10, d)))
		}
		for _, n := range ns {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", px(n), top+panelH+14, n)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">N</text>`+"\n", x0+panelW/2, top+panelH+28)
		for _, s := range series {
			var pts []string
			for _, n := range ns {
				if p, ok := r.find(s.scenario, phase, n); ok && p.wall > 0 {
					x, y := px(n), py(p.wall.Seconds())
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s N=%d: %.2f s</title></circle>`+"\n", x, y, s.colour, s.scenario, phase, n, p.wall.Seconds())
				}
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), s.colour)
		}
	}
	for i, s := range series {
		x := left + float64(i)*220
		y := top + panelH + 55
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`+"\n", x, y-4, x+24, y-4, s.colour)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+30, y, s.label)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#555">%d CPUs, load %s before the run; %s</text>`+"\n", left, top+panelH+78,
		r.machine.cpus, r.machine.loadBefore, r.machine.terraform)
	b.WriteString("</svg>\n")
	return b.String()
}

func trimFloat(f float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", f), "0"), ".")
}

// targetTable starts a table of targets and returns its row writer.
func targetTable(b *strings.Builder) func(target, measured string, ok bool) {
	b.WriteString("| target | measured | holds |\n| --- | --- | --- |\n")
	return func(target, measured string, ok bool) {
		fmt.Fprintf(b, "| %s | %s | %s |\n", target, measured, map[bool]string{true: "yes", false: "**no**"}[ok])
	}
}

// plansMarkdown is every plan's requests: at each N, in a large client and
// under the rate limits.
func (r *results) plansMarkdown(b *strings.Builder) {
	b.WriteString("## Requests per plan (issue 16)\n\n")
	b.WriteString("A refresh reads the companies from one list of the run (`GET /companies`, 5,000 a page) when that costs fewer requests than one `GET /companies/{companyId}` each. " +
		"In the large client, the companies Terraform manages were created last, so they are on the list's last page.\n\n")
	b.WriteString("| plan | companies in state | at Codat | time | requests | routes | provider peak RSS |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | --- | ---: |\n")
	line := func(name string, p phaseResult, total int) {
		fmt.Fprintf(b, "| %s | %d | %d | %s | %d | %s | %s |\n", name, p.n, total, seconds(p.wall), p.counts.Total, routes(p.counts), formatMB(p.providerPeakKB))
	}
	for _, n := range r.ns() {
		p, _ := r.find(scCodat, "plan", n)
		line(fmt.Sprintf("N = %d", n), p, n)
	}
	if c := r.bigClient; c != nil {
		line(fmt.Sprintf("%d in a client of %d", c.n, c.total), c.plan, c.total)
	}
	if p, ok := r.limitedPlan(); ok {
		line(fmt.Sprintf("N = %d under Codat's rate limits", p.n), p, p.n)
	}
	b.WriteString("\n")
}

func (r *results) limitedPlan() (phaseResult, bool) {
	if r.limited == nil {
		return phaseResult{}, false
	}
	for _, p := range r.limited.phases {
		if p.phase == "plan" {
			return p, true
		}
	}
	return phaseResult{}, false
}

func (r *results) batchedTargetsMarkdown(b *strings.Builder) {
	b.WriteString("## Targets (issue 16)\n\n")
	row := targetTable(b)
	var plans []string
	plansOK := true
	for _, n := range r.ns() {
		p, _ := r.find(scCodat, "plan", n)
		plansOK = plansOK && p.counts.Total <= targetPlanRequests
		plans = append(plans, fmt.Sprint(p.counts.Total))
	}
	row(fmt.Sprintf("a plan of N companies sends at most %d requests in all", targetPlanRequests),
		"N = "+joinInts(r.ns())+": "+strings.Join(plans, ", "), plansOK)
	if p, ok := r.limitedPlan(); ok {
		row(fmt.Sprintf("under Codat's limits a plan of %d takes at most %d s", p.n, targetLimitedPlan),
			fmt.Sprintf("%s (%d requests)", seconds(p.wall), p.counts.Total), p.wall.Seconds() <= targetLimitedPlan)
	}
	if c := r.bigClient; c != nil {
		p := c.plan
		row(fmt.Sprintf("a plan of %d companies in a client of %d sends at most %d + 1 requests", c.n, c.total, c.n),
			fmt.Sprintf("%d (%s)", p.counts.Total, routes(p.counts)), p.counts.Total <= c.n+1)
		row(fmt.Sprintf("provider peak RSS under %d MB with a %d-company list", targetBigClientPeakMB, c.total),
			fmt.Sprintf("%s (the plan above, which listed %d companies)", formatMB(p.providerPeakKB), min(c.total, p.counts.Routes["GET /companies"]*listPageSize)),
			p.providerPeakKB < targetBigClientPeakMB*1000)
	}
	b.WriteString("\n")
}
