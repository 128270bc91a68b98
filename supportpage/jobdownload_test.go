package supportpage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/jobs"
)

// A finished job's errors file downloads in its parts' order with its length; a HEAD gets the
// headers only. A database that fails before the first byte is answered with the page's error; one
// that fails after it cuts the download short of its length, which the browser reports as failed,
// rather than hand support a truncated file. The faults are the database's own: its table of
// parts renamed away, then a part deleted.
func TestAJobsErrorsFileDownloadsInPartsOrFailsVisibly(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	parts := [][]byte{bytes.Repeat([]byte("a"), 1<<20), []byte("tail\n")}
	id := finishedJobWithErrors(t, url, parts)
	queue, err := jobs.OpenReadOnly(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer queue.Close()
	p := startPage(t, Config{Jobs: queue})
	download := "/jobs/" + strconv.FormatInt(id, 10) + "/errors?org=org_a"
	path := p.url + download

	resp, body := p.client.Download(download)
	if want := bytes.Join(parts, nil); resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) || resp.ContentLength != int64(len(want)) ||
		resp.Header.Get("Last-Modified") == "" {
		t.Errorf("the download: %s, %d bytes of %d said, Last-Modified %q; want the %d bytes of its parts", resp.Status, len(body),
			resp.ContentLength, resp.Header.Get("Last-Modified"), len(want))
	}
	head, err := p.client.Client.Head(path)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK || head.ContentLength != int64(len(parts[0])+len(parts[1])) {
		t.Errorf("HEAD: %s, length %d", head.Status, head.ContentLength)
	}

	admin := connect(t, url)
	admin.Exec(ctx, `ALTER TABLE import_job_errors RENAME TO import_job_errors_gone`)
	resp, doc := p.client.Get(download)
	if resp.StatusCode != http.StatusInternalServerError || pagetest.ByID(doc, "check-error") == nil || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("the database failing before the first byte: %s, #check-error %v, Content-Disposition %q; want the page's error",
			resp.Status, pagetest.ByID(doc, "check-error") != nil, resp.Header.Get("Content-Disposition"))
	}
	admin.Exec(ctx, `ALTER TABLE import_job_errors_gone RENAME TO import_job_errors`)
	admin.Exec(ctx, `DELETE FROM import_job_errors WHERE seq = 2`)
	cut, err := p.client.Client.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(cut.Body)
	cut.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) >= len(parts[0])+len(parts[1]) {
		t.Errorf("the database failing after the first byte: %d bytes, %v; want the download cut short", len(got), err)
	}
}

// finishedJobWithErrors queues a job of org_a at url and makes it, as a worker would have, a
// finished job whose errors file is parts; it returns the job's id.
func finishedJobWithErrors(t *testing.T, url string, parts [][]byte) int64 {
	t.Helper()
	ctx := context.Background()
	writer, err := jobs.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	id, err := writer.Enqueue(ctx, jobs.Request{OrganizationID: "org_a", FileName: "stores.csv", Encoding: "auto", Lang: "ja",
		Content: []byte("public_id\n")})
	if err != nil {
		t.Fatal(err)
	}
	db := connect(t, url)
	if _, err := db.Exec(ctx, `UPDATE river_job SET state = 'completed', attempt = 1, attempted_at = now(), finalized_at = now()
		WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	var importID int64
	err = db.QueryRow(ctx, `UPDATE import_jobs SET attempt = 1, summary = '{}', errors_name = 'stores-errors.csv', errors_size = $2,
		errors_parts = $3 WHERE river_job_id = $1 RETURNING id`, id, len(bytes.Join(parts, nil)), len(parts)).Scan(&importID)
	if err != nil {
		t.Fatal(err)
	}
	for seq, part := range parts {
		if _, err := db.Exec(ctx, `INSERT INTO import_job_errors (import_id, seq, part) VALUES ($1, $2, $3)`, importID, seq+1, part); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
