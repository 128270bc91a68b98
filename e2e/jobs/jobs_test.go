package jobs_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/ratewindow"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/storedb/storetest"
)

// Imports queued in PostgreSQL (import --enqueue) and run by storeimport worker processes against
// one platform: the simulator, in this process so that its hook can SIGKILL a worker right after
// the platform commits a request, and its request log can be read with times.

// queue is one platform, one PostgreSQL database, and the workers started on them.
type queue struct {
	t        *testing.T
	sim      *orgsim.Server
	endpoint string
	store    storetest.Target
	dir      string

	mu      sync.Mutex
	workers []*worker
	killOp  string
	killAt  int
	victim  *worker
	killed  bool
}

// worker is one storeimport worker process.
type worker struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{}
}

func newQueue(t *testing.T, orgs ...string) *queue {
	t.Helper()
	q := &queue{t: t, store: storetest.Postgres(t), dir: t.TempDir()}
	var sims []orgsim.Org
	for _, id := range orgs {
		sims = append(sims, orgsim.Org{ID: id, Name: id, ShopLimit: 1000})
	}
	q.sim = orgsim.New(orgsim.Config{
		Organizations: sims,
		Tokens:        []orgsim.Token{{Value: e2etest.Token, Orgs: orgs}},
		Faults:        orgsim.Faults{Latency: 5 * time.Millisecond},
		AfterCommit:   q.afterCommit,
	})
	srv := httptest.NewServer(q.sim.Handler())
	t.Cleanup(srv.Close)
	q.endpoint = srv.URL + "/graphql"
	return q
}

// killAfter arms the hook: right after the platform commits the nth op, victim is SIGKILLed
// before it gets the answer.
func (q *queue) killAfter(op string, n int, victim *worker) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.killOp, q.killAt, q.victim = op, n, victim
}

func (q *queue) afterCommit(op string, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if op == q.killOp && n == q.killAt && q.victim != nil {
		q.victim.cmd.Process.Signal(syscall.SIGKILL)
		q.killed = true
		q.killOp = ""
	}
}

// file writes rows stores of orgID as a CSV, plus bad invalid rows, and returns its path and the
// valid stores' shop names.
func (q *queue) file(orgID string, rows, bad int) (string, map[string]string) {
	q.t.Helper()
	return e2etest.StoresFile(q.t, q.dir, orgID, rows, bad)
}

// cli runs one storeimport command on the database.
func (q *queue) cli(args ...string) e2etest.Run {
	q.t.Helper()
	return e2etest.Storeimport(q.t, q.dir, append(args, "--db", q.store.Location)...)
}

// enqueue queues file's import for orgID, with import's flags given, and returns the job's id.
func (q *queue) enqueue(orgID, file string, flags ...string) int64 {
	q.t.Helper()
	r := q.cli(append(append([]string{"import", "--enqueue", "--org", orgID}, flags...), file)...)
	id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
	if r.Code != 0 || err != nil {
		q.t.Fatalf("import --enqueue: exit %d, stdout %q\n%s", r.Code, r.Stdout, r.Stderr)
	}
	return id
}

// startWorker starts a worker process at rate requests a second; its job is rescued 3 s after it
// stops beating.
func (q *queue) startWorker(rate string, burst string) *worker {
	q.t.Helper()
	w := &worker{exited: make(chan struct{})}
	w.cmd = exec.Command(e2etest.Bin("storeimport"), "worker", "--endpoint", q.endpoint, "--db", q.store.Location,
		"--rate", rate, "--burst", burst, "--rescue-after", "3s", "--concurrency", "2")
	w.cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+e2etest.Token)
	w.cmd.Stderr = &w.stderr
	if err := w.cmd.Start(); err != nil {
		q.t.Fatal(err)
	}
	go func() { w.cmd.Wait(); close(w.exited) }()
	q.mu.Lock()
	q.workers = append(q.workers, w)
	q.mu.Unlock()
	q.t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-w.exited
		if q.t.Failed() {
			q.t.Logf("a worker's stderr:\n%s", w.stderr.String())
		}
	})
	return w
}

