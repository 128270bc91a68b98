package bench

// The benchmarks behind `make bench`. Each runs its work once per b.Loop iteration (make bench
// passes -benchtime 1x), reports its figures with b.ReportMetric, and records them; TestMain then
// prints one table of everything that ran and, given -results FILE, appends it to FILE.
// Without -bench, `go test` runs only the quick tests at the end of this file.
//
// Every platform is an httptest server on 127.0.0.1, every PostgreSQL database a fresh one on the
// server make bench's scripts/test-postgres.sh names; every loop is bounded by its file's rows.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/storedb"
)

var resultsFile = flag.String("results", "", "append the table of this run to this file (make bench: RESULTS.md)")

var (
	recordMu sync.Mutex
	recorded Results
)

func record(f func(r *Results)) {
	recordMu.Lock()
	defer recordMu.Unlock()
	f(&recorded)
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code != 0 || recorded.Empty() {
		os.Exit(code)
	}
	recorded.When = time.Now()
	recorded.Machine = Machine()
	recorded.Commit = Commit()
	recorded.Command = command()
	fmt.Print("\n" + recorded.Table())
	if *resultsFile != "" {
		if err := recorded.Append(*resultsFile); err != nil {
			fmt.Fprintln(os.Stderr, "writing the results:", err)
			os.Exit(1)
		}
		fmt.Printf("\nappended to bench/%s\n", *resultsFile)
	}
	os.Exit(code)
}

// command is how this run was started, rebuilt from its flags.
func command() string {
	flagValue := func(name string) string {
		if f := flag.Lookup(name); f != nil {
			return f.Value.String()
		}
		return ""
	}
	cmd := fmt.Sprintf("go test -count=%s -run '%s' -bench '%s' -benchtime %s -timeout %s ./bench", flagValue("test.count"),
		flagValue("test.run"), flagValue("test.bench"), flagValue("test.benchtime"), flagValue("test.timeout"))
	if *resultsFile != "" {
		cmd += " -args -results " + *resultsFile
	}
	if os.Getenv("MAKELEVEL") != "" {
		cmd = "make bench, which runs: " + cmd
	}
	return cmd
}

const (
	benchOrg   = "org_bench"
	benchToken = "bench-token"
)

// platform is the simulator over HTTP on loopback, a client of it and a fresh database.
type platform struct {
	sim    *orgsim.Server
	client *orgclient.Client
	db     importer.Database
	timing *TimingTransport
}

// newPlatform starts a simulator and opens the database at target as --db would.
func newPlatform(b *testing.B, target string, limit orgsim.RateLimit, latency time.Duration, rate float64, burst int) *platform {
	b.Helper()
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: benchOrg, Name: "Bench", ShopLimit: 1_000_000}},
		Tokens:        []orgsim.Token{{Value: benchToken, Orgs: []string{benchOrg}}},
		RateLimit:     limit,
		Faults:        orgsim.Faults{Latency: latency},
	})
	srv := httptest.NewServer(sim.Handler())
	b.Cleanup(srv.Close)
	// Enough idle connections for every worker, so that no request pays for a new connection.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	b.Cleanup(transport.CloseIdleConnections)
	timing := &TimingTransport{Next: transport}
	client, err := orgclient.New(orgclient.Config{Endpoint: srv.URL, Token: benchToken, Rate: rate, Burst: burst, Transport: timing})
	if err != nil {
		b.Fatal(err)
	}
	db, err := storedb.Open(context.Background(), target, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return &platform{sim: sim, client: client, db: db, timing: timing}
}

// counts is a reporter that keeps only the summary.
type counts struct{ summary *importer.Summary }

func (c *counts) Row(importer.Result) error        { return nil }
func (c *counts) Close(s *importer.Summary) error  { c.summary = s; return nil }
func (c *counts) n(status importer.Status) int     { return c.summary.Count(status) }
func (c *counts) line() string                     { return c.summary.Line() }
func (p *platform) log(from int) []orgsim.LogEntry { return p.sim.Log()[from:] }

var keySeq atomic.Int64

