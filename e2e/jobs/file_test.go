package jobs_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
)

// Once a job finished, the merchant's file is no longer kept in the database; its report and
// errors file, which support sends back, are.
func TestFinishedJobKeepsOnlyItsErrorsFile(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, _ := q.file(e2etest.Org, 3, 1)
	id := q.enqueue(e2etest.Org, file)
	q.startWorker("100", "5")
	if s := q.await(id, 30*time.Second, "ended", ended); s.State != "finished" {
		t.Fatalf("job %+v, want finished", s)
	}
	var hasFile bool
	if err := q.store.SQL.QueryRow(`SELECT file_content IS NOT NULL FROM import_jobs WHERE river_job_id = $1`, id).Scan(&hasFile); err != nil {
		t.Fatal(err)
	}
	if hasFile {
		t.Error("the finished job's file is still kept in the database")
	}
	errorsCSV := filepath.Join(q.dir, "errors.csv")
	q.cli("jobs", "show", strconv.FormatInt(id, 10), "--errors-csv", errorsCSV)
	if got, err := os.ReadFile(errorsCSV); err != nil || len(got) == 0 {
		t.Errorf("the finished job's errors file: %v, %d bytes", err, len(got))
	}
}
