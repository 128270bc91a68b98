package importer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/acme/storeimport/internal/flushwriter"
)

// Result is one row of the report.
type Result struct {
	Line     int // the file line where the record starts; the header is line 1
	PublicID string
	Status   Status
	ShopID   string // empty when no platform shop is linked to the row
	Error    string // empty when the row was created or skipped
	Row      *Row   // the record as read, for the errors CSV
}

// Summary is the run as a whole.
type Summary struct {
	OrganizationID string
	DryRun         bool
	Counts         map[Status]int
	Rows           int
	StopReason     string    // why the run stopped early; empty when every row was tried
	Warnings       []Warning // the file's columns that were not read
	// Earlier are rows of earlier runs that this run's recovery could not settle and that are not
	// in this file: they need attention all the same.
	Earlier []Result
}

// Count is how many rows ended with status.
func (s *Summary) Count(status Status) int {
	n := s.Counts[status]
	for _, earlier := range s.Earlier {
		if earlier.Status == status {
			n++
		}
	}
	return n
}

// Line is the one-line summary people quote: "29 rows: 25 created, 3 invalid, 1 failed".
func (s *Summary) Line() string {
	var parts []string
	for _, status := range Statuses {
		if n := s.Count(status); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, status))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to do")
	}
	line := fmt.Sprintf("%d rows: %s", s.Rows+len(s.Earlier), strings.Join(parts, ", "))
	if len(s.Earlier) > 0 {
		line += fmt.Sprintf(" (%d of them from earlier runs)", len(s.Earlier))
	}
	return line
}

// Reporter writes the per-row report as rows finish, so a long run's report never has to be held
// in memory, then closes it with the summary.
type Reporter interface {
	Row(Result) error
	Close(*Summary) error
}

// Formats are the report formats --format accepts.
var Formats = []string{"table", "json", "csv"}

// reportDelay is the longest a row waits in a report's buffer: too short for a person watching a
// slow import to see a row later than unbuffered, long enough for a fast run to write its rows a
// buffer at a time instead of a system call each.
const reportDelay = 100 * time.Millisecond