// jobStatus is what storeimport jobs --format json says of a job.
type jobStatus struct {
	ID        int64          `json:"id"`
	State     string         `json:"state"`
	Reason    string         `json:"reason"`
	Attempt   int            `json:"attempt"`
	RowsDone  int            `json:"rows_done"`
	RowsTotal int            `json:"rows_total"`
	Counts    map[string]int `json:"counts"`
	Lang      string         `json:"lang"`
}

func (q *queue) status(id int64) jobStatus {
	q.t.Helper()
	r := q.cli("jobs", "--format", "json")
	var list []jobStatus
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		q.t.Fatalf("jobs --format json: %v\n%s%s", err, r.Stdout, r.Stderr)
	}
	for _, s := range list {
		if s.ID == id {
			return s
		}
	}
	q.t.Fatalf("job %d is not listed: %s", id, r.Stdout)
	return jobStatus{}
}

// await polls the job, every 200 ms for at most limit, until done says it is there.
func (q *queue) await(id int64, limit time.Duration, what string, done func(jobStatus) bool) jobStatus {
	q.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := q.status(id)
		if done(s) {
			return s
		}
		if time.Now().After(deadline) {
			q.t.Fatalf("job %d not %s within %v: %+v", id, what, limit, s)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func ended(s jobStatus) bool {
	return s.State == "finished" || s.State == "failed" || s.State == "cancelled"
}

// Two workers share the queue; the job's report and errors file come from jobs show, and a
// second job for the organization is refused while the first is queued or running.
func TestQueuedImportRunsOnAWorkerAndReports(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, names := q.file(e2etest.Org, 20, 2)
	strict := q.cli("import", "--enqueue", "--strict", "--org", e2etest.Org, file)
	if strict.Code != 2 || strict.Stdout != "" || !strings.Contains(strict.Stderr, "2 of the 22 rows are invalid") {
		t.Fatalf("--strict with 2 invalid rows: exit %d, stdout %q, want 2 and no job\n%s", strict.Code, strict.Stdout, strict.Stderr)
	}
	broken := filepath.Join(q.dir, "broken.csv")
	os.WriteFile(broken, []byte("public_id,name\nshibuya-01,渋谷店\n"), 0o644)
	if r := q.cli("import", "--enqueue", "--org", e2etest.Org, broken); r.Code != 2 || !strings.Contains(r.Stderr, "lacks the required column") {
		t.Fatalf("a file lacking columns: exit %d, want 2\n%s", r.Code, r.Stderr)
	}
	if r := q.cli("jobs"); strings.TrimSpace(r.Stdout) != "no import jobs" {
		t.Fatalf("after two refused enqueues, jobs lists:\n%s%s", r.Stdout, r.Stderr)
	}
	id := q.enqueue(e2etest.Org, file)
	second := q.cli("import", "--enqueue", "--org", e2etest.Org, file)
	if second.Code != 2 || !strings.Contains(second.Stderr, fmt.Sprintf("already has import job %d", id)) {
		t.Fatalf("a second enqueue for the organization: exit %d, want 2 naming job %d\n%s", second.Code, id, second.Stderr)
	}
	q.startWorker("10", "2")
	q.startWorker("10", "2")
	// The run takes about 4 s, longer than --rescue-after 3s: its worker's heartbeat keeps the age
	// River's rescuer measures under 3 s throughout, so it is never taken for dead.
	oldest := 0.0
	s := q.await(id, 30*time.Second, "ended", func(s jobStatus) bool {
		var age float64
		if q.store.SQL.QueryRow(`SELECT extract(epoch FROM now() - attempted_at) FROM river_job WHERE id = $1 AND state = 'running'`,
			id).Scan(&age) == nil {
			oldest = max(oldest, age)
		}
		return ended(s)
	})
	if oldest == 0 || oldest >= 3 {
		t.Errorf("while the job ran, River's rescuer saw it attempted up to %.1fs ago, want under 3s", oldest)
	}
	if s.State != "finished" || s.Attempt != 1 || s.Counts["created"] != 20 || s.Counts["invalid"] != 2 || s.RowsDone != 22 || s.RowsTotal != 22 {
		t.Fatalf("job %+v, want finished at its first attempt with 20 created and 2 invalid of 22 rows", s)
	}
	if s.Lang != "en" {
		t.Errorf("jobs --format json says the job's language is %q, want en, the default of --lang", s.Lang)
	}
	if table := q.cli("jobs").Stdout; !regexp.MustCompile(`(?m)^ID +ORGANIZATION +STATE +PROGRESS +FILE +LANG .*\n` +
		strconv.FormatInt(id, 10) + ` .* org_e2e\.csv +en `).MatchString(table) {
		t.Errorf("jobs lists the job without its language, en:\n%s", table)
	}
	errorsCSV := filepath.Join(q.dir, "errors.csv")
	show := q.cli("jobs", "show", strconv.FormatInt(id, 10), "--format", "json", "--errors-csv", errorsCSV)
	if show.Code != 1 {
		t.Errorf("jobs show of a job with invalid rows: exit %d, want import's 1\n%s", show.Code, show.Stderr)
	}
	if rep := e2etest.ParseReport(t, show); rep.Summary["created"] != 20 || rep.Summary["invalid"] != 2 || len(rep.Rows) != 22 {
		t.Errorf("the job's report: %v, %d rows; want 20 created, 2 invalid, 22 rows", rep.Summary, len(rep.Rows))
	}
	if got, err := os.ReadFile(errorsCSV); err != nil || bytes.Count(got, []byte("\nBad ID ")) != 2 {
		t.Errorf("the errors CSV: %v\n%s", err, got)
	}
	sameReportAsImport(t, q, id, file)
	e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), e2etest.All(names))
	if again := q.cli("import", "--enqueue", "--org", e2etest.Org, file); again.Code != 0 {
		t.Errorf("enqueue after the job finished: exit %d\n%s", again.Code, again.Stderr)
	}
}

