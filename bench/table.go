package bench

import (
	"fmt"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// ThroughputCell is one latency × concurrency run against the rate-limited simulator.
type ThroughputCell struct {
	Latency     time.Duration
	Concurrency int
	Limit       float64 // the platform's requests per second
	Burst       int
	Rows        int
	Pace        Pace
	Status429   int   // 429 answers in the simulator's log
	Retries     int64 // the client's retries
	Created     int
}

// Ratio is the rate kept ÷ the platform's limit.
func (c ThroughputCell) Ratio() float64 { return c.Pace.PerSecond / c.Limit }

// Ceiling is the best ratio concurrency allows at this latency: each worker has at most one
// request at the platform, so N workers send at most N / latency requests per second.
func (c ThroughputCell) Ceiling() float64 {
	if c.Latency <= 0 {
		return 1
	}
	return min(1, float64(c.Concurrency)/c.Latency.Seconds()/c.Limit)
}

// Covered says that concurrency covers the latency, which is when the goal applies.
func (c ThroughputCell) Covered() bool { return c.Ceiling() >= 1 }

// AllowedWindow is the most requests a token bucket lets through in one second.
func (c ThroughputCell) AllowedWindow() int { return int(c.Limit) + c.Burst }

// ValidateRun is validate of one generated file, and the baseline read of the same file.
type ValidateRun struct {
	Rows, Invalid int
	Bytes         int64
	Validate      ChildRun
	Baseline      time.Duration
	BaselineBad   int // rows the baseline found invalid
}

// Ratio is validate's time ÷ the baseline's.
func (v ValidateRun) Ratio() float64 { return v.Validate.Wall.Seconds() / v.Baseline.Seconds() }

// ShapeRun is validate of a file whose rows all have one shape.
type ShapeRun struct {
	Shape    Shape
	Rows     int
	Bytes    int64
	Validate ChildRun
}

// WorkbookRun is validate of the same generated rows as a workbook and as CSV, in the same run.
type WorkbookRun struct {
	Rows, Invalid int
	Bytes         int64 // the workbook's
	Workbook, CSV ChildRun
}

// Ratio is the workbook's validate time ÷ the CSV's.
func (w WorkbookRun) Ratio() float64 { return w.Workbook.Wall.Seconds() / w.CSV.Wall.Seconds() }

// FormatRun is validate of one file in one report format, to one kind of stdout.
type FormatRun struct {
	Format   string   // --format: csv, json or table
	Pipe     bool     // stdout is a pipe the bench reads, else /dev/null
	Validate ChildRun // the fastest of the rounds
	Report   int64    // bytes of report that came through the pipe; 0 to /dev/null
}

// Stdout names where the run's stdout went.
func (f FormatRun) Stdout() string {
	if f.Pipe {
		return "pipe"
	}
	return "/dev/null"
}

// FormatsRun is validate of one file of valid rows in every report format, each to /dev/null and
// through a pipe, and the baseline read of the same file; of each, the fastest of Rounds rounds.
type FormatsRun struct {
	Rows     int
	Bytes    int64
	Rounds   int
	Baseline time.Duration
	Runs     []FormatRun
}

// Goals for every format: within this many times csv's CPU time to the same stdout, and within
// this many times the baseline's wall time, as section 2 compares them.
const (
	formatToCSV      = 1.2
	formatToBaseline = 2
)

// ToCSV is run's CPU time (user and system) ÷ that of csv to the same stdout. CPU time is what a
// format costs, a pipe's system calls included, and the other processes of a shared machine
// change it little, when they may double a wall time.
func (f FormatsRun) ToCSV(run FormatRun) float64 {
	for _, csv := range f.Runs {
		if csv.Format == "csv" && csv.Pipe == run.Pipe {
			return run.Validate.CPU.Seconds() / csv.Validate.CPU.Seconds()
		}
	}
	return math.NaN()
}

// ToBaseline is run's wall time ÷ the baseline's.
func (f FormatsRun) ToBaseline(run FormatRun) float64 {
	return run.Validate.Wall.Seconds() / f.Baseline.Seconds()
}

// Met says whether run meets both goals.
func (f FormatsRun) Met(run FormatRun) bool {
	return f.ToCSV(run) <= formatToCSV && f.ToBaseline(run) <= formatToBaseline
}

// OverheadRun is an import of a file against the simulator with no latency and no limit.
type OverheadRun struct {
	Store       string // sqlite or postgres
	Name        string
	Rows        int
	Wall        time.Duration
	RoundTrips  time.Duration // with at least one request inside its HTTP round trip
	Requests    int           // in the simulator's log
	Mutations   int
	Created     int
	Skipped     int
	Invalid     int
	Concurrency int
}

// OutsideMicrosPerRow is the wall time during which no request was in a round trip, per row of
// the file: the time the run spent on its own work alone.
func (o OverheadRun) OutsideMicrosPerRow() float64 {
	return float64((o.Wall - o.RoundTrips).Microseconds()) / float64(o.Rows)
}

// ReconcileRun is reconcile, without --fix, of the organization an import filled.
type ReconcileRun struct {
	Store      string
	Stores     int // the organization's stores, and shops
	Wall       time.Duration
	RoundTrips time.Duration // paging through the platform's shops
	Requests   int
}

// Outside is the wall time not spent in round trips, paging the shops.
func (r ReconcileRun) Outside() time.Duration { return r.Wall - r.RoundTrips }

// Results is one `make bench` run.
type Results struct {
	When       time.Time
	Machine    string
	Commit     string
	Command    string
	Throughput []ThroughputCell
	Validate   []ValidateRun
	Overhead   []OverheadRun
	Reconcile  []ReconcileRun
	Stores     []string // what each store of the overhead runs is, in their order
	Shapes     []ShapeRun
	Workbooks  []WorkbookRun
	Pages      []PageRun
	Formats    FormatsRun
	Jobs       JobsRun
}

// Empty says that no benchmark recorded anything.
func (r *Results) Empty() bool {
	return len(r.Throughput) == 0 && len(r.Validate) == 0 && len(r.Overhead) == 0 && len(r.Reconcile) == 0 &&
		len(r.Shapes) == 0 && len(r.Workbooks) == 0 && len(r.Pages) == 0 && len(r.Formats.Runs) == 0 &&
		r.Jobs.Rows == 0
}

// Table renders the run as plain text.
func (r *Results) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "storeimport bench, %s\n", r.When.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "machine: %s\n", r.Machine)
	fmt.Fprintf(&b, "commit:  %s\n", r.Commit)
	fmt.Fprintf(&b, "command: %s\n", r.Command)
	if len(r.Throughput) > 0 {
		c := r.Throughput[0]
		fmt.Fprintf(&b, "\n1. Throughput at the platform's limit: simulator %g req/s burst %d, client --rate %g --burst %d\n",
			c.Limit, c.Burst, c.Limit, c.Burst)
		fmt.Fprintf(&b, "   ratio = (requests - burst) / (last arrival - first) / limit, from the simulator's log;\n")
		fmt.Fprintf(&b, "   ceiling = min(1, concurrency / latency / limit); goal ratio >= 0.95 where the ceiling is 1\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "latency\tconc\trows\trequests\tseconds\treq/s\tratio\tceiling\tmax in 1 s\t429s\tretries\tgoal\t")
		for _, c := range r.Throughput {
			fmt.Fprintf(tw, "%v\t%d\t%d\t%d\t%.1f\t%.1f\t%.3f\t%.2f\t%d of %d\t%d\t%d\t%s\t\n",
				c.Latency, c.Concurrency, c.Rows, c.Pace.Requests, c.Pace.Span.Seconds(), c.Pace.PerSecond,
				c.Ratio(), c.Ceiling(), c.Pace.MaxWindow, c.AllowedWindow(), c.Status429, c.Retries, throughputGoal(c))
		}
		tw.Flush()
	}
	if len(r.Validate) > 0 {
		fmt.Fprintf(&b, "\n2. validate --format csv of a generated UTF-8 file, no endpoint: the built binary, stdout to /dev/null;\n")
		fmt.Fprintf(&b, "   baseline = plain encoding/csv read of the same file with the same cell checks and column rules, in the bench process\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "rows\tfile\tinvalid\tvalidate s\trows/s\tpeak RSS\tbaseline s\tratio\t")
		for _, v := range r.Validate {
			fmt.Fprintf(tw, "%s\t%.1f MiB\t%s\t%.2f\t%s\t%.1f MiB\t%.2f\t%.2f\t\n",
				thousands(v.Rows), float64(v.Bytes)/(1<<20), thousands(v.Invalid), v.Validate.Wall.Seconds(),
				thousands(int(float64(v.Rows)/v.Validate.Wall.Seconds())), float64(v.Validate.PeakRSS)/1024,
				v.Baseline.Seconds(), v.Ratio())
		}
		tw.Flush()
		fmt.Fprintf(&b, "   goals: %s\n", validateGoals(r.Validate))
	}
	if len(r.Overhead) > 0 {
		writeOverhead(&b, r.Overhead, r.Stores)
	}
	if len(r.Reconcile) > 0 {
		writeReconcile(&b, r.Reconcile)
	}
	if len(r.Shapes) > 0 {
		writeShapes(&b, r.Shapes)
	}
	if len(r.Workbooks) > 0 {
		writeWorkbooks(&b, r.Workbooks)
	}
	if len(r.Pages) > 0 {
		writePage(&b, r.Pages)
	}
	if len(r.Formats.Runs) > 0 {
		writeFormats(&b, r.Formats)
	}
	if r.Jobs.Rows > 0 {
		writeJobs(&b, r.Jobs)
	}
	return b.String()
}

// writeOverhead is the table's section 3: the importer's own time per row, by store and concurrency.
func writeOverhead(b *strings.Builder, runs []OverheadRun, stores []string) {
	fmt.Fprintf(b, "\n3. Local overhead: import of %s rows, simulator with no latency and no limit (client rate 1e6), a fresh\n", thousands(runs[0].Rows))
	fmt.Fprintf(b, "   database and simulator for each first import; the rerun follows the first import at concurrency 1\n")
	for _, s := range stores {
		fmt.Fprintf(b, "   %s\n", s)
	}
	fmt.Fprintf(b, "   round trips = wall time with at least one request in an HTTP round trip (with 8 workers, overlapping\n")
	fmt.Fprintf(b, "   round trips count once); outside = wall time - round trips, per row of the file\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store\trun\tconc\twall s\tround trips s\toutside s\tµs/row outside\trequests\tmutations\tcreated\tskipped\tinvalid\t")
	for _, o := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			o.Store, o.Name, o.Concurrency, o.Wall.Seconds(), o.RoundTrips.Seconds(), (o.Wall - o.RoundTrips).Seconds(), micros(o.OutsideMicrosPerRow()),
			thousands(o.Requests), thousands(o.Mutations), thousands(o.Created), thousands(o.Skipped), thousands(o.Invalid))
	}
	tw.Flush()
	for _, goal := range overheadGoals(runs) {
		fmt.Fprintf(b, "   %s\n", goal)
	}
}

