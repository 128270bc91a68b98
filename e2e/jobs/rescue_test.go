package jobs_test

import (
	"os"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
)

// stalledApp names the connections of the worker the test stalls, so that the test can cut them
// as a network partition would.
const stalledApp = "storeimport-stalled-worker"

// A worker paused past --rescue-after and cut off from the database (SIGSTOP, then its
// connections terminated, as a partition would drop them) loses its job to another worker, which
// finishes it. When the first resumes, its attempt is over: it must not overwrite the job's state,
// report or progress with its own stale, partial ones. The job ends finished once, with the
// second attempt's report, every store once and no orphan.
func TestStalledWorkerDoesNotOverwriteTheNextAttempt(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, names := q.file(e2etest.Org, 30, 0)
	id := q.enqueue(e2etest.Org, file)
	os.Setenv("PGAPPNAME", stalledApp)
	first := q.startWorker("20", "1")
	os.Unsetenv("PGAPPNAME")
	q.await(id, 10*time.Second, "under way", func(s jobStatus) bool { return s.RowsDone >= 3 })
	first.cmd.Process.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { first.cmd.Process.Signal(syscall.SIGCONT) })
	if _, err := q.store.SQL.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, stalledApp); err != nil {
		t.Fatal(err)
	}

	second := q.startWorker("20", "1")
	s := q.await(id, 90*time.Second, "ended", ended)
	if s.State != "finished" || s.Attempt != 2 || s.RowsDone != 30 {
		t.Fatalf("job %+v, want finished by the second attempt, 30 rows done", s)
	}
	before := e2etest.ParseReport(t, q.cli("jobs", "show", strconv.FormatInt(id, 10), "--format", "json"))

	first.cmd.Process.Signal(syscall.SIGCONT)
	first.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-first.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("the resumed worker did not exit within 20 s of SIGTERM")
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	<-second.exited

	after := q.status(id)
	if after.State != "finished" || after.Attempt != 2 || after.RowsDone != 30 || !reflect.DeepEqual(after.Counts, s.Counts) {
		t.Errorf("once the stalled worker resumed, the job is %+v; want it as the second attempt left it: %+v", after, s)
	}
	show := e2etest.ParseReport(t, q.cli("jobs", "show", strconv.FormatInt(id, 10), "--format", "json"))
	if !reflect.DeepEqual(show, before) || show.Summary["not_attempted"] != 0 {
		t.Errorf("once the stalled worker resumed, the report is %v; want the second attempt's, %v", show.Summary, before.Summary)
	}
	duplicates, orphans := e2etest.ExactlyOnce(t, q.sim, e2etest.Org, names, e2etest.LocalStores(t, q.store.SQL), e2etest.All(names))
	t.Logf("the stalled worker's job was finished by attempt %d: %v; %d duplicates, %d orphans", after.Attempt, after.Counts, duplicates, orphans)
}
