package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/jobs"
	"github.com/acme/storeimport/supportpage"
)

// startPage serves the support page on loopback with the queue's jobs, read-only as serve reads
// them, for org ("" to type one in).
func (q *queue) startPage(org string) (*pagetest.Browser, *jobs.Queue) {
	q.t.Helper()
	reader, err := jobs.OpenReadOnly(context.Background(), q.store.Location, "")
	if err != nil {
		q.t.Fatal(err)
	}
	page, err := supportpage.New(supportpage.Config{Org: org, Jobs: reader, MaxUpload: 1 << 20, Checks: 1, TempDir: q.t.TempDir()})
	if err != nil {
		q.t.Fatal(err)
	}
	srv := httptest.NewServer(page)
	q.t.Cleanup(func() {
		srv.Close()
		page.Close()
		reader.Close()
	})
	return pagetest.NewBrowser(q.t, srv.URL), reader
}

// The support page follows a queued import as a worker runs it: running with its progress and
// refreshing itself, then finished with its counts and an errors file whose bytes are the job's,
// as jobs show --errors-csv writes them. Another organization's page does not serve it.
func TestSupportPageFollowsAJobToItsErrorsFile(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, _ := q.file(e2etest.Org, 20, 2)
	id := q.enqueue(e2etest.Org, file)
	browser, reader := q.startPage("")
	jobsPage := "/jobs?org=" + e2etest.Org
	q.startWorker("10", "2")

	q.await(id, 10*time.Second, "under way", func(s jobStatus) bool { return s.State == "running" && s.RowsDone >= 1 && s.RowsDone <= 12 })
	_, doc := browser.Get(jobsPage)
	rows := pagetest.JobRows(doc)
	if len(rows) != 1 || rows[0]["data-state"] != "running" || rows[0]["state"] != "実行中" || !pagetest.Refreshes(doc) {
		t.Fatalf("while the job runs the page shows %v (refreshing: %v), want it running and the page refreshing", rows, pagetest.Refreshes(doc))
	}
	if progress := pagetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "progress" }); len(progress) != 1 ||
		pagetest.Attr(progress[0], "max") != "22" {
		t.Errorf("the running job's <progress>: %d, want one of max 22", len(progress))
	}

	q.await(id, 30*time.Second, "ended", ended)
	_, doc = browser.Get(jobsPage)
	rows = pagetest.JobRows(doc)
	if len(rows) != 1 {
		t.Fatalf("the page lists %d jobs, want 1", len(rows))
	}
	want := map[string]string{"data-job-id": strconv.FormatInt(id, 10), "data-state": "finished", "state": "完了", "file": "org_e2e.csv",
		"progress": "22 / 22", "count-created": "20", "count-invalid": "2", "reason": "",
		"download":    fmt.Sprintf("/jobs/%d/errors?org=%s", id, e2etest.Org),
		"errors-lang": "英語", "errors-lang-code": "en"} // enqueued with the default --lang en, shown on the Japanese page
	for key, value := range want {
		if rows[0][key] != value {
			t.Errorf("the finished job's %s: %q, want %q", key, rows[0][key], value)
		}
	}
	if pagetest.Refreshes(doc) {
		t.Error("the page still refreshes itself with no job queued or running")
	}

	resp, got := browser.Download(rows[0]["download"])
	errorsFile, err := reader.ErrorsFile(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var storedBuf bytes.Buffer
	if err := errorsFile.Copy(context.Background(), &storedBuf); err != nil {
		t.Fatal(err)
	}
	stored := storedBuf.Bytes()
	errorsCSV := filepath.Join(q.dir, "errors.csv")
	q.cli("jobs", "show", strconv.FormatInt(id, 10), "--errors-csv", errorsCSV)
	written, err := os.ReadFile(errorsCSV)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, stored) || !bytes.Equal(got, written) || !bytes.Contains(got, []byte("Bad ID 1")) {
		t.Errorf("the errors download: %s, %d bytes; want the job's errors file (%d bytes), as jobs show --errors-csv writes it (%d bytes)",
			resp.Status, len(got), len(stored), len(written))
	}
	if disposition := resp.Header.Get("Content-Disposition"); disposition != "attachment; filename=org_e2e_errors.csv" {
		t.Errorf("Content-Disposition %q, want attachment; filename=org_e2e_errors.csv", disposition)
	}

	other := fmt.Sprintf("/jobs/%d/errors?org=%s", id, e2etest.OrgB)
	if resp, _ := browser.Download(other); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the job asked for as %s's: %s, want 404", e2etest.OrgB, resp.Status)
	}
	otherPage, _ := q.startPage(e2etest.OrgB)
	if resp, _ := otherPage.Download(rows[0]["download"]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the job on %s's page (serve --org %s): %s, want 404", e2etest.OrgB, e2etest.OrgB, resp.Status)
	}
	if _, doc := otherPage.Get(jobsPage); len(pagetest.JobRows(doc)) != 0 {
		t.Errorf("%s's page lists %s's job", e2etest.OrgB, e2etest.Org)
	}
}