// noWorse is how much more per row concurrency 8 may cost than concurrency 1 and still count as
// no worse: runs of the same import differ by that much by chance (four of PostgreSQL's at
// concurrency 1 on a 2-CPU machine ranged from 1,431 to 1,705 µs/row, ±9% around their mean).
const noWorse = 1.1

// overheadGoals judges the runs: PostgreSQL's overhead per row at concurrency 1 and 8, and the
// rerun on every store.
func overheadGoals(runs []OverheadRun) []string {
	var goals []string
	one, okOne := findRun(runs, "postgres", "first import", 1)
	eight, okEight := findRun(runs, "postgres", "first import", 8)
	if okOne {
		goals = append(goals, fmt.Sprintf("goal: postgres <= 1,000 µs/row outside at concurrency 1 %s (%s)",
			mark(one.OutsideMicrosPerRow() <= 1000), micros(one.OutsideMicrosPerRow())))
	}
	if okOne && okEight {
		ratio := eight.OutsideMicrosPerRow() / one.OutsideMicrosPerRow()
		goals = append(goals, fmt.Sprintf("goal: postgres at concurrency 8 no worse per row, i.e. <= %.1f x concurrency 1's µs/row outside, %s (x%.2f)",
			noWorse, mark(ratio <= noWorse), ratio))
	}
	for _, o := range runs {
		if o.Name == "rerun" {
			goals = append(goals, fmt.Sprintf("goal: %s rerun 0 mutations and <= 1 s %s", o.Store, mark(o.Mutations == 0 && o.Wall <= time.Second)))
		}
	}
	return goals
}