// lock takes the organization's lock as the command line does before a run that may send
// mutations, and names the client's token as the journal does.
func (p *platform) lock(b *testing.B) (importer.Lock, string) {
	b.Helper()
	lock, err := p.db.Lock(context.Background(), benchOrg, "bench")
	if err != nil {
		b.Fatal(err)
	}
	key, err := p.db.FingerprintKey(context.Background())
	if err != nil {
		lock.Release()
		b.Fatal(err)
	}
	return lock, p.client.TokenFingerprint(key)
}

// importFile scans and imports path as the CLI does, and returns the summary and the wall time.
func (p *platform) importFile(b *testing.B, path string, concurrency int) (*counts, time.Duration) {
	b.Helper()
	report := &counts{}
	start := time.Now()
	// As the command line runs it: under the organization's lock, every write fenced by it.
	lock, fingerprint := p.lock(b)
	defer lock.Release()
	fenced := lock.Fenced()
	job := importer.Job{
		OrganizationID: benchOrg,
		Path:           path,
		Encoding:       "auto",
		Lang:           "en",
		Platform:       p.client,
		Stores:         fenced,
		Journal:        fenced,
		Lookup:         fenced,
		Lease:          lock,
		Clock:          importer.SystemClock{},
		NewKey:         newKey,
		Concurrency:    concurrency,
		Report:         report,
		Log:            slog.New(slog.DiscardHandler),

		TokenFingerprint: fingerprint,
	}
	plan, err := importer.Scan(path, importer.ReadOptions{Encoding: job.Encoding})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := importer.Run(context.Background(), job, plan); err != nil {
		b.Fatal(err)
	}
	return report, time.Since(start)
}

func newKey() string { return fmt.Sprintf("bench-%d", keySeq.Add(1)) }

func writeStores(b *testing.B, dir string, rows int) (path string, invalid int) {
	b.Helper()
	path = filepath.Join(dir, fmt.Sprintf("stores-%d.csv", rows))
	invalid, err := WriteStores(path, rows)
	if err != nil {
		b.Fatal(err)
	}
	return path, invalid
}

// writeValidStores writes rows valid rows to path, and returns the file's size.
func writeValidStores(b *testing.B, path string, rows int) int64 {
	b.Helper()
	if err := WriteValidStores(path, rows); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// Throughput: 1. requests per second at the platform ÷ its limit of 50 req/s, for latencies of
// 0, 50 and 200 ms and 1, 4 and 8 workers; the 429s and the busiest second, from the simulator's
// log. 75 rows make about 150 requests a cell: 3 s at the limit, 30 s for one worker at 200 ms.
func BenchmarkThroughput(b *testing.B) {
	const (
		limit = 50
		burst = 5
		rows  = 75
	)
	path, _ := writeStores(b, b.TempDir(), rows)
	for _, latency := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond} {
		for _, conc := range []int{1, 4, 8} {
			b.Run(fmt.Sprintf("latency=%v/concurrency=%d", latency, conc), func(b *testing.B) {
				var cell ThroughputCell
				for b.Loop() {
					p := newPlatform(b, sqliteStore.target(b), orgsim.RateLimit{RPS: limit, Burst: burst}, latency, limit, burst)
					report, _ := p.importFile(b, path, conc)
					if report.n(importer.StatusCreated) != rows {
						b.Fatalf("%s, want %d created", report.line(), rows)
					}
					entries := p.log(0)
					arrivals := make([]time.Time, len(entries))
					cell = ThroughputCell{Latency: latency, Concurrency: conc, Limit: limit, Burst: burst, Rows: rows,
						Created: report.n(importer.StatusCreated), Retries: p.client.Stats().Retries.Load()}
					for i, e := range entries {
						arrivals[i] = e.Time
						if e.Status == http.StatusTooManyRequests {
							cell.Status429++
						}
					}
					cell.Pace = PaceOf(arrivals, burst)
				}
				b.ReportMetric(cell.Ratio(), "ratio")
				b.ReportMetric(cell.Pace.PerSecond, "req/s")
				b.ReportMetric(float64(cell.Pace.MaxWindow), "max-req/1s")
				b.ReportMetric(float64(cell.Status429), "429s")
				record(func(r *Results) { r.Throughput = append(r.Throughput, cell) })
			})
		}
	}
}