// sameReportAsImport checks that jobs show prints the report import prints: the job's report
// as CSV is, row by row (line, public_id, status, error, and whether it has a shop id: the shops'
// ids are the platform's), the report of import --format csv of the same file for the same
// organization on a fresh platform, with the same faults, and a fresh database.
func sameReportAsImport(t *testing.T, q *queue, id int64, file string) {
	t.Helper()
	show := q.cli("jobs", "show", strconv.FormatInt(id, 10), "--format", "csv")
	fresh := newQueue(t, e2etest.Org)
	imported := fresh.cli("import", "--format", "csv", "--org", e2etest.Org, "--endpoint", fresh.endpoint, file)
	if show.Code != imported.Code {
		t.Errorf("jobs show exits %d, import %d", show.Code, imported.Code)
	}
	job, direct := csvReportRows(t, show), csvReportRows(t, imported)
	if len(job) == 0 || !slices.Equal(job, direct) {
		t.Errorf("jobs show --format csv prints\n%s\nimport --format csv of the same file prints\n%s",
			strings.Join(job, "\n"), strings.Join(direct, "\n"))
	}
}

// csvReportRows are the rows of a --format csv report, ordered by line (a run of several rows at
// once reports them as they end), each as line, public_id, status, shop id present or not, error.
func csvReportRows(t *testing.T, r e2etest.Run) []string {
	t.Helper()
	records, err := csv.NewReader(strings.NewReader(r.Stdout)).ReadAll()
	if err != nil || len(records) == 0 || !slices.Equal(records[0], []string{"line", "public_id", "status", "shop_id", "error"}) {
		t.Fatalf("not a CSV report (%v):\n%s\nstderr:\n%s", err, r.Stdout, r.Stderr)
	}
	rows := records[1:]
	slices.SortFunc(rows, func(a, b []string) int {
		x, _ := strconv.Atoi(a[0])
		y, _ := strconv.Atoi(b[0])
		return x - y
	})
	var out []string
	for _, row := range rows {
		out = append(out, strings.Join([]string{row[0], row[1], row[2], fmt.Sprint("shop:", row[3] != ""), row[4]}, " | "))
	}
	return out
}

