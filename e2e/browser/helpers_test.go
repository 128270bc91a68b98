package browser

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

const org = "org_browser"

// merchant is where the merchants' files the tests upload are.
const merchant = "../../testdata/merchant/"

// startTimeout bounds how long serve may take to print its URL, and to stop when asked.
const startTimeout = 15 * time.Second

// urlPattern finds the page's URL in the line serve prints once it listens.
var urlPattern = regexp.MustCompile(`http://[^ ]+/`)

// serve runs `storeimport serve` on a free loopback port with a database path of its own (which
// it must not create) and the flags given, and returns the page's URL. It is stopped with SIGINT
// when the test ends, and must then exit 0.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "stores.db")
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	endsWithTheTests(cmd)
	// A file, which exec's goroutine writes and a failure reads, with no lock to share.
	stderr, err := os.Create(filepath.Join(t.TempDir(), "serve.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if u := urlPattern.FindString(lines.Text()); u != "" {
				found <- u
				break
			}
		}
		// Whatever else serve prints is read, so that it never blocks on a full pipe.
		for lines.Scan() {
		}
		exited <- cmd.Wait()
	}()
	select {
	case u := <-found:
		t.Cleanup(func() {
			stop(t, cmd, exited, stderr.Name())
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("serve made the database %s, which did not exist (%v): a check only reads it", db, err)
			}
		})
		return u
	case err := <-exited:
		t.Fatalf("storeimport serve %q exited before printing its URL (%v); it said:\n%s", args, err, said(stderr.Name()))
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("storeimport serve %q printed no URL within %v; it said:\n%s", args, startTimeout, said(stderr.Name()))
	}
	return ""
}

// stop asks serve to stop as Ctrl-C does: it finishes what it is doing and exits 0.
func stop(t *testing.T, cmd *exec.Cmd, exited chan error, stderr string) {
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("storeimport serve ended with %v on SIGINT, want exit 0; it said:\n%s", err, said(stderr))
		}
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exited
		t.Errorf("storeimport serve did not stop within %v of SIGINT", startTimeout)
	}
}

// said is what serve wrote to its stderr.
func said(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// cli runs storeimport with the arguments and returns its stdout, stderr and exit code.
func cli(t *testing.T, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("storeimport %q: %v", args, err)
	}
	return out.Bytes(), errOut.Bytes(), code
}

// validate is the command line's verdict on a file: `validate --format csv` offline, in lang,
// with the extra flags given. Its lines are keyed by line number.
func validate(t *testing.T, lang, file string, extra ...string) map[string]report {
	t.Helper()
	args := validateArgs(t, lang, file, extra...)
	out, stderr, code := cli(t, args...)
	if code > 1 {
		t.Fatalf("storeimport %q: exit %d: %s", args, code, stderr)
	}
	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(records) < 1 || strings.Join(records[0], ",") != "line,public_id,status,shop_id,error" {
		t.Fatalf("validate --format csv printed no report (%v):\n%s", err, out)
	}
	byLine := make(map[string]report)
	for _, r := range records[1:] {
		byLine[r[0]] = report{publicID: r[1], status: r[2], errors: r[4]}
	}
	return byLine
}

// validateArgs are the arguments of an offline `validate --format csv` of the file, in lang.
func validateArgs(t *testing.T, lang, file string, extra ...string) []string {
	args := append([]string{"validate", "--lang", lang, "--format", "csv", "--org", org,
		"--db", filepath.Join(t.TempDir(), "none.db")}, extra...)
	return append(args, file)
}

// refusal is the message with which the command line refuses to check the file at all (exit 2:
// a file it cannot read, an organization the platform does not know), in lang; the extra flags
// come after validate's own, and so win over them.
func refusal(t *testing.T, lang, file string, extra ...string) string {
	t.Helper()
	args := append([]string{"validate", "--lang", lang, "--org", org,
		"--db", filepath.Join(t.TempDir(), "none.db")}, extra...)
	_, stderr, code := cli(t, append(args, file)...)
	msg, ok := strings.CutPrefix(strings.TrimSpace(string(stderr)), "storeimport: ")
	if code != 2 || !ok || strings.Contains(msg, "\n") {
		t.Fatalf("storeimport %q: exit %d, stderr %q, want exit 2 and one line of error", args, code, stderr)
	}
	return msg
}

// report is one row of the command line's report, or the page's rows of one line put together
// the same way: its problems rendered "column: message" and joined with "; ".
type report struct {
	publicID, status, errors string
}

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

// tempFile writes a file of the test's own and returns its path.
func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// japanese starts a browser whose person reads Japanese, as the page's users do.
func japanese(t *testing.T) *chromium.Tab {
	tab := chromium.Start(t)
	tab.AcceptLanguage("ja")
	return tab
}

// behaved fails the test when a page opened a dialog, wrote an error to the console (a violation
// of the Content-Security-Policy among them), or asked for anything beyond loopback: the page
// must work with no internet.
func behaved(t *testing.T, tab *chromium.Tab) {
	t.Helper()
	if d := tab.Dialogs(); len(d) > 0 {
		t.Errorf("the page opened dialogs: %q", d)
	}
	if p := tab.Problems(); len(p) > 0 {
		t.Errorf("the page wrote errors to the console: %q", p)
	}
	if e := tab.Elsewhere(); len(e) > 0 {
		t.Errorf("the page asked for things beyond loopback: %q", e)
	}
}
