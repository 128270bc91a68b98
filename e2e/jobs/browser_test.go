package jobs_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/internal/pagetest"
)

// A support person opens storeimport serve in Chromium, follows the jobs link from the home page,
// finds the finished job with the counts that jobs gives, and saves its errors file with a click:
// the bytes jobs show --errors-csv writes, in the job's language. The page opens no dialog, breaks
// no Content-Security-Policy, and asks for nothing beyond loopback.
func TestSupportPersonSavesAFinishedJobsErrorsFileInChromium(t *testing.T) {
	q := newQueue(t, e2etest.Org)
	file, _ := q.file(e2etest.Org, 3, 2)
	id := q.enqueue(e2etest.Org, file, "--lang", "ja")
	q.startWorker("50", "10")
	if s := q.await(id, 10*time.Second, "ended", ended); s.State != "finished" {
		t.Fatalf("job %d ended %s (%s), want finished", id, s.State, s.Reason)
	}
	counts := q.status(id).Counts
	if counts["created"] != 3 || counts["invalid"] != 2 {
		t.Fatalf("jobs gives the counts %v for 3 stores and 2 invalid rows", counts)
	}

	page := pagetest.StartServe(t, e2etest.Bin("storeimport"), "--addr", "127.0.0.1:0", "--db", q.store.Location, "--org", e2etest.Org)
	tab := chromium.Start(t)
	tab.Navigate(page.URL + "/")
	tab.Load(chromedp.Click(chromedp.CSS("a#jobs-link")))

	row := fmt.Sprintf("tr[data-job-id=%q]", strconv.FormatInt(id, 10))
	if n := tab.Count(row + `[data-state="finished"]`); n != 1 {
		t.Fatalf("the jobs page shows %d rows of job %d finished, want 1 (rows: %d)", n, id, tab.Count("tr[data-job-id]"))
	}
	if shown := tab.Count(row + " .count"); shown != len(counts) {
		t.Errorf("the job's row shows %d counts, jobs gives %v", shown, counts)
	}
	for status, n := range counts {
		if got := tab.Text(fmt.Sprintf("%s .count[data-status=%q] .n", row, status)); got != strconv.Itoa(n) {
			t.Errorf("the job's %s count on the page: %q, jobs gives %d", status, got, n)
		}
	}
	if lang := chromium.Run(tab, chromedp.Evaluate[string](fmt.Sprintf("document.querySelector(%q).dataset.lang", row+" span.errors-lang"))); lang != "ja" {
		t.Errorf("the errors file's language on the page: %q, want ja as enqueued", lang)
	}

	got := tab.Download(chromedp.Click(chromedp.CSS(row + " a.download-job-errors")))
	errorsCSV := filepath.Join(q.dir, "errors.csv")
	if r := q.cli("jobs", "show", strconv.FormatInt(id, 10), "--errors-csv", errorsCSV); r.Code > 1 {
		t.Fatalf("jobs show --errors-csv: exit %d, want 0, or 1 for the rows left out\n%s", r.Code, r.Stderr)
	}
	want, err := os.ReadFile(errorsCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !bytes.Equal(got.Bytes, want) {
		t.Errorf("the saved errors file %s: %d bytes, want the %d that jobs show --errors-csv writes:\n%s\nwant:\n%s",
			got.Name, len(got.Bytes), len(want), got.Bytes, want)
	}

	tab.CheckBehaved()
}
