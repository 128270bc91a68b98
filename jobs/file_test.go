package jobs

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/riverqueue/river/rivertype"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pgtest"
)

// A worker's copy of the job's file is the enqueued bytes, read a slice at a time: a file of two
// slices and a part, of bytes that do not compress. Once the file is dropped, the worker says so.
func TestAWorkerCopiesTheFileSliceBySlice(t *testing.T) {
	ctx := context.Background()
	q := freshQueue(t)
	content := make([]byte, 2*fileSlice+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	_, args := enqueued(t, q, Request{OrganizationID: "org_a", FileName: "/home/support/stores.csv", Content: content})
	path, err := q.writeFile(ctx, args, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(copied, content) {
		t.Fatalf("the worker's copy: %d bytes (%v), want the %d enqueued", len(copied), err, len(content))
	}
	if err := dropFile(ctx, q.db.Pool(), args.ImportID); err != nil {
		t.Fatal(err)
	}
	if _, err := q.writeFile(ctx, args, t.TempDir()); !errors.Is(err, errFileGone) {
		t.Errorf("copying a dropped file: %v, want errFileGone", err)
	}
}

// The file the worker records the report in is one of its own, whatever the merchant's file is
// named: a file named as the report's once was is not emptied.
func TestTheReportLeavesTheJobsFileAlone(t *testing.T) {
	ctx := context.Background()
	q := freshQueue(t)
	content := []byte("public_id,name,location,industry\nshibuya-01,渋谷店,東京都渋谷区1-1,restaurant\n")
	for _, name := range []string{"report.jsonl", "report-1.jsonl", "report-.jsonl"} {
		dir := t.TempDir()
		_, args := enqueued(t, q, Request{OrganizationID: "org_" + name, FileName: name, Content: content})
		path, err := q.writeFile(ctx, args, dir)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := newRecorder(dir)
		if err != nil {
			t.Fatal(err)
		}
		rec.Row(importer.Result{Line: 2, PublicID: "shibuya-01", Status: importer.StatusCreated})
		rec.Close(&importer.Summary{})
		rec.release()
		if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
			t.Errorf("the job's file %s once the report was recorded: %q, want it as enqueued", name, got)
		}
	}
}

// enqueued queues req and returns River's row of the job and the arguments a worker gets for it.
func enqueued(t *testing.T, q *Queue, req Request) (*rivertype.JobRow, ImportArgs) {
	t.Helper()
	ctx := context.Background()
	id, err := q.Enqueue(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	row, err := q.job(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	args, err := argsOf(row)
	if err != nil {
		t.Fatal(err)
	}
	return row, args
}

// freshQueue is a queue on a database of its own, closed when the test ends.
func freshQueue(t *testing.T) *Queue {
	t.Helper()
	q, err := Open(context.Background(), pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}
