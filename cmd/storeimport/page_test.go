package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/acme/storeimport/cli"
	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/supportpage"
)

// startPage serves the support page on loopback, as serve does with no database made yet and no
// platform: what validate does with a --db that is not there and no --endpoint.
func startPage(t *testing.T) string {
	t.Helper()
	page, err := supportpage.New(supportpage.Config{MaxUpload: 64 << 20, Checks: 2, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(page)
	t.Cleanup(func() {
		srv.Close()
		page.Close()
	})
	return srv.URL
}

// run is the command line, in this process.
func run(args ...string) (code int, stdout, stderr []byte) {
	var out, errs bytes.Buffer
	code = cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errs})
	return code, out.Bytes(), errs.Bytes()
}

// TestPageAgreesWithValidate checks every merchant's file with validate --format csv --errors-csv
// and with the page, in Japanese, and compares: the report byte for byte and row by row with the
// page's table and counts, the errors file byte for byte, a file error's message word for word.
func TestPageAgreesWithValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(merchantDir, "[a-z]*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no merchant files: %v", err)
	}
	url := startPage(t)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			dir := t.TempDir()
			errorsFile := filepath.Join(dir, "errors.csv")
			if importer.IsWorkbook(file) {
				errorsFile = filepath.Join(dir, "errors.xlsx")
			}
			code, report, stderr := run("validate", "--org", "org_1", "--lang", "ja", "--format", "csv",
				"--errors-csv", errorsFile, "--db", filepath.Join(dir, "none.db"), file)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			browser := pagetest.NewBrowser(t, url)
			resp, doc := browser.Upload(browser.CSRF(), "org_1", filepath.Base(file), data)
			if code == 2 {
				lines := strings.Split(strings.TrimSpace(string(stderr)), "\n")
				want := strings.TrimPrefix(lines[len(lines)-1], "storeimport: ")
				got := pagetest.ByID(doc, "file-error")
				if resp.StatusCode != http.StatusUnprocessableEntity || got == nil || !strings.HasSuffix(pagetest.Text(got), want) {
					t.Fatalf("validate refused the file with %q; the page: %s, #file-error %q", want, resp.Status, pagetest.TextOf(doc, "file-error"))
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("validate exited %d; the page: %s %q", code, resp.Status, pagetest.TextOf(doc, "file-error"))
			}
			result := resp.Request.URL.Path
			if _, got := browser.Download(result + "/report.csv"); !bytes.Equal(got, report) {
				t.Errorf("the page's report:\n%s\nvalidate's:\n%s", got, report)
			}
			compareRows(t, browser, result, report)
			compareWarnings(t, stderr, doc)
			link := pagetest.ByID(doc, "download-errors")
			want, err := os.ReadFile(errorsFile)
			if err != nil {
				t.Fatal(err)
			}
			if code == 0 {
				if link != nil {
					t.Errorf("no row is invalid, yet the page offers an errors file")
				}
				return
			}
			if link == nil {
				t.Fatalf("validate exited %d, and the page has no a#download-errors", code)
			}
			if _, got := browser.Download(pagetest.Attr(link, "href")); !bytes.Equal(got, want) {
				t.Errorf("the page's errors file differs from validate's: %d bytes, want %d", len(got), len(want))
			}
		})
	}
}

