package browser

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

// statuses are the verdicts of an offline check, each with its count in #summary.
var statuses = []string{"would_create", "would_skip", "invalid"}

func TestMistakesShowEachInvalidRowAtItsLineWithItsJapaneseMessage(t *testing.T) {
	t.Parallel()
	// Without --org: the support person types the organization.
	pageURL, tab := serve(t), japanese(t)
	file := merchant + "mistakes.csv"
	check(t, tab, pageURL, file, http.StatusOK)
	want := validate(t, "ja", file)
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)

	tab.Load(chromedp.Click(chromedp.CSS("a#filter-invalid")))
	invalid := make(map[string]report)
	for line, r := range want {
		if r.status == "invalid" {
			invalid[line] = r
		}
	}
	if len(invalid) == 0 {
		t.Fatalf("validate finds no invalid row in %s", file)
	}
	sameVerdicts(t, tab, invalid)
	tab.Load(chromedp.Click(chromedp.CSS("a#filter-all")))
	sameVerdicts(t, tab, want)

	sameErrorsFile(t, tab, file, "errors.csv")

	report := tab.Download(chromedp.Click(chromedp.CSS("a#download-report")))
	if wantReport, stderr, _ := cli(t, validateArgs(t, "ja", file)...); !bytes.Equal(report.Bytes, wantReport) {
		t.Errorf("the page's report (saved as %q) differs from validate --format csv (%s):\npage %q\ncli  %q", report.Name, stderr, report.Bytes, wantReport)
	}
	tab.CheckBehaved()
}

// sameErrorsFile downloads a#download-errors and holds it against what validate --errors-csv
// writes for the file, to a path named as name (.csv, or .xlsx for a workbook).
func sameErrorsFile(t *testing.T, tab *chromium.Tab, file, name string) {
	t.Helper()
	got := tab.Download(chromedp.Click(chromedp.CSS("a#download-errors")))
	path := filepath.Join(t.TempDir(), name)
	validate(t, "ja", file, "--errors-csv", path)
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(got.Name) != filepath.Ext(name) || !bytes.Equal(got.Bytes, want) {
		t.Errorf("the page's errors file %q differs from validate --errors-csv %s:\npage %q\ncli  %q", got.Name, name, got.Bytes, want)
	}
}

// sameVerdicts holds the rows the page shows, over all its pages, against the command line's
// report: the same lines, each with its public_id, status and problems.
func sameVerdicts(t *testing.T, tab *chromium.Tab, want map[string]report) {
	t.Helper()
	got := byLine(t, allRows(t, tab))
	for line, w := range want {
		if g, ok := got[line]; !ok {
			t.Errorf("line %s (%+v) is not shown", line, w)
		} else if g != w {
			t.Errorf("line %s is shown as\n%+v, validate says\n%+v", line, g, w)
		}
	}
	for line, g := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("line %s (%+v) is shown, and should not be", line, g)
		}
	}
}

// maxPages bounds the walk through a result's pages.
const maxPages = 50

// allRows reads table#rows on this page and each next one, and comes back to the first.
func allRows(t *testing.T, tab *chromium.Tab) []pageRow {
	t.Helper()
	first := chromium.Run(tab, chromedp.Location())
	shown := rows(tab)
	for page := 1; tab.Count("a#next-page") > 0; page++ {
		if page == maxPages {
			t.Fatalf("more than %d pages of rows", maxPages)
		}
		tab.Load(chromedp.Click(chromedp.CSS("a#next-page")))
		shown = append(shown, rows(tab)...)
	}
	if chromium.Run(tab, chromedp.Location()) != first {
		tab.Navigate(first)
	}
	return shown
}

// sameCounts holds #summary's counts against the command line's report.
func sameCounts(t *testing.T, tab *chromium.Tab, want map[string]report) {
	t.Helper()
	for _, status := range statuses {
		n := 0
		for _, r := range want {
			if r.status == status {
				n++
			}
		}
		if got := tab.Text("#count-" + status); got != strconv.Itoa(n) {
			t.Errorf("#count-%s shows %q, validate counts %d", status, got, n)
		}
	}
}