// A worker SIGKILLed right after the platform committed a createShop leaves its job running with
// no one beating its heart; River's rescuer hands it to the other worker, whose run settles the
// attempt in doubt from the journal: every store once, no orphan.
func TestKilledWorkersJobIsFinishedByAnother(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, names := q.file(e2etest.Org, 24, 0)
	id := q.enqueue(e2etest.Org, file)
	first := q.startWorker("20", "1")
	q.killAfter(orgsim.OpCreateShop, 6, first)
	q.await(id, 10*time.Second, "running", func(s jobStatus) bool { return s.State == "running" })
	q.startWorker("20", "1")
	select {
	case <-first.exited:
	case <-time.After(15 * time.Second):
		t.Fatal("the hook did not kill the first worker")
	}
	s := q.await(id, 60*time.Second, "ended", ended)
	if s.State != "finished" || s.Counts["created"]+s.Counts["skipped"] != 24 || s.Attempt < 2 {
		t.Fatalf("job %+v, want finished by a second attempt, every row created or skipped", s)
	}
	duplicates, orphans := e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), e2etest.All(names))
	t.Logf("worker killed after createShop #6; the job finished on attempt %d: %v; %d duplicates, %d orphans",
		s.Attempt, s.Counts, duplicates, orphans)
}

// SIGTERM lets the rows in flight finish, hands the job back and exits 0; another worker
// finishes it.
func TestTerminatedWorkerHandsItsJobBack(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, names := q.file(e2etest.Org, 30, 0)
	id := q.enqueue(e2etest.Org, file)
	first := q.startWorker("20", "1")
	q.await(id, 10*time.Second, "under way", func(s jobStatus) bool { return s.RowsDone >= 3 })
	first.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-first.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not exit within 10 s of SIGTERM")
	}
	if code := first.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("the worker exited %d after SIGTERM, want 0\n%s", code, first.stderr.String())
	}
	if s := q.status(id); s.State != "queued" {
		t.Fatalf("after its worker's SIGTERM the job is %+v, want queued again", s)
	}
	q.startWorker("100", "5")
	s := q.await(id, 30*time.Second, "ended", ended)
	if s.State != "finished" || s.Counts["created"]+s.Counts["skipped"] != 30 {
		t.Fatalf("job %+v, want finished with every row created or skipped", s)
	}
	e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), e2etest.All(names))
}

// jobs cancel stops a running job as an interrupt does: the rows in flight finish, the rest are
// not attempted, and what was made is whole. A queued job is cancelled at once.
func TestCancelStopsAJobAsAnInterrupt(t *testing.T) {
	q := newQueue(t, e2etest.Org, e2etest.OrgB)
	fileB, _ := q.file(e2etest.OrgB, 3, 0)
	queued := q.enqueue(e2etest.OrgB, fileB)
	if r := q.cli("jobs", "cancel", strconv.FormatInt(queued, 10)); r.Code != 0 || !strings.Contains(r.Stdout, "cancelled") {
		t.Fatalf("cancelling a queued job: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if s := q.status(queued); s.State != "cancelled" {
		t.Fatalf("the queued job after its cancel: %+v", s)
	}

	file, names := q.file(e2etest.Org, 40, 0)
	id := q.enqueue(e2etest.Org, file)
	q.startWorker("20", "1")
	q.await(id, 10*time.Second, "under way", func(s jobStatus) bool { return s.RowsDone >= 3 })
	if r := q.cli("jobs", "cancel", strconv.FormatInt(id, 10)); r.Code != 0 {
		t.Fatalf("jobs cancel: exit %d\n%s", r.Code, r.Stderr)
	}
	s := q.await(id, 15*time.Second, "ended", ended)
	show := q.cli("jobs", "show", strconv.FormatInt(id, 10), "--format", "json")
	rep := e2etest.ParseReport(t, show)
	if s.State != "cancelled" || rep.Summary["not_attempted"] == 0 || rep.Summary["created"] == 0 {
		t.Fatalf("job %+v, report %v: want cancelled part way, some rows created and the rest not attempted", s, rep.Summary)
	}
	created := map[string]bool{}
	for _, row := range rep.Rows {
		created[row.PublicID] = row.Status == "created"
	}
	e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), created)
}

