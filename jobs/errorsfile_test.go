package jobs

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/acme/storeimport/importer"
)

// An attempt's errors file is saved in parts of errorsPart and sent on whole, in order: a file
// of two parts and a bit, of bytes that do not compress.
func TestAnErrorsFileIsSavedAndSentInParts(t *testing.T) {
	ctx := context.Background()
	q := freshQueue(t)
	job := runningJob(t, q)
	content := make([]byte, 2*errorsPart+777)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	dir := t.TempDir()
	errorsPath := filepath.Join(dir, "stores-errors.csv")
	if err := os.WriteFile(errorsPath, content, 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := newRecorder(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.release()
	rec.Close(&importer.Summary{OrganizationID: "org_a"})
	broke := errors.New("the run broke off")
	if outcome := q.finish(ctx, job, rec, errorsPath, broke, slog.New(slog.DiscardHandler)); outcome != broke {
		t.Fatalf("the attempt's outcome: %v, want %v", outcome, broke)
	}
	var parts int
	q.db.Pool().QueryRow(ctx, `SELECT count(*) FROM import_job_errors WHERE import_id = $1`, job.Args.ImportID).Scan(&parts)
	if parts != 3 {
		t.Errorf("%d parts saved, want 3", parts)
	}
	saved, err := q.ErrorsFile(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sent bytes.Buffer
	if err := saved.Copy(ctx, &sent); err != nil {
		t.Fatal(err)
	}
	if saved.Name != "stores-errors.csv" || saved.Size != int64(len(content)) || !bytes.Equal(sent.Bytes(), content) {
		t.Errorf("the errors file sent: %s, %d bytes of %d said; want stores-errors.csv, the %d bytes saved",
			saved.Name, sent.Len(), saved.Size, len(content))
	}
}