// Validate: 2. the built storeimport validating a generated file with no endpoint, as a child
// process (wall time, peak RSS from its rusage), against Baseline on the same file in the same
// run; at 100,000 and 1,000,000 rows, to show that memory stays flat.
func BenchmarkValidate(b *testing.B) {
	bin := buildStoreimport(b)
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			dir := b.TempDir()
			path, invalid := writeStores(b, dir, rows)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			run := ValidateRun{Rows: rows, Invalid: invalid, Bytes: st.Size()}
			for b.Loop() {
				start := time.Now()
				read, bad, err := Baseline(path)
				run.Baseline = time.Since(start)
				if err != nil || read != rows || bad != invalid {
					b.Fatalf("baseline: %d rows, %d invalid, %v; want %d rows, %d invalid", read, bad, err, rows, invalid)
				}
				run.BaselineBad = bad
				run.Validate, err = RunChild(dir, bin, "validate", "--org", benchOrg, "--format", "csv", path)
				if err != nil {
					b.Fatal(err)
				}
				// Exit 1: some rows are invalid, as generated.
				want := fmt.Sprintf("%s invalid", thousands(invalid))
				if run.Validate.ExitCode != 1 || !strings.Contains(run.Validate.Stderr, want) {
					b.Fatalf("validate exited %d, want 1 and %q on stderr:\n%s", run.Validate.ExitCode, want, run.Validate.Stderr)
				}
			}
			b.ReportMetric(float64(rows)/run.Validate.Wall.Seconds(), "rows/s")
			b.ReportMetric(float64(run.Validate.PeakRSS)/1024, "peak-RSS-MiB")
			b.ReportMetric(run.Baseline.Seconds(), "baseline-s")
			b.ReportMetric(run.Ratio(), "ratio-to-baseline")
			record(func(r *Results) { r.Validate = append(r.Validate, run) })
		})
	}
}

// Shapes: 4. the built storeimport validating 300 rows of one shape, as a child process: the most
// cells a row may have, 16,384, of one character (the rows had 520,000, which are now
// refused before they are parsed, in milliseconds, too fast to sample: importer's
// TestTooWideRecordIsRefusedUnparsed bounds what they cost) and of 62 bytes (at the 1 MiB record
// cap too), and one 1 MB cell. Peak RSS must stay within the store list's bound whatever the shape.
func BenchmarkValidateShapes(b *testing.B) {
	const rows = 300
	bin := buildStoreimport(b)
	for _, shape := range []Shape{{Cells: 16_384, CellBytes: 1}, {Cells: 16_384, CellBytes: 62}, {Cells: 2, CellBytes: 1_000_000}} {
		b.Run(fmt.Sprintf("cells=%d/bytes=%d", shape.Cells, shape.CellBytes), func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "shaped.csv")
			if err := WriteShaped(path, rows, shape); err != nil {
				b.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			run := ShapeRun{Shape: shape, Rows: rows, Bytes: st.Size()}
			for b.Loop() {
				if run.Validate, err = RunChild(dir, bin, "validate", "--org", benchOrg, "--format", "csv", path); err != nil {
					b.Fatal(err)
				}
				// Exit 1: every row has more cells than the header.
				if want := fmt.Sprintf("%d invalid", rows); run.Validate.ExitCode != 1 || !strings.Contains(run.Validate.Stderr, want) {
					b.Fatalf("validate exited %d, want 1 and %q on stderr:\n%s", run.Validate.ExitCode, want, run.Validate.Stderr)
				}
			}
			b.ReportMetric(float64(run.Validate.PeakRSS)/1024, "peak-RSS-MiB")
			record(func(r *Results) { r.Shapes = append(r.Shapes, run) })
		})
	}
}

