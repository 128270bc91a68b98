package main

import (
	"encoding/csv"
	"errors"
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
