package importer

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// errorsWorkbookOf reads data and writes its rows with problems to an errors workbook, as a run
// does with the rows it does not import.
func errorsWorkbookOf(t *testing.T, data []byte, lang string) ([]*Row, []byte) {
	t.Helper()
	rows, r, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	e, err := NewErrorsXLSX(&buf, r.Header(), r.Sheet(), lang, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var bad []*Row
	for _, row := range rows {
		if len(row.Problems) > 0 {
			msg := make([]string, len(row.Problems))
			for i, p := range row.Problems {
				msg[i] = p.Render(lang)
			}
			if err := e.Write(row, strings.Join(msg, "; ")); err != nil {
				t.Fatal(err)
			}
			bad = append(bad, row)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	return bad, buf.Bytes()
}

// The errors workbook has the rows to fix under the merchant's header, with the error column;
// each cell at fault is filled red with what is wrong as its comment, and the error column names
// the cells of the errors workbook itself. Every value is a string cell, a formula's look-alike
// included. Fixed in a spreadsheet, it imports as it is: the error column is not read.
func TestErrorsWorkbookRoundTrip(t *testing.T) {
	data := workbookOf(t, testSheet{"店舗一覧", [][]any{
		{"店舗ID", "店舗名", "備考", "所在地", "業種", "電話番号", "error"},
		{"shibuya-01", "渋谷店", "", "東京都渋谷区道玄坂1-2-3", "restaurant", "03-1234-5678", "an old message"},
		{"Meguro 01", "=HYPERLINK(\"http://example.com\")", "+メモ", "東京都目黒区", "beauty", 9012345678},
		nil,
		{"ueno-01", "上野店", "", "", "fitness"},
	}})
	bad, out := errorsWorkbookOf(t, data, LangJA)
	if len(bad) != 2 {
		t.Fatalf("%d rows to fix, want 2", len(bad))
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{"店舗一覧"}) {
		t.Errorf("sheets %q, want the merchant's one", got)
	}
	grid, err := f.GetRows("店舗一覧")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"店舗ID", "店舗名", "備考", "所在地", "業種", "電話番号", "error"},
		{"Meguro 01", "=HYPERLINK(\"http://example.com\")", "+メモ", "東京都目黒区", "beauty", "9012345678"},
		{"ueno-01", "上野店", "", "", "fitness"},
	}
	for i, w := range want {
		if i >= len(grid) || len(grid[i]) < len(w) || !slices.Equal(grid[i][:len(w)], w) {
			t.Fatalf("row %d: %q, want %q first", i+1, grid, w)
		}
	}
	if msg := grid[1][6]; !strings.HasPrefix(msg, `店舗ID (A2): "Meguro 01" はIDとして使えません`) || !strings.Contains(msg, `; 電話番号 (F2): "9012345678" は先頭の0が欠けています`) {
		t.Errorf("error column %q, want the problems named by the errors workbook's cells", msg)
	}
	if msg := grid[2][6]; !strings.HasPrefix(msg, "所在地 (D3): 空欄です") {
		t.Errorf("error column %q", msg)
	}

	// The cells at fault, and only they, are red, with what is wrong as their comment.
	red := map[string]bool{}
	for _, cell := range []string{"A2", "B2", "C2", "F2", "A3", "D3", "F3"} {
		red[cell] = isRed(t, f, cell)
	}
	if !red["A2"] || !red["F2"] || !red["D3"] || red["B2"] || red["C2"] || red["A3"] || red["F3"] {
		t.Errorf("red cells %v, want A2, F2 and D3", red)
	}
	comments, err := f.GetComments("店舗一覧")
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]string{}
	for _, c := range comments {
		notes[c.Cell] = c.Text
		for _, p := range c.Paragraph {
			notes[c.Cell] += p.Text
		}
	}
	if len(notes) != 3 || !strings.HasPrefix(notes["A2"], `"Meguro 01" はIDとして使えません`) || !strings.HasPrefix(notes["F2"], `"9012345678" は先頭の0が欠けています`) || !strings.HasPrefix(notes["D3"], "空欄です") {
		t.Errorf("comments %q", notes)
	}

	// A value that starts like a formula is a string cell, not a formula, and has no ' before it.
	if formula, _ := f.GetCellFormula("店舗一覧", "B2"); formula != "" {
		t.Errorf("B2 is a formula: %q", formula)
	}
	if xml := sheetXML(t, out); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") || !strings.Contains(xml, `<is><t>=HYPERLINK(&#34;http://example.com&#34;)</t></is>`) {
		t.Errorf("the formula look-alike is not an inline string: %s", xml)
	}

	// The merchant fixes the cells in a spreadsheet and sends the workbook back: it imports as it
	// is, the error column ignored.
	for cell, v := range map[string]string{"A2": "meguro-01", "F2": "09012345678", "D3": "東京都台東区上野7-1-1"} {
		if err := f.SetCellStr("店舗一覧", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	fixed, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	rows, r, err := readWorkbook(t, fixed.Bytes(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[0].Problems)+len(rows[1].Problems) != 0 {
		t.Fatalf("the fixed workbook: %+v", rows)
	}
	if rows[0].Store != (Store{"meguro-01", "=HYPERLINK(\"http://example.com\")", "東京都目黒区", "beauty", "09012345678"}) {
		t.Errorf("got %+v", rows[0].Store)
	}
	if got := r.Header(); !slices.Equal(got, want[0]) {
		t.Errorf("header %q, want one error column, as before", got)
	}

	// Its own errors workbook has one error column, not two.
	_, again := errorsWorkbookOf(t, out, LangEN)
	g, err := excelize.OpenReader(bytes.NewReader(again))
	if err != nil {
		t.Fatal(err)
	}
	header, _ := g.GetRows("店舗一覧")
	if !slices.Equal(header[0], want[0]) {
		t.Errorf("header %q, want %q", header[0], want[0])
	}
}

// Every column of the errors workbook is text, so that a number typed into it keeps its leading
// 0, as in the workbook template.
func TestErrorsWorkbookColumnsAreText(t *testing.T) {
	data := workbookOf(t, testSheet{"S", [][]any{jaColumns, {"a-01", "店", "東京都", "other", 312345678}}})
	_, out := errorsWorkbookOf(t, data, LangEN)
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"A", "E", "F"} {
		id, err := f.GetColStyle("S", col)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil || style.NumFmt != textFormat {
			t.Errorf("column %s has number format %d, want text (%d): %v", col, style.NumFmt, textFormat, err)
		}
	}
}

func isRed(t *testing.T, f *excelize.File, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle("店舗一覧", cell)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return style.NumFmt == textFormat && slices.Contains(style.Fill.Color, badFill)
}

// sheetXML is the first sheet's XML of a workbook.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("no xl/worksheets/sheet1.xml")
	return ""
}

// A sheet name Excel would not allow, as a program may write, becomes one it allows, so that the
// errors workbook can still be written.
func TestExcelSheetName(t *testing.T) {
	for name, want := range map[string]string{
		"店舗一覧":     "店舗一覧",
		"a/b[c]:d": "a_b_c__d",
		"店舗一覧・2026年11月分・東京大阪名古屋福岡札幌仙台広島那覇": "店舗一覧・2026年11月分・東京大阪名古屋福岡札幌仙台広島那",
		"''": "Sheet1",
	} {
		got := excelSheetName(name)
		if got != want {
			t.Errorf("excelSheetName(%q) = %q, want %q", name, got, want)
		}
		if _, err := excelize.NewFile().NewSheet(got); err != nil {
			t.Errorf("excelize refuses %q: %v", got, err)
		}
	}
}
