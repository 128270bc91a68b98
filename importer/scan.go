package importer

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Plan is what a first read of the whole file learns before anything is sent: that the file is
// readable CSV with the required columns (else nothing is sent at all), how many rows it has, and
// which public_ids appear on more than one line (all their lines are invalid, so the same store
// can never race itself).
type Plan struct {
	Rows       int
	Warnings   []string         // for example columns the tool does not know, which it ignores
	duplicates map[string][]int // public_id -> the lines it is on, for ids on more than one line
	idHeader   string           // the public_id column's header as the file writes it
	header     []string         // the file's header as written, for the errors CSV
	encoding   string           // the file's encoding, for the errors CSV
}

// Scan reads the whole file, before anything is sent or written. An error is a file-level
// problem: the run must not start. It only parses: the rules are checked as the rows are
// reported. Memory stays flat with the file's size: duplicates are found with a fixed-size
// filter, and only the ids it cannot clear are kept, then checked exactly.
func Scan(path, encoding string) (*Plan, error) {
	plan := &Plan{duplicates: map[string][]int{}}
	seen := newIDFilter()
	suspects := map[string]bool{}
	reader, err := eachRow(path, encoding, func(row *Row) {
		plan.Rows++
		if id := row.Store.PublicID; id != "" && seen.addSeenBefore(id) {
			suspects[id] = true
		}
	})
	if err != nil {
		return nil, err
	}
	plan.Warnings = reader.Warnings()
	plan.idHeader = reader.ColumnHeader("public_id")
	plan.header, plan.encoding = reader.Header(), reader.Encoding()
	if len(suspects) == 0 {
		return plan, nil
	}
	// A second read settles the suspects exactly: the filter's false positives drop out.
	lines := map[string][]int{}
	if _, err := eachRow(path, encoding, func(row *Row) {
		if id := row.Store.PublicID; suspects[id] {
			lines[id] = append(lines[id], row.Line)
		}
	}); err != nil {
		return nil, err
	}
	for id, on := range lines {
		if len(on) > 1 {
			plan.duplicates[id] = on
		}
	}
	return plan, nil
}

// eachRow parses path and calls each for every record, with its values unchecked; it returns the
// reader, read to the end.
func eachRow(path, encoding string, each func(*Row)) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	reader, err := NewReader(f, ReadOptions{Encoding: encoding, IDsOnly: true})
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

// duplicateOf says, for a row whose public_id is on several lines, which lines; "" otherwise.
func (p *Plan) duplicateOf(publicID string) string {
	on, dup := p.duplicates[publicID]
	if !dup {
		return ""
	}
	lines := make([]string, len(on))
	for i, line := range slices.Sorted(slices.Values(on)) {
		lines[i] = strconv.Itoa(line)
	}
	return strings.Join(lines, ", ")
}