// findRun is the run of that store, name and concurrency.
func findRun(runs []OverheadRun, store, name string, concurrency int) (OverheadRun, bool) {
	for _, o := range runs {
		if o.Store == store && o.Name == name && o.Concurrency == concurrency {
			return o, true
		}
	}
	return OverheadRun{}, false
}

// writeReconcile is the end of section 3: reconcile of the organization a first import filled.
func writeReconcile(b *strings.Builder, runs []ReconcileRun) {
	fmt.Fprintf(b, "\n   reconcile, no --fix, of the organization the first import at concurrency 1 filled, as the command line\n")
	fmt.Fprintf(b, "   runs it; any finding fails the run; round trips = paging through the platform's shops\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "store\tstores\trequests\twall s\tround trips s\toutside s\tgoal\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t\n", r.Store, thousands(r.Stores), thousands(r.Requests),
			r.Wall.Seconds(), r.RoundTrips.Seconds(), r.Outside().Seconds(), mark(r.Outside() <= 3*time.Second))
	}
	tw.Flush()
	fmt.Fprintf(b, "   goal: outside <= 3 s\n")
}

// writeWorkbooks is the table's section 5: validate of a workbook against the same rows as CSV.
func writeWorkbooks(b *strings.Builder, runs []WorkbookRun) {
	fmt.Fprintf(b, "\n5. validate --format csv of section 2's rows as a workbook (.xlsx, shared strings, as Excel saves one) and as\n")
	fmt.Fprintf(b, "   the CSV, no endpoint: the built binary, stdout to /dev/null; ratio = workbook s / CSV s\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tworkbook\tinvalid\tworkbook s\tpeak RSS\tCSV s\tratio\t")
	ratioOK, rssOK := true, true
	for _, w := range runs {
		fmt.Fprintf(tw, "%s\t%.1f MiB\t%s\t%.2f\t%.1f MiB\t%.2f\t%.2f\t\n", thousands(w.Rows), float64(w.Bytes)/(1<<20),
			thousands(w.Invalid), w.Workbook.Wall.Seconds(), float64(w.Workbook.PeakRSS)/1024, w.CSV.Wall.Seconds(), w.Ratio())
		ratioOK = ratioOK && w.Ratio() <= 5
		rssOK = rssOK && w.Workbook.PeakRSS >= 0 && w.Workbook.PeakRSS < 256*1024
	}
	tw.Flush()
	fmt.Fprintf(b, "   goals: ratio <= 5 %s; peak RSS < 256 MiB %s\n", mark(ratioOK), mark(rssOK))
}