// Three workers with one token, each running another organization's job at once, stay together
// within the one --rate and --burst, as the platform's request log times them.
func TestThreeWorkersShareOneRateLimit(t *testing.T) {
	const rate, burst = 20, 3
	orgC := "org_e2e_c"
	q := newQueue(t, e2etest.Org, e2etest.OrgB, orgC)
	var ids []int64
	for _, o := range []string{e2etest.Org, e2etest.OrgB, orgC} {
		file, _ := q.file(o, 12, 0)
		ids = append(ids, q.enqueue(o, file))
	}
	for range 3 {
		q.startWorker(strconv.Itoa(rate), strconv.Itoa(burst))
	}
	for _, id := range ids {
		if s := q.await(id, 30*time.Second, "ended", ended); s.State != "finished" {
			t.Fatalf("job %+v, want finished", s)
		}
	}
	var times []time.Time
	organizations, createsBefore := 0, 0
	for _, e := range q.sim.Log() {
		times = append(times, e.Time)
		switch {
		case e.Status == 429:
			t.Errorf("the platform rate limited a request: %+v", e)
		case e.Operation == "organization":
			organizations++
		case e.Operation == orgsim.OpCreateShop && organizations < 3:
			createsBefore++
		}
	}
	// Each run asks for its organization first: the three ran at once only if the third asked
	// before the first had made its 12 shops.
	if organizations != 3 || createsBefore >= 12 {
		t.Fatalf("%d runs, %d shops made before the third began: the jobs did not run at once, so the test proves nothing",
			organizations, createsBefore)
	}
	if worst := ratewindow.WorstWindow(times, rate, burst, ratewindow.Jitter); worst != "" {
		t.Error(worst)
	}
	span := times[len(times)-1].Sub(times[0]).Seconds()
	t.Logf("%d requests of 3 workers in %.2fs: %.1f/s against --rate %d --burst %d", len(times), span, float64(len(times))/span, rate, burst)
}

// A job the platform refuses for good (an organization the token may not touch) fails at once
// with the reason, which the support page shows too (in English when the browser asks for it),
// and sends no mutation.
func TestJobRefusedForGoodFailsWithTheReason(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, _ := q.file("org_unknown", 3, 0)
	id := q.enqueue("org_unknown", file)
	q.startWorker("100", "5")
	s := q.await(id, 15*time.Second, "ended", ended)
	if s.State != "failed" || s.Attempt != 1 || !strings.Contains(s.Reason, `the token may not touch organization "org_unknown"`) {
		t.Fatalf("job %+v, want failed at its first attempt, saying the token may not touch the organization", s)
	}
	browser, _ := q.startPage("org_unknown")
	browser.Get("/jobs?lang=en")
	_, doc := browser.Get("/jobs")
	if rows := pagetest.JobRows(doc); len(rows) != 1 || rows[0]["data-state"] != "failed" || rows[0]["state"] != "failed" ||
		rows[0]["reason"] != s.Reason || rows[0]["download"] != "" {
		t.Errorf("the page shows %v, want the job failed with the reason %q and no download", rows, s.Reason)
	}
	for _, e := range q.sim.Log() {
		if e.OperationType == "mutation" {
			t.Errorf("a %s was sent for an unknown organization", e.Operation)
		}
	}
}

// A job whose organization an engineer's import holds waits for it, as a second import would be
// refused: the worker puts it back in the queue and takes it again once the lock is free, and
// then finds every store imported.
func TestJobWaitsForAnImportHoldingItsOrganization(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, names := q.file(e2etest.Org, 10, 0)
	engineer := exec.Command(e2etest.Bin("storeimport"), "import", "--org", e2etest.Org, "--endpoint", q.endpoint,
		"--rate", "10", "--burst", "1", "--db", q.store.Location, file)
	engineer.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+e2etest.Token)
	var engineerErr bytes.Buffer
	engineer.Stderr = &engineerErr
	if err := engineer.Start(); err != nil {
		t.Fatal(err)
	}
	e2etest.AwaitCreate(t, q.sim)
	id := q.enqueue(e2etest.Org, file)
	q.startWorker("100", "5")
	if err := engineer.Wait(); err != nil {
		t.Fatalf("the engineer's import: %v\n%s", err, engineerErr.String())
	}
	s := q.await(id, 20*time.Second, "ended", ended)
	if s.State != "finished" || s.Counts["skipped"] != 10 {
		t.Fatalf("job %+v, want finished, every store skipped as the engineer's import made it", s)
	}
	e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), e2etest.All(names))
}
