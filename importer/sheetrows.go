package importer

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxSheetRows is as many rows as a spreadsheet has (Excel's last is 1,048,576); a row numbered
// past it was not written by one.
const maxSheetRows = 1 << 20

// sheetRows is a workbook's sheet as the Reader's records: each row that has a cell with text,
// its cells as the spreadsheet shows them, and what each holds. The sheet's XML is read as it is
// inflated, a row at a time, so that a large sheet takes no more memory than its longest row.
type sheetRows struct {
	name     string // on the sheet's tab
	dec      *xmlTokens
	strings  *sharedStrings
	formats  *numberFormats
	last     int // the number of the row read last
	maxCells int
}

// rows starts reading sheet s.
func (wb *workbook) rows(s sheetPart, strs *sharedStrings, formats *numberFormats) (*sheetRows, error) {
	part, err := wb.open(s.path)
	if err != nil {
		return nil, err
	}
	// Inflating stops with the Reader, which nothing waits on: the part is left to the collector.
	return &sheetRows{name: s.name, dec: newXMLTokens(part), strings: strs, formats: formats, maxCells: maxRowCells + 1}, nil
}

// startsWithStores says whether sheet s's first row with text is a header of stores.
func (wb *workbook) startsWithStores(s sheetPart, strs *sharedStrings, formats *numberFormats) (bool, error) {
	rows, err := wb.rows(s, strs, formats)
	if err != nil {
		return false, err
	}
	first, err := rows.next()
	switch {
	case errors.Is(err, io.EOF):
		return false, nil
	case err != nil:
		return false, err
	}
	return len(missingColumns(first.cells)) == 0, nil
}

func (s *sheetRows) limitCells(n int) { s.maxCells = n }

func (s *sheetRows) header() ([]string, int, error) {
	row, err := s.next()
	if errors.Is(err, io.EOF) {
		return nil, 0, &FileError{Code: FileEmpty}
	}
	return row.cells, row.line, err
}

// next returns the next row that has a cell with text; io.EOF after the last.
func (s *sheetRows) next() (parsed, error) {
	for {
		if err := s.nextRow(); err != nil {
			return parsed{}, err
		}
		row, err := s.readRow()
		if err != nil {
			return parsed{}, err
		}
		if !blank(row.cells) {
			return row, nil
		}
	}
}

// nextRow reads up to the start of the next row.
func (s *sheetRows) nextRow() error {
	for {
		tok, err := s.dec.next()
		switch {
		case errors.Is(err, io.EOF):
			return io.EOF
		case err != nil:
			return damaged(err)
		}
		switch {
		case tok == startTag && s.dec.name == "row":
			return nil
		case tok == endTag && s.dec.name == "sheetData":
			return io.EOF
		}
	}
}

// readRow reads the row just started, up to its end. Its cells together may take
// maxRecordBytes, and reach column maxCells, as a CSV's record may.
func (s *sheetRows) readRow() (parsed, error) {
	line, err := s.rowNumber(s.dec.attr("r"))
	if err != nil {
		return parsed{}, err
	}
	row := parsed{line: line}
	budget, col := maxRecordBytes, 0
	for {
		tok, err := s.dec.next()
		if err != nil {
			return parsed{}, rowError(unexpectedEOF(err), line)
		}
		switch {
		case tok == startTag && s.dec.name == "c":
			switch col = cellColumn(s.dec.attr("r"), col); {
			case col < 1:
				return parsed{}, rowError(fmt.Errorf("cell reference %q", s.dec.attr("r")), line)
			case col > s.maxCells:
				return parsed{}, &FileError{Code: FileTooManyCells, Line: line}
			}
			text, kind, err := s.readCell(&budget)
			if err != nil {
				return parsed{}, rowError(err, line)
			}
			row.put(col, text, kind)
		case tok == endTag && s.dec.name == "row":
			return row, nil
		}
	}
}

// rowNumber is the row's r, or the number after the last row's where it has none, as a cell's
// column is. Rows come in order, within the rows a spreadsheet has.
func (s *sheetRows) rowNumber(r []byte) (int, error) {
	n := s.last + 1
	if len(r) > 0 {
		var err error
		if n, err = strconv.Atoi(string(r)); err != nil {
			return 0, damaged(fmt.Errorf("row number %q: %w", r, err))
		}
	}
	if n <= s.last || n > maxSheetRows {
		return 0, damaged(fmt.Errorf("row %d after row %d, in a sheet of %d rows", n, s.last, maxSheetRows))
	}
	s.last = n
	return n, nil
}

// rowError is the file error that err, met in row line, ends reading with: a row too long, or
// damage, said to be there.
func rowError(err error, line int) error {
	if errors.Is(err, errTextTooLong) {
		return &FileError{Code: FileRecordTooLong, Line: line}
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		fe = damaged(err)
	}
	fe.Line = line
	return fe
}

// put sets the cell of column col (1-based), the cells before it empty until set.
func (p *parsed) put(col int, text string, kind cellKind) {
	for len(p.cells) < col {
		p.cells = append(p.cells, "")
	}
	p.cells[col-1] = text
	if kind == kindText && p.kinds == nil {
		return
	}
	for len(p.kinds) < col {
		p.kinds = append(p.kinds, kindText)
	}
	p.kinds[col-1] = kind
}

// cellColumn is the cell's column (1-based) from its reference (E5), or the column after the last
// cell's where it has none; 0 for a reference with no column. A reference past the columns a
// spreadsheet has comes out past them.
func cellColumn(ref []byte, last int) int {
	if len(ref) == 0 {
		return last + 1
	}
	col := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a') + 1
		default:
			return col
		}
		if col > maxRowCells+1 {
			return col // past every column: no need to read on, nor to overflow
		}
	}
	return col
}