// NewReporter returns a reporter writing format to w. Its rows are buffered: each reaches w within
// reportDelay, and the report is whole once Close returns.
func NewReporter(w io.Writer, format, organizationID string, dryRun bool) (Reporter, error) {
	out := output{w: flushwriter.New(w, reportDelay)}
	switch format {
	case "table":
		return &tableReport{output: out}, nil
	case "json":
		return &jsonReport{output: out, organizationID: organizationID, dryRun: dryRun}, nil
	case "csv":
		return newCSVReport(out), nil
	}
	return nil, fmt.Errorf("unknown report format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// output is a report's buffered stream.
type output struct {
	w   *flushwriter.Writer
	err error // the first failed write: the report writes nothing after it
}

func (o *output) write(p []byte) {
	if o.err == nil {
		_, o.err = o.w.Write(p)
	}
}

func (o *output) printf(format string, args ...any) {
	if o.err == nil {
		_, o.err = fmt.Fprintf(o.w, format, args...)
	}
}

// Flush writes out the rows buffered so far, so that whatever the caller prints next (the
// progress's last line) comes after them.
func (o *output) Flush() error {
	if o.err == nil {
		o.err = o.w.Flush()
	}
	return o.err
}

// close writes out the rest of the report.
func (o *output) close() error {
	if err := o.w.Close(); o.err == nil {
		o.err = err
	}
	return o.err
}

// tableReport is for people: fixed columns, so it can be printed while the run goes on.
type tableReport struct {
	output
	started bool
	line    []byte // reused from row to row
}

// tableWidths are the widths in characters of the table's columns but the last, which runs to the
// end of the line.
var tableWidths = [...]int{6, 24, 16, 14}

type tableCells [len(tableWidths) + 1]string

var tableHeader = tableCells{"LINE", "PUBLIC_ID", "STATUS", "SHOP_ID", "ERROR"}

func (t *tableReport) Row(r Result) error {
	if !t.started {
		t.cells(tableHeader)
		t.started = true
	}
	t.row(r)
	return t.err
}

func (t *tableReport) Close(s *Summary) error {
	if len(s.Earlier) > 0 {
		t.printf("rows of earlier runs, not in this file, that still need attention:\n")
		for _, r := range s.Earlier {
			t.row(r)
		}
	}
	if s.StopReason != "" {
		t.printf("stopped early: %s\n", s.StopReason)
	}
	t.printf("%s\n", s.Line())
	return t.close()
}

// row shows the public_id the merchant wrote, which an invalid row can fill with anything.
func (t *tableReport) row(r Result) {
	// The shop id and the platform's words in an error come from the platform: quoted like the
	// merchant's text, so that neither can drive the terminal.
	t.cells(tableCells{strconv.Itoa(r.Line), QuoteIfControl(r.PublicID), string(r.Status), orDash(QuoteIfControl(r.ShopID)), QuoteIfControl(r.Error)})
}

// cells writes one line of the table: each cell but the last padded with spaces to its column's
// width, then one space; a cell wider than its column is not cut, and pushes the rest along.
func (t *tableReport) cells(cells tableCells) {
	b := t.line[:0]
	for i, width := range tableWidths {
		b = append(b, cells[i]...)
		for n := utf8.RuneCountInString(cells[i]); n < width; n++ {
			b = append(b, ' ')
		}
		b = append(b, ' ')
	}
	b = append(append(b, cells[len(tableWidths)]...), '\n')
	t.line = b
	t.write(b)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jsonReport writes the spec's JSON document, streaming the rows array.
type jsonReport struct {
	output
	organizationID string
	dryRun         bool
	rows           int
	line           []byte // reused from row to row
}

func (j *jsonReport) Row(r Result) error {
	if j.rows == 0 {
		j.writeHead()
	}
	j.rows++
	sep := ",\n  "
	if j.rows == 1 {
		sep = "\n  "
	}
	j.line = appendJSONRow(append(j.line[:0], sep...), r)
	j.write(j.line)
	return j.err
}

func (j *jsonReport) writeHead() {
	org, _ := json.Marshal(j.organizationID)
	j.printf(`{"organization_id": %s, "dry_run": %t, "rows": [`, org, j.dryRun)
}

func (j *jsonReport) Close(s *Summary) error {
	if j.rows == 0 {
		j.writeHead()
	}
	counts := map[Status]int{}
	for _, status := range Statuses {
		if n := s.Count(status); n > 0 {
			counts[status] = n
		}
	}
	summary, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	tail := "\n], "
	if j.rows == 0 {
		tail = "], "
	}
	j.write([]byte(tail))
	if len(s.Earlier) > 0 {
		earlier := append(j.line[:0], `"earlier_runs": [`...)
		for i, r := range s.Earlier {
			if i > 0 {
				earlier = append(earlier, ',')
			}
			earlier = appendJSONRow(earlier, r)
		}
		j.write(append(earlier, "], "...))
	}
	j.printf(`"summary": %s`, summary)
	if s.StopReason != "" {
		reason, _ := json.Marshal(s.StopReason)
		j.printf(`, "stop_reason": %s`, reason)
	}
	j.printf("}\n")
	return j.close()
}

// appendJSONRow appends r as an object of the rows array, written as encoding/json would write
// it: compact, its fields in this order, an empty shop_id or error as null.
func appendJSONRow(b []byte, r Result) []byte {
	b = strconv.AppendInt(append(b, `{"line":`...), int64(r.Line), 10)
	b = appendJSONString(append(b, `,"public_id":`...), r.PublicID)
	b = appendJSONString(append(b, `,"status":`...), string(r.Status))
	b = appendJSONNullable(append(b, `,"shop_id":`...), r.ShopID)
	b = appendJSONNullable(append(b, `,"error":`...), r.Error)
	return append(b, '}')
}

// appendJSONString appends s as encoding/json writes a string. Printable ASCII that it does not
// escape (as it escapes <, > and & for HTML) is written between quotes as it is, without the
// cost of a Marshal; any other text is left to Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			quoted, _ := json.Marshal(s) // a string always has a JSON form
			return append(b, quoted...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

func appendJSONNullable(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

// csvReport has the spec's columns line,public_id,status,shop_id,error and no summary.
type csvReport struct {
	output
	csv    *csv.Writer
	record [5]string // reused from row to row
}

func newCSVReport(out output) *csvReport {
	c := &csvReport{output: out, csv: csv.NewWriter(out.w)}
	c.csv.Write([]string{"line", "public_id", "status", "shop_id", "error"})
	return c
}

func (c *csvReport) Row(r Result) error {
	c.record = [...]string{strconv.Itoa(r.Line), EscapeFormula(r.PublicID), string(r.Status), EscapeFormula(r.ShopID), EscapeFormula(r.Error)}
	c.csv.Write(c.record[:])
	// Into the report's buffer, which writes it within reportDelay: the csv writer's own would
	// hold it until 4 KiB of rows came after.
	c.csv.Flush()
	return c.csv.Error() // a failed write of the buffer so far, so that a closed stdout stops the run
}

// Close ends the report. The rows of earlier runs are not in it: the format has one record per
// row of this file; the other formats and the logs name them.
func (c *csvReport) Close(*Summary) error {
	c.csv.Flush()
	if err := c.csv.Error(); c.err == nil {
		c.err = err
	}
	return c.close()
}
