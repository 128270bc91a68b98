package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

// cmdXLSX writes a workbook as a merchant's spreadsheet holds it, with a sheet of each CSV file
// given, in order, each record at the row of the CSV line it starts on (so a blank line is a blank
// row). A cell is a string cell, as typed in a cell formatted as text, but "#number N" is a number
// cell, as a spreadsheet makes of digits typed in a cell of the default format, and
// "#date YYYY-MM-DD" a date cell.
//
//	xlsx OUT SHEET=CSV...
func cmdXLSX(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: xlsx OUT SHEET=CSV...")
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, arg := range args[1:] {
		sheet, path, ok := strings.Cut(arg, "=")
		if !ok {
			ts.Fatalf("xlsx: %q is not SHEET=CSV", arg)
		}
		if i == 0 {
			ts.Check(f.SetSheetName(f.GetSheetName(0), sheet))
		} else if _, err := f.NewSheet(sheet); err != nil {
			ts.Fatalf("xlsx: %v", err)
		}
		writeSheet(ts, f, sheet, path)
	}
	ts.Check(f.SaveAs(ts.MkAbs(args[0])))
}

func writeSheet(ts *testscript.TestScript, f *excelize.File, sheet, path string) {
	in, err := os.Open(ts.MkAbs(path))
	ts.Check(err)
	defer in.Close()
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		ts.Check(err)
		line, _ := r.FieldPos(0)
		for col, v := range record {
			cell, err := excelize.CoordinatesToCellName(col+1, line)
			ts.Check(err)
			setScriptCell(ts, f, sheet, cell, v)
		}
	}
}

func setScriptCell(ts *testscript.TestScript, f *excelize.File, sheet, cell, v string) {
	switch {
	case v == "":
	case strings.HasPrefix(v, "#number "):
		n, err := strconv.ParseFloat(strings.TrimPrefix(v, "#number "), 64)
		ts.Check(err)
		ts.Check(f.SetCellValue(sheet, cell, n))
	case strings.HasPrefix(v, "#date "):
		d, err := time.Parse(time.DateOnly, strings.TrimPrefix(v, "#date "))
		ts.Check(err)
		ts.Check(f.SetCellValue(sheet, cell, d))
	default:
		ts.Check(f.SetCellStr(sheet, cell, v))
	}
}

// cmdXLSXDump writes what a merchant sees of a workbook, to compare or grep: each sheet's name,
// its rows as CSV (each cell's text as shown), then, cell by cell, each fill, comment and formula,
// and each value that is not a string.
//
//	xlsxdump IN OUT
func cmdXLSXDump(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: xlsxdump IN OUT")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&out, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		ts.Check(err)
		w := csv.NewWriter(&out)
		ts.Check(w.WriteAll(rows))
		comments, err := f.GetComments(sheet)
		ts.Check(err)
		notes := map[string]string{}
		for _, c := range comments {
			notes[c.Cell] = c.Text
		}
		for r, row := range rows {
			for c := range row {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				ts.Check(err)
				out.WriteString(describeCell(ts, f, sheet, cell, notes[cell]))
			}
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out.String()), 0o644))
}

// describeCell says what a cell has besides its text, a line each: its fill, its comment, its
// formula, and its type when it is not a string.
func describeCell(ts *testscript.TestScript, f *excelize.File, sheet, cell, note string) string {
	var lines []string
	id, err := f.GetCellStyle(sheet, cell)
	ts.Check(err)
	style, err := f.GetStyle(id)
	ts.Check(err)
	if len(style.Fill.Color) > 0 {
		lines = append(lines, fmt.Sprintf("%s fill %s", cell, strings.Join(style.Fill.Color, " ")))
	}
	if note != "" {
		lines = append(lines, fmt.Sprintf("%s comment %q", cell, note))
	}
	if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
		lines = append(lines, fmt.Sprintf("%s formula %q", cell, formula))
	}
	switch typ, _ := f.GetCellType(sheet, cell); typ {
	case excelize.CellTypeInlineString, excelize.CellTypeSharedString:
	default:
		lines = append(lines, fmt.Sprintf("%s type %d", cell, typ))
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// cmdXLSXSet types value into a cell of a workbook's first sheet, as a merchant fixing it does.
//
//	xlsxset FILE CELL VALUE
func cmdXLSXSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: xlsxset FILE CELL VALUE")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	ts.Check(f.SetCellStr(f.GetSheetName(0), args[1], args[2]))
	ts.Check(f.Save())
}