// writeFormats is the table's section 6: validate in every report format, to /dev/null and through
// a pipe.
func writeFormats(b *strings.Builder, f FormatsRun) {
	fmt.Fprintf(b, "\n7. validate --format FORMAT of %s valid rows (%.1f MiB), no endpoint: the built binary, stdout to\n",
		thousands(f.Rows), float64(f.Bytes)/(1<<20))
	fmt.Fprintf(b, "   /dev/null or through a pipe that the bench reads; the fastest of %d rounds, the runs taking turns;\n", f.Rounds)
	fmt.Fprintf(b, "   x csv = CPU s (user + system, which other processes change little) / csv's to the same stdout;\n")
	fmt.Fprintf(b, "   x baseline = validate s / section 2's plain encoding/csv read of the same file, in the bench process: %.2f s\n",
		f.Baseline.Seconds())
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stdout\tformat\tvalidate s\tCPU s\treport\tx csv\tx baseline\tgoal\t")
	allMet := true
	for _, run := range f.Runs {
		report := "-"
		if run.Pipe {
			report = fmt.Sprintf("%.1f MiB", float64(run.Report)/(1<<20))
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%s\t%.2f\t%.2f\t%s\t\n", run.Stdout(), run.Format, run.Validate.Wall.Seconds(),
			run.Validate.CPU.Seconds(), report, f.ToCSV(run), f.ToBaseline(run), mark(f.Met(run)))
		allMet = allMet && f.Met(run)
	}
	tw.Flush()
	fmt.Fprintf(b, "   goals: every format <= %g x csv to the same stdout and <= %g x baseline %s\n", formatToCSV, float64(formatToBaseline), mark(allMet))
}