// Workbook: 5. the built storeimport validating section 2's 100,000 rows as a workbook and as
// CSV, as child processes in the same run: the goal is at most 5 times the CSV's time, in
// under 256 MiB.
func BenchmarkValidateWorkbook(b *testing.B) {
	const rows = 100_000
	bin := buildStoreimport(b)
	dir := b.TempDir()
	csvPath, invalid := writeStores(b, dir, rows)
	xlsxPath := filepath.Join(dir, "stores.xlsx")
	if bad, err := WriteStoresXLSX(xlsxPath, rows); err != nil || bad != invalid {
		b.Fatalf("writing the workbook: %v (%d invalid rows, want %d)", err, bad, invalid)
	}
	st, err := os.Stat(xlsxPath)
	if err != nil {
		b.Fatal(err)
	}
	run := WorkbookRun{Rows: rows, Invalid: invalid, Bytes: st.Size()}
	for b.Loop() {
		for _, v := range []struct {
			path string
			into *ChildRun
		}{{csvPath, &run.CSV}, {xlsxPath, &run.Workbook}} {
			if *v.into, err = RunChild(dir, bin, "validate", "--org", benchOrg, "--format", "csv", v.path); err != nil {
				b.Fatal(err)
			}
			// Exit 1: some rows are invalid, as generated.
			if want := fmt.Sprintf("%s invalid", thousands(invalid)); v.into.ExitCode != 1 || !strings.Contains(v.into.Stderr, want) {
				b.Fatalf("validate %s exited %d, want 1 and %q on stderr:\n%s", v.path, v.into.ExitCode, want, v.into.Stderr)
			}
		}
	}
	b.ReportMetric(run.Ratio(), "ratio-to-csv")
	b.ReportMetric(float64(run.Workbook.PeakRSS)/1024, "peak-RSS-MiB")
	record(func(r *Results) { r.Workbooks = append(r.Workbooks, run) })
}

// Formats: 7. the built storeimport validating 300,000 valid rows in every report format, as
// child processes, each to /dev/null and through a pipe that the bench reads, against Baseline on
// the same file in the same run. The goal: every format within 1.2 times csv's time to the
// same stdout (in CPU time, which the other processes of a shared machine change little), and
// within 2 times the baseline's wall time. Each figure is the least of a few rounds, and the runs
// take turns, so that a busy moment does not fall on one format alone.
func BenchmarkFormats(b *testing.B) {
	const (
		rows   = 300_000
		rounds = 5
	)
	bin := buildStoreimport(b)
	dir := b.TempDir()
	path := filepath.Join(dir, "valid.csv")
	size := writeValidStores(b, path, rows)
	var f FormatsRun
	for b.Loop() {
		f = FormatsRun{Rows: rows, Bytes: size, Rounds: rounds}
		for _, pipe := range []bool{false, true} {
			for _, format := range slices.Sorted(slices.Values(importer.Formats)) {
				f.Runs = append(f.Runs, FormatRun{Format: format, Pipe: pipe})
			}
		}
		for round := range rounds {
			if wall := baselineOfValid(b, path, rows); round == 0 || wall < f.Baseline {
				f.Baseline = wall
			}
			for i := range f.Runs {
				run, report := validateFormat(b, dir, bin, path, f.Runs[i], rows)
				best := &f.Runs[i].Validate
				if round == 0 {
					*best = run
				}
				// The fastest by each measure, which a busy moment may not have slowed alike.
				best.Wall, best.CPU = min(best.Wall, run.Wall), min(best.CPU, run.CPU)
				f.Runs[i].Report = report
			}
		}
	}
	for _, run := range f.Runs {
		b.ReportMetric(f.ToCSV(run), fmt.Sprintf("%s-%s-x-csv", run.Format, strings.TrimPrefix(run.Stdout(), "/dev/")))
	}
	record(func(r *Results) { r.Formats = f })
}

// baselineOfValid times Baseline on path, which must have rows rows, all valid.
func baselineOfValid(b *testing.B, path string, rows int) time.Duration {
	b.Helper()
	start := time.Now()
	read, bad, err := Baseline(path)
	took := time.Since(start)
	if err != nil || read != rows || bad != 0 {
		b.Fatalf("baseline: %d rows, %d invalid, %v; want %d rows, all valid", read, bad, err, rows)
	}
	return took
}

