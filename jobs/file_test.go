package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/acme/storeimport/internal/pgtest"
)

// A worker's copy of the job's file is the enqueued bytes, read a slice at a time: a file of two
// slices and a part, of bytes that do not compress. Once the file is dropped, the worker says so.
func TestAWorkerCopiesTheFileSliceBySlice(t *testing.T) {
	ctx := context.Background()
	q, err := Open(ctx, pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	content := make([]byte, 2*fileSlice+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	id, err := q.Enqueue(ctx, Request{OrganizationID: "org_a", FileName: "/home/support/stores.csv", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	row, err := q.job(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var args ImportArgs
	if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
		t.Fatal(err)
	}
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
