package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
)

// lineFeeder hands the CSV parser at most one line per Read. The parser then never holds more
// than the line it is on, so the feeder knows the current record's text: to name the line where
// a quote was opened, to re-read a malformed record, and to stop a record that would grow past
// maxRecordBytes, as one whose quote is never closed would, up to the whole file, or past
// maxCells cells, before the parser makes a string of each.
type lineFeeder struct {
	src      *bufio.Reader
	pending  []byte    // the rest of the line being handed out
	err      error     // what src said after pending
	lines    int       // line breaks handed out
	record   []byte    // what was handed out since startRecord: blank lines, then the record
	first    int       // the line record starts on
	maxCells int       // past it, the record ends in errTooManyCells
	cells    cellCount // of the record
}

func (f *lineFeeder) startRecord() {
	f.record = f.record[:0]
	f.first = f.lines + 1
	f.cells = cellCount{quoteOpens: true}
}

func (f *lineFeeder) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.pending, f.err = f.src.ReadSlice('\n')
		if errors.Is(f.err, bufio.ErrBufferFull) {
			f.err = nil // a long line: the rest comes with the next slice
		}
		if len(f.pending) == 0 {
			return 0, f.err
		}
	}
	if len(f.record)+len(f.pending) > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n := copy(p, f.pending)
	if f.cells.add(p[:n]) >= f.maxCells {
		return 0, errTooManyCells
	}
	f.pending = f.pending[n:]
	f.record = append(f.record, p[:n]...)
	f.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, nil
}

// openQuote scans the record's text as CSV and returns the line on which a quoted cell was
// opened that is still open where line stop begins (or at the end of the text), or 0.
func (f *lineFeeder) openQuote(stop int) int {
	text, line, opened, cellStart := f.record, f.first, 0, true
	for i := 0; i < len(text) && line < stop; i++ {
		c := text[i]
		switch {
		case opened > 0 && c == '"' && i+1 < len(text) && text[i+1] == '"':
			i++ // a doubled quote inside a quoted cell
		case opened > 0 && c == '"':
			opened = 0
		case opened == 0 && c == '"' && cellStart:
			opened = line
		}
		cellStart = opened == 0 && (c == ',' || c == '\n')
		if c == '\n' {
			line++
		}
	}
	return opened
}

// recordLine is the line the record starts on, past the blank lines the parser skipped.
func (f *lineFeeder) recordLine() int {
	line, text := f.first, f.record
	for {
		rest, ok := bytes.CutPrefix(text, []byte("\n"))
		if !ok {
			rest, ok = bytes.CutPrefix(text, []byte("\r\n"))
		}
		if !ok {
			return line
		}
		text, line = rest, line+1
	}
}

// lenientCells re-reads the record the parser rejected, taking stray quotes as text, so that the
// errors CSV gives the merchant back everything that was on the line.
func (f *lineFeeder) lenientCells() []string {
	lr := csv.NewReader(bytes.NewReader(f.record))
	lr.LazyQuotes = true
	lr.FieldsPerRecord = -1
	cells, err := lr.Read()
	if err != nil {
		return nil
	}
	return cells
}

// cellCount follows the separators of a record's text as the CSV parser reads it, outside quoted
// cells, without making the cells.
type cellCount struct {
	separators int
	quoted     bool // inside a quoted cell
	quoteOpens bool // a quote here opens a quoted cell, or (after one is closed) is a doubled quote
}

// add counts the separators in the next text of the record and returns how many there are so far.
func (c *cellCount) add(text []byte) int {
	if !c.quoted && bytes.IndexByte(text, '"') < 0 {
		c.separators += bytes.Count(text, []byte{','})
		if len(text) > 0 {
			last := text[len(text)-1]
			c.quoteOpens = last == ',' || last == '\n'
		}
		return c.separators
	}
	for _, b := range text {
		switch {
		case c.quoted:
			c.quoted = b != '"'
			c.quoteOpens = !c.quoted
		case b == '"':
			c.quoted, c.quoteOpens = c.quoteOpens, false
		default:
			if b == ',' {
				c.separators++
			}
			c.quoteOpens = b == ',' || b == '\n'
		}
	}
	return c.separators
}
