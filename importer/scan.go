package importer

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Plan is what a first read of the whole file learns before anything is sent: that the file is
// readable CSV with the required columns (else nothing is sent at all), how many rows it has, and
// which public_ids appear on more than one line (all their lines are invalid, so the same store
// can never race itself).
type Plan struct {
	Rows       int
	Warnings   []Warning          // the columns the tool does not know, which it ignores
	duplicates map[string]idLines // for ids on more than one line
	idHeader   string             // the public_id column's header as the file writes it
	idCell     int                // the public_id column's header cell
	header     []string           // the file's header as written, for the errors file
	encoding   string             // a CSV file's encoding, for the errors CSV
	sheet      string             // a workbook's sheet read; "" for a CSV
	strings    *sharedStrings     // a workbook's shared strings, for the rows to be read again
}

// Scan reads the whole file, before anything is sent or written. An error is a file-level
// problem: the run must not start. It only parses: the rules are checked as the rows are
// reported. Memory stays flat with the file's size: duplicates are found with a fixed-size
// filter, and only the ids it cannot clear are kept, then checked exactly, each with no more
// than a few of its lines and their count.
func Scan(path string, opts ReadOptions) (*Plan, error) {
	plan := &Plan{duplicates: map[string]idLines{}}
	seen := newIDFilter()
	suspects := map[string]bool{}
	reader, err := eachRow(path, opts, func(row *Row) {
		plan.Rows++
		if id := row.Store.PublicID; id != "" && seen.addSeenBefore(id) {
			suspects[id] = true
		}
	})
	if err != nil {
		return nil, err
	}
	plan.Warnings = reader.Warnings()
	plan.idHeader, plan.idCell = reader.ColumnHeader("public_id"), reader.idCell
	plan.header, plan.encoding, plan.sheet = reader.Header(), reader.Encoding(), reader.Sheet()
	plan.strings, opts.strings = reader.sharedStrings(), reader.sharedStrings()
	if len(suspects) == 0 {
		return plan, nil
	}
	// A second read settles the suspects exactly: the filter's false positives drop out.
	lines := map[string]idLines{}
	if _, err := eachRow(path, opts, func(row *Row) {
		if id := row.Store.PublicID; suspects[id] {
			on := lines[id]
			on.add(row.Line)
			lines[id] = on
		}
	}); err != nil {
		return nil, err
	}
	for id, on := range lines {
		if on.count > 1 {
			plan.duplicates[id] = on
		}
	}
	return plan, nil
}

// eachRow parses path and calls each for every record, with its values unchecked; it returns the
// reader, read to the end.
func eachRow(path string, opts ReadOptions, each func(*Row)) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	opts.IDsOnly = true
	reader, err := NewReader(f, opts)
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	err = readRows(reader, func(row *Row) error {
		each(row)
		return nil
	})
	return reader, err
}

// namedLines is how many of the other lines a row's public_id is on its message names; the rest
// are counted, so that an id on every line of a large file does not make every row list them all.
const namedLines = 3

// idLines are the lines one public_id is on: the first few, in file order, which are enough to
// name namedLines others for any of its rows, and how many there are in all.
type idLines struct {
	first [namedLines + 1]int
	count int
}

func (on *idLines) add(line int) {
	if on.count < len(on.first) {
		on.first[on.count] = line
	}
	on.count++
}

// duplicated says that the public_id is on more than one line.
func (p *Plan) duplicated(publicID string) bool {
	_, dup := p.duplicates[publicID]
	return dup
}

// duplicate is the problem of a row whose public_id is on other lines too, naming up to
// namedLines of them; false when it is on no other.
func (p *Plan) duplicate(row *Row) (Problem, bool) {
	on, repeated := p.duplicates[row.Store.PublicID]
	if !repeated {
		return Problem{}, false
	}
	var named []int
	for _, l := range on.first[:min(on.count, len(on.first))] {
		if l != row.Line && len(named) < namedLines {
			named = append(named, l)
		}
	}
	dup := Problem{Column: p.idHeader, Code: CodeDuplicate, Value: row.Store.PublicID, Lines: named, Count: on.count - 1}
	if p.sheet != "" {
		dup.Cell = cellName(p.idCell, row.Line)
	}
	return dup, true
}

// otherLines names, in lang, the lines a repeated public_id is also on, and counts those not named.
func (p Problem) otherLines(lang string) string {
	named := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		named[i] = strconv.Itoa(l)
	}
	lines, more := strings.Join(named, ", "), p.Count-len(p.Lines)
	switch {
	case more > 0:
		return msgOtherLinesAndMore.in(lang, lines, thousands(more))
	case len(named) == 1:
		return msgOtherLine.in(lang, lines)
	}
	return msgOtherLines.in(lang, lines)
}

// thousands writes a count with comma separators, as both languages of the report write them.
func thousands(n int) string {
	if n < 1000 {
		return strconv.Itoa(n)
	}
	return thousands(n/1000) + fmt.Sprintf(",%03d", n%1000)
}