// readCell reads the cell just started, up to its end: its text as the spreadsheet shows it, and
// what it holds. Its text takes from budget, what is left of the row's.
func (s *sheetRows) readCell(budget *int) (string, cellKind, error) {
	typ, style := cellType(s.dec.attr("t")), cellStyle(s.dec.attr("s"))
	var text string
	formula, saved := false, false
	for {
		tok, err := s.dec.next()
		if err != nil {
			return "", 0, unexpectedEOF(err)
		}
		switch {
		case tok == startTag && s.dec.name == "v":
			text, err = readText(s.dec, "v", true, *budget)
			saved = true
		case tok == startTag && s.dec.name == "f":
			formula = true
			err = skip(s.dec)
		case tok == startTag && s.dec.name == "is":
			text, err = readText(s.dec, "is", false, *budget)
		case tok == startTag: // a formula (<f>), whose value is <v>, or what a later application adds
			err = skip(s.dec)
		case tok == endTag && s.dec.name == "c" && formula && !saved:
			return "", kindUnsaved, nil // its value is unknown: never taken for an empty cell
		case tok == endTag && s.dec.name == "c":
			*budget -= len(text)
			return s.value(typ, style, text)
		}
		if err != nil {
			return "", 0, err
		}
	}
}

// cellType is a cell's t: "n" (a number) when it has none.
func cellType(t []byte) string {
	switch string(t) {
	case "", "n":
		return "n"
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	}
	return string(t)
}

// cellStyle is a cell's s: 0, the default, when it has none, or one that is not a number.
func cellStyle(s []byte) int {
	n, _ := strconv.Atoi(string(s))
	return n
}

// value is a cell's text as shown, from its type t, its style and the text of its XML.
func (s *sheetRows) value(t string, style int, text string) (string, cellKind, error) {
	switch t {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(text))
		v, ok := s.strings.at(i)
		if err != nil || !ok {
			return "", 0, damaged(fmt.Errorf("a cell refers to shared string %q, which the workbook does not have", text))
		}
		return v, kindText, nil
	case "str", "inlineStr":
		return unescapeXString(text), kindText, nil
	case "b":
		if text == "1" {
			return "TRUE", kindText, nil
		}
		return "FALSE", kindText, nil
	case "e":
		return text, kindError, nil
	case "d": // a date written as ISO 8601, which only a few applications write
		return text, kindDate, nil
	}
	if text == "" {
		return "", kindText, nil // a cell with a style and no value: empty
	}
	return s.formats.show(text, style)
}