// writeShapes is the table's section 4: validate's memory by the shape of the rows.
func writeShapes(b *strings.Builder, runs []ShapeRun) {
	fmt.Fprintf(b, "\n4. validate --format csv of %s rows of one shape, no endpoint: the built binary, stdout to /dev/null;\n", thousands(runs[0].Rows))
	fmt.Fprintf(b, "   a row may have 16,384 cells, a spreadsheet's columns; a file of wider rows is refused at its first (exit 2)\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "cells/row\tbytes/cell\tfile\tvalidate s\tpeak RSS\t")
	rssOK := true
	for _, s := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%.1f MiB\t%.2f\t%.1f MiB\t\n", thousands(s.Shape.Cells), thousands(s.Shape.CellBytes),
			float64(s.Bytes)/(1<<20), s.Validate.Wall.Seconds(), float64(s.Validate.PeakRSS)/1024)
		rssOK = rssOK && rssMet(s.Validate)
	}
	tw.Flush()
	fmt.Fprintf(b, "   goal: peak RSS < 64 MiB %s\n", mark(rssOK))
}

func throughputGoal(c ThroughputCell) string {
	var missed []string
	if c.Covered() && c.Ratio() < 0.95 {
		missed = append(missed, "ratio")
	}
	if c.Pace.MaxWindow > c.AllowedWindow() {
		missed = append(missed, "window")
	}
	if c.Status429 > 0 {
		missed = append(missed, "429s")
	}
	switch {
	case len(missed) > 0:
		return "MISSED " + strings.Join(missed, ",")
	case c.Covered():
		return "met"
	default:
		return "met (limit only)"
	}
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// rssMet: the run's peak RSS is known and below 64 MiB, the goal whatever the file.
func rssMet(run ChildRun) bool { return run.PeakRSS >= 0 && run.PeakRSS < 64*1024 }

func validateGoals(runs []ValidateRun) string {
	ratioOK, rssOK := true, true
	lo, hi := runs[0], runs[0]
	for _, v := range runs {
		ratioOK = ratioOK && v.Ratio() <= 2
		rssOK = rssOK && rssMet(v.Validate)
		if v.Rows < lo.Rows {
			lo = v
		}
		if v.Rows > hi.Rows {
			hi = v
		}
	}
	s := fmt.Sprintf("ratio <= 2 %s; peak RSS < 64 MiB %s", mark(ratioOK), mark(rssOK))
	if hi.Rows > lo.Rows && lo.Validate.PeakRSS > 0 {
		growth := float64(hi.Validate.PeakRSS) / float64(lo.Validate.PeakRSS)
		// Flat: ten times the rows may cost at most a quarter more memory.
		s += fmt.Sprintf("; flat from %s to %s rows (RSS x%.2f) %s", thousands(lo.Rows), thousands(hi.Rows), growth, mark(growth <= 1.25))
	}
	return s
}

// thousands writes n with comma separators.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// micros writes microseconds rounded to whole ones, with comma separators.
func micros(us float64) string { return thousands(int(math.Round(us))) }

// resultsIntro starts a results file that does not exist yet.
const resultsIntro = `# make bench results

Each ` + "`make bench`" + ` appends its table here, newest last, so regressions show. See bench/bench_test.go for
what each figure measures.
`

// Append adds the run's table to the results file, creating the file when it is missing.
func (r *Results) Append(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		if _, err := f.WriteString(resultsIntro); err != nil {
			f.Close()
			return err
		}
	}
	_, err = fmt.Fprintf(f, "\n## %s, %s\n\n```text\n%s```\n", r.When.UTC().Format("2006-01-02 15:04 MST"), r.Machine, r.Table())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