// validateFormat runs validate of path, rows rows all valid, in run's format and to its stdout,
// and returns how the child ran and how many bytes of report came through the pipe.
func validateFormat(b *testing.B, dir, bin, path string, run FormatRun, rows int) (ChildRun, int64) {
	b.Helper()
	var stdout io.Writer
	pipe := &LineCounter{}
	if run.Pipe {
		stdout = pipe
	}
	child, err := RunChildTo(dir, stdout, bin, "validate", "--org", benchOrg, "--format", run.Format, path)
	if err != nil {
		b.Fatal(err)
	}
	if want := fmt.Sprintf("(%s would_create)", thousands(rows)); child.ExitCode != 0 || !strings.Contains(child.Stderr, want) {
		b.Fatalf("validate --format %s exited %d, want 0 and %q on stderr:\n%s", run.Format, child.ExitCode, want, child.Stderr)
	}
	// Every format gives each row a line of its own.
	if run.Pipe && pipe.Lines < int64(rows) {
		b.Fatalf("validate --format %s wrote %d lines through the pipe, want a line for each of the %d rows", run.Format, pipe.Lines, rows)
	}
	return child, pipe.Bytes
}

// buildStoreimport builds the binary the validate benchmarks run as a child process.
func buildStoreimport(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "storeimport")
	build := exec.Command("go", "build", "-o", bin, "github.com/acme/storeimport/cmd/storeimport")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building storeimport: %v\n%s", err, out)
	}
	return bin
}

// Overhead: 3. 10,000 rows imported against the simulator with no latency and no limit, into
// SQLite and into PostgreSQL: by one worker, then the same file again (every row skipped, no
// mutation), then reconcile of the organization's shops; and, on a fresh database and simulator,
// by eight workers. The wall time not spent inside HTTP round trips is the importer's own
// (reading, the journal, the database), per row.
func BenchmarkOverhead(b *testing.B) {
	const rows = 10_000
	path, invalid := writeStores(b, b.TempDir(), rows)
	for _, st := range []store{sqliteStore, postgresStore} {
		b.Run("store="+st.name, func(b *testing.B) {
			var o storeOverhead
			for b.Loop() {
				o = overheadOf(b, st, path, rows, invalid)
			}
			b.ReportMetric(o.first.OutsideMicrosPerRow(), "µs/row-outside")
			b.ReportMetric(o.eight.OutsideMicrosPerRow(), "µs/row-outside-conc8")
			b.ReportMetric(o.rerun.Wall.Seconds(), "rerun-s")
			b.ReportMetric(float64(o.rerun.Mutations), "rerun-mutations")
			b.ReportMetric(o.reconcile.Outside().Seconds(), "reconcile-outside-s")
			record(func(r *Results) {
				r.Overhead = append(r.Overhead, o.first, o.eight, o.rerun)
				r.Reconcile = append(r.Reconcile, o.reconcile)
				r.Stores = append(r.Stores, o.server)
			})
		})
	}
}

// storeOverhead is section 3's runs on one store.
type storeOverhead struct {
	server              string // what the store runs on
	first, eight, rerun OverheadRun
	reconcile           ReconcileRun
}

// overheadOf imports path (rows rows, invalid of them invalid) with one worker, again, reconciles,
// and imports it with eight workers into a fresh database and simulator.
func overheadOf(b *testing.B, st store, path string, rows, invalid int) storeOverhead {
	b.Helper()
	target := st.target(b)
	o := storeOverhead{server: st.describe(b, target)}
	p := newPlatform(b, target, orgsim.RateLimit{}, 0, 1e6, 1000)
	o.first = p.measure(b, st.name, "first import", path, rows, 1, 0)
	checkFirst(b, o.first, rows-invalid, invalid)
	o.rerun = p.measure(b, st.name, "rerun", path, rows, 1, o.first.Requests)
	if o.rerun.Mutations != 0 || o.rerun.Skipped != rows-invalid {
		b.Fatalf("rerun: %d mutations, %d skipped; want 0 and %d", o.rerun.Mutations, o.rerun.Skipped, rows-invalid)
	}
	o.reconcile = p.reconcile(b, st.name, o.first.Created, o.first.Requests+o.rerun.Requests)
	p = newPlatform(b, st.target(b), orgsim.RateLimit{}, 0, 1e6, 1000)
	o.eight = p.measure(b, st.name, "first import", path, rows, 8, 0)
	checkFirst(b, o.eight, rows-invalid, invalid)
	return o
}

