package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/orgsim"
)

// The workers' and import's settings in section 8: well above what one process sends to a
// simulator with no latency, so that the limit does not set the pace.
const (
	jobRate        = 2000
	jobBurst       = 50
	jobConcurrency = 4
	jobWorkers     = 3
	// How long a job may take before the benchmark gives up on it, and a worker may take to start
	// or to stop.
	jobDeadline    = 3 * time.Minute
	workerDeadline = 30 * time.Second
)

// Jobs: 8. the issue's "an engineer can enqueue a 10,000-row import and close the laptop; any
// worker finishes it exactly once within the platform's one limit": 10,000 valid rows enqueued
// with the built storeimport on a fresh PostgreSQL database and run by three worker processes
// against the simulator on loopback, timed until the job's finished_at, against storeimport import
// of the same file in one process; every row must have made exactly one shop. Then the worker's
// peak RSS for jobs of 10,000 and 50,000 rows, one worker and job at a time: what of a job a
// worker holds in memory grows with its rows.
func BenchmarkJobs(b *testing.B) {
	const rows = 10_000
	bin := buildStoreimport(b)
	dir := b.TempDir()
	path := filepath.Join(dir, "valid.csv")
	size := writeValidStores(b, path, rows)
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(benchToken), 0o600); err != nil {
		b.Fatal(err)
	}
	var run JobsRun
	for b.Loop() {
		run = JobsRun{Rows: rows, Bytes: size, Workers: jobWorkers, Rate: jobRate, Burst: jobBurst, Concurrency: jobConcurrency}
		q := newJobQueue(b, bin, dir, tokenFile)
		job := q.run(path, rows, jobWorkers)
		run.Job, run.WorkerRSS, run.Created = job.took, job.peaks, job.created
		run.Shops, run.Duplicates, run.Missing = q.exactlyOnce(rows)
		if !run.ExactlyOnce() {
			b.Fatalf("the job of %d rows: %d created, %d live shops, %d duplicates, %d missing; want every row exactly once",
				rows, run.Created, run.Shops, run.Duplicates, run.Missing)
		}
		var arrivals []time.Time
		for _, e := range q.sim.Log() {
			arrivals = append(arrivals, e.Time)
		}
		pace := PaceOf(arrivals, jobBurst)
		run.Requests, run.MaxWindow = pace.Requests, pace.MaxWindow
		run.Import = importInOneProcess(b, bin, dir, tokenFile, path, rows)
		for _, size := range []int{10_000, 50_000} {
			run.Memory = append(run.Memory, jobMemory(b, bin, dir, tokenFile, size))
		}
	}
	b.ReportMetric(run.Ratio(), "ratio-to-import")
	b.ReportMetric(float64(run.PeakWorkerRSS())/1024, "worker-peak-RSS-MiB")
	if growth, _, _, ok := KiBPerThousandRows(run.Memory); ok {
		b.ReportMetric(growth, "worker-KiB/1000-rows")
	}
	record(func(r *Results) { r.Jobs = run })
}

// jobMemory runs a job of rows valid rows on one worker, on a fresh database and simulator.
func jobMemory(b *testing.B, bin, dir, tokenFile string, rows int) JobMemory {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("valid-%d.csv", rows))
	size := writeValidStores(b, path, rows)
	q := newJobQueue(b, bin, dir, tokenFile)
	job := q.run(path, rows, 1)
	if shops := len(q.sim.Shops(benchOrg, false)); job.created != rows || shops != rows {
		b.Fatalf("the job of %d rows on one worker: %d created, %d live shops; want %d of each", rows, job.created, shops, rows)
	}
	return JobMemory{Rows: rows, Bytes: size, Job: job.took, WorkerRSS: job.peaks[0]}
}

