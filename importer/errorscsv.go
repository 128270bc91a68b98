package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// ErrorColumn is the column the errors CSV adds. The Reader ignores it, so that the merchant can
// fix the rows of an errors CSV and import that file as it is.
const ErrorColumn = "error"

// ErrorsCSV writes the rows that were not imported, as the merchant wrote them, with what is
// wrong in an added error column: a file to fix and import again.
type ErrorsCSV struct {
	csv      *csv.Writer
	encoding string
	layout   errorsLayout
}

// errorsLayout lines the cells of an errors file's rows up under its header: the input's header,
// less an earlier errors file's error column (whose messages are replaced, not repeated), and the
// error column last.
type errorsLayout struct {
	drop  []int // header cells of an earlier run's error column
	width int   // header cells written before the error column
	input int   // header cells of the input
}

func newErrorsLayout(header []string) errorsLayout {
	l := errorsLayout{input: len(header)}
	for i, h := range header {
		if headerKey(h) == ErrorColumn {
			l.drop = append(l.drop, i)
		}
	}
	l.width = len(header) - len(l.drop)
	return l
}

// rowCells are a row's cells as read, less the empty ones past the header, which Excel's
// trailing commas make and which would push the message off its column.
func (l errorsLayout) rowCells(row *Row) []string {
	cells := row.Raw
	for len(cells) > l.input && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// line is cells as written before the error column: less those of the dropped column, and padded
// to the header's width.
func (l errorsLayout) line(cells []string) []string {
	out := make([]string, 0, max(len(cells), l.width)+1)
	for i, c := range cells {
		if !slices.Contains(l.drop, i) {
			out = append(out, c)
		}
	}
	for len(out) < l.width {
		out = append(out, "")
	}
	return out
}

// column is where the input's cell i is written; false for a cell of the dropped column.
func (l errorsLayout) column(i int) (int, bool) {
	dropped := 0
	for _, d := range l.drop {
		switch {
		case d == i:
			return 0, false
		case d < i:
			dropped++
		}
	}
	return i - dropped, true
}

// NewErrorsCSV writes header, the input file's header as the Reader returned it, followed by
// the error column, in encoding (EncodingUTF8 or EncodingSJIS), as the input was.
func NewErrorsCSV(w io.Writer, header []string, encoding string) (*ErrorsCSV, error) {
	cw, err := newCSVWriter(w, encoding)
	if err != nil {
		return nil, err
	}
	e := &ErrorsCSV{csv: cw, encoding: encoding, layout: newErrorsLayout(header)}
	if err := e.write(header, ErrorColumn); err != nil {
		return nil, err
	}
	return e, nil
}

// Write adds the row's cells, lined up under the header, and message.
func (e *ErrorsCSV) Write(row *Row, message string) error {
	return e.write(e.layout.rowCells(row), message)
}

// Flush writes what is buffered; call it once the last row is written.
func (e *ErrorsCSV) Flush() error {
	e.csv.Flush()
	if err := e.csv.Error(); err != nil {
		return fmt.Errorf("writing the errors CSV: %w", err)
	}
	return nil
}

func (e *ErrorsCSV) write(cells []string, message string) error {
	out := e.layout.line(cells)
	for i, c := range out {
		out[i] = e.cell(c)
	}
	if err := e.csv.Write(append(out, e.cell(message))); err != nil {
		return fmt.Errorf("writing the errors CSV: %w", err)
	}
	return nil
}

// cell makes a value safe to write: line breaks the CRLF writer keeps, no formula Excel would
// run, and nothing Shift_JIS cannot encode (a message may quote anything, and a bad byte of the
// input was read as U+FFFD).
func (e *ErrorsCSV) cell(s string) string {
	s = EscapeFormula(oneLineBreak(s))
	if e.encoding != EncodingSJIS {
		return s
	}
	enc := japanese.ShiftJIS.NewEncoder()
	if _, err := enc.String(s); err == nil {
		return s
	}
	return strings.Map(func(r rune) rune {
		if _, err := enc.String(string(r)); err != nil {
			return '?'
		}
		return r
	}, s)
}

// newCSVWriter writes CSV the way Excel opens it without asking: CRLF line ends, and UTF-8 with
// a BOM, or Shift_JIS.
func newCSVWriter(w io.Writer, encoding string) (*csv.Writer, error) {
	switch encoding {
	case EncodingUTF8, "":
		if _, err := w.Write(utf8BOM); err != nil {
			return nil, fmt.Errorf("writing the CSV: %w", err)
		}
	case EncodingSJIS:
		// Shift_JIS is stateless, so the encoder holds nothing back once a whole record is written.
		w = transform.NewWriter(w, japanese.ShiftJIS.NewEncoder())
	default:
		return nil, fmt.Errorf("unknown encoding %q: use %s or %s", encoding, EncodingUTF8, EncodingSJIS)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw, nil
}
