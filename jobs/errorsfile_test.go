package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/riverqueue/river"

	"github.com/acme/storeimport/importer"
)

// An attempt's errors file is saved in parts of errorsPart and sent on whole, in order, whatever
// its size against the parts': of bytes that do not compress.
func TestAnErrorsFileIsSavedAndSentInParts(t *testing.T) {
	for _, c := range []struct{ size, parts int }{{0, 0}, {errorsPart, 1}, {errorsPart + 1, 2}, {2*errorsPart + 777, 3}} {
		t.Run(fmt.Sprint(c.size), func(t *testing.T) {
			ctx := context.Background()
			q := freshQueue(t)
			job := runningJob(t, q)
			content := incompressible(c.size)
			saveErrorsFile(t, q, job, content)
			var parts int
			q.db.Pool().QueryRow(ctx, `SELECT count(*) FROM import_job_errors WHERE import_id = $1`, job.Args.ImportID).Scan(&parts)
			if parts != c.parts {
				t.Errorf("%d parts saved, want %d", parts, c.parts)
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
		})
	}
}

// A copy of an errors file stops once another attempt claims the job, rather than mix the parts
// of two attempts' files.
func TestACopyStopsOnceAnotherAttemptTakesTheJob(t *testing.T) {
	ctx := context.Background()
	q := freshQueue(t)
	job := runningJob(t, q)
	saveErrorsFile(t, q, job, incompressible(errorsPart+1))
	saved, err := q.ErrorsFile(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.db.Pool().Exec(ctx, `UPDATE import_jobs SET attempt = attempt + 1 WHERE id = $1`, job.Args.ImportID); err != nil {
		t.Fatal(err)
	}
	if err := saved.Copy(ctx, io.Discard); !errors.Is(err, ErrErrorsFileReplaced) {
		t.Errorf("copying once another attempt claimed the job: %v, want ErrErrorsFileReplaced", err)
	}
}

// saveErrorsFile ends job's attempt as a run that wrote content as its errors file.
func saveErrorsFile(t *testing.T, q *Queue, job *river.Job[ImportArgs], content []byte) {
	t.Helper()
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
	if outcome := q.finish(context.Background(), job, rec, errorsPath, broke, slog.New(slog.DiscardHandler)); outcome != broke {
		t.Fatalf("the attempt's outcome: %v, want %v", outcome, broke)
	}
}

func incompressible(size int) []byte {
	content := make([]byte, size)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	return content
}