// importInOneProcess runs storeimport import of path, rows valid rows, with the workers' flags on
// a fresh database and simulator.
func importInOneProcess(b *testing.B, bin, dir, tokenFile, path string, rows int) ChildRun {
	b.Helper()
	q := newJobQueue(b, bin, dir, tokenFile)
	child, err := RunChild(dir, bin, append([]string{"import", "--org", benchOrg, "--format", "csv", "--endpoint", q.endpoint,
		"--db", q.db, "--token-file", tokenFile}, append(q.limitFlags(), path)...)...)
	if err != nil {
		b.Fatal(err)
	}
	if shops := len(q.sim.Shops(benchOrg, false)); child.ExitCode != 0 || shops != rows {
		b.Fatalf("import of %d valid rows exited %d and made %d live shops; want 0 and %d:\n%s", rows, child.ExitCode, shops, rows, child.Stderr)
	}
	return child
}

// jobQueue is a simulator on loopback with no limit and no latency, and a fresh PostgreSQL
// database for its queue and stores.
type jobQueue struct {
	b                   *testing.B
	bin, dir, tokenFile string
	sim                 *orgsim.Server
	endpoint, db        string
}

func newJobQueue(b *testing.B, bin, dir, tokenFile string) *jobQueue {
	b.Helper()
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: benchOrg, Name: "Bench", ShopLimit: 1_000_000}},
		Tokens:        []orgsim.Token{{Value: benchToken, Orgs: []string{benchOrg}}},
	})
	srv := httptest.NewServer(sim.Handler())
	b.Cleanup(srv.Close)
	return &jobQueue{b: b, bin: bin, dir: dir, tokenFile: tokenFile, sim: sim, endpoint: srv.URL + "/graphql", db: pgtest.URL(b)}
}

func (q *jobQueue) limitFlags() []string {
	return []string{"--rate", fmt.Sprint(jobRate), "--burst", fmt.Sprint(jobBurst), "--concurrency", fmt.Sprint(jobConcurrency)}
}

// ranJob is how a job went: its time from the start of its enqueue to its finished_at, its
// created rows, and each worker's peak RSS in KiB.
type ranJob struct {
	took    time.Duration
	created int
	peaks   []int64
}

// run starts workers worker processes, waits until each has started, enqueues path (rows rows),
// waits for the job to finish, and stops the workers.
func (q *jobQueue) run(path string, rows, workers int) ranJob {
	q.b.Helper()
	var started []*jobWorker
	for range workers {
		started = append(started, q.startWorker())
	}
	start := time.Now()
	id := q.enqueue(path)
	status := q.await(id)
	if status.State != "finished" || status.RowsDone != rows || status.FinishedAt.IsZero() {
		q.b.Fatalf("job %d of %d rows: %+v; want finished with every row done", id, rows, status)
	}
	job := ranJob{took: status.FinishedAt.Sub(start), created: status.Counts["created"]}
	for _, w := range started {
		job.peaks = append(job.peaks, w.stop())
	}
	return job
}

// jobWorker is one storeimport worker process, its peak RSS followed as it runs.
type jobWorker struct {
	b      *testing.B
	cmd    *exec.Cmd
	stderr *tailBuffer
	done   chan struct{} // closed once the process has exited and its stderr is read
	peak   <-chan int64
}

// startWorker starts a worker and waits until it says it runs queued imports.
func (q *jobQueue) startWorker() *jobWorker {
	q.b.Helper()
	cmd := exec.Command(q.bin, append([]string{"worker", "--endpoint", q.endpoint, "--db", q.db, "--token-file", q.tokenFile},
		q.limitFlags()...)...)
	cmd.Dir = q.dir
	cmd.Env = pagetest.ChildEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		q.b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		q.b.Fatalf("starting the worker: %v", err)
	}
	exited := make(chan struct{})
	w := &jobWorker{b: q.b, cmd: cmd, stderr: &tailBuffer{limit: 64 << 10}, done: make(chan struct{}),
		peak: watchPeakRSS(cmd.Process.Pid, q.bin, exited)}
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		for lines := bufio.NewScanner(stderr); lines.Scan(); {
			w.stderr.Write(append(lines.Bytes(), '\n'))
			if strings.Contains(lines.Text(), "worker started") {
				once.Do(func() { close(ready) })
			}
		}
		cmd.Wait()
		close(exited)
		close(w.done)
	}()
	q.b.Cleanup(func() {
		cmd.Process.Kill()
		<-w.done
	})
	select {
	case <-ready:
	case <-w.done:
		q.b.Fatalf("the worker exited before it started:\n%s", w.stderr.buf.String())
	case <-time.After(workerDeadline):
		q.b.Fatalf("the worker did not start within %v", workerDeadline)
	}
	return w
}

