package browser

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

// pageRow is a tr of table#rows: one problem of a line, or a valid line.
type pageRow struct {
	Line     string `json:"line"`
	Status   string `json:"status"`
	PublicID string `json:"publicID"`
	Column   string `json:"column"`
	Cell     string `json:"cell"`
	Message  string `json:"message"`
}

// rows reads table#rows as the page shows it now.
func rows(tab *chromium.Tab) []pageRow {
	return chromium.Run(tab, chromedp.Evaluate[[]pageRow](`[...document.querySelectorAll("table#rows tbody tr")].map(tr => {
		const cell = c => (tr.querySelector("td." + c)?.textContent ?? "").trim();
		return {line: tr.dataset.line ?? "", status: tr.dataset.status ?? "", publicID: cell("public-id"),
			column: cell("column"), cell: cell("cell"), message: cell("message")};
	})`))
}

// texts are the texts of the element that the CSS selector names and of each element in it: a
// message is one of them, whatever heading the page puts with it.
func texts(tab *chromium.Tab, selector string) []string {
	return chromium.Run(tab, chromedp.Evaluate[[]string](fmt.Sprintf(
		`[document.querySelector(%q), ...document.querySelectorAll(%q)].map(e => e.textContent.trim())`, selector, selector+" *")))
}

// byLine puts the page's rows of each line together as the command line's report does.
func byLine(t *testing.T, shown []pageRow) map[string]report {
	t.Helper()
	lines := make(map[string]report)
	for _, r := range shown {
		// Where the problem is, as the command line puts it before the message: the column, and
		// in a workbook the cell (td.cell, a column of its own on the page).
		where := r.Column
		switch {
		case r.Cell != "" && where != "":
			where += " (" + r.Cell + ")"
		case r.Cell != "":
			where = r.Cell
		}
		problem := r.Message
		if where != "" {
			problem = where + ": " + r.Message
		}
		got, seen := lines[r.Line]
		switch {
		case !seen:
			lines[r.Line] = report{publicID: r.PublicID, status: r.Status, errors: problem}
		case got.status != r.Status || got.publicID != r.PublicID:
			t.Errorf("line %s is shown as %q and as %+v", r.Line, got, r)
		default:
			got.errors += "; " + problem
			lines[r.Line] = got
		}
	}
	return lines
}

// check opens the page, picks the file in #file for the organization, sends it, and waits for
// the page that answers, which must come with the HTTP status given.
func check(t *testing.T, tab *chromium.Tab, pageURL, file string, status int64) {
	t.Helper()
	openCheck(t, tab, pageURL)
	tab.Upload("#file", file)
	answered(t, tab, file, status)
}

// checkDropped is check with the file dropped on #drop, as from the person's desktop.
func checkDropped(t *testing.T, tab *chromium.Tab, pageURL, file string, status int64) {
	t.Helper()
	openCheck(t, tab, pageURL)
	tab.DropFile("#drop", file)
	answered(t, tab, file, status)
}

// answered sends the check's form and waits for the answer's page.
func answered(t *testing.T, tab *chromium.Tab, file string, status int64) {
	t.Helper()
	if got := tab.Load(chromedp.Click(chromedp.CSS("#check-submit"))).Status; got != status {
		t.Fatalf("checking %s: HTTP %d, want %d", file, got, status)
	}
}

// openCheck opens the page and types the organization, unless serve's --org filled it.
func openCheck(t *testing.T, tab *chromium.Tab, pageURL string) {
	t.Helper()
	tab.Navigate(pageURL)
	if readOnly := chromium.Run(tab, chromedp.Evaluate[bool](`document.querySelector("#org").readOnly`)); !readOnly {
		tab.Do(chromedp.SetValue(chromedp.CSS("#org"), org))
	}
}

// japanese starts a browser whose person reads Japanese, as the page's users do.
func japanese(t *testing.T) *chromium.Tab {
	tab := chromium.Start(t)
	tab.AcceptLanguage("ja")
	return tab
}
