package jobs_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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

// import --enqueue checks the bytes it read and stores those same bytes, so a file changed
// between the check and the store cannot queue rows that were not checked. The file is a named
// pipe, whose contents go to one reader only: a second read of the path, for the check or for
// the store, would wait for a writer that never comes, and the command would run out of time.
func TestEnqueueChecksAndStoresOneRead(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, _ := q.file(e2etest.Org, 5, 0)
	content, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(q.dir, "pipe.csv")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	fed := make(chan error, 1)
	go func() { fed <- feed(pipe, content) }()
	t.Cleanup(func() {
		// A command that never opened the pipe leaves the feeder waiting for a reader.
		if r, err := os.OpenFile(pipe, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
		select {
		case <-fed:
		case <-time.After(10 * time.Second):
			t.Error("the pipe's feeder never ended")
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e2etest.Bin("storeimport"), "import", "--enqueue", "--strict", "--org", e2etest.Org,
		"--db", q.store.Location, pipe)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("import --enqueue of a named pipe still ran after 30 s: it opened the file a second time\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("import --enqueue --strict of a valid file: %v\n%s", err, stderr.String())
	}
	if err := <-fed; err != nil {
		t.Errorf("feeding the pipe: %v: the command read only part of it", err)
	}
	fed <- nil // for the cleanup
	id, err := strconv.ParseInt(strings.TrimSpace(stdout.String()), 10, 64)
	if err != nil {
		t.Fatalf("import --enqueue printed %q, want the job's id", stdout.String())
	}
	var stored []byte
	if err := q.store.SQL.QueryRow(`SELECT file_content FROM import_jobs WHERE river_job_id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, content) {
		t.Errorf("the job keeps %d bytes, want the %d bytes the pipe gave", len(stored), len(content))
	}
}

// feed writes content to the named pipe's first reader, then closes it: the end of the file.
func feed(pipe string, content []byte) error {
	w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := w.Write(content); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