// compareRows goes through the result's pages and finds each row of validate's report there: its
// line, its status, and its problems, whose columns, cells and messages, put together as the
// report does, must be the report's error.
func compareRows(t *testing.T, browser *pagetest.Browser, result string, report []byte) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(report)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string][]map[string]string{}
	_, doc := browser.Get(result)
	counts := map[string]int{}
	for page := 1; ; page++ {
		for _, row := range pagetest.TableRows(doc) {
			shown[row["data-line"]] = append(shown[row["data-line"]], row)
		}
		next := pagetest.ByID(doc, "next-page")
		if next == nil || page > len(records)/100+1 {
			break
		}
		_, doc = browser.Get(pagetest.Attr(next, "href"))
	}
	_, doc = browser.Get(result)
	for _, record := range records[1:] {
		line, status, message := record[0], record[2], record[4]
		counts[status]++
		rows := shown[line]
		if len(rows) == 0 {
			t.Errorf("line %s (%s) is not on the page", line, status)
			continue
		}
		located := make([]string, len(rows))
		for i, row := range rows {
			if row["data-status"] != status {
				t.Errorf("line %s: validate says %s; the page %v", line, status, row)
			}
			located[i] = importer.Located(row["column"], row["cell"], row["message"])
		}
		if shownMessage := strings.Join(located, "; "); shownMessage != message {
			t.Errorf("line %s: validate says %q; the page shows %q: %v", line, message, shownMessage, rows)
		}
	}
	if len(shown) != len(records)-1 {
		t.Errorf("the page shows %d lines, validate reports %d", len(shown), len(records)-1)
	}
	for _, status := range []string{"would_create", "would_skip", "invalid"} {
		if got := pagetest.TextOf(doc, "count-"+status); got != fmt.Sprint(counts[status]) {
			t.Errorf("#count-%s: %q, validate reports %d", status, got, counts[status])
		}
	}
}

// logWarning is a warning of the command line's log (slog's text format) and its message.
var logWarning = regexp.MustCompile(`level=WARN msg=("(?:[^"\\]|\\.)*"|\S+)`)

// compareWarnings finds validate's warnings on the page, in the same order: each item of
// #warnings is read back as the importer.Warning it shows, whose English must be the log's and
// whose Japanese must be the item's text.
func compareWarnings(t *testing.T, stderr []byte, doc *html.Node) {
	t.Helper()
	var want []string
	for _, match := range logWarning.FindAllStringSubmatch(string(stderr), -1) {
		msg, err := strconv.Unquote(match[1])
		if err != nil {
			msg = match[1]
		}
		want = append(want, msg)
	}
	var got []string
	if list := pagetest.ByID(doc, "warnings"); list != nil {
		for _, li := range pagetest.FindAll(list, func(n *html.Node) bool { return n.Data == "li" }) {
			index, _ := strconv.Atoi(pagetest.Attr(li, "data-index"))
			shown := importer.Warning{Code: importer.WarningCode(pagetest.Attr(li, "data-code")), Column: pagetest.Attr(li, "data-column"), Index: index}
			if text := pagetest.Text(li); text != shown.Render(importer.LangJA) {
				t.Errorf("#warnings shows %q for %+v, which in Japanese is %q", text, shown, shown.Render(importer.LangJA))
			}
			got = append(got, shown.Render(importer.LangEN))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the page's warnings:\n%s\nvalidate's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPageTemplateIsTheCommandsTemplate downloads every template the page offers and compares it
// with storeimport template's.
func TestPageTemplateIsTheCommandsTemplate(t *testing.T) {
	browser := pagetest.NewBrowser(t, startPage(t))
	for _, lang := range []string{"ja", "en"} {
		for _, example := range []bool{false, true} {
			for _, form := range []struct{ format, encoding string }{{"csv", "utf8"}, {"csv", "sjis"}, {"xlsx", "utf8"}} {
				args := []string{"template", "--lang", lang, "--format", form.format}
				query := fmt.Sprintf("/template?lang=%s&encoding=%s&format=%s", lang, form.encoding, form.format)
				if form.format == "csv" {
					args = append(args, "--encoding", form.encoding)
				}
				if example {
					args = append(args, "--example")
					query += "&example=1"
				}
				code, want, stderr := run(args...)
				if code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, stderr)
				}
				resp, got := browser.Download(query)
				if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
					t.Errorf("%s: %s, %d bytes; storeimport %v: %d bytes", query, resp.Status, len(got), args, len(want))
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
					t.Errorf("%s: not an attachment: %q", query, resp.Header.Get("Content-Disposition"))
				}
			}
		}
	}
}
