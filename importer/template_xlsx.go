package importer

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// textFormat is the number format "@" (Excel's 文字列, built-in format 49): a spreadsheet keeps
// what is typed in such a cell as text, so 09012345678 keeps its 0 and 1-15 stays 1-15.
const textFormat = 49

// The workbook template's sheets, in each language.
var (
	storesSheet       = message{"stores", "店舗一覧"}
	instructionsSheet = message{"instructions", "記入方法"}
)

// WriteTemplateXLSX writes the template as an Excel workbook, for merchants who fill it in a
// spreadsheet application: a number typed in a cell of the default format loses its leading 0
// (see checkPhone), so here every column is text. The first sheet has the header row, frozen,
// with each column's rule as the header cell's input message, the industry column as a drop-down
// of its values, widths that fit Japanese text, and with opts.Example the sample rows; the second
// sheet says what each column takes and what to send back. All of it comes from the column table.
func WriteTemplateXLSX(w io.Writer, opts TemplateOptions) error {
	if err := checkTemplateLang(opts.Lang); err != nil {
		return err
	}
	if opts.Encoding != "" {
		return fmt.Errorf("a workbook has no text encoding to choose (asked for %q): the encoding is for the CSV template", opts.Encoding)
	}
	f := excelize.NewFile()
	defer f.Close()
	// The file's properties name the tool, not the library that wrote the file.
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "storeimport", Title: msgInstructionsTitle.in(opts.Lang)}); err != nil {
		return fmt.Errorf("making the workbook template: %w", err)
	}
	if err := writeStoresSheet(f, opts); err != nil {
		return fmt.Errorf("making the workbook template's %s sheet: %w", storesSheet.in(opts.Lang), err)
	}
	if err := writeInstructionsSheet(f, opts); err != nil {
		return fmt.Errorf("making the workbook template's %s sheet: %w", instructionsSheet.in(opts.Lang), err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("writing the workbook template: %w", err)
	}
	return nil
}

// writeStoresSheet makes the workbook's first sheet, the one the merchant fills in.
func writeStoresSheet(f *excelize.File, opts TemplateOptions) error {
	sheet := storesSheet.in(opts.Lang)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	if err := formatColumnsAsText(f, sheet); err != nil {
		return err
	}
	for i, record := range templateRecords(opts) {
		if err := f.SetSheetRow(sheet, cellName(0, i+1), &record); err != nil {
			return err
		}
	}
	if err := styleHeaderRow(f, sheet); err != nil {
		return err
	}
	for i, c := range columns {
		if err := describeColumn(f, sheet, i, c, opts.Lang); err != nil {
			return fmt.Errorf("column %s: %w", c.Header(opts.Lang), err)
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}

// formatColumnsAsText gives the whole of every column the text format: a column's style is what a
// spreadsheet gives a cell typed into it, whichever row that is.
func formatColumnsAsText(f *excelize.File, sheet string) error {
	text, err := f.NewStyle(&excelize.Style{NumFmt: textFormat})
	if err != nil {
		return err
	}
	return f.SetColStyle(sheet, columnName(0)+":"+columnName(len(columns)-1), text)
}

// headerStyle sets a header row apart from the rows below it, in the template and in an errors
// workbook; it stays text like them.
var headerStyle = excelize.Style{
	NumFmt: textFormat,
	Font:   &excelize.Font{Bold: true},
	Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
}

// styleHeaderRow sets the header apart from the rows below it.
func styleHeaderRow(f *excelize.File, sheet string) error {
	header, err := f.NewStyle(&headerStyle)
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, cellName(0, 1), cellName(len(columns)-1, 1), header)
}

// describeColumn sizes column i of the stores sheet for its header and sample values, puts its
// rule in the header cell's input message (the note a spreadsheet shows while the cell is
// selected) and, for a choice, makes its cells a drop-down of the values allowed.
func describeColumn(f *excelize.File, sheet string, i int, c Column, lang string) error {
	col := columnName(i)
	if err := f.SetColWidth(sheet, col, col, columnWidth(c, lang)); err != nil {
		return err
	}
	rule := excelize.NewDataValidation(true)
	rule.Sqref = cellName(i, 1)
	rule.SetInput(c.Header(lang), c.Rule(lang))
	if err := f.AddDataValidation(sheet, rule); err != nil {
		return err
	}
	if c.OneOf == nil {
		return nil
	}
	list := excelize.NewDataValidation(true)
	list.Sqref = fmt.Sprintf("%s:%s", cellName(i, 2), cellName(i, excelize.TotalRows))
	if err := list.SetDropList(c.OneOf); err != nil {
		return err
	}
	list.SetError(excelize.DataValidationErrorStyleStop, c.Header(lang), c.Rule(lang))
	return f.AddDataValidation(sheet, list)
}

// columnWidth fits the column's header and sample values, in characters of the default font's
// width, a Japanese character taking two, with a little room to spare.
func columnWidth(c Column, lang string) float64 {
	widest := displayWidth(c.Header(lang))
	for _, e := range c.Examples {
		widest = max(widest, displayWidth(e))
	}
	return float64(max(widest+2, 10))
}

// displayWidth counts a character a Japanese font shows wide (kanji, kana, full-width forms,
// and the ambiguous ones such as ①) as two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			n += 2
		default:
			n++
		}
	}
	return n
}

// columnName is the letter of the 0-based column i; cellName the name of its cell in row (1-based).
func columnName(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1) // fails only past the last column, XFD
	return name
}

func cellName(i, row int) string {
	return fmt.Sprintf("%s%d", columnName(i), row)
}
