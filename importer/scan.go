package importer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Plan is what a first read of the whole file learns before anything is sent: that the file is
// readable CSV with the required columns (else nothing is sent at all), and which public_ids
// appear on more than one line (both lines are invalid, and neither may race the other).
type Plan struct {
	duplicates map[string][]int // public_id -> the lines it is on, for ids on more than one line
	Warnings   []string         // for example columns the tool does not know, which it ignores
}

// Scan reads the whole file once, before anything is sent or written. An error is a file-level
// problem: the run must not start.
func Scan(path, encoding string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	reader, err := NewReader(f, ReadOptions{Encoding: encoding})
	if err != nil {
		return nil, err
	}
	lines := map[string][]int{}
	for {
		row, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if id := row.Store.PublicID; id != "" {
			lines[id] = append(lines[id], row.Line)
		}
	}
	p := &Plan{duplicates: map[string][]int{}, Warnings: reader.Warnings()}
	for id, on := range lines {
		if len(on) > 1 {
			p.duplicates[id] = on
		}
	}
	return p, nil
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