// stop sends SIGTERM, waits for the worker to exit 0, and returns its peak RSS in KiB.
func (w *jobWorker) stop() int64 {
	w.b.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		w.b.Fatal(err)
	}
	select {
	case <-w.done:
	case <-time.After(workerDeadline):
		w.b.Fatalf("the worker did not exit within %v of SIGTERM", workerDeadline)
	}
	if code := w.cmd.ProcessState.ExitCode(); code != 0 {
		w.b.Fatalf("the worker exited %d after SIGTERM, want 0:\n%s", code, w.stderr.buf.String())
	}
	return <-w.peak
}

// cli runs one storeimport command on the queue's database, stdout kept.
func (q *jobQueue) cli(args ...string) string {
	q.b.Helper()
	cmd := exec.Command(q.bin, append(args, "--db", q.db)...)
	cmd.Dir = q.dir
	cmd.Env = pagetest.ChildEnv()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		q.b.Fatalf("storeimport %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// enqueue queues path's import for the bench's organization and returns the job's id.
func (q *jobQueue) enqueue(path string) int64 {
	q.b.Helper()
	out := q.cli("import", "--enqueue", "--org", benchOrg, path)
	id, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		q.b.Fatalf("import --enqueue printed %q, want the job's id", out)
	}
	return id
}

// jobStatus is what jobs --format json says of a job.
type jobStatus struct {
	ID         int64          `json:"id"`
	State      string         `json:"state"`
	Reason     string         `json:"reason"`
	FinishedAt time.Time      `json:"finished_at"`
	RowsDone   int            `json:"rows_done"`
	Counts     map[string]int `json:"counts"`
}

// await polls jobs --format json every jobPoll, for at most jobDeadline, until job id has ended.
func (q *jobQueue) await(id int64) jobStatus {
	q.b.Helper()
	deadline := time.Now().Add(jobDeadline)
	for {
		s := q.status(id)
		if s.State == "finished" || s.State == "failed" || s.State == "cancelled" {
			return s
		}
		if time.Now().After(deadline) {
			q.b.Fatalf("job %d has not ended within %v: %+v", id, jobDeadline, s)
		}
		time.Sleep(jobPoll)
	}
}

func (q *jobQueue) status(id int64) jobStatus {
	q.b.Helper()
	out := q.cli("jobs", "--format", "json")
	var list []jobStatus
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		q.b.Fatalf("jobs --format json: %v\n%s", err, out)
	}
	for _, s := range list {
		if s.ID == id {
			return s
		}
	}
	q.b.Fatalf("jobs --format json does not list job %d:\n%s", id, out)
	return jobStatus{}
}

// exactlyOnce counts the organization's live shops, those beyond one per local store
// (duplicates: a second createShop for a row), and the rows of the file without a store linked
// to a live shop (missing).
func (q *jobQueue) exactlyOnce(rows int) (shops, duplicates, missing int) {
	q.b.Helper()
	live := map[string]bool{}
	for _, s := range q.sim.Shops(benchOrg, false) {
		live[s.ID] = true
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, q.db)
	if err != nil {
		q.b.Fatal(err)
	}
	defer conn.Close(ctx)
	var linked int
	err = conn.QueryRow(ctx, `
		SELECT count(DISTINCT s.platform_shop_id) FROM stores s JOIN organizations o ON o.id = s.organization_id
		WHERE o.platform_org_id = $1 AND s.platform_shop_id = ANY($2)`,
		benchOrg, slices.Collect(maps.Keys(live))).Scan(&linked)
	if err != nil {
		q.b.Fatalf("counting the stores linked to live shops: %v", err)
	}
	return len(live), len(live) - linked, rows - linked
}