func checkFirst(b *testing.B, run OverheadRun, created, invalid int) {
	b.Helper()
	if run.Created != created || run.Invalid != invalid {
		b.Fatalf("first import at concurrency %d: %d created, %d invalid; want %d and %d",
			run.Concurrency, run.Created, run.Invalid, created, invalid)
	}
}

// measure imports path with concurrency workers; logFrom is where this run's requests start in
// the simulator's log.
func (p *platform) measure(b *testing.B, storeName, name, path string, rows, concurrency, logFrom int) OverheadRun {
	busyBefore := p.timing.Busy()
	report, wall := p.importFile(b, path, concurrency)
	run := OverheadRun{Store: storeName, Name: name, Rows: rows, Wall: wall, RoundTrips: p.timing.Busy() - busyBefore, Concurrency: concurrency,
		Created: report.n(importer.StatusCreated), Skipped: report.n(importer.StatusSkipped), Invalid: report.n(importer.StatusInvalid)}
	run.Requests, run.Mutations = p.requests(logFrom)
	return run
}

// requests counts the simulator's log from logFrom on, and the mutations among them.
func (p *platform) requests(logFrom int) (requests, mutations int) {
	for _, e := range p.log(logFrom) {
		requests++
		if e.OperationType == "mutation" {
			mutations++
		}
	}
	return requests, mutations
}

// reconcile runs reconcile of the organization, without --fix, as the command line does: under
// the lock, reading through the fenced database. The import left the platform and the stores
// alike, so any finding fails the benchmark.
func (p *platform) reconcile(b *testing.B, storeName string, stores, logFrom int) ReconcileRun {
	b.Helper()
	busyBefore := p.timing.Busy()
	start := time.Now()
	lock, fingerprint := p.lock(b)
	defer lock.Release()
	fenced := lock.Fenced()
	findings, err := importer.Reconcile(context.Background(), importer.ReconcileJob{
		OrganizationID: benchOrg,
		Platform:       p.client,
		Stores:         fenced,
		Journal:        fenced,
		Clock:          importer.SystemClock{},
		NewKey:         newKey,
		Log:            slog.New(slog.DiscardHandler),

		TokenFingerprint: fingerprint,
		Lease:            lock,
	})
	wall := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if len(findings) != 0 {
		b.Fatalf("reconcile of %d stores found %d disagreements, want none; the first: %+v", stores, len(findings), findings[0])
	}
	requests, _ := p.requests(logFrom)
	return ReconcileRun{Store: storeName, Stores: stores, Wall: wall, RoundTrips: p.timing.Busy() - busyBefore, Requests: requests}
}

// The quick tests, which plain `go test` runs.

