package importer

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// badFill is the fill of a cell at fault: Excel's own "Bad" red, light enough to read the value on.
const badFill = "FFC7CE"

// maxComments bounds the cells that get what is wrong as their comment: excelize takes time that
// grows with the square of a sheet's comments (10,000 take a second), and a workbook with more
// cells to fix than this has one mistake on every row, which the red cells and the error column
// still show.
const maxComments = 1000

// ErrorsXLSX writes the rows that were not imported as a workbook, for a merchant who sent one:
// the sheet the rows came from, each row as it was read under the merchant's header, with the
// error column; each cell at fault filled red, with what is wrong as its comment. Every value is
// a string cell, in a column formatted as text: a value that starts like a formula stays text, as
// it was (no ' is needed, nor added), and a number the merchant types in keeps its leading 0. The
// Reader ignores the error column, so the fixed workbook imports as it is. The sheet is streamed
// to the workbook as rows come; the workbook is written out by Flush.
type ErrorsXLSX struct {
	w         io.Writer
	file      *excelize.File
	sheet     *excelize.StreamWriter
	name      string
	lang      string
	layout    errorsLayout
	row       int // the row written last
	text, bad int // the styles of a cell, and of a cell at fault
	comments  int
}

// NewErrorsXLSX starts an errors workbook to write to w at Flush: sheet, with header, the input's
// header as the Reader returned it, and the error column; messages in lang. What does not fit in
// memory is kept in tmpDir until then.
func NewErrorsXLSX(w io.Writer, header []string, sheet, lang, tmpDir string) (*ErrorsXLSX, error) {
	e := &ErrorsXLSX{w: w, file: excelize.NewFile(excelize.Options{TmpDir: tmpDir}), name: excelSheetName(sheet), lang: lang, layout: newErrorsLayout(header)}
	if err := e.start(header); err != nil {
		e.Close()
		return nil, fmt.Errorf("making the errors workbook: %w", err)
	}
	return e, nil
}

// start makes the sheet: the columns formatted as text, the header row set apart and frozen.
func (e *ErrorsXLSX) start(header []string) error {
	if err := e.file.SetDocProps(&excelize.DocProperties{Creator: "storeimport"}); err != nil {
		return err
	}
	if err := e.file.SetSheetName(e.file.GetSheetName(0), e.name); err != nil {
		return err
	}
	var err error
	if e.text, err = e.file.NewStyle(&excelize.Style{NumFmt: textFormat}); err != nil {
		return err
	}
	if e.bad, err = e.file.NewStyle(&excelize.Style{NumFmt: textFormat, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{badFill}}}); err != nil {
		return err
	}
	heading, err := e.file.NewStyle(&headerStyle)
	if err != nil {
		return err
	}
	if e.sheet, err = e.file.NewStreamWriter(e.name); err != nil {
		return err
	}
	cells := append(e.layout.line(header), ErrorColumn)
	if err := e.sheet.SetColStyle(1, len(cells), e.text); err != nil {
		return err
	}
	if err := e.sheet.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	e.row = 1
	return e.setRow(cells, func(int) int { return heading })
}

// Write adds the row's cells, lined up under the header, the cells at fault red with what is
// wrong as their comment, and message; or, for a row with problems of its own, those problems
// named by this workbook's cells, not those of the input.
func (e *ErrorsXLSX) Write(row *Row, message string) error {
	e.row++
	cells := e.layout.line(e.layout.rowCells(row))
	notes := e.notes(row.Problems)
	if len(row.Problems) > 0 {
		message = e.render(row.Problems)
	}
	style := func(col int) int {
		if _, bad := notes[col]; bad {
			return e.bad
		}
		return e.text
	}
	if err := e.setRow(append(cells, message), style); err != nil {
		return fmt.Errorf("writing the errors workbook: %w", err)
	}
	return e.comment(notes)
}

// setRow writes cells as row e.row, each in its style.
func (e *ErrorsXLSX) setRow(cells []string, style func(col int) int) error {
	values := make([]any, len(cells))
	for i, c := range cells {
		values[i] = excelize.Cell{StyleID: style(i), Value: c}
	}
	return e.sheet.SetRow(cellName(0, e.row), values)
}

// notes are what is wrong, by the column of this workbook it is wrong in.
func (e *ErrorsXLSX) notes(problems []Problem) map[int][]string {
	notes := map[int][]string{}
	for _, p := range problems {
		if col, ok := e.column(p); ok {
			notes[col] = append(notes[col], p.Message(e.lang))
		}
	}
	return notes
}

// column is where the problem's cell is in this workbook; false for a problem of no one cell.
func (e *ErrorsXLSX) column(p Problem) (int, bool) {
	if p.Cell == "" {
		return 0, false
	}
	col, _, err := excelize.CellNameToCoordinates(p.Cell)
	if err != nil {
		return 0, false
	}
	return e.layout.column(col - 1)
}

// render says what is wrong with the row being written, naming its cells in this workbook.
func (e *ErrorsXLSX) render(problems []Problem) string {
	all := make([]string, len(problems))
	for i, p := range problems {
		if col, ok := e.column(p); ok {
			p.Cell = cellName(col, e.row)
		}
		all[i] = p.Render(e.lang)
	}
	return strings.Join(all, "; ")
}

// comment gives each cell at fault of the row being written its notes as a comment, up to
// maxComments in the workbook.
func (e *ErrorsXLSX) comment(notes map[int][]string) error {
	cols := make([]int, 0, len(notes))
	for col := range notes {
		cols = append(cols, col)
	}
	slices.Sort(cols)
	for _, col := range cols {
		if e.comments == maxComments {
			return nil
		}
		e.comments++
		note := excelize.Comment{Cell: cellName(col, e.row), Author: "storeimport", Text: strings.Join(notes[col], "\n")}
		if err := e.file.AddComment(e.name, note); err != nil {
			return fmt.Errorf("writing the errors workbook: %w", err)
		}
	}
	return nil
}

// Flush ends the sheet and writes the workbook; call it once the last row is written.
func (e *ErrorsXLSX) Flush() error {
	if err := e.sheet.Flush(); err != nil {
		return fmt.Errorf("writing the errors workbook: %w", err)
	}
	if _, err := e.file.WriteTo(e.w); err != nil {
		return fmt.Errorf("writing the errors workbook: %w", err)
	}
	return nil
}

// Close lets go of what the workbook kept in tmpDir, written or not.
func (e *ErrorsXLSX) Close() error { return e.file.Close() }

// excelSheetName is the sheet's name as Excel allows one: at most 31 characters, none of : \ / ? * [ ].
// A workbook a program wrote may use any name, and its errors workbook must still be written.
func excelSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	if runes := []rune(name); len(runes) > 31 {
		name = string(runes[:31])
	}
	if strings.Trim(name, "'") == "" {
		return "Sheet1"
	}
	return name
}
