package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math"
)

// source hands the Reader a file's records one at a time, so that checking, decoding and reading
// ahead are the same whatever the file is: a CSV file (csvSource) or a workbook's sheet.
type source interface {
	// header returns the first record that has a non-empty cell, and where it is.
	header() ([]string, int, error)
	// next returns the next record that has a non-empty cell. An error ends the file: io.EOF,
	// or a *FileError when the rest of it cannot be read.
	next() (parsed, error)
	// limitCells makes a record of more than n cells a file error, refused before its cells are
	// made, once the header says what n is.
	limitCells(n int)
}

// csvSource parses a CSV file, already decoded to UTF-8.
type csvSource struct {
	csv  *csv.Reader
	feed *lineFeeder
}

func newCSVSource(src *bufio.Reader) *csvSource {
	// Until the header is read, it may have an errors CSV's error column besides maxRowCells.
	feed := &lineFeeder{src: src, maxCells: maxRowCells + 1}
	cr := csv.NewReader(feed)
	cr.FieldsPerRecord = -1 // a ragged record is a problem of its row, not the end of the file
	return &csvSource{csv: cr, feed: feed}
}

func (s *csvSource) limitCells(n int) { s.feed.maxCells = n }

// header reads the header line: a quote out of place there is a file error, since no row can be
// matched to its columns.
func (s *csvSource) header() ([]string, int, error) {
	cells, line, err := s.read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, 0, &FileError{Code: FileEmpty}
	case err != nil:
		if ferr := s.fatal(err); ferr != nil {
			return nil, 0, ferr
		}
		var pe *csv.ParseError
		errors.As(err, &pe)
		return nil, 0, &FileError{Code: FileBadHeader, Line: pe.StartLine, Err: err}
	}
	return cells, line, nil
}

// next parses one record.
func (s *csvSource) next() (parsed, error) {
	cells, line, err := s.read()
	var structural []Problem
	if err != nil {
		if ferr := s.fatal(err); ferr != nil {
			return parsed{}, ferr
		}
		// The parser stopped at a quote on this record's last line and goes on with the next line,
		// so only this record is lost; its cells are recovered with a forgiving parse.
		var pe *csv.ParseError
		errors.As(err, &pe)
		cells, line, structural = s.feed.lenientCells(), pe.StartLine, []Problem{{Code: CodeStrayQuote}}
	}
	return parsed{line: line, cells: cells, structural: structural}, nil
}

// read returns the next record that has a non-empty cell, and the line it starts on.
func (s *csvSource) read() ([]string, int, error) {
	for {
		s.feed.startRecord()
		cells, err := s.csv.Read()
		if err != nil {
			return nil, 0, err
		}
		if !blank(cells) {
			line, _ := s.csv.FieldPos(0)
			return cells, line, nil
		}
	}
}

// fatal turns an error of the parser into the error that ends reading, io.EOF or a *FileError,
// or nil when only the record is lost: a quote out of place on the record's last line, after
// which the parser goes on at the next line.
func (s *csvSource) fatal(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	if line := s.feed.openQuote(math.MaxInt); line > 0 {
		return &FileError{Code: FileUnclosedQuote, Line: line, Err: err}
	}
	if errors.Is(err, errRecordTooLong) {
		return &FileError{Code: FileRecordTooLong, Line: s.feed.recordLine()}
	}
	if errors.Is(err, errTooManyCells) {
		return &FileError{Code: FileTooManyCells, Line: s.feed.recordLine()}
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &FileError{Code: FileRead, Err: err}
	}
	// A quoted cell that spans lines and is followed by more than a comma was most likely
	// opened by mistake, and then its closing quote belongs to a later cell: the lines in
	// between are misread, so the file cannot be trusted from here on.
	if line := s.feed.openQuote(pe.Line); line > 0 {
		return &FileError{Code: FileUnclosedQuote, Line: line, Err: err}
	}
	return nil
}