func TestGeneratedFileIsJudgedAlikeByValidateAndBaseline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stores.csv")
	invalid, err := WriteStores(path, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if invalid != 9 { // 5 rows with a bad industry, 4 with a bad phone
		t.Errorf("generator made %d invalid rows, want 9", invalid)
	}
	plan, err := importer.Scan(path, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := importer.NewReporter(io.Discard, "csv", "org", true)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := importer.Run(context.Background(), importer.Job{OrganizationID: "org", Path: path, DryRun: true,
		Clock: importer.SystemClock{}, Report: report, Log: slog.New(slog.DiscardHandler)}, plan)
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := Baseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Rows != 5000 || rows != 5000 || summary.Count(importer.StatusInvalid) != invalid || bad != invalid {
		t.Errorf("validate: %d rows, %d invalid; baseline: %d rows, %d invalid; want 5000 rows, %d invalid",
			summary.Rows, summary.Count(importer.StatusInvalid), rows, bad, invalid)
	}
	again := filepath.Join(t.TempDir(), "again.csv")
	if _, err := WriteStores(again, 5000); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	c, _ := os.ReadFile(again)
	if string(a) != string(c) {
		t.Error("the generator is not deterministic")
	}
}

// Section 6's file: WriteStores' rows but for its invalid ones, which only changes their numbering.
func TestValidStoresAreWriteStoresValidRows(t *testing.T) {
	dir := t.TempDir()
	valid, all := filepath.Join(dir, "valid.csv"), filepath.Join(dir, "all.csv")
	if err := WriteValidStores(valid, 5000); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteStores(all, 5000); err != nil {
		t.Fatal(err)
	}
	if rows, bad, err := Baseline(valid); rows != 5000 || bad != 0 || err != nil {
		t.Errorf("baseline: %d rows, %d invalid, %v; want 5000 rows, none invalid", rows, bad, err)
	}
	a, _ := os.ReadFile(valid)
	c, _ := os.ReadFile(all)
	if first := strings.Index(string(c), "sushi"); first < 0 || !strings.HasPrefix(string(a), string(c[:strings.LastIndexByte(string(c[:first]), '\n')])) {
		t.Error("the valid file does not start with the rows WriteStores writes before its first invalid one")
	}
}

func TestPaceOf(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var arrivals []time.Time
	for range 5 { // the burst, at once
		arrivals = append(arrivals, t0)
	}
	for i := 1; i <= 100; i++ { // then 50 a second for 2 s
		arrivals = append(arrivals, t0.Add(time.Duration(i)*20*time.Millisecond))
	}
	arrivals[0], arrivals[50] = arrivals[50], arrivals[0] // order does not matter
	p := PaceOf(arrivals, 5)
	if p.Requests != 105 || p.Span != 2*time.Second || p.PerSecond != 50 {
		t.Errorf("pace %+v, want 105 requests over 2s at 50/s", p)
	}
	if p.MaxWindow != 54 { // the burst and the 49 arrivals before t0+1s
		t.Errorf("max window %d, want 54", p.MaxWindow)
	}
}

// Overlapping round trips count once: adding them up would give more than the wall time.
func TestTimingTransportJoinsOverlappingRoundTrips(t *testing.T) {
	timing := &TimingTransport{Next: roundTripFunc(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(""))}, nil
	})}
	req := httptest.NewRequest(http.MethodPost, "http://platform/graphql", nil)
	start := time.Now()
	first, _ := timing.RoundTrip(req)
	second, _ := timing.RoundTrip(req)
	time.Sleep(20 * time.Millisecond)
	first.Body.Close()
	time.Sleep(20 * time.Millisecond)
	second.Body.Close()
	wall := time.Since(start)
	if busy := timing.Busy(); busy < 40*time.Millisecond || busy > wall {
		t.Errorf("busy %v, want at least 40ms and no more than the %v the two took together", busy, wall)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestTableHasEverySection(t *testing.T) {
	r := Results{When: time.Unix(0, 0), Machine: "m", Commit: "c", Command: "go test",
		Throughput: []ThroughputCell{{Latency: 200 * time.Millisecond, Concurrency: 8, Limit: 50, Burst: 5, Rows: 75,
			Pace: Pace{Requests: 155, Span: 3 * time.Second, PerSecond: 40, MaxWindow: 45}}},
		Validate: []ValidateRun{{Rows: 1_000_000, Bytes: 150 << 20, Validate: ChildRun{Wall: 10 * time.Second, PeakRSS: 50 << 10},
			Baseline: 5 * time.Second}},
		Overhead: []OverheadRun{
			{Store: "postgres", Name: "first import", Rows: 10_000, Wall: 16 * time.Second, RoundTrips: 3 * time.Second, Concurrency: 1},
			{Store: "postgres", Name: "first import", Rows: 10_000, Wall: 8 * time.Second, RoundTrips: 4 * time.Second, Concurrency: 8},
			{Store: "postgres", Name: "rerun", Rows: 10_000, Wall: 1500 * time.Millisecond, Requests: 1, Concurrency: 1}},
		Reconcile: []ReconcileRun{{Store: "postgres", Stores: 9_981, Requests: 20, Wall: 4 * time.Second, RoundTrips: 500 * time.Millisecond}},
		Stores:    []string{"postgres: PostgreSQL 15 on /var/run/postgresql"},
		Shapes: []ShapeRun{{Shape: Shape{Cells: 16_384, CellBytes: 62}, Rows: 300, Bytes: 295 << 20,
			Validate: ChildRun{Wall: time.Second, PeakRSS: 80 << 10, ExitCode: 1}}},
		Workbooks: []WorkbookRun{{Rows: 100_000, Invalid: 199, Bytes: 5 << 20,
			Workbook: ChildRun{Wall: time.Second, PeakRSS: 90 << 10}, CSV: ChildRun{Wall: 250 * time.Millisecond}}},
		Formats: FormatsRun{Rows: 300_000, Bytes: 46 << 20, Rounds: 3, Baseline: 500 * time.Millisecond,
			Runs: []FormatRun{
				{Format: "csv", Validate: ChildRun{Wall: 900 * time.Millisecond, CPU: 700 * time.Millisecond}},
				{Format: "json", Validate: ChildRun{Wall: 900 * time.Millisecond, CPU: 800 * time.Millisecond}},
				{Format: "csv", Pipe: true, Validate: ChildRun{Wall: 900 * time.Millisecond, CPU: 800 * time.Millisecond}, Report: 10 << 20},
				{Format: "table", Pipe: true, Validate: ChildRun{Wall: 900 * time.Millisecond, CPU: 1200 * time.Millisecond}, Report: 19 << 20}}},
		Jobs: JobsRun{Rows: 10_000, Bytes: 3 << 19, Workers: 3, Rate: 2000, Burst: 50, Concurrency: 4, Job: 12500 * time.Millisecond,
			WorkerRSS: []int64{40 << 10, 61 << 10, -1}, Created: 10_000, Shops: 10_001, Duplicates: 1, Requests: 20_002, MaxWindow: 2_100,
			Import: ChildRun{Wall: 10 * time.Second, PeakRSS: 56 << 10},
			Memory: []JobMemory{{Rows: 50_000, Bytes: 15 << 19, Job: 50 * time.Second, WorkerRSS: 87 << 10},
				{Rows: 10_000, Bytes: 3 << 19, Job: 10 * time.Second, WorkerRSS: 61 << 10}}},
	}
	table := r.Table()
	for _, want := range []string{"0.800", "45 of 55", "met (limit only)", "1,000,000", "100,000", "ratio <= 2 met",
		"PostgreSQL 15 on /var/run/postgresql", "1,300", "<= 1,000 µs/row outside at concurrency 1 MISSED (1,300)",
		"at concurrency 8 no worse per row, i.e. <= 1.1 x concurrency 1's µs/row outside, met (x0.31)",
		"postgres rerun 0 mutations and <= 1 s MISSED", "9,981", "3.50  MISSED",
		"16,384", "295.0 MiB", "80.0 MiB", "peak RSS < 64 MiB MISSED", "5. validate", "4.00", "ratio <= 5 met; peak RSS < 256 MiB met",
		"7. validate --format FORMAT of 300,000 valid rows (46.0 MiB)", "/dev/null    json        0.90   0.80         -   1.14        1.80     met",
		"pipe     csv        0.90   0.80  10.0 MiB   1.00        1.80     met", "pipe   table        0.90   1.20  19.0 MiB   1.50        1.80  MISSED",
		"x baseline = validate s / section 2's plain encoding/csv read of the same file, in the bench process: 0.50 s",
		"<= 1.2 x csv to the same stdout and <= 2 x baseline MISSED",
		"8. Queued imports: import --enqueue of 10,000 valid rows (1.5 MiB) into a fresh PostgreSQL database, run by 3",
		"(--rate 2000 --burst 50 --concurrency 4)", "10,000  12.50     800         61.0 MiB     10.00         56.0 MiB   1.25",
		"2,100 of 2,050   10,000  10,001           1        0", "0 duplicates, 0 missing MISSED", "requests at the simulator in any 1 s MISSED",
		"50,000  7.5 MiB  50.00   1,000         87.0 MiB", "growth: 666 KiB of worker peak RSS per 1,000 rows, from 10,000 to 50,000 rows"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}
