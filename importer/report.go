package importer

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	StopReason     string // why the run stopped early; empty when every row was tried
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

// NewReporter returns a reporter writing format to w.
func NewReporter(w io.Writer, format, organizationID string, dryRun bool) (Reporter, error) {
	switch format {
	case "table":
		return &tableReport{w: w}, nil
	case "json":
		return &jsonReport{w: w, organizationID: organizationID, dryRun: dryRun}, nil
	case "csv":
		return newCSVReport(w), nil
	}
	return nil, fmt.Errorf("unknown report format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// tableReport is for people: fixed columns, so it can be printed while the run goes on.
type tableReport struct {
	w       io.Writer
	started bool
	err     error
}

const tableRow = "%-6v %-24s %-16s %-14s %s\n"

func (t *tableReport) Row(r Result) error {
	if !t.started {
		t.printf(tableRow, "LINE", "PUBLIC_ID", "STATUS", "SHOP_ID", "ERROR")
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
	return t.err
}

// row shows the public_id the merchant wrote, which an invalid row can fill with anything.
func (t *tableReport) row(r Result) {
	// The shop id and the platform's words in an error come from the platform: quoted like the
	// merchant's text, so that neither can drive the terminal.
	t.printf(tableRow, r.Line, QuoteIfControl(r.PublicID), r.Status, orDash(QuoteIfControl(r.ShopID)), QuoteIfControl(r.Error))
}

func (t *tableReport) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jsonReport writes the spec's JSON document, streaming the rows array.
type jsonReport struct {
	w              io.Writer
	organizationID string
	dryRun         bool
	rows           int
	err            error
}

type jsonRow struct {
	Line     int     `json:"line"`
	PublicID string  `json:"public_id"`
	Status   Status  `json:"status"`
	ShopID   *string `json:"shop_id"`
	Error    *string `json:"error"`
}

func (j *jsonReport) Row(r Result) error {
	if j.rows == 0 {
		j.writeHead()
	}
	j.rows++
	row, err := json.Marshal(toJSONRow(r))
	if err != nil {
		return err
	}
	sep := ",\n  "
	if j.rows == 1 {
		sep = "\n  "
	}
	j.write(sep + string(row))
	return j.err
}

func (j *jsonReport) writeHead() {
	org, _ := json.Marshal(j.organizationID)
	j.write(fmt.Sprintf(`{"organization_id": %s, "dry_run": %t, "rows": [`, org, j.dryRun))
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
	j.write(tail)
	if len(s.Earlier) > 0 {
		earlier := make([]jsonRow, len(s.Earlier))
		for i, r := range s.Earlier {
			earlier[i] = toJSONRow(r)
		}
		rows, err := json.Marshal(earlier)
		if err != nil {
			return err
		}
		j.write(`"earlier_runs": ` + string(rows) + ", ")
	}
	j.write(`"summary": ` + string(summary))
	if s.StopReason != "" {
		reason, _ := json.Marshal(s.StopReason)
		j.write(`, "stop_reason": ` + string(reason))
	}
	j.write("}\n")
	return j.err
}

func (j *jsonReport) write(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

func toJSONRow(r Result) jsonRow {
	return jsonRow{Line: r.Line, PublicID: r.PublicID, Status: r.Status, ShopID: nullable(r.ShopID), Error: nullable(r.Error)}
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// csvReport has the spec's columns line,public_id,status,shop_id,error and no summary.
type csvReport struct {
	w *csv.Writer
}

func newCSVReport(w io.Writer) *csvReport {
	c := &csvReport{w: csv.NewWriter(w)}
	c.w.Write([]string{"line", "public_id", "status", "shop_id", "error"})
	return c
}

func (c *csvReport) Row(r Result) error {
	c.w.Write([]string{
		strconv.Itoa(r.Line), EscapeFormula(r.PublicID), string(r.Status), EscapeFormula(r.ShopID), EscapeFormula(r.Error),
	})
	return c.w.Error() // a failed write of the buffer so far, so that a closed stdout stops the run
}

// Close ends the report. The rows of earlier runs are not in it: the format has one record per
// row of this file; the other formats and the logs name them.
func (c *csvReport) Close(*Summary) error {
	c.w.Flush()
	return c.w.Error()
}
